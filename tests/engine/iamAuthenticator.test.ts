// IamAuthenticator through the real Pulumi engine onto a real kube-apiserver: an Automation API
// inline program with a Kubernetes provider as KopsIamCluster makes it (the admin kubeconfig a
// secret, enableConfigMapMutable, deleteUnreachable). Up, up again with nothing changed, a mapping
// change, destroy; measured by the engine's own preview. Real: the pulumi CLI, the kubernetes
// provider, kube-apiserver with etcd (and kube-controller-manager's daemonset and garbage-collector
// controllers). No double.
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { RoleMapping } from "../../components/core/mappings";
import {
    adminRole,
    deployAuthenticator,
    Figures,
    previewSteps,
    startApiserverEngine,
    viewerRole,
} from "../helpers/engine/engineStage";
import { KubeApiserver } from "../helpers/kube/kubeApiserver";
import { runOk } from "../helpers/processes/processes";
import { PulumiEngine, tempDir } from "../helpers/engine/pulumiEngine";
import { requireTool } from "../helpers/processes/tools";

const clusterName = "engine.k8s.local";

describe("engine stage: IamAuthenticator on a real kube-apiserver (inline program, real engine and kubernetes provider)", function () {
    this.timeout(20 * 60 * 1000);
    let engine: PulumiEngine;
    let apiserver: KubeApiserver | undefined;
    let kubeconfig: string;
    let adminKeyPem: string;
    let kubectl: string;
    let stack: Stack;
    const figures = new Figures();

    const withMappings = (mapRoles: RoleMapping[]) => async () => {
        const authenticator = deployAuthenticator(kubeconfig, clusterName, mapRoles);
        return { configMapName: authenticator.configMapName, daemonSetName: authenticator.daemonSetName };
    };
    const kubectlGet = async (kind: string) =>
        JSON.parse(
            await runOk(
                kubectl,
                [
                    "--kubeconfig",
                    apiserver!.adminKubeconfig,
                    "get",
                    kind,
                    "-n",
                    "kube-system",
                    "aws-iam-authenticator",
                    "-o",
                    "json",
                ],
                { timeoutMs: 60000 },
            ),
        );
    const measuredPreview = async (event: string) => {
        const steps = await previewSteps(stack);
        figures.add(`${event}: ${steps.length} step(s) in preview`);
        return steps;
    };

    before(async function () {
        kubectl = requireTool(this, "kubectl", "bash tests/setup/install-tools.sh");
        ({ engine, apiserver, kubeconfig, adminKeyPem } = await startApiserverEngine(
            this,
            tempDir("engine-authenticator-"),
            "kops-iam-auth-engine-test",
        ));
        figures.add(`kube-apiserver ready: ${(apiserver.readyMs / 1000).toFixed(1)} s`);
    });

    after(async function () {
        figures.print();
        engine?.stopStrays();
        await apiserver?.stop();
    });

    it("first up: the provider, the ConfigMap and the DaemonSet on the apiserver", async () => {
        stack = await engine.stack("authenticator", withMappings([adminRole]));
        assert.deepEqual(await measuredPreview("first up"), [
            "create kubernetes:apps/v1:DaemonSet authenticator-daemonset",
            "create kubernetes:core/v1:ConfigMap authenticator-config",
            "create pulumi:providers:kubernetes cluster-k8s",
        ]);
        const result = await figures.timed("first up", () => stack.up());
        assert.equal(result.summary.result, "succeeded");
        const mapRoles = JSON.parse((await kubectlGet("configmap")).data["mappings.json"]).mapRoles;
        assert.deepEqual(
            mapRoles.map((m: { rolearn: string }) => m.rolearn),
            ["arn:aws:iam::111122223333:role/KubernetesAdmin"],
        );
        const daemonSet = await kubectlGet("daemonset");
        assert.equal(daemonSet.status.desiredNumberScheduled, 0, "no nodes here: the DaemonSet is scheduled nowhere");
    });

    it("up again with nothing changed: no step in the preview, nothing changes", async () => {
        assert.deepEqual(await measuredPreview("nothing changed"), []);
        const result = await figures.timed("no-op up", () => stack.up());
        assert.deepEqual(Object.keys(result.summary.resourceChanges ?? {}), ["same"]);
    });

    it("the state file holds no admin credential in plain text", () => {
        const state = engine.stateFileText("authenticator");
        const keyBody = adminKeyPem.split("\n").filter((line) => line && !line.startsWith("-----"));
        assert.doesNotMatch(state, /PRIVATE KEY/);
        assert.ok(!state.includes(keyBody[1]), "a line of the admin client key is in the state file");
        assert.ok(
            !state.includes(Buffer.from(adminKeyPem).toString("base64").slice(0, 64)),
            "the admin key's base64 is in the state file",
        );
        assert.match(state, /"ciphertext"/, "secrets are stored encrypted");
    });

    it("a mapping change: the ConfigMap is updated in place and nothing else; the DaemonSet is untouched (no pod restart)", async () => {
        const configMapUid = (await kubectlGet("configmap")).metadata.uid;
        const daemonSetBefore = await kubectlGet("daemonset");
        stack = await engine.stack("authenticator", withMappings([adminRole, viewerRole]));
        assert.deepEqual(await measuredPreview("mapping change"), ["update kubernetes:core/v1:ConfigMap authenticator-config"]);
        // What the up itself did, step by step: the ConfigMap, and the component whose outputs
        // (mappingsJson) changed with it; no DaemonSet step.
        const upSteps: string[] = [];
        const result = await figures.timed("mapping-change up", () =>
            stack.up({
                onEvent: (event) => {
                    const step = event.resourcePreEvent?.metadata;
                    if (step && step.op !== "same") {
                        upSteps.push(`${step.op} ${step.type} ${step.urn.split("::").pop()}`);
                    }
                },
            }),
        );
        const changes = result.summary.resourceChanges ?? {};
        assert.deepEqual(
            Object.keys(changes).filter((op) => op !== "same" && op !== "update"),
            [],
            JSON.stringify(changes),
        );
        assert.deepEqual(upSteps.sort(), [
            "update kops-iam-auth:index:IamAuthenticator authenticator",
            "update kubernetes:core/v1:ConfigMap authenticator-config",
        ]);
        const configMap = await kubectlGet("configmap");
        assert.match(configMap.data["mappings.json"], /KubernetesViewer/);
        assert.doesNotMatch(configMap.data["config.yaml"], /KubernetesViewer/);
        assert.equal(configMap.metadata.uid, configMapUid, "the ConfigMap was replaced");
        // The same object, the same pod template: kube-apiserver bumps generation on any spec change.
        const daemonSet = await kubectlGet("daemonset");
        assert.equal(daemonSet.metadata.uid, daemonSetBefore.metadata.uid, "the DaemonSet was replaced");
        assert.equal(daemonSet.metadata.generation, daemonSetBefore.metadata.generation, "the DaemonSet's spec changed");
        assert.deepEqual(await measuredPreview("after the mapping change"), []);
    });

    it("destroy: the objects leave the apiserver, and nothing is left in the state", async () => {
        const result = await figures.timed("destroy", () => stack.destroy());
        assert.equal(result.summary.result, "succeeded");
        await assert.rejects(kubectlGet("configmap"), /NotFound/);
        await assert.rejects(kubectlGet("daemonset"), /NotFound/);
        assert.deepEqual((await stack.exportStack()).deployment.resources ?? [], []);
    });
});
