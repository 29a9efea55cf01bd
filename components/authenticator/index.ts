// aws-iam-authenticator: its key and certificate (pki.ts), the config.yaml and mappings.json it reads (configFile.ts), its Kubernetes objects (manifests.ts, iamAuthenticator.ts),
// the kube-apiserver's webhook kubeconfig (webhookKubeconfig.ts), and what people sign in with
// (userKubeconfig.ts, nextSteps.ts).
export { AuthenticatorPki, authenticatorCertificateRequest } from "./pki";
export type { AuthenticatorPkiArgs } from "./pki";
export { IamAuthenticator } from "./iamAuthenticator";
export type { IamAuthenticatorArgs } from "./iamAuthenticator";

// config.yaml (read at start) and mappings.json (the identity mappings, reloaded live).
export { canonicalizeIdentityMappings, parseAuthenticatorConfig, renderAuthenticatorConfig } from "./configFile";
export type { RenderedAuthenticatorConfig } from "./configFile";

// The authenticator's Kubernetes objects.
export {
    authenticatorName,
    authenticatorNamespace,
    configChecksum,
    renderAuthenticatorConfigMap,
    renderAuthenticatorDaemonSet,
    renderClusterRoleBindings,
} from "./manifests";
export type { GroupClusterRoleBinding } from "../core/mappings";
export type { AuthenticatorDaemonSetArgs } from "./manifests";

// Kubeconfigs: the apiserver's webhook kubeconfig, one per IAM role for people, and what to run next.
export { authenticatorPort, authenticatorWebhookUrl, renderWebhookKubeconfig } from "./webhookKubeconfig";
export { renderUserKubeconfig } from "./userKubeconfig";
export type { UserKubeconfigArgs } from "./userKubeconfig";
export { renderNextSteps } from "./nextSteps";
export type { NextStepsArgs, SignInRole } from "./nextSteps";
