// The two files of aws-iam-authenticator's ConfigMap. config.yaml is what the server reads once, at
// start (AIA root.go getConfig): `clusterID` and the DynamicFile backend pointed at mappings.json.
// mappings.json holds the identity mappings; the DynamicFile backend (pkg/mapper/dynamicfile,
// pkg/fileutil) watches it with fsnotify and reloads it about a second after kubelet swaps in a new
// ConfigMap version, so a mapping change needs no restart (see configChecksum). Its caveats, from
// the source: a missing file clears every mapping (hence one always-present key of the mounted
// ConfigMap); a malformed one is refused and the old mappings stay; the backend mode itself is read
// at start only, and DynamicFile must be the only mode (a MountedFile listed first would answer first).
//
// IAM paths. The server matches a mapping against the caller's canonical ARN (pkg/arn Canonicalize):
// an assumed-role session `sts::<acct>:assumed-role/<name>/<session>` becomes `iam::<acct>:role/<name>`,
// without the role's IAM path, because STS does not put the path in the session ARN. A rolearn that
// keeps its path (`role/team/Admin`) therefore never matches. We STRIP role paths, with a warning:
// role names are unique within an account whatever their path, so `role/Admin` names the same role,
// and it is what upstream's own arn.StripPath does (applied by the DynamicFile backend only). User
// ARNs keep their paths: an IAM user's caller ARN is its full ARN, path included, and the server
// compares it unchanged (StripPath leaves user ARNs alone too).
import { createHash } from "crypto";
import * as YAML from "yaml";
import { accountIdPattern, awsPartitions, iamName, roleArnPattern, userArnPattern } from "../core/rules";
import { invalid, Problem, refuse, throwProblems } from "../core/problems";
import {
    duplicateIdentityProblem,
    findDuplicateIdentities,
    iamArnParts,
    IamArnParts,
    IdentityEntry,
    roleArnWithoutPath,
} from "../core/identityRules";
import { IdentityMappings, RoleMapping, UserMapping } from "../core/mappings";

/** Where the ConfigMap is mounted in the container (whole: kubelet updates only whole-volume mounts). */
export const authenticatorConfigDir = "/etc/aws-iam-authenticator/";
/** The ConfigMap key the server reads at start (`--config`). */
export const authenticatorConfigKey = "config.yaml";
/** The ConfigMap key the DynamicFile backend watches (`server.dynamicfilepath`). */
export const authenticatorMappingsKey = "mappings.json";
/**
 * mappings.json's `LastUpdatedDateTime`. The server only subtracts it from the time of each reload
 * for a latency metric and log field, and logs an error on every reload when it is missing or in
 * the future. A real time would change the ConfigMap on every `pulumi up`; the epoch keeps the
 * rendering deterministic, at the price of a meaningless latency figure (mappings.json's `Version`
 * says which mappings a server loaded).
 */
export const mappingsLastUpdated = "0";

export interface RenderedAuthenticatorConfig {
    /** config.yaml: clusterID and the DynamicFile backend; no mappings. */
    configYaml: string;
    /** mappings.json: the canonical mappings, as the DynamicFile backend reads them. */
    mappingsJson: string;
    /** One line per role ARN whose IAM path was stripped; surface them to the user. */
    warnings: string[];
}

/** Parses `arn:<partition>:iam::<account>:<kind>/[<path>/]<name>` (identityRules' shape), or returns a reason it is not one. */
function parseIamArn(arn: string, kind: "role" | "user"): IamArnParts | string {
    const parts = iamArnParts(arn);
    if (!parts) {
        return `it is not an IAM ${kind} ARN`;
    }
    if (!awsPartitions.includes(parts.partition)) {
        return `partition ${JSON.stringify(parts.partition)} is not one of ${awsPartitions.join(", ")}`;
    }
    if (!accountIdPattern.test(parts.account)) {
        return `account ${JSON.stringify(parts.account)} is not 12 digits`;
    }
    if (parts.kind !== kind) {
        return `the resource must start with ${kind}/`;
    }
    if (!iamName.test(parts.name)) {
        return `${kind} name ${JSON.stringify(parts.name)} must be 1-64 letters, digits or +=,.@_-`;
    }
    // The reasons above name the usual mistakes; the rule itself is the stack config's pattern.
    if (!(kind === "role" ? roleArnPattern : userArnPattern).test(arn)) {
        return "its IAM path has an empty segment or a character outside printable ASCII";
    }
    return parts;
}

function isNonEmptyString(value: unknown): value is string {
    return typeof value === "string" && value.trim() !== "";
}

/** Problems with one mapping's username and groups. */
function usernameAndGroupProblems(setting: string, mapping: { username: unknown; groups: unknown }): Problem[] {
    const problems: Problem[] = [];
    if (!isNonEmptyString(mapping.username)) {
        problems.push(
            invalid(
                `${setting}.username`,
                mapping.username,
                "a non-empty string (a Kubernetes username, templates such as {{SessionName}} allowed)",
            ),
        );
    }
    if (!Array.isArray(mapping.groups) || !mapping.groups.every(isNonEmptyString)) {
        problems.push(invalid(`${setting}.groups`, mapping.groups, "a list of non-empty group names (an empty list is allowed)"));
    }
    return problems;
}

/**
 * The warning for a mapped role ARN with an IAM path, which mappings.json maps without it. `setting` names
 * the entry as its owner wrote it (`mapRoles[0]`); `secret`: the ARN is a Pulumi secret and is not shown.
 */
export function rolePathWarning(setting: string, roleArn: string, secret = false): string {
    return (
        `${setting}.roleArn ${secret ? "(a secret)" : roleArn} has an IAM path; mappings.json maps ` +
        `${secret ? "it without the path" : roleArnWithoutPath(roleArn)}, ` +
        "because the authenticator matches role sessions by role name only (their ARN has no path)"
    );
}

/**
 * Validates the mappings and returns them as the server needs them (role ARNs without IAM path),
 * with a warning per stripped path. Every problem is reported at once, in one ProblemsError.
 */
export function canonicalizeIdentityMappings(mappings: IdentityMappings): { mappings: IdentityMappings; warnings: string[] } {
    const problems: Problem[] = [];
    const warnings: string[] = [];
    // The server keys its maps by lowercased ARN (pkg/mapper/dynamicfile saveMap): a second entry for the same
    // identity would silently replace the first, so duplicates are refused here instead, by the
    // rule the stack config uses too (identityRules.ts).
    const identities: IdentityEntry[] = [];

    const mapRoles: RoleMapping[] = (mappings.mapRoles ?? []).map((mapping, i) => {
        const setting = `mapRoles[${i}]`;
        problems.push(...usernameAndGroupProblems(setting, mapping));
        const parsed = parseIamArn(String(mapping.roleArn), "role");
        if (typeof parsed === "string") {
            problems.push(
                invalid(`${setting}.roleArn`, mapping.roleArn, "arn:<partition>:iam::<12-digit account>:role/<name>", parsed),
            );
            return mapping;
        }
        const roleArn = roleArnWithoutPath(mapping.roleArn);
        if (parsed.path.length > 0) {
            warnings.push(rolePathWarning(setting, mapping.roleArn));
        }
        identities.push({ label: `${setting}.roleArn`, kind: "role", value: mapping.roleArn });
        return { roleArn, username: mapping.username, groups: mapping.groups };
    });

    const mapUsers: UserMapping[] = (mappings.mapUsers ?? []).map((mapping, i) => {
        const setting = `mapUsers[${i}]`;
        problems.push(...usernameAndGroupProblems(setting, mapping));
        const parsed = parseIamArn(String(mapping.userArn), "user");
        if (typeof parsed === "string") {
            problems.push(
                invalid(
                    `${setting}.userArn`,
                    mapping.userArn,
                    "arn:<partition>:iam::<12-digit account>:user/[<path>/]<name>",
                    parsed,
                ),
            );
        } else {
            identities.push({ label: `${setting}.userArn`, kind: "user", value: mapping.userArn });
        }
        return { userArn: mapping.userArn, username: mapping.username, groups: mapping.groups };
    });

    const mapAccounts = (mappings.mapAccounts ?? []).map((account, i) => {
        const setting = `mapAccounts[${i}]`;
        if (typeof account !== "string" || !accountIdPattern.test(account)) {
            problems.push(
                invalid(
                    setting,
                    account,
                    "a 12-digit AWS account ID as a string (quoted in YAML, so that leading zeros survive)",
                ),
            );
        } else {
            identities.push({ label: setting, kind: "account", value: account });
        }
        return account;
    });

    for (const duplicate of findDuplicateIdentities(identities)) {
        problems.push(duplicateIdentityProblem(duplicate));
    }
    // The values may come from a stack's config: one that looks like a pasted secret is not echoed (formatProblem).
    throwProblems("aws-iam-authenticator identity mappings", problems);
    return { mappings: { mapRoles, mapUsers, mapAccounts }, warnings };
}

/** config.yaml for cluster `clusterId`: the settings the server reads once, at start. */
function renderConfigYaml(clusterId: string): string {
    return YAML.stringify(
        {
            clusterID: clusterId,
            server: {
                backendMode: ["DynamicFile"],
                dynamicfilepath: `${authenticatorConfigDir}${authenticatorMappingsKey}`,
            },
        },
        { lineWidth: 0 },
    );
}

/**
 * mappings.json. Keys are the server's JSON tags (`rolearn`, `userarn`, `mapRoles`, ...); every list
 * is present even when empty. `Version` is a digest of the mappings: the server logs it with each
 * reload ("logging latency metric"), which tells which mappings a pod runs with.
 */
function renderMappingsJson(mappings: IdentityMappings): string {
    const lists = {
        mapRoles: mappings.mapRoles.map((m) => ({ rolearn: m.roleArn, username: m.username, groups: m.groups })),
        mapUsers: mappings.mapUsers.map((m) => ({ userarn: m.userArn, username: m.username, groups: m.groups })),
        mapAccounts: mappings.mapAccounts,
    };
    const version = createHash("sha256").update(JSON.stringify(lists), "utf8").digest("hex").slice(0, 16);
    return `${JSON.stringify({ ...lists, Version: version, LastUpdatedDateTime: mappingsLastUpdated }, null, 2)}\n`;
}

/**
 * Renders the ConfigMap's files for cluster `clusterId` (the value every token is signed for:
 * `token -i`, `aws eks get-token --cluster-name`): config.yaml, which names no mapping, and
 * mappings.json with the canonical mappings. Account IDs are JSON strings, so leading zeros survive.
 */
export function renderAuthenticatorConfig(clusterId: string, mappings: IdentityMappings): RenderedAuthenticatorConfig {
    if (!isNonEmptyString(clusterId) || /\s/.test(clusterId)) {
        refuse(
            "aws-iam-authenticator config.yaml",
            invalid("clusterID", clusterId, "a non-empty string without whitespace (usually the kOps cluster name)"),
        );
    }
    const canonical = canonicalizeIdentityMappings(mappings);
    return {
        configYaml: renderConfigYaml(clusterId),
        mappingsJson: renderMappingsJson(canonical.mappings),
        warnings: canonical.warnings,
    };
}

/** Reads the two files back (the inverse of renderAuthenticatorConfig, for tests and audits). */
export function parseAuthenticatorConfig(files: { configYaml: string; mappingsJson: string }): {
    clusterId: string;
    mappings: IdentityMappings;
} {
    const parsed = YAML.parse(files.configYaml);
    if (typeof parsed !== "object" || parsed === null || typeof parsed.clusterID !== "string") {
        throw new Error("aws-iam-authenticator config.yaml has no clusterID string at the top level");
    }
    const lists = JSON.parse(files.mappingsJson);
    return {
        clusterId: parsed.clusterID,
        mappings: {
            mapRoles: (lists.mapRoles ?? []).map((m: any): RoleMapping => ({
                roleArn: m.rolearn,
                username: m.username,
                groups: m.groups ?? [],
            })),
            mapUsers: (lists.mapUsers ?? []).map((m: any): UserMapping => ({
                userArn: m.userarn,
                username: m.username,
                groups: m.groups ?? [],
            })),
            mapAccounts: lists.mapAccounts ?? [],
        },
    };
}
