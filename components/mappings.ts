// The identity mappings aws-iam-authenticator's MountedFile backend reads (`server.mapRoles`,
// `mapUsers`, `mapAccounts` in config.yaml). Keys are lowercase, as every backend accepts them.

/** An IAM role whose sessions sign in as `username` with `groups`. */
export interface RoleMapping {
    /** Role ARN without IAM path: the server matches canonical ARNs only. */
    rolearn: string;
    username: string;
    groups: string[];
}

/** An IAM user who signs in as `username` with `groups`. */
export interface UserMapping {
    /** User ARN without IAM path. */
    userarn: string;
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
