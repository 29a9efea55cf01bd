// The real Pulumi engine runs the recipe's non-AWS slice (tests/engine/project: AuthenticatorPki +
// KopsCluster + IamAuthenticator through a Kubernetes provider) with `pulumi up` in a project
// directory, as a user does: up, up again, a mapping change, a node-count change, an immutable
// change, destroy. The real parts: the pulumi CLI, its Node.js language host, the command, tls and
// kubernetes providers, the dynamic provider of the immutable-settings guard, our scripts and the
// compiled helper, kube-apiserver with etcd (and kube-controller-manager's daemonset and
// clusterrole-aggregation controllers). The double: kops (tests/stubs/kops), which stands for kOps
// and the booted cluster it would make; its exported kubeconfig reaches the real apiserver.
//
// The engine's own preview (`pulumi preview --json`) measures the README's lifecycle table.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { KubeApiserver } from "../helpers/kubeApiserver";
import { runOk } from "../helpers/processes";
import { PulumiEngine, tempDir } from "../helpers/pulumiEngine";
import { requireTool } from "../helpers/tools";
import {
    consumerProject,
    firstUpKopsCalls,
    kopsLifecycleCalls,
    previewSteps,
    resourceCounts,
    stackConfigFile,
    startBootedClusterEngine,
} from "../helpers/engineStage";
import { readStubCalls } from "../helpers/stubKops";

const project = "kops-iam-auth-engine-test";
const stack = "engine";
const clusterName = "engine.k8s.local";
const roleArn = (name: string) => `arn:aws:iam::111122223333:role/${name}`;
const adminMapping = { rolearn: roleArn("KubernetesAdmin"), username: "kubernetes-admin", groups: ["system:masters"] };
const viewerMapping = { rolearn: roleArn("KubernetesViewer"), username: "viewer:{{SessionName}}", groups: ["viewers"] };
const baseConfig = {
    clusterName,
    stateStoreUrl: "s3://engine-test-state",
    nodeCount: 2,
    mappings: { mapRoles: [adminMapping], mapUsers: [], mapAccounts: [] },
};

describe("engine stage: `pulumi up` in a project directory (real engine, real kube-apiserver, stub kops)", function () {
    this.timeout(20 * 60 * 1000);
    let engine: PulumiEngine;
    let apiserver: KubeApiserver | undefined;
    let projectDir: string;
    let stubState: string;
    let kubectl: string;
    const figures: string[] = [];

    const kubectlGet = (...args: string[]) =>
        runOk(kubectl, ["--kubeconfig", apiserver!.adminKubeconfig, ...args], { timeoutMs: 60000 });
    const timed = async <T>(label: string, action: () => Promise<T>): Promise<T> => {
        const started = Date.now();
        const result = await action();
        figures.push(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return result;
    };
    const up = async (label: string) => {
        const result = await timed(label, () => engine.cli(["up", "--yes", "--skip-preview", "--stack", stack], projectDir));
        assert.equal(result.status, 0, `pulumi up (${label}) failed:\n${result.stdout}\n${result.stderr}`);
        return result;
    };
    const setConfig = (config: Record<string, unknown>) => stackConfigFile(projectDir, project, stack, config);

    before(async function () {
        kubectl = requireTool(this, "kubectl", "https://kubernetes.io/docs/tasks/tools/");
        const dir = tempDir("engine-cli-");
        ({ engine, apiserver, stubState } = await startBootedClusterEngine(this, dir));
        figures.push(`kube-apiserver ready: ${(apiserver.readyMs / 1000).toFixed(1)} s`);
        projectDir = consumerProject(path.join(dir, "project"), path.join(__dirname, "project"));
        const init = await engine.cli(["stack", "init", stack], projectDir);
        assert.equal(init.status, 0, init.stderr);
        setConfig(baseConfig);
    });

    after(async function () {
        if (figures.length > 0) {
            console.log(`      figures: ${figures.join("; ")}`);
        }
        engine?.stopStrays();
        await apiserver?.stop();
    });

    it("first up: PKI, the spec/apply/kubeconfig commands, the authenticator on the real apiserver", async () => {
        await up("first up");
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState)), firstUpKopsCalls);
        const configMap = JSON.parse(
            await kubectlGet("get", "configmap", "-n", "kube-system", "aws-iam-authenticator", "-o", "json"),
        );
        assert.match(configMap.data["config.yaml"], /rolearn: arn:aws:iam::111122223333:role\/KubernetesAdmin/);
        const daemonSet = JSON.parse(
            await kubectlGet("get", "daemonset", "-n", "kube-system", "aws-iam-authenticator", "-o", "json"),
        );
        assert.equal(daemonSet.status.desiredNumberScheduled, 0, "no nodes here: the DaemonSet is scheduled nowhere");
    });

    it("second up: no changes, and no command runs", async () => {
        const before = readStubCalls(stubState).length;
        const preview = await previewSteps(engine, projectDir, stack);
        assert.deepEqual(preview.changed, [], `the preview changes: ${JSON.stringify(preview.changed)}`);
        const result = await up("no-op up");
        assert.doesNotMatch(result.stdout, /updated|created|deleted|replaced/, result.stdout);
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState).slice(before)), []);
    });

    it("the state file holds no private key and no admin credential in plain text", () => {
        const state = engine.stateFileText(project, stack);
        assert.doesNotMatch(state, /PRIVATE KEY/);
        const adminKey = fs.readFileSync(
            JSON.parse(fs.readFileSync(apiserver!.adminKubeconfig, "utf8")).users[0].user["client-key"],
            "utf8",
        );
        assert.ok(!state.includes(adminKey.split("\n")[1]), "the admin client key is in the state file");
        assert.match(state, /"ciphertext"/, "secrets are stored encrypted");
    });

    it("a mapping change: the engine updates the ConfigMap and the DaemonSet, and runs no kops", async () => {
        setConfig({ ...baseConfig, mappings: { ...baseConfig.mappings, mapRoles: [adminMapping, viewerMapping] } });
        const preview = await previewSteps(engine, projectDir, stack);
        assert.deepEqual(preview.changed, [
            "update kubernetes:core/v1:ConfigMap authenticator-config",
            "update kubernetes:apps/v1:DaemonSet authenticator-daemonset",
        ]);
        const before = readStubCalls(stubState).length;
        await up("mapping-change up");
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState).slice(before)), []);
        const configMap = JSON.parse(
            await kubectlGet("get", "configmap", "-n", "kube-system", "aws-iam-authenticator", "-o", "json"),
        );
        assert.match(configMap.data["config.yaml"], /KubernetesViewer/);
    });

    it("a node-count change: the spec and apply commands update (spec, update, rolling-update, validate), nothing else", async () => {
        setConfig({ ...baseConfig, nodeCount: 3, mappings: { ...baseConfig.mappings, mapRoles: [adminMapping, viewerMapping] } });
        const preview = await previewSteps(engine, projectDir, stack);
        assert.deepEqual(preview.changed, [
            "update command:local:Command cluster-spec",
            "update command:local:Command cluster-apply",
        ]);
        const before = readStubCalls(stubState).length;
        await up("node-count up");
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState).slice(before)), [
            // upsert-spec.sh update, then apply.sh update: dry runs, and --yes for what kops lists.
            "get cluster",
            "get instancegroups",
            "replace",
            "update cluster",
            "update cluster --yes",
            "rolling-update cluster",
            "rolling-update cluster --yes",
            "validate cluster",
        ]);
    });

    it("an immutable change is refused at preview with the guard's message, and nothing changes", async () => {
        setConfig({
            ...baseConfig,
            networking: "calico",
            nodeCount: 3,
            mappings: { ...baseConfig.mappings, mapRoles: [adminMapping, viewerMapping] },
        });
        const before = readStubCalls(stubState).length;
        const stateBefore = resourceCounts(engine.stateFileText(project, stack));
        const result = await engine.cli(["up", "--yes", "--stack", stack], projectDir);
        assert.notEqual(result.status, 0);
        assert.match(
            result.stdout + result.stderr,
            /cluster engine\.k8s\.local: networking cannot change from "cilium" to "calico"/,
        );
        assert.deepEqual(readStubCalls(stubState).slice(before), []);
        assert.deepEqual(resourceCounts(engine.stateFileText(project, stack)), stateBefore);
        setConfig({ ...baseConfig, nodeCount: 3, mappings: { ...baseConfig.mappings, mapRoles: [adminMapping, viewerMapping] } });
    });

    it("destroy: the Kubernetes objects go while the cluster runs, then `kops delete cluster`, and nothing is left", async () => {
        const result = await timed("destroy", () =>
            engine.cli(["destroy", "--yes", "--skip-preview", "--stack", stack], projectDir),
        );
        assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
        // The objects are gone from the apiserver: deleted through the provider while kops could still
        // sign it in (the stub's helpers kubectl-auth refuses once the cluster is deleted, and
        // deleteUnreachable would then only drop them from the state, leaving them in the apiserver).
        await assert.rejects(kubectlGet("get", "configmap", "-n", "kube-system", "aws-iam-authenticator"), /NotFound/);
        await assert.rejects(kubectlGet("get", "daemonset", "-n", "kube-system", "aws-iam-authenticator"), /NotFound/);
        assert.equal(kopsLifecycleCalls(readStubCalls(stubState)).pop(), "delete cluster --yes");
        assert.ok(
            !fs.existsSync(path.join(stubState, "clusters", `${clusterName}.yaml`)),
            "the cluster is still in the stub's state store",
        );
        const exported = JSON.parse(
            await runOk(engine.pulumi, ["stack", "export", "--stack", stack], { cwd: projectDir, env: engine.env }),
        );
        assert.deepEqual(exported.deployment.resources ?? [], []);
    });
});
