// `pulumi destroy` when the cluster is gone, through the real Pulumi engine and the real Kubernetes
// provider (pulumi-resource-kubernetes, built by tests/setup/install-tools.sh into
// .cache/pulumi/bin): a stack whose state holds a Kubernetes provider and a ConfigMap on it, the
// cluster behind the provider's kubeconfig gone (nothing listens at its address; or kOps' auth
// plugin, which the provider's kubeconfig runs, fails because the cluster's state is deleted).
// With `deleteUnreachable: true`, as KopsIamCluster creates its provider, destroy drops the ConfigMap
// from the state and succeeds; without it, destroy stops with the provider's "unreachable" error,
// which is what stopped `pulumi destroy` before `kops delete cluster` could run.
// The ConfigMap gets into the state the way a cluster that existed would have left it: the
// provider is created by `pulumi up --target`, the ConfigMap's entry added by `pulumi stack import`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freeLoopbackPort, RunResult } from "../helpers/processes";
import { PulumiEngine, pulumiEngine, requirePulumi } from "../helpers/pulumiEngine";

const repoRoot = path.join(__dirname, "..", "..");
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

describe("pulumi destroy with the cluster gone: the real engine and Kubernetes provider", function () {
    this.timeout(600000);
    let work: string;
    let port: number;
    let cli: string;
    const engines: PulumiEngine[] = [];

    before(async function () {
        cli = requirePulumi(this);
        work = fs.mkdtempSync(path.join(os.tmpdir(), "delete-unreachable-"));
        // A loopback port nothing listens on: the cluster's API endpoint, gone.
        port = await freeLoopbackPort();
    });

    after(() => {
        engines.forEach((engine) => engine.stopStrays());
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    async function destroyWithClusterGone(
        name: string,
        deleteUnreachable: boolean,
        user: Record<string, unknown>,
    ): Promise<{ destroy: RunResult; stateAfter: any }> {
        const dir = path.join(work, name);
        const projectDir = path.join(dir, "project");
        fs.mkdirSync(projectDir, { recursive: true });
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(projectDir, "node_modules"));
        fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\n`);
        fs.writeFileSync(
            path.join(projectDir, "package.json"),
            JSON.stringify({ name: project, private: true, main: "index.js" }),
        );
        fs.writeFileSync(
            path.join(projectDir, "index.js"),
            [
                'const k8s = require("@pulumi/kubernetes");',
                `const provider = new k8s.Provider("k8s", { kubeconfig: ${JSON.stringify(kubeconfig(`https://127.0.0.1:${port}`, user))},`,
                `    clusterIdentifier: "gone.example.com", enableConfigMapMutable: true, deleteUnreachable: ${deleteUnreachable} });`,
                'new k8s.core.v1.ConfigMap("config", { metadata: { name: "aws-iam-authenticator", namespace: "kube-system" },',
                '    data: { "config.yaml": "clusterID: gone.example.com\\n" } }, { provider });',
            ].join("\n") + "\n",
        );
        const engine = await pulumiEngine(cli, dir, {
            // A client timeout short enough for a test (the address refuses at once anyway).
            PULUMI_K8S_CLIENT_TIMEOUT: "5",
            PULUMI_K8S_DELETE_UNREACHABLE: undefined,
            KUBECONFIG: undefined,
        });
        engines.push(engine);
        const pulumi = (args: string[]) => engine.cli(args, projectDir);
        const ok = (result: RunResult, what: string) =>
            assert.equal(result.status, 0, `${what}:\n${result.stdout}\n${result.stderr}`);

        ok(await pulumi(["stack", "init", "test"]), "stack init");
        const stackUrn = `urn:pulumi:test::${project}::pulumi:pulumi:Stack::${project}-test`;
        const providerUrn = `urn:pulumi:test::${project}::pulumi:providers:kubernetes::k8s`;
        ok(
            await pulumi(["up", "--yes", "--skip-preview", "--target", providerUrn, "--target-dependents=false"]),
            "up (the provider only)",
        );

        // The ConfigMap as a run with the cluster up would have recorded it.
        const exported = JSON.parse((await pulumi(["stack", "export"])).stdout);
        const provider = exported.deployment.resources.find((r: any) => r.urn === providerUrn);
        assert.ok(provider, "the provider is in the state");
        const inputs = {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "aws-iam-authenticator", namespace: "kube-system" },
            data: { "config.yaml": "clusterID: gone.example.com\n" },
        };
        exported.deployment.resources.push({
            urn: `urn:pulumi:test::${project}::kubernetes:core/v1:ConfigMap::config`,
            custom: true,
            id: "kube-system/aws-iam-authenticator",
            type: "kubernetes:core/v1:ConfigMap",
            inputs,
            outputs: {
                ...inputs,
                metadata: { ...inputs.metadata, uid: "0c1b9f5e-0000-4000-8000-000000000001", resourceVersion: "1" },
                __inputs: inputs,
            },
            parent: stackUrn,
            provider: `${providerUrn}::${provider.id}`,
        });
        const importFile = path.join(dir, "state.json");
        fs.writeFileSync(importFile, JSON.stringify(exported));
        ok(await pulumi(["stack", "import", "--file", importFile]), "stack import");

        const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
        const stateAfter = JSON.parse((await pulumi(["stack", "export"])).stdout);
        return { destroy, stateAfter };
    }

    const resourcesOf = (state: any) => (state.deployment.resources ?? []).map((r: any) => r.type);

    it("nothing listens at the API address: with deleteUnreachable (ours) destroy succeeds; without it, it stops", async () => {
        const ours = await destroyWithClusterGone("gone-ours", true, { token: "unused" });
        assert.equal(ours.destroy.status, 0, `${ours.destroy.stdout}\n${ours.destroy.stderr}`);
        assert.match(
            ours.destroy.stdout,
            /configured Kubernetes cluster is unreachable and the `deleteUnreachable` option is enabled/,
        );
        assert.deepEqual(resourcesOf(ours.stateAfter), []);

        const before = await destroyWithClusterGone("gone-without", false, { token: "unused" });
        assert.notEqual(before.destroy.status, 0, "without deleteUnreachable, destroy fails");
        assert.match(`${before.destroy.stdout}\n${before.destroy.stderr}`, /configured Kubernetes cluster is unreachable/);
        assert.ok(resourcesOf(before.stateAfter).includes("kubernetes:core/v1:ConfigMap"), "the ConfigMap stays in the state");
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
        assert.equal(ours.destroy.status, 0, `${ours.destroy.stdout}\n${ours.destroy.stderr}`);
        assert.match(ours.destroy.stdout, /deleteUnreachable/);
        assert.deepEqual(resourcesOf(ours.stateAfter), []);
    });
});
