// When two identity mappings are the same identity to aws-iam-authenticator: one rule, used by the
// settings check (settings/identities.ts), the AccessRoles component (created roles against mapRoles)
// and the config.yaml renderer (configFile.ts), so a duplicate is refused where the user wrote it,
// before anything is deployed.
//
// How the server (aws-iam-authenticator v0.7.18, c0e2ecd6c9e352db19435db4d2c7e64282554d2f) compares:
// - pkg/mapper/file/mapper.go NewFileMapper keys roles by RoleMapping.Key() = strings.ToLower(rolearn)
//   (pkg/config/mapper.go) and users by strings.ToLower(userarn) after arn.Canonicalize; accounts by
//   the account ID. A second entry with the same key silently replaces the first.
// - RoleMapping.Matches compares with strings.EqualFold, against the caller's canonical ARN, which for
//   a role session is arn:<partition>:iam::<account>:role/<name> without the role's IAM path
//   (pkg/arn/arn.go Canonicalize: STS assumed-role ARNs carry no path). config.yaml therefore gets
//   role ARNs without their path (configFile.ts), and two role ARNs that differ only by path
//   or letter case are one identity.
// - User ARNs keep their path (the caller ARN of a user has it), compared ignoring case.

import { iamName, iamPathMaxLength } from "./rules";
import { duplicate, Problem } from "./problems";

/** `arn:<partition>:iam::<account>:role/[<path>/]<name>` → partition, account, path segments and name. */
export interface IamArnParts {
    partition: string;
    account: string;
    kind: "role" | "user";
    path: string[];
    name: string;
}

/** The parts of an IAM role or user ARN, or undefined if it is not one (no validation beyond the shape). */
export function iamArnParts(arn: string): IamArnParts | undefined {
    const parts = arn.split(":");
    if (parts.length !== 6 || parts[0] !== "arn" || parts[2] !== "iam" || parts[3] !== "") {
        return undefined;
    }
    const segments = parts[5].split("/");
    if ((segments[0] !== "role" && segments[0] !== "user") || segments.length < 2) {
        return undefined;
    }
    return {
        partition: parts[1],
        account: parts[4],
        kind: segments[0],
        path: segments.slice(1, -1),
        name: segments[segments.length - 1],
    };
}

/** The role ARN the authenticator matches: without the IAM path (the name is unique in the account). */
export function roleArnWithoutPath(arn: string): string {
    const parts = iamArnParts(arn);
    return parts?.kind === "role" ? `arn:${parts.partition}:iam::${parts.account}:role/${parts.name}` : arn;
}

/** One identity mapping entry as the user wrote it, with where they wrote it. */
export interface IdentityEntry {
    /** Where the entry is, as the user knows it: `mapRoles[2].roleArn`, `accessRoles[0] (role Admin)`. */
    label: string;
    kind: "role" | "user" | "account";
    /** A role or user ARN, or a 12-digit account ID. */
    value: string;
}

/** The key under which the authenticator stores the entry: equal keys are one identity. */
export function identityKey(entry: Pick<IdentityEntry, "kind" | "value">): string {
    switch (entry.kind) {
        case "role":
            return `role:${roleArnWithoutPath(entry.value).toLowerCase()}`;
        case "user":
            return `user:${entry.value.toLowerCase()}`;
        case "account":
            return `account:${entry.value}`;
    }
}

/** A later entry that is the same identity as an earlier one. */
export interface DuplicateIdentity {
    entry: IdentityEntry;
    first: IdentityEntry;
}

/** Every entry that repeats an earlier one's identity, in order. */
export function findDuplicateIdentities(entries: readonly IdentityEntry[]): DuplicateIdentity[] {
    const seen = new Map<string, IdentityEntry>();
    const duplicates: DuplicateIdentity[] = [];
    for (const entry of entries) {
        const key = identityKey(entry);
        const first = seen.get(key);
        if (first) {
            duplicates.push({ entry, first });
        } else {
            seen.set(key, entry);
        }
    }
    return duplicates;
}

/** Why the two are one identity, for the error message. */
export function duplicateReason({ entry, first }: DuplicateIdentity): string {
    const why =
        entry.kind === "role"
            ? "the authenticator matches role ARNs ignoring letter case and the IAM path"
            : entry.kind === "user"
              ? "the authenticator matches user ARNs ignoring letter case"
              : "each account is listed once";
    return (
        `the same identity as ${first.label} (${JSON.stringify(first.value)}): ${why}, and a second mapping ` +
        "would silently replace the first; keep one entry (merge their groups)"
    );
}

/** The duplicate as a problem: at the later entry, its value, and duplicateReason as the hint. */
export function duplicateIdentityProblem(found: DuplicateIdentity): Problem {
    return duplicate(found.entry.label, found.entry.value, "an identity no earlier entry maps", duplicateReason(found));
}

/**
 * mapRoles entries that name a role accessRoles creates: same name, ignoring letter case and the IAM
 * path, as the authenticator compares. The account is not compared: the stack's account is known
 * only once the AWS provider has answered, and the check must refuse before anything is registered.
 */
export function mapRolesRepeatingCreatedRoles(
    createdRoleNames: readonly string[],
    mapRoles: ReadonlyArray<{ roleArn: string }>,
): Array<{ mapIndex: number; roleIndex: number }> {
    const repeats: Array<{ mapIndex: number; roleIndex: number }> = [];
    mapRoles.forEach(({ roleArn }, mapIndex) => {
        const parts = iamArnParts(roleArn);
        // The created role in the entry's own account: identityKey then compares as AccessRoles does
        // once the account is known (name ignoring letter case and the IAM path).
        const key = identityKey({ kind: "role", value: roleArn });
        const roleIndex =
            parts?.kind === "role"
                ? createdRoleNames.findIndex(
                      (n) =>
                          identityKey({ kind: "role", value: `arn:${parts.partition}:iam::${parts.account}:role/${n}` }) === key,
                  )
                : -1;
        if (roleIndex >= 0) {
            repeats.push({ mapIndex, roleIndex });
        }
    });
    return repeats;
}

/** Why a mapRoles entry naming the created role accessRoles[roleIndex] is refused, and what to do instead. */
export function createdRoleRepeatReason(roleIndex: number, roleName: string): string {
    return (
        `accessRoles[${roleIndex}] creates the role ${roleName}, which is mapped already; the authenticator ` +
        "matches role ARNs by name, ignoring letter case and the IAM path, so in the stack's account this " +
        "entry is the same identity and would silently replace the first mapping. To change what its " +
        `sessions get, edit accessRoles[${roleIndex}] (username, groups) and remove this entry; to map a role ` +
        `of that name in another account, give the created role another name (the stack's account is not ` +
        "known before anything is created, so a same-named role of any account is refused)"
    );
}

/**
 * What a value copied from the console or the CLI is, when it is not the IAM ARN `expected` asks for
 * and the mistake is a common one; undefined otherwise. `expected` "principal" takes roles, users,
 * account roots and account IDs (a trust policy's principals).
 */
export function iamArnMistake(value: string, expected: "role" | "user" | "principal"): string | undefined {
    if (value.trim() !== value) {
        return undefined; // the whitespace is reported by the caller, for every setting alike
    }
    const lowered = value.replace(/^[^:]*:[^:]*:[^:]*:/, (prefix) => prefix.toLowerCase());
    if (lowered !== value && /^arn:aws[a-z-]*:(iam|sts)::/.test(lowered)) {
        return `ARNs are written with arn:, the partition and the service in lower case: ${lowered}`;
    }
    const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(value);
    if (assumed) {
        const [, partition, account, name] = assumed;
        const roleArn = `arn:${partition}:iam::${account}:role/${name}`;
        return expected === "user"
            ? `this is a role session (aws sts get-caller-identity prints it): map the role in mapRoles as ${roleArn}`
            : `this is a session of the role ${name} (aws sts get-caller-identity prints it), not the role: use ${roleArn}` +
                  (expected === "role"
                      ? " (if the role has an IAM path, it may be left out: the authenticator ignores it)"
                      : ", adding its IAM path if it has one (aws iam get-role --role-name " + name + " shows the ARN)");
    }
    const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(value);
    if (root && expected !== "principal") {
        return `this is the account root: to let every identity of account ${root[1]} sign in, list it in mapAccounts as "${root[1]}"`;
    }
    if (expected !== "principal" && iamName.test(value)) {
        return `this is a name, not an ARN: arn:<partition>:iam::<12-digit account>:${expected}/${value}`;
    }
    const parts = iamArnParts(value);
    if (parts && expected !== "principal" && parts.kind !== expected) {
        return parts.kind === "user"
            ? "this is an IAM user ARN: map users in mapUsers"
            : "this is an IAM role ARN: map roles in mapRoles";
    }
    if (iamPathTooLong(value)) {
        return `its IAM path is longer than IAM's limit: an IAM path of at most ${iamPathMaxLength} characters`;
    }
    return undefined;
}

/** A role or user ARN whose IAM path (`/`, `/seg/.../`) is longer than IAM takes. */
export function iamPathTooLong(value: string): boolean {
    const parts = iamArnParts(value);
    return parts !== undefined && parts.path.length > 0 && parts.path.join("/").length + 2 > iamPathMaxLength;
}

/** The partition of an ARN (`arn:<partition>:...`), or undefined if it is not one. */
export function arnPartition(value: string): string | undefined {
    return /^arn:([^:]+):/.exec(value)?.[1];
}

/**
 * Account IDs AWS's documentation writes its examples with (the IAM User Guide's 111122223333,
 * 444455556666 and 777788889999, the ARN and CLI references' 123456789012 and 012345678901, and the
 * repeated digits of other guides). A mapping of one was most likely copied from an example: it would
 * let whoever holds that account sign in to the cluster, so the settings refuse it unless
 * allowExampleAccounts says it is meant.
 */
export const documentationAccountIds: readonly string[] = [
    "111122223333",
    "444455556666",
    "777788889999",
    "123456789012",
    "012345678901",
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "999999999999",
];

/** The documentation account (documentationAccountIds) an account ID or an IAM/STS ARN names, if any. */
export function documentationAccountOf(value: string): string | undefined {
    const account = /^\d{12}$/.test(value) ? value : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
    return account !== undefined && documentationAccountIds.includes(account) ? account : undefined;
}

/** What is accepted instead of a documentation account, and why. */
export function documentationAccountReason(account: string): string {
    return (
        `an identity of your own accounts: ${account} is an account AWS's documentation uses in its examples, ` +
        "so this entry was most likely copied from one, and it would let whoever holds that account sign in to " +
        "this cluster. Use your own account's ARNs, or set allowExampleAccounts to true if the mapping is meant"
    );
}
