// `pulumi destroy` when the cluster is gone, through the real Pulumi engine and the real Kubernetes
// provider: a stack whose state holds a Kubernetes provider and a ConfigMap on it, the cluster
// behind the provider's kubeconfig gone (nothing listens at its address; or kOps' auth plugin,
// which the provider's kubeconfig runs, fails because the cluster's state is deleted). With
// `deleteUnreachable: true`, as KopsIamCluster creates its provider, destroy drops the ConfigMap from
// the state and succeeds; without it, destroy stops with the provider's "unreachable" error, which
// is what stopped `pulumi destroy` before `kops delete cluster` could run.
// The provider gets into the state by an inline program's up; the ConfigMap's entry the way a
// cluster that existed would have left it, by `pulumi stack import`.
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { DestroyResult } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { Figures } from "../helpers/engine/engineStage";
import { freeLoopbackPort } from "../helpers/processes/processes";
import { PulumiEngine, pulumiEngine, requirePulumi, tempDir } from "../helpers/engine/pulumiEngine";

const project = "unreachable-test";

/** A kubeconfig for a cluster at `server`, its user a credential or an exec plugin. */
function kubeconfig(server: string, user: Record<string, unknown>): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        "current-context": "gone",
        clusters: [{ name: "gone", cluster: { server, "insecure-skip-tls-verify": true } }],
        contexts: [{ name: "gone", context: { cluster: "gone", user: "gone" } }],
        users: [{ name: "gone", user }],
    });
}

describe("engine stage: pulumi destroy with the cluster gone (real engine and Kubernetes provider)", function () {
    this.timeout(600000);
    let work: string;
    let port: number;
    let engine: PulumiEngine;
    const figures = new Figures();

    before(async function () {
        work = tempDir("engine-unreachable-");
        engine = await pulumiEngine(requirePulumi(this), work, project, {
            // A client timeout short enough for a test (the address refuses at once anyway).
            PULUMI_K8S_CLIENT_TIMEOUT: "5",
            PULUMI_K8S_DELETE_UNREACHABLE: undefined,
            KUBECONFIG: undefined,
        });
        // A loopback port nothing listens on: the cluster's API endpoint, gone.
        port = await freeLoopbackPort();
    });

    after(() => {
        figures.print();
        engine?.stopStrays();
    });

    /** Up (the provider only), the ConfigMap imported into the state, then destroy; and the state after. */
    async function destroyWithClusterGone(
        stackName: string,
        deleteUnreachable: boolean,
        user: Record<string, unknown>,
    ): Promise<{ destroy: DestroyResult | Error; output: string; resourcesAfter: string[] }> {
        const stack = await engine.stack(stackName, async () => {
            new k8s.Provider("k8s", {
                kubeconfig: kubeconfig(`https://127.0.0.1:${port}`, user),
                clusterIdentifier: "gone.example.com",
                enableConfigMapMutable: true,
                deleteUnreachable,
            });
        });
        await stack.up();

        // The ConfigMap as a run with the cluster up would have recorded it.
        const exported = await stack.exportStack();
        const providerUrn = `urn:pulumi:${stackName}::${project}::pulumi:providers:kubernetes::k8s`;
        const provider = exported.deployment.resources.find((r: any) => r.urn === providerUrn);
        assert.ok(provider, "the provider is in the state");
        const inputs = {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "aws-iam-authenticator", namespace: "kube-system" },
            data: { "config.yaml": "clusterID: gone.example.com\n" },
        };
        exported.deployment.resources.push({
            urn: `urn:pulumi:${stackName}::${project}::kubernetes:core/v1:ConfigMap::config`,
            custom: true,
            id: "kube-system/aws-iam-authenticator",
            type: "kubernetes:core/v1:ConfigMap",
            inputs,
            outputs: {
                ...inputs,
                metadata: { ...inputs.metadata, uid: "0c1b9f5e-0000-4000-8000-000000000001", resourceVersion: "1" },
                __inputs: inputs,
            },
            parent: `urn:pulumi:${stackName}::${project}::pulumi:pulumi:Stack::${project}-${stackName}`,
            provider: `${providerUrn}::${provider.id}`,
        });
        await stack.importStack(exported);

        let output = "";
        const destroy = await figures.timed(`destroy (${stackName})`, () =>
            stack.destroy({ onOutput: (text) => (output += text) }).catch((err: Error) => err),
        );
        const resourcesAfter = ((await stack.exportStack()).deployment.resources ?? []).map((r: any) => r.type);
        return { destroy, output, resourcesAfter };
    }

    it("nothing listens at the API address: with deleteUnreachable (ours) destroy succeeds; without it, it stops", async () => {
        const ours = await destroyWithClusterGone("gone-ours", true, { token: "unused" });
        assert.ok(!(ours.destroy instanceof Error), String(ours.destroy));
        assert.match(ours.output, /configured Kubernetes cluster is unreachable and the `deleteUnreachable` option is enabled/);
        assert.deepEqual(ours.resourcesAfter, []);

        const without = await destroyWithClusterGone("gone-without", false, { token: "unused" });
        assert.ok(without.destroy instanceof Error, "without deleteUnreachable, destroy succeeded");
        assert.match(`${without.output}\n${without.destroy.message}`, /configured Kubernetes cluster is unreachable/);
        assert.ok(without.resourcesAfter.includes("kubernetes:core/v1:ConfigMap"), "the ConfigMap left the state");
    });

    it("kOps' auth plugin fails (the cluster's state is deleted): with deleteUnreachable destroy succeeds", async () => {
        // What `kops helpers kubectl-auth` does once `kops delete cluster` removed the state: exit 1.
        const plugin = path.join(work, "kops-auth-gone");
        fs.writeFileSync(plugin, "#!/bin/sh\necho 'Error: cluster not found \"gone.example.com\"' >&2\nexit 1\n", {
            mode: 0o755,
        });
        const ours = await destroyWithClusterGone("auth-plugin", true, {
            exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: plugin,
                args: ["helpers", "kubectl-auth"],
                interactiveMode: "Never",
            },
        });
        assert.ok(!(ours.destroy instanceof Error), String(ours.destroy));
        assert.match(ours.output, /deleteUnreachable/);
        assert.deepEqual(ours.resourcesAfter, []);
    });
});
