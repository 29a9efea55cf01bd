// Stack config -> typed, validated settings, by the tables of ./table.ts and the rules of ../core/.
// Validation collects every problem before anything is registered, so one `pulumi up` shows them all.
import * as pulumi from "@pulumi/pulumi";
import {
    arnPartition,
    createdRoleRepeatReason,
    documentationAccountOf,
    documentationAccountReason,
    duplicateReason,
    findDuplicateIdentities,
    iamArnMistake,
    iamPathTooLong,
    mapRolesRepeatingCreatedRoles,
} from "../core/identityRules";
import { clusterRoleBindingName, maxObjectNameLength } from "../authenticator/manifests";
import { renderTrustPolicy } from "../aws/policies";
import { mapsNoIdentity, noIdentityReason } from "../authenticator/signInReach";
import { defaultAccessRoles } from "../core/defaults";
import { AccessRole, RoleMapping, UserMapping } from "../core/mappings";
import { isKnownInstanceType, unknownInstanceTypeReason } from "../core/instanceTypes";
import {
    accountIdPattern,
    cpuCores,
    iamName,
    isClusterRoleName,
    isKubernetesGroup,
    isKubernetesUsername,
    isRegion,
    isTagKey,
    isTagValue,
    maxTags,
    memoryBytes,
    partitionOfRegion,
    redactSecrets,
    regionAccepted,
    roleArnPattern,
    rootArnPattern,
    secretLookalike,
    tagCountAccepted,
    tagKeyAccepted,
    tagValueAccepted,
    trustPolicyMaxLength,
    userArnPattern,
} from "../core/rules";
import {
    accountIdAccepted,
    configNamespace,
    kubernetesGroupAccepted,
    principalAccepted,
    quotedNote,
    SettingBase,
    SimpleSetting,
    SimpleSettingKey,
    SimpleValue,
    simpleSettings,
    StructuredField,
    StructuredSettingKey,
    structuredSettings,
    ValidationContext,
} from "./table";
import { ResolvedKopsIamClusterArgs } from "./args";
import { didYouMean } from "../core/suggestions";
import { ClusterTopology, HookRunner, TokenCommand } from "../core/types";

/**
 * Thrown when settings have problems; `problems` lists each one. `whose` says whose settings they are,
 * as the message starts: the stack configuration, or a KopsIamCluster's args.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        public readonly problems: string[],
        whose: "stack" | { component: string } = "stack",
    ) {
        const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
        super(
            `${whose === "stack" ? `The stack configuration has ${count}` : `KopsIamCluster ${whose.component}: its args have ${count}`}:\n` +
                problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/**
 * How a value is shown in a message: numbers and booleans bare, strings and the rest as JSON, parts
 * that look like a secret redacted (before the cut, so that no cut-off secret slips through), and at
 * most 200 characters.
 */
function show(value: unknown): string {
    if (typeof value === "number" || typeof value === "boolean") {
        return String(value);
    }
    const text = redactSecrets(JSON.stringify(value) ?? String(value));
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * Collects problems, each naming the config key (and the path inside it), the value and what is accepted.
 * Every line is redacted as a whole too: what a check says is accepted may quote the value.
 */
class ProblemList {
    readonly problems: string[] = [];
    constructor(
        private readonly namespace: string,
        /** Settings whose values are Pulumi secrets: a problem in one shows no part of the value. */
        private readonly secretKeys: ReadonlySet<string> = new Set(),
    ) {}

    /** Checking a program's args rather than a stack's config: keys are argument names. */
    get forArgs(): boolean {
        return this.namespace === "";
    }

    /**
     * `key`'s value (a string at that path) looks like `looksLike`, a credential: refused, the value not
     * shown, in place of what other rules said of that path (the credential is what to fix).
     */
    rejectSecretLooking(key: string, value: string, looksLike: string): void {
        const prefix = `${this.qualified(key)}: `;
        this.problems.splice(0, this.problems.length, ...this.problems.filter((problem) => !problem.startsWith(prefix)));
        this.reject(key, value, secretLookalikeReason(looksLike));
    }

    /** `key` is a project key (with a path inside it, like `accessRoles[0].name`). */
    reject(key: string, value: unknown, accepted: string): void {
        if (this.secretKeys.has(/^[^.[]*/.exec(key)![0])) {
            // What is accepted may quote the value (an ARN rewritten, an account ID found in it).
            const scrubbed = typeof value === "string" && value !== "" ? accepted.split(value).join("[secret]") : accepted;
            this.problems.push(`${this.qualified(key)}: [secret] is not allowed: ${scrubbed}`);
            return;
        }
        this.rejectQualified(this.qualified(key), value, accepted);
    }

    /** `<namespace>:<key>` for a stack's config key; the bare key for an argument (no namespace). */
    private qualified(key: string): string {
        return this.namespace === "" ? key : `${this.namespace}:${key}`;
    }

    /** `fullKey` names its namespace, like `aws:region`. */
    rejectQualified(fullKey: string, value: unknown, accepted: string): void {
        this.problems.push(redactSecrets(`${fullKey}: ${show(value)} is not allowed: ${accepted}`));
    }

    missing(key: string, accepted: string): void {
        this.problems.push(`${this.qualified(key)}: not set; it is required: ${accepted}`);
    }
}

/** Reads one simple setting from its raw value (a config string, or a YAML value in tests). */
function parseSimple<K extends SimpleSettingKey>(
    key: K,
    raw: unknown,
    context: ValidationContext,
    problems: ProblemList,
): SimpleValue<K> | undefined {
    const setting: SimpleSetting = simpleSettings[key];
    if (raw === undefined || raw === null) {
        if (setting.default === undefined) {
            problems.missing(key, `${setting.accepted}. Set it with: pulumi config set ${key} <value>`);
            return undefined;
        }
        return structuredClone(setting.default) as SimpleValue<K>;
    }
    switch (setting.type) {
        case "string": {
            if (typeof raw !== "string") {
                problems.reject(key, raw, `${setting.accepted}, ${quotedNote}`);
                return undefined;
            }
            return reportCheck(key, raw, rejection(setting, setting.check(raw, context)), problems) as SimpleValue<K> | undefined;
        }
        case "integer": {
            const value =
                typeof raw === "number"
                    ? raw
                    : typeof raw === "string" && /^[+-]?\d+$/.test(raw.trim())
                      ? Number(raw.trim())
                      : undefined;
            if (value === undefined || !Number.isSafeInteger(value)) {
                problems.reject(key, raw, setting.accepted);
                return undefined;
            }
            return reportCheck(key, value, rejection(setting, setting.check(value, context)), problems) as
                SimpleValue<K> | undefined;
        }
        case "boolean": {
            const value = raw === true || raw === "true" ? true : raw === false || raw === "false" ? false : undefined;
            if (value === undefined) {
                problems.reject(key, raw, setting.accepted);
            }
            return value as SimpleValue<K> | undefined;
        }
        case "array": {
            const list = typeof raw === "string" ? parseJson(raw) : raw;
            if (!Array.isArray(list)) {
                problems.reject(key, raw, `a YAML list of ${setting.accepted}`);
                return undefined;
            }
            const before = problems.problems.length;
            list.forEach((item: unknown, index) => {
                if (typeof item !== "string") {
                    problems.reject(`${key}[${index}]`, item, `${setting.accepted}, ${quotedNote}`);
                } else {
                    reportCheck(`${key}[${index}]`, item, rejection(setting, setting.checkItem(item, context)), problems);
                }
            });
            reportDuplicates(key, list, problems);
            return problems.problems.length === before ? (list as SimpleValue<K>) : undefined;
        }
    }
}

/** What to say is accepted when a check fails, or undefined when it passed. */
function rejection(setting: SettingBase, result: boolean | string): string | undefined {
    return result === true ? undefined : result === false ? setting.accepted : result;
}

/** The value if nothing was said against it; else the problem is recorded and undefined returned. */
function reportCheck<T>(key: string, value: T, accepted: string | undefined, problems: ProblemList): T | undefined {
    if (accepted !== undefined) {
        // A value copied from a console or a terminal often brings a space or a newline along.
        const whitespace =
            typeof value === "string" && value.trim() !== value
                ? "; the value has leading or trailing whitespace (a space or newline copied with it): remove it"
                : "";
        problems.reject(key, value, `${accepted}${whitespace}`);
        return undefined;
    }
    return value;
}

function reportDuplicates(key: string, list: unknown[], problems: ProblemList): void {
    const seen = new Set<unknown>();
    list.forEach((item, index) => {
        if (seen.has(item)) {
            problems.reject(`${key}[${index}]`, item, "a value not listed before (each may appear once)");
        }
        seen.add(item);
    });
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

type ListOfObjectsKey = "accessRoles" | "mapRoles" | "mapUsers" | "clusterRoleBindings";

/** What structuredSettings says is accepted for one field of a list entry. */
function fieldAccepted(key: ListOfObjectsKey, field: string): string {
    const fields: Record<string, StructuredField> = structuredSettings[key].fields;
    return fields[field].accepted;
}

/**
 * Checks the fields of one list entry against structuredSettings: unknown fields (typos like roleArn) and
 * missing required ones are problems. Returns the entry when it is an object, so that its known fields
 * are still checked.
 */
/**
 * The lowercase spelling of a mapping's ARN field (`rolearn`, `userarn`: the aws-auth ConfigMap's,
 * which stack configs copied from EKS documentation use) is read as `roleArn`/`userArn`.
 */
const lowercaseArnFields: Partial<Record<ListOfObjectsKey, [lowercase: string, field: string]>> = {
    mapRoles: ["rolearn", "roleArn"],
    mapUsers: ["userarn", "userArn"],
};

function withCamelCaseArnField(
    key: ListOfObjectsKey,
    path: string,
    entry: Record<string, unknown>,
    problems: ProblemList,
): Record<string, unknown> {
    const spelling = lowercaseArnFields[key];
    if (spelling === undefined || !(spelling[0] in entry)) {
        return entry;
    }
    const [lowercase, field] = spelling;
    const { [lowercase]: value, ...rest } = entry;
    if (field in entry) {
        problems.reject(`${path}.${lowercase}`, value, `no second ARN: ${field} is set; keep one of the two spellings`);
        return rest;
    }
    return { ...rest, [field]: value };
}

function readEntry(
    key: ListOfObjectsKey,
    index: number,
    raw: unknown,
    problems: ProblemList,
): Record<string, unknown> | undefined {
    const path = `${key}[${index}]`;
    const fields: Record<string, StructuredField> = structuredSettings[key].fields;
    const shape = `an object with the fields ${Object.keys(fields).join(", ")}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        problems.reject(path, raw, shape);
        return undefined;
    }
    const entry = withCamelCaseArnField(key, path, raw as Record<string, unknown>, problems);
    for (const field of Object.keys(entry)) {
        if (!(field in fields)) {
            problems.reject(`${path}.${field}`, entry[field], `no such field${didYouMean(field, Object.keys(fields))}; ${shape}`);
        }
    }
    for (const [field, { required, accepted }] of Object.entries(fields)) {
        if (required && (entry[field] === undefined || entry[field] === null)) {
            problems.missing(`${path}.${field}`, accepted);
        }
    }
    return entry;
}

/**
 * A string field; absent (already reported by readEntry if required) gives undefined. `explain` says
 * what a refused value is, when that helps (an ARN of the wrong kind, another partition).
 */
function readString(
    path: string,
    raw: unknown,
    accepted: string,
    isValid: (v: string) => boolean,
    problems: ProblemList,
    explain?: (v: string) => string | undefined,
): string | undefined {
    if (raw === undefined || raw === null) {
        return undefined;
    }
    if (typeof raw !== "string") {
        problems.reject(path, raw, `${accepted}, ${quotedNote}${numberHint(raw, isValid)}`);
        return undefined;
    }
    if (isValid(raw)) {
        return raw;
    }
    const explanation = explain?.(raw);
    return reportCheck(path, raw, explanation ? `${accepted}; ${explanation}` : accepted, problems);
}

/** For a YAML number where a string is wanted: the quoted text to write, leading zeros YAML dropped restored. */
function numberHint(raw: unknown, isValid: (v: string) => boolean): string {
    if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < 0) {
        return "";
    }
    if (isValid(String(raw))) {
        return `: write "${raw}"`;
    }
    const padded = String(raw).padStart(12, "0");
    return isValid(padded) ? `; YAML dropped its leading zeros, so the account ID is most likely "${padded}"` : "";
}

/** A list of strings, each checked, none twice; absent gives undefined. */
function readStringList(
    path: string,
    raw: unknown,
    itemAccepted: string,
    isValid: (v: string) => boolean,
    problems: ProblemList,
    explain?: (v: string) => string | undefined,
): string[] | undefined {
    if (raw === undefined || raw === null) {
        return undefined;
    }
    if (!Array.isArray(raw)) {
        problems.reject(path, raw, `a YAML list, each item ${itemAccepted}`);
        return undefined;
    }
    const before = problems.problems.length;
    const items = raw.map((item, index) => readString(`${path}[${index}]`, item, itemAccepted, isValid, problems, explain));
    reportDuplicates(path, raw, problems);
    return problems.problems.length === before ? (items as string[]) : undefined;
}

/** A structured list given as a YAML/JSON value or (from `pulumi config`) a JSON string. */
function readList(key: StructuredSettingKey, raw: unknown, problems: ProblemList): unknown[] | undefined {
    const value = typeof raw === "string" ? parseJson(raw) : raw;
    if (!Array.isArray(value)) {
        problems.reject(key, raw, structuredSettings[key].accepted);
        return undefined;
    }
    return value;
}

/** The list's entries checked by `readItem`, or undefined if anything in it was reported. */
function readObjectList<T>(
    key: ListOfObjectsKey,
    raw: unknown,
    problems: ProblemList,
    readItem: (entry: Record<string, unknown>, path: string) => T,
    uniqueBy?: (entry: Record<string, unknown>) => unknown,
    uniqueText?: string,
): T[] | undefined {
    const list = readList(key, raw, problems);
    if (!list) {
        return undefined;
    }
    const before = problems.problems.length;
    const seen = new Set<unknown>();
    const items = list.map((item, index) => {
        const entry = readEntry(key, index, item, problems);
        if (!entry) {
            return undefined;
        }
        if (uniqueBy) {
            const identity = uniqueBy(entry);
            if (seen.has(identity)) {
                problems.reject(`${key}[${index}]`, entry, uniqueText!);
            }
            seen.add(identity);
        }
        return readItem(entry, `${key}[${index}]`);
    });
    return problems.problems.length === before ? (items as T[]) : undefined;
}

const isPrincipal = (v: string) =>
    accountIdPattern.test(v) || rootArnPattern.test(v) || roleArnPattern.test(v) || userArnPattern.test(v);

const arnShapes = {
    role: (v: string) => roleArnPattern.test(v),
    user: (v: string) => userArnPattern.test(v),
    principal: isPrincipal,
};

/**
 * The check of an IAM ARN setting (`principal`: a trust policy's principal, which may also be an
 * account ID): the shape, IAM's path limit, and the partition of the stack's region when it is known.
 */
function iamArnCheck(expected: keyof typeof arnShapes, region: string | undefined) {
    const partitionProblem = (v: string): string | undefined => {
        const partition = arnPartition(v);
        const wanted = region === undefined ? undefined : partitionOfRegion(region);
        return partition === undefined || wanted === undefined || partition === wanted
            ? undefined
            : `the partition of ${region} (aws:region) is ${wanted}: an identity of ${partition} never signs in ` +
                  `there, nor may a trust policy there name it (one of ${wanted} is written ` +
                  `${v.replace(/^arn:[^:]+:/, `arn:${wanted}:`)})`;
    };
    return {
        isValid: (v: string) => arnShapes[expected](v) && !iamPathTooLong(v) && partitionProblem(v) === undefined,
        explain: (v: string) => iamArnMistake(v, expected) ?? partitionProblem(v),
    };
}

function parseAccessRoles(raw: unknown, region: string | undefined, problems: ProblemList): AccessRole[] | undefined {
    if (raw === undefined || raw === null) {
        return structuredClone(defaultAccessRoles);
    }
    const accepted = (field: string) => fieldAccepted("accessRoles", field);
    return readObjectList(
        "accessRoles",
        raw,
        problems,
        (entry, path) => {
            const role: AccessRole = {
                name: readString(`${path}.name`, entry.name, accepted("name"), (v) => iamName.test(v), problems) ?? "",
                username:
                    readString(`${path}.username`, entry.username, accepted("username"), isKubernetesUsername, problems) ?? "",
                groups:
                    readStringList(`${path}.groups`, entry.groups, kubernetesGroupAccepted, isKubernetesGroup, problems) ?? [],
            };
            if (entry.trustedPrincipals !== undefined) {
                const principal = iamArnCheck("principal", region);
                role.trustedPrincipals = readStringList(
                    `${path}.trustedPrincipals`,
                    entry.trustedPrincipals,
                    principalAccepted,
                    principal.isValid,
                    problems,
                    principal.explain,
                );
                if (role.trustedPrincipals?.length === 0) {
                    problems.reject(`${path}.trustedPrincipals`, [], accepted("trustedPrincipals"));
                }
                const policyLength = role.trustedPrincipals?.length
                    ? JSON.stringify(
                          renderTrustPolicy({
                              accountId: "000000000000",
                              partition: region === undefined ? undefined : partitionOfRegion(region),
                              trustedPrincipals: role.trustedPrincipals,
                              requireMfa: entry.requireMfa === true,
                          }),
                      ).length
                    : 0;
                if (policyLength > trustPolicyMaxLength) {
                    problems.reject(
                        `${path}.trustedPrincipals`,
                        `${role.trustedPrincipals!.length} principals`,
                        `principals whose trust policy has at most ${trustPolicyMaxLength} characters (IAM's maximum, ` +
                            `2048 unless the account's quota was raised); these make ${policyLength}: trust the account ` +
                            "root instead (leave trustedPrincipals out) and let the account's IAM policies decide",
                    );
                }
            }
            if (entry.requireMfa !== undefined) {
                if (typeof entry.requireMfa !== "boolean") {
                    problems.reject(`${path}.requireMfa`, entry.requireMfa, accepted("requireMfa"));
                }
                role.requireMfa = entry.requireMfa === true;
            }
            if (entry.maxSessionDurationSeconds !== undefined) {
                const seconds = entry.maxSessionDurationSeconds;
                if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
                    problems.reject(`${path}.maxSessionDurationSeconds`, seconds, accepted("maxSessionDurationSeconds"));
                }
                role.maxSessionDurationSeconds = seconds as number;
            }
            return role;
        },
        // IAM role names are unique per account, case-insensitively.
        (entry) => (typeof entry.name === "string" ? entry.name.toLowerCase() : entry.name),
        "a role whose name is not used by an earlier entry (IAM role names are unique per account, ignoring case)",
    );
}

function parseMappings<T>(
    key: "mapRoles" | "mapUsers",
    arnField: "roleArn" | "userArn",
    raw: unknown,
    region: string | undefined,
    problems: ProblemList,
): T[] | undefined {
    if (raw === undefined || raw === null) {
        return [];
    }
    const arn = iamArnCheck(arnField === "roleArn" ? "role" : "user", region);
    const mappings = readObjectList(
        key,
        raw,
        problems,
        (entry, path) =>
            ({
                [arnField]: readString(
                    `${path}.${arnField}`,
                    entry[arnField],
                    fieldAccepted(key, arnField),
                    arn.isValid,
                    problems,
                    arn.explain,
                ),
                username: readString(
                    `${path}.username`,
                    entry.username,
                    fieldAccepted(key, "username"),
                    isKubernetesUsername,
                    problems,
                ),
                groups:
                    entry.groups === undefined
                        ? []
                        : readStringList(`${path}.groups`, entry.groups, kubernetesGroupAccepted, isKubernetesGroup, problems),
            }) as T,
    );
    if (!mappings) {
        return undefined;
    }
    // The authenticator's own notion of "the same identity" (identityRules.ts): letter case, and for
    // roles the IAM path, do not count.
    const entries = mappings.map((mapping, index) => ({
        label: `${key}[${index}].${arnField}`,
        kind: arnField === "roleArn" ? ("role" as const) : ("user" as const),
        value: (mapping as Record<string, string>)[arnField],
    }));
    const duplicates = findDuplicateIdentities(entries);
    for (const duplicate of duplicates) {
        problems.reject(duplicate.entry.label, duplicate.entry.value, duplicateReason(duplicate));
    }
    return duplicates.length === 0 ? mappings : undefined;
}

function parseMapAccounts(raw: unknown, problems: ProblemList): string[] | undefined {
    if (raw === undefined || raw === null) {
        return [];
    }
    const list = readList("mapAccounts", raw, problems);
    // An ARN of the account (its root, or any identity in it) copied from the console instead of the ID.
    const accountOfArn = (v: string) => {
        const account = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(v)?.[1];
        return account && `this is an ARN; the account ID alone is "${account}"`;
    };
    return (
        list && readStringList("mapAccounts", list, accountIdAccepted, (v) => accountIdPattern.test(v), problems, accountOfArn)
    );
}

/** `grantedGroups` is undefined when a mapping setting is bad: the groups are then not checked against it. */
function parseClusterRoleBindings(raw: unknown, grantedGroups: Set<string> | undefined, problems: ProblemList) {
    if (raw === undefined || raw === null) {
        return [];
    }
    // A binding for a group no mapping grants binds nobody: most likely a typo.
    const groupAccepted = grantedGroups
        ? `${fieldAccepted("clusterRoleBindings", "group")} (granted: ${[...grantedGroups].join(", ") || "none"})`
        : kubernetesGroupAccepted;
    const bindings = readObjectList(
        "clusterRoleBindings",
        raw,
        problems,
        (entry, path) => ({
            group:
                readString(
                    `${path}.group`,
                    entry.group,
                    groupAccepted,
                    (v) => isKubernetesGroup(v) && (grantedGroups?.has(v) ?? true),
                    problems,
                ) ?? "",
            clusterRole:
                readString(
                    `${path}.clusterRole`,
                    entry.clusterRole,
                    fieldAccepted("clusterRoleBindings", "clusterRole"),
                    isClusterRoleName,
                    problems,
                ) ?? "",
        }),
        (entry) => JSON.stringify([entry.group, entry.clusterRole]),
        "a binding not listed before",
    );
    // The ClusterRoleBinding's name holds both; Kubernetes object names take at most 253 characters.
    bindings?.forEach((binding, index) => {
        const name = clusterRoleBindingName(binding);
        if (name.length > maxObjectNameLength) {
            problems.reject(
                `clusterRoleBindings[${index}]`,
                binding,
                `a group and ClusterRole whose binding name (${name.slice(0, 40)}...) has at most ${maxObjectNameLength} ` +
                    "characters (Kubernetes' limit for object names)",
            );
        }
    });
    return bindings;
}

function parseTags(raw: unknown, problems: ProblemList): Record<string, string> | undefined {
    if (raw === undefined || raw === null) {
        return {};
    }
    const value = typeof raw === "string" ? parseJson(raw) : raw;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.reject("tags", raw, structuredSettings.tags.accepted);
        return undefined;
    }
    const before = problems.problems.length;
    const entries = Object.entries(value);
    if (entries.length > maxTags) {
        problems.reject("tags", `${entries.length} tags`, tagCountAccepted);
    }
    for (const [tagKey, tagValue] of entries) {
        const path = `tags[${show(tagKey)}]`;
        if (!isTagKey(tagKey)) {
            problems.reject(path, tagKey, tagKeyAccepted);
        }
        if (typeof tagValue !== "string" || !isTagValue(tagValue)) {
            problems.reject(path, tagValue, `${tagValueAccepted}, ${quotedNote}`);
        }
    }
    return problems.problems.length === before ? (value as Record<string, string>) : undefined;
}

/** Every identity the settings let in, by its path: the mapped ARNs and accounts, and the access roles' trusted principals. */
function grantedIdentities(
    accessRoles: AccessRole[] | undefined,
    mapRoles: RoleMapping[] | undefined,
    mapUsers: UserMapping[] | undefined,
    mapAccounts: string[] | undefined,
): Array<[path: string, value: string]> {
    return [
        ...(accessRoles ?? []).flatMap((role, index) =>
            (role.trustedPrincipals ?? []).map((principal, at): [string, string] => [
                `accessRoles[${index}].trustedPrincipals[${at}]`,
                principal,
            ]),
        ),
        ...(mapRoles ?? []).map((mapping, index): [string, string] => [`mapRoles[${index}].roleArn`, mapping.roleArn]),
        ...(mapUsers ?? []).map((mapping, index): [string, string] => [`mapUsers[${index}].userArn`, mapping.userArn]),
        ...(mapAccounts ?? []).map((account, index): [string, string] => [`mapAccounts[${index}]`, account]),
    ];
}

/**
 * Why a value that looks like a credential is refused in any setting that is not a Pulumi secret: every
 * setting is kept in plain text in the stack's state, and many land in kubeconfigs, outputs, ConfigMaps
 * and command lines too (kubeconfigAwsProfile is written into every user kubeconfig). The message shows
 * what it looks like, never the value (show() redacts it).
 */
function secretLookalikeReason(looksLike: string): string {
    return (
        `not a credential: it looks like ${looksLike}, and this setting is kept in plain text (the stack's state, ` +
        "and kubeconfigs, outputs, ConfigMaps or command lines where it is used); a credential belongs in AWS's " +
        "credential files or a Pulumi secret, never in a setting"
    );
}

/** Every string in `value` (a setting's raw value at `path`) that looks like a secret: its path, the string, what it looks like. */
function secretLookingStrings(path: string, value: unknown): Array<[path: string, value: string, looksLike: string]> {
    if (typeof value === "string") {
        const looksLike = secretLookalike(value);
        return looksLike === undefined ? [] : [[path, value, looksLike]];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => secretLookingStrings(`${path}[${index}]`, item));
    }
    if (typeof value === "object" && value !== null) {
        // Tags are named as parseTags names them (tags["Team"]); fields of list entries as mapRoles[0].username.
        return Object.entries(value).flatMap(([field, item]) =>
            secretLookingStrings(path === "tags" ? `tags[${show(field)}]` : `${path}.${field}`, item),
        );
    }
    return [];
}

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
            problems.reject(
                key,
                raw[key],
                `no such setting${didYouMean(key, suggested)}; see the configuration reference, docs/configuration.md`,
            );
        }
    }

    // A stack sets them as aws:region and aws:profile; a program passes them as args (no namespace).
    const [regionKey, profileKey] = problems.forArgs ? ["region", "awsProfile"] : ["aws:region", "aws:profile"];

    if (region === undefined || region === "") {
        problems.problems.push(
            `${regionKey}: not set; it is required: the AWS region of the cluster, like eu-west-1. ` +
                (problems.forArgs ? "Pass region, or set the stack's aws:region: " : "Set it with: ") +
                "pulumi config set aws:region <region>",
        );
    } else if (!isRegion(region)) {
        problems.rejectQualified(regionKey, region, regionAccepted);
    }
    const context: ValidationContext = { region: isRegion(region) ? region : undefined };
    const profileLooksLike = options.awsProfile === undefined ? undefined : secretLookalike(options.awsProfile);
    if (profileLooksLike !== undefined) {
        problems.rejectQualified(profileKey, options.awsProfile, secretLookalikeReason(profileLooksLike));
    } else if (options.awsProfile !== undefined && options.awsProfile !== "" && !/^\S+$/.test(options.awsProfile)) {
        problems.rejectQualified(profileKey, options.awsProfile, "an AWS profile name without whitespace");
    }

    const values = {} as { [K in SimpleSettingKey]: SimpleValue<K> };
    for (const key of Object.keys(simpleSettings) as SimpleSettingKey[]) {
        if (!deferred.has(key)) {
            (values as Record<string, unknown>)[key] = parseSimple(key, raw[key], context, problems);
        }
    }

    // Checks across settings, made only when both values are good on their own.
    const { authenticatorCpuRequest: cpuRequest, authenticatorCpuLimit: cpuLimit } = values;
    if (cpuRequest !== undefined && cpuLimit !== undefined && cpuCores(cpuRequest)! > cpuCores(cpuLimit)!) {
        problems.reject(
            "authenticatorCpuRequest",
            cpuRequest,
            `at most authenticatorCpuLimit (${show(cpuLimit)}): Kubernetes rejects a request above its limit`,
        );
    }
    const { authenticatorMemoryRequest: memoryRequest, authenticatorMemoryLimit: memoryLimit } = values;
    if (memoryRequest !== undefined && memoryLimit !== undefined && memoryBytes(memoryRequest)! > memoryBytes(memoryLimit)!) {
        problems.reject(
            "authenticatorMemoryRequest",
            memoryRequest,
            `at most authenticatorMemoryLimit (${show(memoryLimit)}): Kubernetes rejects a request above its limit`,
        );
    }
    for (const key of ["nodeSize", "controlPlaneSize"] as const) {
        const type = values[key];
        if (
            type !== undefined &&
            values.extraInstanceTypes !== undefined &&
            !isKnownInstanceType(type, values.extraInstanceTypes)
        ) {
            problems.reject(key, type, unknownInstanceTypeReason(type));
        }
    }
    if (values.stateBucketForceDestroy === true && values.createStateBucket === false) {
        problems.reject(
            "stateBucketForceDestroy",
            true,
            "false when createStateBucket is false: an existing bucket is never deleted by this stack",
        );
    }

    const accessRoles = parseAccessRoles(raw.accessRoles, context.region, problems);
    // A deferred setting is left undefined, as a bad one is: the checks across settings skip it.
    const mapRoles = deferred.has("mapRoles")
        ? undefined
        : parseMappings<RoleMapping>("mapRoles", "roleArn", raw.mapRoles, context.region, problems);
    const mapUsers = deferred.has("mapUsers")
        ? undefined
        : parseMappings<UserMapping>("mapUsers", "userArn", raw.mapUsers, context.region, problems);
    const mapAccounts = deferred.has("mapAccounts") ? undefined : parseMapAccounts(raw.mapAccounts, problems);
    if (accessRoles && mapRoles) {
        for (const { mapIndex, roleIndex } of mapRolesRepeatingCreatedRoles(
            accessRoles.map((role) => role.name),
            mapRoles,
        )) {
            problems.reject(
                `mapRoles[${mapIndex}].roleArn`,
                mapRoles[mapIndex].roleArn,
                createdRoleRepeatReason(roleIndex, accessRoles[roleIndex].name),
            );
        }
    }
    if (values.allowExampleAccounts === false) {
        for (const [path, value] of grantedIdentities(accessRoles, mapRoles, mapUsers, mapAccounts)) {
            const account = documentationAccountOf(value);
            if (account !== undefined) {
                problems.reject(path, value, documentationAccountReason(account));
            }
        }
    }
    if (accessRoles && mapRoles && mapUsers && mapAccounts && values.allowNoIamSignIn === false) {
        if (mapsNoIdentity({ accessRoles, mapRoles, mapUsers, mapAccounts })) {
            problems.reject("accessRoles", accessRoles, noIdentityReason);
        }
    }
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
                problems.rejectSecretLooking(path, text, looksLike);
            }
        }
    }

    if (problems.problems.length > 0) {
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
