// The kOps cluster: KopsCluster runs kops through @pulumi/command (cluster.ts, commandEnvironment.ts,
// the scripts in scripts/ and the helper program kopsHelper.ts they call), patching the spec kops
// writes (specPatch.ts: what `kops edit cluster` did by hand in the 2018 recipe).
export { defaultKopsCommandTimeouts, KopsCluster } from "./cluster";
export { kopsClusterDefaults } from "./defaults";
export type { KopsClusterArgs, KopsCommandTimeouts } from "./cluster";
export { KubeconfigMode } from "./commandEnvironment";

// The spec patch, and what other code needs from the kubeconfig kOps exports.
export { HookRunner, patchClusterSpec, validateSpecPatchOptions } from "./specPatch";
export type { SpecPatchOptions } from "./specPatch";
export { parseKubeconfigCluster } from "./kubeconfigInfo";
export type { KubeconfigClusterInfo } from "./kubeconfigInfo";
