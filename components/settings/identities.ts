// The identity settings, each on its own: accessRoles (the IAM roles the stack creates and whom they
// trust), mapRoles and mapUsers (IAM ARNs mapped to Kubernetes users and groups) and mapAccounts.
// An ARN is checked for its shape, IAM's path limit and the partition of the stack's region, with the
// usual mistakes named (identityRules.ts). The checks across them are identityChecks.ts'.
import {
    arnPartition,
    duplicateIdentityProblem,
    findDuplicateIdentities,
    iamArnMistake,
    iamPathTooLong,
} from "../core/identityRules";
import { renderTrustPolicy } from "../aws/policies";
import { defaultAccessRoles } from "../core/defaults";
import { AccessRole } from "../core/mappings";
import { invalid } from "../core/problems";
import {
    accountIdPattern,
    iamName,
    isKubernetesGroup,
    isKubernetesUsername,
    partitionOfRegion,
    roleArnPattern,
    rootArnPattern,
    trustPolicyMaxLength,
    userArnPattern,
} from "../core/rules";
import { ProblemList } from "./problemList";
import { fieldAccepted, readList, readObjectList, readString, readStringList } from "./structuredLists";
import { accountIdAccepted, kubernetesGroupAccepted, principalAccepted } from "./table";

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

/** The roles to create; the default ones when the setting is not given. */
export function parseAccessRoles(raw: unknown, region: string | undefined, problems: ProblemList): AccessRole[] | undefined {
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
                    problems.add(invalid(`${path}.trustedPrincipals`, [], accepted("trustedPrincipals")));
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
                    problems.add(
                        invalid(
                            `${path}.trustedPrincipals`,
                            `${role.trustedPrincipals!.length} principals`,
                            `principals whose trust policy has at most ${trustPolicyMaxLength} characters (IAM's maximum, ` +
                                `2048 unless the account's quota was raised); these make ${policyLength}`,
                            "trust the account root instead (leave trustedPrincipals out) and let the account's IAM policies decide",
                        ),
                    );
                }
            }
            if (entry.requireMfa !== undefined) {
                if (typeof entry.requireMfa !== "boolean") {
                    problems.add(invalid(`${path}.requireMfa`, entry.requireMfa, accepted("requireMfa")));
                }
                role.requireMfa = entry.requireMfa === true;
            }
            if (entry.maxSessionDurationSeconds !== undefined) {
                const seconds = entry.maxSessionDurationSeconds;
                if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
                    problems.add(invalid(`${path}.maxSessionDurationSeconds`, seconds, accepted("maxSessionDurationSeconds")));
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

/** mapRoles or mapUsers: each ARN of the right kind, each identity once (as the authenticator compares them). */
export function parseMappings<T>(
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
    for (const found of duplicates) {
        problems.add(duplicateIdentityProblem(found));
    }
    return duplicates.length === 0 ? mappings : undefined;
}

export function parseMapAccounts(raw: unknown, problems: ProblemList): string[] | undefined {
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
