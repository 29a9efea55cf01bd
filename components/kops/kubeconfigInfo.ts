// What other parts of the stack need to know about the API server, read from the kubeconfig kOps
// exports (`kops export kubecfg`, pkg/kubeconfig/kubecfg_builder.go): its URL and the cluster CA.
// Neither is a credential, so they can be plain outputs while the kubeconfig itself stays secret.
import * as YAML from "yaml";

export interface KubeconfigClusterInfo {
    /** The API server URL (`clusters[].cluster.server`), e.g. `https://api-example-1234.elb.amazonaws.com`. */
    server: string;
    /**
     * The cluster CA bundle, base64-encoded PEM, as kubeconfigs carry it
     * (`certificate-authority-data`). Undefined when kOps exported none: it leaves the CA out when the
     * API load balancer has its own certificate (`spec.api.loadBalancer.sslCertificate`), whose
     * issuer clients then find in their system roots.
     */
    certificateAuthorityData?: string;
}

/**
 * Finds the cluster of a kubeconfig's current context (kOps names the context, cluster and user
 * after the cluster and makes that context current) and returns its server URL and CA. A kubeconfig
 * without a current context counts only when it holds a single cluster. Throws, saying what is
 * missing, on anything else: the caller passes kOps' output, so a failure means kOps printed
 * something other than a kubeconfig.
 */
export function parseKubeconfigCluster(kubeconfigYaml: string): KubeconfigClusterInfo {
    let config: any;
    try {
        config = YAML.parse(kubeconfigYaml);
    } catch (err) {
        throw new Error(`parseKubeconfigCluster: not YAML: ${(err as Error).message}`);
    }
    if (typeof config !== "object" || config === null || !Array.isArray(config.clusters) || config.clusters.length === 0) {
        throw new Error("parseKubeconfigCluster: the kubeconfig has no clusters (expected kOps' `export kubecfg` output)");
    }
    const clusters: any[] = config.clusters;

    let clusterName: string | undefined;
    const currentContext = config["current-context"];
    if (currentContext) {
        const context = (Array.isArray(config.contexts) ? config.contexts : []).find((c: any) => c?.name === currentContext);
        if (!context?.context?.cluster) {
            throw new Error(`parseKubeconfigCluster: current-context "${currentContext}" names no context with a cluster`);
        }
        clusterName = context.context.cluster;
    } else if (clusters.length === 1) {
        clusterName = clusters[0]?.name;
    } else {
        throw new Error(`parseKubeconfigCluster: no current-context, and ${clusters.length} clusters to choose from`);
    }

    const entry = clusters.find((c: any) => c?.name === clusterName);
    if (!entry) {
        throw new Error(`parseKubeconfigCluster: the current context's cluster "${clusterName}" is not in clusters`);
    }
    const server = entry.cluster?.server;
    if (typeof server !== "string" || !server.startsWith("https://")) {
        throw new Error(
            `parseKubeconfigCluster: cluster "${clusterName}" has server ${JSON.stringify(server)}; ` +
                "expected an https:// URL",
        );
    }
    const caData = entry.cluster?.["certificate-authority-data"];
    if (caData !== undefined && (typeof caData !== "string" || caData === "")) {
        throw new Error(`parseKubeconfigCluster: cluster "${clusterName}" has an empty or non-string certificate-authority-data`);
    }
    return caData === undefined ? { server } : { server, certificateAuthorityData: caData };
}
