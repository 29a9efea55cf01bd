// Who may sign in: the IAM roles this project creates for people, the identity mappings
// aws-iam-authenticator's MountedFile backend reads (`server.mapRoles`, `mapUsers`, `mapAccounts` in
// config.yaml, where the keys are lowercase: authenticator/configFile.ts writes them), and the
// ClusterRoleBindings that give mapped groups their rights.

/** An IAM role whose sessions sign in as `username` with `groups`. */
export interface RoleMapping {
    /** Role ARN. The server matches canonical ARNs only, so config.yaml gets it without its IAM path. */
    roleArn: string;
    username: string;
    groups: string[];
}

/** An IAM user who signs in as `username` with `groups`. */
export interface UserMapping {
    /** User ARN, with its IAM path if it has one (the caller ARN of a user keeps it). */
    userArn: string;
    username: string;
    groups: string[];
}

/** Everything the authenticator maps, in the order config.yaml lists it. */
export interface IdentityMappings {
    mapRoles: RoleMapping[];
    mapUsers: UserMapping[];
    /** 12-digit account IDs, kept as strings. */
    mapAccounts: string[];
}

/** An IAM role to create, and who its sessions are in Kubernetes. */
export interface AccessRole {
    /** The IAM role name (fixed, not auto-named: users assume it by name). */
    name: string;
    /** The Kubernetes username its sessions get. */
    username: string;
    /** The Kubernetes groups its sessions get (RBAC bindings give them rights). */
    groups: string[];
    /** Principal ARNs that may assume the role. Unset: the account root (the account's IAM decides). */
    trustedPrincipals?: string[];
    /**
     * Only sessions authenticated with MFA may assume the role.
     * @default `false`
     */
    requireMfa?: boolean;
    /** Maximum session length in seconds (IAM accepts 3600 to 43200). Unset: IAM's 3600. */
    maxSessionDurationSeconds?: number;
}

/** A mapped Kubernetes group and the ClusterRole it is bound to (e.g. `{group: "readers", clusterRole: "view"}`). */
export interface GroupClusterRoleBinding {
    group: string;
    clusterRole: string;
}
