// The package's public API: the components, their Args, the pure renderers they are built from
// (usable without Pulumi), and the stack-config helpers.

// The whole recipe in one component, and its parts, each usable on its own.
export { KopsIamCluster } from "./kopsIamCluster";
export type { KopsIamClusterArgs } from "./kopsIamCluster";
export { AuthenticatorPki, authenticatorCertificateRequest } from "./pki";
export type { AuthenticatorPkiArgs } from "./pki";
export { KopsStateStore } from "./stateStore";
export type { KopsStateStoreArgs } from "./stateStore";
export { AccessRoles } from "./accessRoles";
export { defaultAccessRoles } from "./mappings";
export type { AccessRolesArgs } from "./accessRoles";
export { defaultKopsCommandTimeouts, KopsCluster, kopsClusterDefaults } from "./kops/cluster";
export type { KopsClusterArgs, KopsCommandTimeouts } from "./kops/cluster";
export { KubeconfigMode } from "./kops/commandEnvironment";
export { IamAuthenticator } from "./authenticator";
export type { IamAuthenticatorArgs } from "./authenticator";

// Identity mappings, and the config.yaml aws-iam-authenticator reads them from.
export type { AccessRole, IdentityMappings, RoleMapping, UserMapping } from "./mappings";
export { canonicalizeIdentityMappings, parseAuthenticatorConfig, renderAuthenticatorConfig } from "./authenticatorConfig";
export type { RenderedAuthenticatorConfig } from "./authenticatorConfig";

// The authenticator's Kubernetes objects.
export {
    authenticatorName, authenticatorNamespace, configChecksum, defaultAuthenticatorImage, defaultAuthenticatorResources,
    defaultAuthenticatorUid, renderAuthenticatorConfigMap, renderAuthenticatorDaemonSet, renderClusterRoleBindings,
} from "./authenticatorManifests";
export type { AuthenticatorDaemonSetArgs, AuthenticatorResources, GroupClusterRoleBinding } from "./authenticatorManifests";

// Kubeconfigs: the apiserver's webhook kubeconfig, one per IAM role for people, and what to run next.
export { authenticatorPort, authenticatorWebhookUrl, renderWebhookKubeconfig } from "./webhookKubeconfig";
export { renderUserKubeconfig } from "./kubeconfig";
export { TokenCommand } from "./kubeconfig";
export type { UserKubeconfigArgs } from "./kubeconfig";
export { renderNextSteps } from "./nextSteps";
export type { NextStepsArgs, SignInRole } from "./nextSteps";

// IAM and S3 policies, and where the authenticator's files live in the state store.
export { renderTlsOnlyBucketPolicy, renderTrustPolicy } from "./policies";
export type { PolicyDocument, PolicyStatement, TrustPolicyOptions } from "./policies";
export { authenticatorObjectKeys, authenticatorObjectPrefix, stateStoreUrl } from "./stateStoreLayout";
export type { AuthenticatorObjectKeys } from "./stateStoreLayout";

// The kOps cluster spec patch (what `kops edit cluster` did by hand in the 2018 recipe), and what
// other code needs from the kubeconfig kOps exports.
export { patchClusterSpec, validateSpecPatchOptions } from "./kops/specPatch";
export { HookRunner } from "./kops/specPatch";
export type { SpecPatchOptions } from "./kops/specPatch";
export { parseKubeconfigCluster } from "./kops/kubeconfigInfo";
export type { KubeconfigClusterInfo } from "./kops/kubeconfigInfo";

// Stack config: read and validate it, or check a hand-made settings object.
export { ConfigError, configNamespace, parseStackSettings, readStackSettings } from "./config";
export type { StackSettings } from "./config";
