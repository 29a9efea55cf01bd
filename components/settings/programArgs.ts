// A program's KopsIamClusterArgs, checked by the stack config's rules (parseStackSettings): the plain
// values at once, before anything is registered; each value that is an Output (or a Promise) by the
// same rules when it resolves, so that a bad one fails the preview or update with the same message,
// not half-way through a command. An Output still unknown at preview is checked by the update.
import * as pulumi from "@pulumi/pulumi";
import { mapsNoIdentity, noIdentityWarning, noRightsWarning } from "../authenticator/signInReach";
import { AccessRole, RoleMapping, UserMapping } from "../core/mappings";
import { KopsIamClusterArgs, ResolvedKopsIamClusterArgs } from "./args";
import { forbidden, Problem } from "../core/problems";
import { parseStackSettings } from "./parse";
import { ConfigError } from "./problemList";

/** The arguments that may be Outputs (KopsIamClusterArgs says why the others are plain). */
const inputKeys = ["stateBucketName", "sshPublicKey", "mapRoles", "mapUsers", "mapAccounts", "tags"] as const;
type InputKey = (typeof inputKeys)[number];

/**
 * Who may sign in is decided by the three mapping settings together (an identity mapped twice, nobody
 * mapped, a binding for a group nobody gets), so those that are Outputs are checked together.
 */
const mappingKeys: readonly InputKey[] = ["mapRoles", "mapUsers", "mapAccounts"];

/** An access role as the component creates it: who may assume it may still be an Output. */
export type CheckedAccessRole = Omit<AccessRole, "trustedPrincipals"> & {
    trustedPrincipals?: pulumi.Input<string[] | undefined>;
};

/**
 * KopsIamCluster's settings, checked, with every default applied: plain where the args were plain,
 * Outputs that fail with the args' problems where they were Outputs. An empty sshPublicKey,
 * adminCredentialTtl or kubeconfigAwsProfile is undefined here: unset.
 */
export interface KopsIamClusterSettings extends Omit<
    ResolvedKopsIamClusterArgs,
    InputKey | "accessRoles" | "adminCredentialTtl" | "kubeconfigAwsProfile"
> {
    stateBucketName: pulumi.Input<string>;
    sshPublicKey: pulumi.Input<string | undefined>;
    mapRoles: pulumi.Input<RoleMapping[]>;
    mapUsers: pulumi.Input<UserMapping[]>;
    mapAccounts: pulumi.Input<string[]>;
    tags: pulumi.Input<Record<string, string>>;
    accessRoles: CheckedAccessRole[];
    adminCredentialTtl: string | undefined;
    kubeconfigAwsProfile: string | undefined;
    /**
     * The warning about who signs in (nobody, or nobody with rights), once the mappings are known;
     * none while a mapping that is a secret Output would show in it.
     */
    signInWarning: pulumi.Input<string | undefined>;
}

/** "" means unset for the settings whose default is none. */
function unsetWhenEmpty(value: string): string | undefined {
    return value === "" ? undefined : value;
}

/** Whether a value is or holds an Output or a Promise: known only once it resolves. */
function holdsOutputs(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        return true;
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).some(holdsOutputs);
    }
    return false;
}

/** Which of `keys` hold a secret Output (an Output itself not secret: it says only which). */
function secretKeysAmong(given: Record<string, unknown>, keys: readonly string[]): pulumi.Output<string[]> {
    return pulumi.output(
        Promise.all(keys.map((key) => pulumi.isSecret(pulumi.output(given[key])))).then((secret) =>
            keys.filter((_, index) => secret[index]),
        ),
    );
}

/** The warning about who signs in, of fully resolved settings. */
function signInWarningOf(settings: ResolvedKopsIamClusterArgs): string | undefined {
    return settings.allowNoIamSignIn && mapsNoIdentity(settings) ? noIdentityWarning : noRightsWarning(settings);
}

/**
 * KopsIamCluster's args checked by the stack config's rules (parseStackSettings), `region` unset
 * being the stack's `stackRegion` (aws:region). Plain values are checked now: one ConfigError naming
 * `component` lists every problem, each naming the argument, the value and what is accepted. An
 * Output where only a plain value is accepted is such a problem too.
 */
export function checkedKopsIamClusterArgs(
    component: string,
    args: KopsIamClusterArgs,
    stackRegion: string | undefined,
): KopsIamClusterSettings {
    const { region, awsProfile, ...settings } = args;
    const given: Record<string, unknown> = Object.fromEntries(
        Object.entries(settings).filter(([, value]) => value !== undefined),
    );
    const waiting = inputKeys.filter((key) => holdsOutputs(given[key]));
    const accessRoles = (Array.isArray(given.accessRoles) ? given.accessRoles : []) as Record<string, unknown>[];
    const rolesWaiting = accessRoles.some((role) => holdsOutputs(role?.trustedPrincipals));
    // Now: the plain values, and the access roles without principals that are Outputs.
    const plainRaw = Object.fromEntries(Object.entries(given).filter(([key]) => !(waiting as string[]).includes(key)));
    if (rolesWaiting) {
        plainRaw.accessRoles = accessRoles.map(({ trustedPrincipals, ...role }) =>
            holdsOutputs(trustedPrincipals) ? role : { ...role, trustedPrincipals },
        );
    }
    const check = (raw: Record<string, unknown>, deferred: readonly string[], secretKeys: readonly string[] = []) => {
        try {
            return parseStackSettings(raw, region ?? stackRegion, {
                awsProfile,
                namespace: "",
                deferred: new Set(deferred),
                secretKeys: new Set(secretKeys),
            });
        } catch (error) {
            throw error instanceof ConfigError ? new ConfigError(error.problems, { component }) : error;
        }
    };
    const outputsRefused = plainOnlyProblems(given);
    if (outputsRefused.length > 0) {
        throw new ConfigError(outputsRefused, { component });
    }
    const plain = check(plainRaw, waiting);

    /** The settings checked again once the `keys` resolve; secret when one of them is. */
    const checkedWhenResolved = (keys: readonly string[]): pulumi.Output<ResolvedKopsIamClusterArgs> => {
        const values = pulumi.output(Object.fromEntries(keys.map((key) => [key, given[key]])));
        return pulumi.all([secretKeysAmong(given, keys), values]).apply(([secretKeys, resolved]) =>
            check(
                { ...plainRaw, ...(resolved as Record<string, unknown>) },
                waiting.filter((key) => !keys.includes(key)),
                secretKeys,
            ),
        );
    };
    const inputs: Partial<Record<InputKey, pulumi.Output<unknown>>> = {};
    for (const key of waiting.filter((key) => !mappingKeys.includes(key))) {
        inputs[key] = checkedWhenResolved([key]).apply((resolved) => resolved[key]);
    }
    const mappingsWaiting = waiting.filter((key) => mappingKeys.includes(key));
    const mappings = mappingsWaiting.length > 0 ? checkedWhenResolved(mappingsWaiting) : undefined;
    for (const key of mappingsWaiting) {
        // Each mapping is as secret as its own value, not as the others checked with it.
        inputs[key] = pulumi.all([pulumi.unsecret(mappings!), pulumi.output(given[key])]).apply(([resolved]) => resolved[key]);
    }
    const roles = rolesWaiting ? checkedWhenResolved(["accessRoles"]) : undefined;
    return {
        ...plain,
        ...inputs,
        sshPublicKey: inputs.sshPublicKey
            ? (inputs.sshPublicKey as pulumi.Output<string>).apply(unsetWhenEmpty)
            : unsetWhenEmpty(plain.sshPublicKey),
        accessRoles: plain.accessRoles.map((role, index) =>
            roles && holdsOutputs(accessRoles[index].trustedPrincipals)
                ? { ...role, trustedPrincipals: roles.apply((resolved) => resolved.accessRoles[index].trustedPrincipals) }
                : role,
        ),
        adminCredentialTtl: unsetWhenEmpty(plain.adminCredentialTtl),
        kubeconfigAwsProfile: unsetWhenEmpty(plain.kubeconfigAwsProfile),
        signInWarning: mappings
            ? pulumi
                  .all([mappings, secretKeysAmong(given, mappingsWaiting)])
                  .apply(([resolved, secretKeys]) => (secretKeys.length > 0 ? undefined : signInWarningOf(resolved)))
            : signInWarningOf(plain),
    } as KopsIamClusterSettings;
}

/** Why a setting is plain, for a program that passes an Output for it. */
const plainOnlyAccepted =
    "a plain value, known when the program runs: this setting decides which resources the program registers " +
    "or what is refused at preview (KopsIamClusterArgs lists the arguments that take Outputs)";

/** Problems for Outputs (or Promises) given where only plain values are accepted. */
function plainOnlyProblems(given: Record<string, unknown>): Problem[] {
    const problems: Problem[] = [];
    for (const [key, value] of Object.entries(given)) {
        if ((inputKeys as readonly string[]).includes(key)) {
            continue;
        }
        if (key === "accessRoles" && Array.isArray(value)) {
            value.forEach((role: Record<string, unknown>, index) => {
                for (const [field, fieldValue] of Object.entries(role ?? {})) {
                    if (field !== "trustedPrincipals" && holdsOutputs(fieldValue)) {
                        problems.push(forbidden(`accessRoles[${index}].${field}`, "an Output", plainOnlyAccepted));
                    }
                }
            });
        } else if (holdsOutputs(value)) {
            problems.push(forbidden(key, "an Output", plainOnlyAccepted));
        }
    }
    return problems;
}
