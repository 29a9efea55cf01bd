// Every row of docs/lifecycle.md's table of events, reproduced by the plan from two stack files: the real
// program (index.ts) rendered under mocks with tests/fixtures/plan/base.yaml and with a copy that
// makes one change, compared the way `npm run plan -- --compare` does.
import * as assert from "assert";
import * as path from "path";
import { Comparison, compareRenderings } from "../../tools/plan/compare";
import { emptyRendering, RenderedStack, renderStack } from "../../tools/plan/run";

const projectDir = path.join(__dirname, "..", "..");
const fixture = (name: string) => path.join(projectDir, "tests", "fixtures", "plan", `${name}.yaml`);
const commandType = "command:local:Command";

describe("plan: the table of events of docs/lifecycle.md", function () {
    // Each rendering loads and runs the whole program; the machine may be shared.
    this.timeout(120000);
    let base: RenderedStack;

    before(async () => {
        base = await renderStack({ projectDir, stackFile: fixture("base") });
    });

    /** The change from base.yaml to `name`.yaml, applied to the same stack. */
    async function changeTo(name: string): Promise<Comparison> {
        const after = await renderStack({ projectDir, stackFile: fixture(name), stackName: base.rendering.stack });
        return compareRenderings(base.rendering, after.rendering);
    }

    const changed = (comparison: Comparison, type?: string) =>
        comparison.resourceChanges.filter((c) => type === undefined || c.type === type).map((c) => `${c.name}: ${c.changedInputs.join(", ")}`);

    it("first pulumi up: the claim (read-only), create spec, update --yes, validate --wait (and the kubeconfig export); zero rolling updates", async () => {
        const firstUp = await compareRenderings(emptyRendering(base.rendering), base.rendering);
        assert.deepStrictEqual(firstUp.operations.map((o) => [o.resource, o.script, o.description]), [
            ["cluster-state-claim", "claim.sh create", "read-only: kops get cluster → absent, this stack's (owner marker) or adopted; " +
                "another owner stops the up before the authenticator's files are uploaded"],
            ["cluster-kops-spec", "upsert-spec.sh create", "kops create cluster --dry-run -o yaml → spec patch → kops replace -f - --force"],
            ["cluster-kops-apply", "apply.sh create", "kops update cluster --yes → kops validate cluster --wait 15m → kops rolling-update " +
                "cluster (dry run; --yes and validate again only for instances an earlier, failed run left outdated)"],
            ["cluster-kops-kubeconfig", "kubeconfig.sh", "kops export kubecfg --auth-plugin"],
        ]);
        assert.strictEqual(firstUp.impact, "check + spec + update + validate + kubeconfig");
        assert.ok(!firstUp.operations.some((o) => o.kinds.includes("rolling-update")));
        assert.strictEqual(firstUp.resourceChanges.length, base.rendering.resources.length);
        assert.ok(firstUp.resourceChanges.every((c) => c.change === "added"));
    });

    it("pulumi up with nothing changed: no input changes, no kOps operation", async () => {
        assert.deepStrictEqual(await changeTo("base"), { refusals: [], resourceChanges: [], operations: [], impact: "none", destroyTimeRuns: [] });
    });

    it("nothing changed, the defaults written out in other spellings (nodeCount 2, zone a, v1.34.10): still nothing", async () => {
        assert.deepStrictEqual(await changeTo("restated"), { refusals: [], resourceChanges: [], operations: [], impact: "none", destroyTimeRuns: [] });
    });

    it("role/user mapping change: no kOps operation; the ConfigMap's mappings.json changes, the DaemonSet does not roll", async () => {
        const comparison = await changeTo("mapping");
        assert.strictEqual(comparison.impact, "none");
        assert.deepStrictEqual(comparison.operations, []);
        assert.deepStrictEqual(changed(comparison, commandType), []);
        assert.deepStrictEqual(changed(comparison, "kubernetes:core/v1:ConfigMap"), ["cluster-authenticator-config: data.mappings.json"]);
        assert.deepStrictEqual(changed(comparison, "kubernetes:apps/v1:DaemonSet"), []);
        // Only the components' recorded args and the ConfigMap: no cloud resource, no provider, no DaemonSet.
        assert.deepStrictEqual(comparison.resourceChanges.filter((c) => !c.type.startsWith("kops-iam-auth:index:")).map((c) => c.type),
            ["kubernetes:core/v1:ConfigMap"]);
    });

    it("authenticator image or resources change: no kOps operation; the DaemonSet only", async () => {
        const comparison = await changeTo("authenticator");
        assert.strictEqual(comparison.impact, "none");
        assert.deepStrictEqual(comparison.resourceChanges.filter((c) => !c.type.startsWith("kops-iam-auth:index:")).map((c) => c.type),
            ["kubernetes:apps/v1:DaemonSet"]);
        assert.deepStrictEqual(changed(comparison, "kubernetes:apps/v1:DaemonSet"), ["cluster-authenticator-daemonset: spec.template"]);
    });

    for (const [row, name, variables] of [
        ["node count and size", "nodes", ["environment.NODE_COUNT", "environment.NODE_SIZE", "environment.SPEC_PATCH"]],
        ["Kubernetes version", "version", ["environment.KUBERNETES_VERSION", "environment.SPEC_PATCH"]],
    ] as const) {
        it(`${row} change: spec upsert, update --yes, rolling-update --yes, validate; the kubeconfig export does not re-run`, async () => {
            const comparison = await changeTo(name);
            assert.strictEqual(comparison.impact, "spec + update + rolling-update + validate");
            assert.deepStrictEqual(comparison.operations.map((o) => [o.resource, o.script]), [
                ["cluster-kops-spec", "upsert-spec.sh update"],
                ["cluster-kops-apply", "apply.sh update"],
            ]);
            assert.deepStrictEqual(changed(comparison, commandType), [
                `cluster-kops-spec: ${variables.join(", ")}`,
                "cluster-kops-apply: environment.SPEC_FINGERPRINT",
            ]);
            // Nothing on the cluster itself changes: its objects are not touched.
            assert.deepStrictEqual(comparison.resourceChanges.filter((c) => c.type.startsWith("kubernetes:")), []);
        });
    }

    it("tool-only settings (kopsBinary, aws:profile, validateTimeout): read-only checks, no kOps operation that changes the cloud", async () => {
        const comparison = await changeTo("tool-settings");
        assert.strictEqual(comparison.impact, "check + validate + kubeconfig");
        assert.deepStrictEqual(comparison.operations.map((o) => [o.resource, o.script, o.description]), [
            ["cluster-state-claim", "claim.sh update", "read-only: kops get cluster → absent, this stack's (owner marker) or adopted; " +
                "another owner stops the up before the authenticator's files are uploaded"],
            ["cluster-kops-spec", "upsert-spec.sh update", "read-only: kops get cluster + kops get instancegroups → spec patch changes nothing: no replace"],
            ["cluster-kops-apply", "apply.sh update", "read-only: kops update cluster (dry run: no change) → " +
                "kops rolling-update cluster (dry run: nothing outdated) → kops validate cluster --wait 45m"],
            ["cluster-kops-kubeconfig", "kubeconfig.sh", "kops export kubecfg --auth-plugin"],
        ]);
        assert.ok(!comparison.operations.some((o) => o.kinds.some((k) => ["spec", "update", "rolling-update", "delete"].includes(k))));
        // The commands re-run because they carry the values (destroy runs with the recorded ones).
        assert.deepStrictEqual(changed(comparison, commandType), [
            "cluster-state-purge-versions: environment.AWS_PROFILE",
            "cluster-state-claim: environment.AWS_PROFILE, environment.KOPS_BIN",
            "cluster-kops-spec: environment.AWS_PROFILE, environment.KOPS_BIN",
            "cluster-kops-apply: environment.AWS_PROFILE, environment.KOPS_BIN, environment.SPEC_FINGERPRINT, environment.VALIDATE_TIMEOUT",
            "cluster-kops-kubeconfig: environment.AWS_PROFILE, environment.KOPS_BIN",
        ]);
        assert.deepStrictEqual(comparison.resourceChanges.filter((c) => c.type.startsWith("kubernetes:")), []);

        const timeout = await changeTo("validate-timeout");
        assert.strictEqual(timeout.impact, "check + validate");
        assert.deepStrictEqual(changed(timeout, commandType), ["cluster-kops-apply: environment.VALIDATE_TIMEOUT"]);
    });

    for (const [setting, name] of [
        ["zones", "zones"], ["networking", "networking"], ["topology", "topology"],
        ["clusterName", "cluster-name"], ["controlPlaneCount", "control-plane-count"],
    ]) {
        it(`immutable setting change (${setting}): refused at preview by the guard's check, naming it; no kOps operation`, async () => {
            const comparison = await changeTo(name);
            assert.strictEqual(comparison.impact, "refused");
            assert.deepStrictEqual(comparison.operations, []);
            assert.deepStrictEqual(comparison.refusals.map((r) => r.name), ["cluster-kops-immutable"]);
            assert.match(comparison.refusals[0].reason,
                new RegExp(`^cluster dev\\.k8s\\.local: ${setting} cannot change from .* Nothing was changed; put the setting back`));
        });
    }

    // Settings that decide where and what the cluster is, or count only when it is created: refused
    // by a guard's check (the cluster's, or the state store's for its bucket), naming both values.
    for (const [setting, name, guard, change] of [
        ["aws:region", "region", "cluster-kops-immutable", '"eu-west-1" to "eu-central-1"'],
        ["stateBucketName", "state-bucket-name", "cluster-state-immutable", '"kops-iam-auth-plan-test" to "kops-iam-auth-plan-other"'],
        ["createStateBucket", "create-state-bucket", "cluster-state-immutable", "true to false"],
        ["authenticatorUid", "authenticator-uid", "cluster-kops-immutable", "10000 to 10001"],
        ["adoptExistingCluster", "adopt-existing-cluster", "cluster-kops-creation-settings", "false to true"],
        ["sshPublicKey", "ssh-public-key", "cluster-kops-creation-settings", '\\(none\\) to "ssh-ed25519 AAAAC3Nz.*admin@example\\.com"'],
        ["kopsExtraFlags", "kops-extra-flags", "cluster-kops-creation-settings", "\\[\\] to \\[--node-volume-size=64\\]"],
        ["kubernetesVersion", "version-skip", "cluster-kops-immutable", '"1\\.34\\.10" to "1\\.36\\.1"'],
        ["kubernetesVersion", "version-downgrade", "cluster-kops-immutable", '"1\\.34\\.10" to "1\\.33\\.5"'],
    ]) {
        it(`${setting} change (${name}.yaml): refused at preview by ${guard}'s check, naming it and both values; no kOps operation`, async () => {
            const comparison = await changeTo(name);
            assert.strictEqual(comparison.impact, "refused");
            assert.deepStrictEqual(comparison.operations, []);
            const refusal = comparison.refusals.find((r) => r.reason.includes(`: ${setting} cannot change`));
            assert.ok(refusal, `no refusal names ${setting}: ${JSON.stringify(comparison.refusals, null, 2)}`);
            assert.strictEqual(refusal.name, guard);
            assert.match(refusal.reason, new RegExp(`^cluster dev\\.k8s\\.local: ${setting} cannot change from ${change}: .+ Nothing was changed`));
        });
    }

    it("pulumi destroy: kops delete cluster --yes after the Kubernetes objects, before the state store objects, the purge of <cluster>/ and the bucket", async () => {
        const destroy = await compareRenderings(base.rendering, emptyRendering(base.rendering));
        const bucket = base.rendering.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        const bucketName = (bucket.inputs as any).bucket;
        assert.deepStrictEqual(destroy.operations.map((o) => [o.resource, o.step, o.description]), [
            ["cluster-kops-spec", "delete", "kops delete cluster --yes (a cluster already gone counts as deleted)"],
            ["cluster-state-purge-versions", "delete", "no kops call: aws s3api list-object-versions + delete-objects, every version and " +
                `delete marker under s3://${bucketName}/dev.k8s.local/ (what kops delete cluster leaves), before the bucket's deletion`],
        ]);
        const purge = destroy.resourceChanges.findIndex((c) => c.name === "cluster-state-purge-versions");
        const order = destroy.resourceChanges.map((c) => c.type);
        const position = (predicate: (type: string) => boolean) => order.flatMap((t, i) => (predicate(t) ? [i] : []));
        const kopsDelete = destroy.resourceChanges.findIndex((c) => c.name === "cluster-kops-spec");
        const kubernetesObjects = position((t) => t.startsWith("kubernetes:"));
        const stateStore = position((t) => t.startsWith("aws:s3/"));
        assert.strictEqual(kubernetesObjects.length, 3);
        assert.ok(Math.max(...kubernetesObjects) < kopsDelete, `Kubernetes objects after the cluster: ${order.join(", ")}`);
        assert.ok(stateStore.length > 0 && Math.min(...stateStore) > kopsDelete, `state store before the cluster: ${order.join(", ")}`);
        assert.ok(order.indexOf("aws:s3/bucket:Bucket") > Math.max(...position((t) => t === "aws:s3/bucketObjectv2:BucketObjectv2")));
        assert.ok(purge > Math.max(...position((t) => t === "aws:s3/bucketObjectv2:BucketObjectv2")) && purge < order.indexOf("aws:s3/bucket:Bucket"),
            `the purge runs after the objects' deletion, before the bucket's: ${order.join(", ")}`);
    });
});
