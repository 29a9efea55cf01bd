// The components this package offers to other Pulumi languages. The plugin's package name,
// kops-iam-auth, is the schema's package name: it matches the components' type tokens
// (kops-iam-auth:index:KopsIamCluster, ...).
export { AccessRoles, AuthenticatorPki, IamAuthenticator, KopsCluster, KopsIamCluster, KopsStateStore } from "../components";
