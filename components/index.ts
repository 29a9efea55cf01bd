// The package's public API: the components, their Args, the pure renderers they are built from
// (usable without Pulumi), and the stack-config helpers. Each folder is one floor or one concern, with
// its own index; a folder imports only from the floors below it (npm run lint enforces it):
//   core/           the ground floor: value rules, public enums and types, defaults, layouts
//   authenticator/  aws-iam-authenticator: PKI, identity mappings, config.yaml, Kubernetes objects, kubeconfigs
//   aws/            the kOps state store bucket and its objects, the IAM roles people assume, policies
//   kops/           KopsCluster: kops through @pulumi/command, the cluster spec patch, scripts/
//   settings/       KopsIamCluster's args, what each accepts and its default, the check of a set of them
//   kopsIamCluster.ts  the whole recipe, on the three concerns and its settings
//   config/         the stack config on top: a stack read into the args

// The whole recipe in one component; its parts, each usable on its own, come from the folders.
export { KopsIamCluster } from "./kopsIamCluster";
export * from "./core";
export * from "./authenticator";
export * from "./aws";
export * from "./kops";

// Its settings: check a hand-made set (or a stack config's raw values) with the stack config's rules.
export * from "./settings";

// The stack config: read it into the args and check them.
export { readStackSettings } from "./config";
