// A set of settings (a stack's config, or a program's args) -> KopsIamCluster's args with every
// default applied, by the tables of ./table.ts and the rules of ../core/. Every problem is collected
// before anything is registered, so one `pulumi up` shows them all, in one ConfigError. The readers:
// simpleValues.ts, identities.ts and identityChecks.ts, bindingsAndTags.ts; problemList.ts collects.
import { isRegion, regionAccepted, secretLookalike } from "../core/rules";
import { invalid, required, unknownKey } from "../core/problems";
import { didYouMean } from "../core/suggestions";
import { ClusterTopology, HookRunner, TokenCommand } from "../core/types";
import { RoleMapping, UserMapping } from "../core/mappings";
import { ResolvedKopsIamClusterArgs } from "./args";
import { parseClusterRoleBindings, parseTags } from "./bindingsAndTags";
import { parseAccessRoles, parseMapAccounts, parseMappings } from "./identities";
import { checkIdentitiesTogether } from "./identityChecks";
import { ConfigError, credentialProblem, ProblemList, secretLookingStrings } from "./problemList";
import { checkSimpleValuesTogether, parseJson, parseSimple, SimpleValues } from "./simpleValues";
import { configNamespace, SimpleSettingKey, simpleSettings, structuredSettings, ValidationContext } from "./table";

/** How parseStackSettings reads a set of settings. */
export interface ParseOptions {
    /** aws:profile (a program's awsProfile). */
    awsProfile?: string;
    /** The config namespace keys are named with in problems; "" for a program's args (bare argument names). */
    namespace?: string;
    /**
     * Settings whose values are not known yet (a program's Outputs): neither checked nor required now,
     * and left undefined in the result; they are checked when they resolve (settings/programArgs.ts).
     */
    deferred?: ReadonlySet<string>;
    /** Settings whose values are Pulumi secrets: problems name them without showing their values. */
    secretKeys?: ReadonlySet<string>;
}

/** aws:region and aws:profile (a program's region and awsProfile args). */
function checkRegionAndProfile(region: string | undefined, awsProfile: string | undefined, problems: ProblemList): void {
    // A stack sets them as aws:region and aws:profile; a program passes them as args (no namespace).
    const [regionKey, profileKey] = problems.forArgs ? ["region", "awsProfile"] : ["aws:region", "aws:profile"];
    if (region === undefined || region === "") {
        problems.addQualified(
            required(
                regionKey,
                "the AWS region of the cluster, like eu-west-1",
                (problems.forArgs ? "pass region, or set the stack's aws:region: " : "set it with: ") +
                    "pulumi config set aws:region <region>",
            ),
        );
    } else if (!isRegion(region)) {
        problems.addQualified(invalid(regionKey, region, regionAccepted));
    }
    const profileLooksLike = awsProfile === undefined ? undefined : secretLookalike(awsProfile);
    if (profileLooksLike !== undefined) {
        problems.addQualified(credentialProblem(profileKey, awsProfile!, profileLooksLike));
    } else if (awsProfile !== undefined && awsProfile !== "" && !/^\S+$/.test(awsProfile)) {
        problems.addQualified(invalid(profileKey, awsProfile, "an AWS profile name without whitespace"));
    }
}

/**
 * Applies defaults to the raw stack config and validates all of it, returning KopsIamCluster's args
 * with every setting given (an empty sshPublicKey, adminCredentialTtl or kubeconfigAwsProfile means
 * none). `raw` maps config keys (without the namespace) to config strings or YAML values; structured
 * keys may also be JSON strings. Throws one ConfigError listing every problem.
 */
export function parseStackSettings(
    raw: Record<string, unknown>,
    region: string | undefined,
    options: ParseOptions = {},
): ResolvedKopsIamClusterArgs {
    const deferred = options.deferred ?? new Set<string>();
    const problems = new ProblemList(options.namespace ?? configNamespace, options.secretKeys);
    const knownKeys = new Set<string>([...Object.keys(simpleSettings), ...Object.keys(structuredSettings)]);
    // A program passes aws:region and aws:profile as args too: a misspelling of them is suggested.
    const suggested = problems.forArgs ? [...knownKeys, "region", "awsProfile"] : knownKeys;
    for (const key of Object.keys(raw)) {
        if (!knownKeys.has(key)) {
            problems.add(
                unknownKey(
                    key,
                    raw[key],
                    problems.forArgs
                        ? "an argument of KopsIamClusterArgs (see the configuration reference, docs/configuration.md)"
                        : "a setting of the configuration reference, docs/configuration.md",
                    didYouMean(key, suggested),
                ),
            );
        }
    }
    checkRegionAndProfile(region, options.awsProfile, problems);
    const context: ValidationContext = { region: isRegion(region) ? region : undefined };

    const values = {} as SimpleValues;
    for (const key of Object.keys(simpleSettings) as SimpleSettingKey[]) {
        if (!deferred.has(key)) {
            (values as Record<string, unknown>)[key] = parseSimple(key, raw[key], context, problems);
        }
    }
    checkSimpleValuesTogether(values, problems);

    const accessRoles = parseAccessRoles(raw.accessRoles, context.region, problems);
    // A deferred setting is left undefined, as a bad one is: the checks across settings skip it.
    const mapRoles = deferred.has("mapRoles")
        ? undefined
        : parseMappings<RoleMapping>("mapRoles", "roleArn", raw.mapRoles, context.region, problems);
    const mapUsers = deferred.has("mapUsers")
        ? undefined
        : parseMappings<UserMapping>("mapUsers", "userArn", raw.mapUsers, context.region, problems);
    const mapAccounts = deferred.has("mapAccounts") ? undefined : parseMapAccounts(raw.mapAccounts, problems);
    checkIdentitiesTogether({ accessRoles, mapRoles, mapUsers, mapAccounts }, values, problems);
    const grantedGroups =
        accessRoles && mapRoles && mapUsers
            ? new Set([...accessRoles, ...mapRoles, ...mapUsers].flatMap((mapping) => mapping.groups))
            : undefined;
    const clusterRoleBindings = parseClusterRoleBindings(raw.clusterRoleBindings, grantedGroups, problems);
    const tags = deferred.has("tags") ? undefined : parseTags(raw.tags, problems);

    // Last, so that a credential pasted into a setting is said to be one, in place of what the setting's rules said.
    for (const key of Object.keys(raw)) {
        if (knownKeys.has(key) && !deferred.has(key) && !options.secretKeys?.has(key)) {
            // Structured settings from `pulumi config` are JSON text: the path names the entry inside.
            const value = typeof raw[key] === "string" && key in structuredSettings ? parseJson(raw[key]) : raw[key];
            for (const [path, text, looksLike] of secretLookingStrings(key, value)) {
                problems.refuseCredential(path, text, looksLike);
            }
        }
    }

    if (problems.count > 0) {
        throw new ConfigError(problems.problems);
    }
    return {
        ...values,
        region: region!,
        ...(options.awsProfile ? { awsProfile: options.awsProfile } : {}),
        zones: values.zones.length > 0 ? values.zones : [`${region}a`],
        kubernetesVersion: values.kubernetesVersion.replace(/^v/, ""),
        topology: values.topology as ClusterTopology,
        hookRunner: values.hookRunner as HookRunner,
        kubeconfigTokenCommand: values.kubeconfigTokenCommand as TokenCommand,
        accessRoles: accessRoles!,
        mapRoles: mapRoles!,
        mapUsers: mapUsers!,
        mapAccounts: mapAccounts!,
        clusterRoleBindings: clusterRoleBindings!,
        tags: tags!,
    };
}
