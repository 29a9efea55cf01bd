// The kOps cluster: KopsCluster runs kops through @pulumi/command (cluster.ts, commandEnvironment.ts,
// the scripts in scripts/ and the helper program kopsHelper.ts they call), patching the spec kops
// writes (specPatch.ts: what `kops edit cluster` did by hand in the 2018 recipe).
export { KopsCluster } from "./cluster";
export type { KopsCommandTimeouts } from "../core/defaults";
export type { KopsClusterArgs } from "./cluster";

// The spec patch, and what other code needs from the kubeconfig kOps exports.
export { patchClusterSpec } from "./specPatch";
export { validateSpecPatchOptions } from "./specPatchOptions";
export type { SpecPatchOptions } from "./specPatchOptions";
export { parseKubeconfigCluster } from "./kubeconfigInfo";
export type { KubeconfigClusterInfo } from "./kubeconfigInfo";
