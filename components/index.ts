// The package's public API: the components, their Args, the pure renderers they are built from
// (usable without Pulumi), and the stack-config helpers. Each folder is one concern, with its own index:
//   authenticator/  aws-iam-authenticator: PKI, identity mappings, config.yaml, Kubernetes objects, kubeconfigs
//   aws/            the kOps state store bucket and its objects, the IAM roles people assume, policies
//   kops/           KopsCluster: kops through @pulumi/command, the cluster spec patch, scripts/
//   config/         the stack's settings: tables, parser, value rules

// The whole recipe in one component; its parts, each usable on its own, come from the folders.
export { KopsIamCluster } from "./kopsIamCluster";
export type { KopsIamClusterArgs } from "./kopsIamCluster";
export * from "./authenticator";
export * from "./aws";
export * from "./kops";

// Stack config: read and validate it, or check a hand-made settings object.
export { ConfigError, configNamespace, parseStackSettings, readStackSettings } from "./config";
export type { StackSettings } from "./config";
