// What the tests of the kOps scripts share: where the scripts and the stub kops are, and one
// cluster's command settings as KopsCluster resolves them (checkedCommandSettings' input).
import * as path from "path";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { KopsCommandSettings } from "../../components/kops/commandEnvironment";

const repoRoot = path.join(__dirname, "..", "..");
export const scriptsDir = path.join(repoRoot, "components", "kops", "scripts");
/** The directory holding the stub `kops`; put it first on PATH. */
export const stubsDir = path.join(repoRoot, "tests", "stubs");
export const clusterName = "dev.example.com";
export const stateStore = "s3://kops-state-test";
export const testCaPem = "-----BEGIN CERTIFICATE-----\nTESTCAMATERIAL\n-----END CERTIFICATE-----\n";

export const baseSettings: KopsCommandSettings = {
    kopsBinary: "kops",
    clusterName,
    stateStoreUrl: stateStore,
    region: "us-east-1",
    zones: ["us-east-1a", "us-east-1b"],
    nodeCount: 2,
    nodeSize: "t3.medium",
    controlPlaneCount: 1,
    controlPlaneSize: "m6i.large",
    kubernetesVersion: "1.34.10",
    networking: "cilium",
    topology: "public",
    extraFlags: [],
    adoptExisting: false,
    validateTimeout: "15m",
    kubeconfigMode: "auth-plugin",
    adminTtl: "18h",
    webhookKubeconfig: renderWebhookKubeconfig(testCaPem),
    webhookCacheTtl: "5m",
    hookRunner: "container",
    hookImage: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
    authenticatorUid: 10000,
};
