// The stack program: a kOps cluster with IAM sign-in, built from the stack's config
// (Pulumi.<stack>.yaml; see the README's configuration reference). `pulumi up` creates it.
import { KopsIamCluster, readStackSettings } from "./components";

// Throws, listing every problem, before any resource is registered: a bad config touches nothing.
const settings = readStackSettings();

const cluster = new KopsIamCluster("cluster", settings);

export const clusterName = cluster.clusterName;
export const stateStoreUrl = cluster.stateStoreUrl;
export const roleArns = cluster.roleArns;
/** Per role, a kubeconfig: `pulumi stack output kubeconfigs --json | jq -r '.["KubernetesAdmin"]'`. */
export const kubeconfigs = cluster.kubeconfigs;
export const nextSteps = cluster.nextSteps;
