import * as assert from "assert";
import * as YAML from "yaml";
import { parseKubeconfigCluster } from "../../components/kops/kubeconfigInfo";

const clusterName = "dev.example.com";
const server = "https://api-dev-example-com-abc123.elb.eu-west-1.amazonaws.com";
const caData = Buffer.from("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n").toString("base64");

/**
 * What `kops export kubecfg --auth-plugin --kubeconfig F` writes (pkg/kubeconfig/kubecfg_builder.go,
 * v1.36.2: cluster, user and context named after the cluster, the context current).
 */
function kopsKubeconfig(
    cluster: Record<string, unknown> = { "certificate-authority-data": caData, server },
): Record<string, any> {
    return {
        apiVersion: "v1",
        clusters: [{ cluster, name: clusterName }],
        contexts: [{ context: { cluster: clusterName, user: clusterName }, name: clusterName }],
        "current-context": clusterName,
        kind: "Config",
        preferences: {},
        users: [
            {
                name: clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        args: ["helpers", "kubectl-auth", `--cluster=${clusterName}`, "--state=s3://kops-state-example"],
                        command: "kops",
                    },
                },
            },
        ],
    };
}

describe("parseKubeconfigCluster", () => {
    it("reads the server and CA of kOps' exported kubeconfig", () => {
        assert.deepStrictEqual(parseKubeconfigCluster(YAML.stringify(kopsKubeconfig())), {
            server,
            certificateAuthorityData: caData,
        });
    });

    it("follows the current context when there are several clusters", () => {
        const config = kopsKubeconfig();
        config.clusters.unshift({
            name: "other",
            cluster: { server: "https://other.example", "certificate-authority-data": "T1RIRVI=" },
        });
        config.contexts.unshift({ name: "other", context: { cluster: "other", user: "other" } });
        assert.deepStrictEqual(parseKubeconfigCluster(YAML.stringify(config)), { server, certificateAuthorityData: caData });
    });

    it("takes the only cluster when there is no current context", () => {
        const config = kopsKubeconfig();
        delete config["current-context"];
        assert.deepStrictEqual(parseKubeconfigCluster(YAML.stringify(config)).server, server);
    });

    it("gives no CA when kOps exported none (an API load balancer with its own certificate)", () => {
        const parsed = parseKubeconfigCluster(YAML.stringify(kopsKubeconfig({ server })));
        assert.deepStrictEqual(parsed, { server });
        assert.ok(!("certificateAuthorityData" in parsed));
    });

    it("refuses text that is not a kubeconfig, saying what is missing", () => {
        assert.throws(
            () => parseKubeconfigCluster("kOps has set your kubectl context to dev.example.com"),
            /the kubeconfig has no clusters/,
        );
        assert.throws(() => parseKubeconfigCluster(""), /no clusters/);
        assert.throws(() => parseKubeconfigCluster("clusters: [\n"), /not YAML/);
    });

    it("refuses a current context that names no context, and an ambiguous choice", () => {
        const dangling = kopsKubeconfig();
        dangling["current-context"] = "missing";
        assert.throws(() => parseKubeconfigCluster(YAML.stringify(dangling)), /current-context "missing" names no context/);

        const ambiguous = kopsKubeconfig();
        delete ambiguous["current-context"];
        ambiguous.clusters.push({ name: "other", cluster: { server: "https://other.example" } });
        assert.throws(() => parseKubeconfigCluster(YAML.stringify(ambiguous)), /no current-context, and 2 clusters/);
    });

    it("refuses a context whose cluster is missing, a non-https server and an empty CA", () => {
        const missing = kopsKubeconfig();
        missing.contexts[0].context.cluster = "gone";
        assert.throws(() => parseKubeconfigCluster(YAML.stringify(missing)), /cluster "gone" is not in clusters/);
        assert.throws(
            () => parseKubeconfigCluster(YAML.stringify(kopsKubeconfig({ server: "http://insecure.example" }))),
            /has server "http:\/\/insecure.example"; expected an https:\/\/ URL/,
        );
        assert.throws(
            () => parseKubeconfigCluster(YAML.stringify(kopsKubeconfig({ server, "certificate-authority-data": "" }))),
            /empty or non-string certificate-authority-data/,
        );
    });
});
