// Who can still get into the cluster after a mapping or binding change: the stack config, KopsIamCluster
// and IamAuthenticator check it before anything is registered, because the Kubernetes side accepts all
// of it silently (an empty config.yaml, a ClusterRoleBinding to a ClusterRole that does not exist).
import { AccessRole, RoleMapping, UserMapping } from "../core/mappings";

/** kOps' own way in, which works whatever the authenticator maps. */
export const kopsAdminWayIn =
    "kOps' admin credentials still reach the cluster (kops export kubecfg --admin, with the state store and " +
    "AWS credentials that may read it)";

/** The settings that decide who signs in and what they get. */
export interface SignInSettings {
    accessRoles: readonly AccessRole[];
    mapRoles: readonly RoleMapping[];
    mapUsers: readonly UserMapping[];
    mapAccounts: readonly string[];
    clusterRoleBindings: ReadonlyArray<{ group: string; clusterRole: string }>;
}

/** No IAM identity at all is mapped: nobody signs in through aws-iam-authenticator. */
export function mapsNoIdentity(settings: Omit<SignInSettings, "clusterRoleBindings">): boolean {
    return (
        settings.accessRoles.length === 0 &&
        settings.mapRoles.length === 0 &&
        settings.mapUsers.length === 0 &&
        settings.mapAccounts.length === 0
    );
}

/** Why a configuration that maps no identity is refused, and the opt-out. */
export const noIdentityReason =
    "no accessRoles, mapRoles, mapUsers or mapAccounts entry is left, so nobody can sign in through " +
    `aws-iam-authenticator and every IAM identity is locked out; only ${kopsAdminWayIn}. Map at least ` +
    "one identity, or set allowNoIamSignIn to true if that is what you mean";

/** The warning when allowNoIamSignIn lets a configuration without mappings through. */
export const noIdentityWarning = `no IAM identity is mapped (allowNoIamSignIn): nobody signs in through aws-iam-authenticator; ${kopsAdminWayIn}`;

/**
 * A warning when identities are mapped but none of them gets any rights from this stack: none is in
 * system:masters or in a group clusterRoleBindings binds. Only a warning: bindings made outside the
 * stack (by username or group) may give them rights.
 */
export function noRightsWarning(settings: SignInSettings): string | undefined {
    if (mapsNoIdentity(settings)) {
        return undefined;
    }
    const mapped = [...settings.accessRoles, ...settings.mapRoles, ...settings.mapUsers].flatMap((m) => m.groups);
    const bound = new Set(["system:masters", ...settings.clusterRoleBindings.map((b) => b.group)]);
    if (mapped.some((group) => bound.has(group))) {
        return undefined;
    }
    const list = (groups: string[]) => [...new Set(groups)].join(", ") || "none";
    return (
        "no mapped identity is in system:masters or in a group clusterRoleBindings binds " +
        `(mapped groups: ${list(mapped)}; bound groups: ${list(settings.clusterRoleBindings.map((b) => b.group))}): ` +
        "whoever signs in through IAM can do only what RBAC bindings made outside this stack allow. If that is " +
        `not what you mean, bind a mapped group (clusterRoleBindings) or map a role into system:masters; ${kopsAdminWayIn}`
    );
}

/** ClusterRoles every Kubernetes cluster has (the user-facing roles; system:* are Kubernetes' own). */
export const builtinClusterRoles = ["cluster-admin", "admin", "edit", "view"];

export function isBuiltinClusterRole(name: string): boolean {
    return builtinClusterRoles.includes(name) || name.startsWith("system:");
}

/**
 * A warning per binding to a ClusterRole that is not a Kubernetes built-in: the API server accepts a
 * binding to a role that does not exist, and it grants nothing. Not refused: the stack creates no
 * ClusterRole and cannot see those other programs create.
 */
export function unknownClusterRoleWarnings(bindings: ReadonlyArray<{ group: string; clusterRole: string }>): string[] {
    return bindings.flatMap((binding, index) =>
        isBuiltinClusterRole(binding.clusterRole)
            ? []
            : [
                  `clusterRoleBindings[${index}] binds the group ${binding.group} to the ClusterRole ${binding.clusterRole}, ` +
                      `which is not a Kubernetes built-in (${builtinClusterRoles.join(", ")}, system:*) and which this stack ` +
                      "does not create: Kubernetes accepts a binding to a ClusterRole that does not exist, and it grants " +
                      `nothing until another program creates it (kubectl get clusterrole ${binding.clusterRole} shows whether it exists)`,
              ],
    );
}
