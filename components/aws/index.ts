// The AWS side: the kOps state store bucket and the authenticator's objects in it (stateStore.ts; the bucket's checks and the purge of old versions on destroy:
// stateBucketCheck.ts, statePurge.ts), and the IAM roles people assume (accessRoles.ts, policies.ts).
export { KopsStateStore } from "./stateStore";
export type { KopsStateStoreArgs } from "./stateStore";
export { AccessRoles } from "./accessRoles";
export type { AccessRoleArgs, AccessRolesArgs } from "./accessRoles";

// IAM and S3 policies.
export { renderTlsOnlyBucketPolicy, renderTrustPolicy } from "./policies";
export type { PolicyDocument, PolicyStatement, TrustPolicyOptions } from "./policies";
