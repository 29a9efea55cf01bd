// The real Pulumi engine through the Automation API: an inline program in this process, whose
// workspace directory (where the engine runs the providers and the commands) is elsewhere. Up, up
// again, a mapping change, destroy; and the clear error a workspace gets when Node cannot find the
// package from its directory (the Automation API's default temporary one).
// Real: the engine, the providers, the dynamic provider, our commands, kube-apiserver. Double: kops.
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as path from "path";
import { IamAuthenticator } from "../../components/authenticator/iamAuthenticator";
import { KopsCluster } from "../../components/kops/cluster";
import { IdentityMappings } from "../../components/authenticator/mappings";
import { AuthenticatorPki } from "../../components/authenticator/pki";
import { firstUpKopsCalls, kopsLifecycleCalls, linkPackages, startBootedClusterEngine } from "../helpers/engineStage";
import { readStubCalls } from "../helpers/stubKops";
import { KubeApiserver } from "../helpers/kubeApiserver";
import { PulumiEngine, tempDir } from "../helpers/pulumiEngine";

const clusterName = "automation.k8s.local";
const admin = {
    rolearn: "arn:aws:iam::111122223333:role/KubernetesAdmin",
    username: "kubernetes-admin",
    groups: ["system:masters"],
};
const ci = { rolearn: "arn:aws:iam::111122223333:role/Deployer", username: "ci", groups: ["deployers"] };

/** The same slice as tests/engine/project, as an inline program with its mappings in a closure. */
function program(mappings: IdentityMappings) {
    return async () => {
        const pki = new AuthenticatorPki("auth-pki", {});
        const cluster = new KopsCluster("cluster", {
            clusterName,
            stateStoreUrl: "s3://automation-test-state",
            region: "us-east-1",
            zones: ["us-east-1a"],
            kubernetesVersion: "1.34.4",
            validateTimeout: "2m",
            webhookKubeconfig: pki.webhookKubeconfig,
        });
        const provider = new k8s.Provider("cluster-k8s", {
            kubeconfig: cluster.kubeconfig,
            clusterIdentifier: clusterName,
            enableConfigMapMutable: true,
            deleteUnreachable: true,
        });
        const authenticator = new IamAuthenticator("authenticator", { provider, clusterId: clusterName, mappings });
        return {
            configMapName: authenticator.configMapName,
            apiServerUrl: cluster.apiServerUrl,
            certPem: pulumi.unsecret(pki.certPem),
        };
    };
}

describe("engine stage: an Automation API program whose workspace directory is elsewhere", function () {
    this.timeout(20 * 60 * 1000);
    let engine: PulumiEngine;
    let apiserver: KubeApiserver | undefined;
    let command: PulumiCommand;
    let workDir: string;
    let stubState: string;
    let stack: Stack | undefined;

    const workspaceOptions = (dir: string) => ({
        workDir: dir,
        pulumiCommand: command,
        pulumiHome: engine.env.PULUMI_HOME,
        envVars: Object.fromEntries(
            Object.entries(engine.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        projectSettings: {
            name: "kops-iam-auth-automation-test",
            runtime: "nodejs" as const,
            backend: { url: engine.env.PULUMI_BACKEND_URL },
        },
        secretsProvider: "passphrase",
    });

    before(async function () {
        const dir = tempDir("engine-automation-");
        let pulumiPath: string;
        ({ engine, apiserver, stubState, pulumi: pulumiPath } = await startBootedClusterEngine(this, dir));
        // The CLI may be older than this SDK (the built engine is 3.274): the engine protocol is what counts.
        command = await PulumiCommand.get({ root: path.dirname(path.dirname(pulumiPath)), skipVersionCheck: true });
        workDir = path.join(dir, "workspace");
        linkPackages(workDir);
    });

    after(async function () {
        await stack?.workspace.removeStack(stack.name).catch(() => undefined);
        engine?.stopStrays();
        await apiserver?.stop();
    });

    it("up, then up again with no change and no kops call", async () => {
        stack = await LocalWorkspace.createStack(
            {
                stackName: "automation",
                projectName: "kops-iam-auth-automation-test",
                program: program({ mapRoles: [admin], mapUsers: [], mapAccounts: [] }),
            },
            workspaceOptions(workDir),
        );
        const first = await stack.up();
        assert.equal(first.summary.result, "succeeded");
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState)), firstUpKopsCalls);
        const callsBefore = readStubCalls(stubState).length;
        const second = await stack.up();
        assert.deepEqual(Object.keys(second.summary.resourceChanges ?? {}), ["same"]);
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState).slice(callsBefore)), []);
    });

    it("a mapping change updates the ConfigMap and the DaemonSet only", async () => {
        const changed = await LocalWorkspace.selectStack(
            {
                stackName: "automation",
                projectName: "kops-iam-auth-automation-test",
                program: program({ mapRoles: [admin, ci], mapUsers: [], mapAccounts: [] }),
            },
            workspaceOptions(workDir),
        );
        // The engine's own steps on the resources that act: not components (their "update" runs
        // nothing) nor the engine's built-in pulumi:providers:pulumi (an inline program's artefact).
        const changes: string[] = [];
        await changed.preview({
            onEvent: (event) => {
                const step = event.resourcePreEvent?.metadata;
                if (step && step.op !== "same" && !/^(kops-iam-auth|pulumi):/.test(step.type)) {
                    changes.push(`${step.op} ${step.type}`);
                }
            },
        });
        assert.deepEqual(changes.sort(), ["update kubernetes:apps/v1:DaemonSet", "update kubernetes:core/v1:ConfigMap"]);
        const callsBefore = readStubCalls(stubState).length;
        await changed.up();
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState).slice(callsBefore)), []);
    });

    it("destroy removes everything, the cluster last", async () => {
        const result = await stack!.destroy();
        assert.equal(result.summary.result, "succeeded");
        assert.equal(kopsLifecycleCalls(readStubCalls(stubState)).pop(), "delete cluster --yes");
        const exported = await stack!.exportStack();
        assert.deepEqual(exported.deployment.resources ?? [], []);
    });

    it("a workspace directory without node_modules (the default temporary one) fails at preview, before any command", async () => {
        // What the README tells Automation API users: the workDir must resolve @pulumi/pulumi and
        // kops-iam-auth. Pulumi's own dynamic provider (the immutable-settings guard) needs it first.
        const bare = tempDir("engine-automation-bare-");
        const callsBefore = readStubCalls(stubState).length;
        const doomed = await LocalWorkspace.createStack(
            {
                stackName: "bare",
                projectName: "kops-iam-auth-automation-test",
                program: program({ mapRoles: [admin], mapUsers: [], mapAccounts: [] }),
            },
            workspaceOptions(bare),
        );
        await assert.rejects(doomed.up(), /Cannot find module '@pulumi\/pulumi\/cmd\/dynamic-provider'/);
        assert.deepEqual(readStubCalls(stubState).slice(callsBefore), [], "a kops command ran");
        await doomed.destroy();
        await doomed.workspace.removeStack("bare");
    });
});
