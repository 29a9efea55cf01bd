// The package's public API: the components, their Args, the pure renderers they are built from
// (usable without Pulumi), and the stack-config helpers. Each folder is one floor or one concern, with
// its own index; a folder imports only from the floors below it (npm run lint enforces it):
//   core/           the ground floor: value rules, public enums and types, defaults, layouts
//   authenticator/  aws-iam-authenticator: PKI, identity mappings, config.yaml, Kubernetes objects, kubeconfigs
//   aws/            the kOps state store bucket and its objects, the IAM roles people assume, policies
//   kops/           KopsCluster: kops through @pulumi/command, the cluster spec patch, scripts/
//   kopsIamCluster.ts  the whole recipe, on the three concerns
//   config/         the stack's settings on top: tables and parser

// The whole recipe in one component; its parts, each usable on its own, come from the folders.
export { KopsIamCluster } from "./kopsIamCluster";
export type { KopsIamClusterArgs } from "./kopsIamClusterArgs";
export * from "./core";
export * from "./authenticator";
export * from "./aws";
export * from "./kops";

// Stack config: read and validate it, or check a hand-made settings object.
export { ConfigError, configNamespace, parseStackSettings, readStackSettings } from "./config";
