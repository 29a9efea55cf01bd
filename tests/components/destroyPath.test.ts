// What `pulumi destroy` of a KopsIamCluster runs, under Pulumi's mocks: the Kubernetes objects
// (through a provider that lets them go when the cluster is gone or unreachable), `kops delete
// cluster` (the spec command), the authenticator's objects, the purge of every version and delete
// marker under `<cluster>/` (only in a bucket the stack created), and the
// bucket. tests/integration/statePurgeMoto.test.ts runs the purge itself against moto_server.
import * as assert from "assert";
import * as YAML from "yaml";
import { parseStackSettings } from "../../components/settings";
import { KopsIamCluster } from "../../components/kopsIamCluster";
import { purgeClusterVersionsScript } from "../../components/aws/statePurge";
import { installMocks, MockRecorder, RecordedResource, secretValue, settle, unwrapSecrets } from "../helpers/mocks/pulumiMocks";
import { creationOrder, dependsOn, ResourceGraph, resourceGraph, runRecordingStack } from "../helpers/mocks/resourceGraph";

const region = "eu-west-1";
const commandType = "command:local:Command";

function exportedKubeconfig(clusterName: string): string {
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: clusterName,
                cluster: {
                    "certificate-authority-data": Buffer.from("CA").toString("base64"),
                    server: `https://api.${clusterName}`,
                },
            },
        ],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{ name: clusterName, user: {} }],
    });
}

async function render(raw: Record<string, unknown>, awsProfile?: string): Promise<{ mocks: MockRecorder; graph: ResourceGraph }> {
    const mocks = await installMocks({
        extraState: (type, name, inputs) =>
            type === commandType && name.endsWith("-kops-kubeconfig")
                ? {
                      stdout: secretValue(exportedKubeconfig(unwrapSecrets(inputs).environment.CLUSTER_NAME)),
                      stderr: secretValue(""),
                  }
                : undefined,
    });
    const settings = parseStackSettings(raw, region, { awsProfile });
    const { transforms } = await runRecordingStack(() => new KopsIamCluster("dev", settings));
    await settle();
    return { mocks, graph: await resourceGraph(mocks, transforms) };
}

describe("pulumi destroy of a KopsIamCluster", () => {
    describe("with the default settings (created, versioned bucket; forceDestroy off)", () => {
        let mocks: MockRecorder;
        let graph: ResourceGraph;
        let purge: RecordedResource;
        before(async () => {
            ({ mocks, graph } = await render(
                { clusterName: "dev.example.com", stateBucketName: "kops-state-example" },
                "platform",
            ));
            purge = mocks.one(commandType, "dev-state-purge-versions");
        });

        it("registers a purge command that runs only on destroy, a fixed script with every value in its environment", () => {
            assert.strictEqual(purge.plainInputs.create, undefined);
            assert.strictEqual(purge.plainInputs.update, undefined);
            assert.strictEqual(purge.plainInputs.delete, purgeClusterVersionsScript);
            assert.deepStrictEqual(purge.plainInputs.interpreter, ["bash", "-c"]);
            // The stack's region and aws:profile, so the AWS CLI reaches the bucket as the stack's provider does.
            assert.deepStrictEqual(purge.plainInputs.environment, {
                STATE_BUCKET: "kops-state-example",
                CLUSTER_PREFIX: "dev.example.com/",
                AWS_REGION: region,
                AWS_PROFILE: "platform",
            });
            assert.ok(
                !purgeClusterVersionsScript.includes("kops-state-example") &&
                    !purgeClusterVersionsScript.includes("dev.example.com"),
            );
        });

        it("runs in order: Kubernetes objects, kops delete cluster, the authenticator objects, the purge, the bucket", () => {
            const one = (type: string, name: string) => mocks.one(type, name);
            const spec = one(commandType, "dev-kops-spec");
            const bucket = one("aws:s3/bucket:Bucket", "dev-state-bucket");
            const objects = mocks.byType("aws:s3/bucketObjectv2:BucketObjectv2");
            const configMap = one("kubernetes:core/v1:ConfigMap", "dev-authenticator-config");
            // Each step depends on the next, so the engine deletes it first.
            assert.ok(dependsOn(graph, configMap.urn, spec.urn));
            assert.ok(dependsOn(graph, spec.urn, purge.urn), "kops delete cluster must run before the purge");
            for (const object of objects) {
                assert.ok(dependsOn(graph, spec.urn, object.urn));
                assert.ok(dependsOn(graph, object.urn, purge.urn), `${object.name} must be deleted before the purge`);
            }
            assert.ok(dependsOn(graph, purge.urn, bucket.urn), "the purge must run before the bucket's deletion");
            const destroyOrder = creationOrder(graph).reverse();
            const at = (r: RecordedResource) => destroyOrder.indexOf(r.urn);
            assert.ok(
                at(configMap) < at(spec) &&
                    at(spec) < Math.min(...objects.map(at)) &&
                    Math.max(...objects.map(at)) < at(purge) &&
                    at(purge) < at(bucket),
                destroyOrder.map((u) => u.split("::").pop()).join(", "),
            );
        });

        it("the Kubernetes provider lets the objects go when the cluster is gone or unreachable (deleteUnreachable)", () => {
            assert.strictEqual(mocks.one("pulumi:providers:kubernetes", "dev-k8s").plainInputs.deleteUnreachable, "true");
        });
    });

    it("an existing bucket: no purge; nothing but the cluster's own objects and kops delete touch it (the claim only reads)", async () => {
        const { mocks } = await render({
            clusterName: "dev.example.com",
            stateBucketName: "shared-kops-state",
            createStateBucket: false,
        });
        assert.deepStrictEqual(
            mocks
                .byType(commandType)
                .map((c) => c.name)
                .sort(),
            ["dev-kops-apply", "dev-kops-kubeconfig", "dev-kops-spec", "dev-state-claim"],
        );
        assert.deepStrictEqual(
            mocks
                .byType("aws:s3/bucketObjectv2:BucketObjectv2")
                .map((o) => o.plainInputs.key)
                .sort()
                .filter((key: string) => !key.startsWith("dev.example.com/")),
            [],
        );
    });

    it("stateBucketForceDestroy: the same purge command (flipping it on a running stack must not delete it, which would run it)", async () => {
        const settings = { clusterName: "dev.example.com", stateBucketName: "kops-state-example" };
        const forced = (await render({ ...settings, stateBucketForceDestroy: true })).mocks;
        const forcedPurge = forced.one(commandType, "dev-state-purge-versions");
        assert.strictEqual(forced.one("aws:s3/bucket:Bucket", "dev-state-bucket").plainInputs.forceDestroy, true);
        const plain = (await render(settings)).mocks;
        assert.deepStrictEqual(forcedPurge.plainInputs, plain.one(commandType, "dev-state-purge-versions").plainInputs);
    });
});
