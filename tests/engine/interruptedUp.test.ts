// An interrupted `pulumi up` on the real engine, and the recovery docs/lifecycle.md gives ("Interrupted
// `pulumi up`"), followed to a converged stack. The program is the authenticator's part of the
// recipe: a step standing for a long kOps command (the cluster apply: update, rolling update,
// validate), the Kubernetes provider after it, IamAuthenticator on a real kube-apiserver. The step
// is a dynamic resource that runs until the test releases it, so the kill (SIGKILL of the pulumi
// CLI) lands while it runs, as a killed CI job or a closed terminal lands in the middle of a kops
// call. Real: the pulumi CLI, the file backend's lock and pending operations, the kubernetes
// provider, the dynamic-provider host, kube-apiserver.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
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
import { runOk, waitUntil } from "../helpers/processes/processes";
import { PulumiEngine, tempDir } from "../helpers/engine/pulumiEngine";
import { requireTool } from "../helpers/processes/tools";

const clusterName = "interrupted.k8s.local";
const stackName = "interrupted";

interface LongStepInputs {
    /** What the step applies; a new value is an update, as a new spec is for the apply command. */
    generation: number;
    /** The step finishes once this file exists. */
    releaseFile: string;
    /** Each run of the step appends `<operation> <generation>` here when it starts. */
    runLog: string;
}

/** Runs until the test releases it, recording each start: a kops call that takes a while. */
const longStepProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: LongStepInputs) {
        const fs = require("fs");
        fs.appendFileSync(inputs.runLog, `create ${inputs.generation}\n`);
        while (!fs.existsSync(inputs.releaseFile)) {
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return { id: "cluster-apply", outs: inputs };
    },
    async update(_id: string, _olds: LongStepInputs, news: LongStepInputs) {
        const fs = require("fs");
        fs.appendFileSync(news.runLog, `update ${news.generation}\n`);
        while (!fs.existsSync(news.releaseFile)) {
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return { outs: news };
    },
};

class LongStep extends pulumi.dynamic.Resource {
    constructor(name: string, inputs: LongStepInputs) {
        super(longStepProvider, name, { ...inputs }, undefined, "test", "LongStep");
    }
}

describe("engine stage: an interrupted pulumi up (SIGKILL mid-operation), recovered to a converged stack", function () {
    this.timeout(20 * 60 * 1000);
    let engine: PulumiEngine;
    let apiserver: KubeApiserver | undefined;
    let kubeconfig: string;
    let stack: Stack;
    let releaseFile: string;
    let runLog: string;
    let killedPid: number;
    let kubectl: string;
    const figures = new Figures();

    const program = (generation: number, mapRoles: RoleMapping[]) => async () => {
        const step = new LongStep("cluster-apply", { generation, releaseFile, runLog });
        // After the cluster's command, as KopsIamCluster's provider comes after the kubeconfig.
        deployAuthenticator(kubeconfig, clusterName, mapRoles, { dependsOn: [step] });
    };
    const stepRuns = () => (fs.existsSync(runLog) ? fs.readFileSync(runLog, "utf8").split("\n").filter(Boolean) : []);
    const pendingOperations = () =>
        (JSON.parse(engine.stateFileText(stackName)).checkpoint.latest?.pending_operations ?? []).map(
            (op: any) => `${op.type} ${op.resource.urn.split("::").pop()}`,
        );

    /** Starts an up, waits until the step runs `expectedRun`, kills the CLI (SIGKILL); how the up ended, and the CLI's pid. */
    async function upKilledDuring(expectedRun: string): Promise<{ error: Error; pid: number }> {
        fs.rmSync(releaseFile, { force: true });
        const up = stack.up().then(
            () => assert.fail("the up finished before it was killed"),
            (err: Error) => err,
        );
        await waitUntil(`the step runs (${expectedRun})`, async () => stepRuns().includes(expectedRun), 180000);
        const clis = engine.cliProcesses("up");
        assert.equal(clis.length, 1, `pulumi up processes: ${clis.join(", ")}`);
        process.kill(clis[0], "SIGKILL");
        return { error: await up, pid: clis[0] };
    }

    before(async function () {
        kubectl = requireTool(this, "kubectl", "bash tests/setup/install-tools.sh");
        const dir = tempDir("engine-interrupted-");
        releaseFile = path.join(dir, "release");
        runLog = path.join(dir, "steps.log");
        ({ engine, apiserver, kubeconfig } = await startApiserverEngine(this, dir, "kops-iam-auth-interrupted-test"));
    });

    after(async function () {
        figures.print();
        engine?.stopStrays();
        await apiserver?.stop();
    });

    it("a first up killed while the cluster's command runs leaves a lock and a pending create", async () => {
        stack = await engine.stack(stackName, program(1, [adminRole]));
        const killed = await upKilledDuring("create 1");
        killedPid = killed.pid;
        assert.match(killed.error.message, /Command was killed with SIGKILL/);
        assert.equal(engine.lockFiles(stackName).length, 1, "the file backend's lock is left behind");
        assert.deepEqual(pendingOperations(), ["creating cluster-apply"]);
        // The killed CLI's plugins run in process groups of their own: its dynamic-provider host runs
        // on, its step still in flight, as a kops process a killed run started would.
        assert.notDeepEqual(engine.processesNamed("cmd/dynamic-provider"), [], "the provider host ended with the CLI");
    });

    it("the next up is refused: the stack is locked, and `pulumi cancel` is the way out", async () => {
        const refused = await stack.up().then(
            () => assert.fail("an up of a locked stack ran"),
            (err: Error) => err.message,
        );
        assert.match(
            refused,
            /the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\./,
        );
        assert.match(refused, new RegExp(`created by \\S+ \\(pid ${killedPid}\\) at `), "the lock names the killed CLI");
        assert.match(
            refused,
            /file:\/\/\S+\/\.pulumi\/locks\/organization\/kops-iam-auth-interrupted-test\/interrupted\/[0-9a-f-]+\.json\S*: created by \S+ \(pid \d+\) at /,
        );
        assert.deepEqual(stepRuns(), ["create 1"], "the refused up ran the step");
    });

    it("recovery: nothing of the killed run still running, pulumi cancel, refresh --clear-pending-creates, up; then no step", async () => {
        // What docs/lifecycle.md asks first: that the killed run's command is not still running (here its
        // orphaned provider host; for a real stack, its kops process).
        engine.stopStrays();
        const cancel = await figures.timed("interrupted first up: cancel", () =>
            engine.cli(["cancel", "--yes", "--stack", stackName]),
        );
        assert.equal(cancel.status, 0, cancel.stderr);
        assert.match(cancel.stdout, /The currently running update for 'interrupted' has been canceled!/);
        assert.deepEqual(engine.lockFiles(stackName), []);
        fs.writeFileSync(releaseFile, "");
        await figures.timed("interrupted first up: refresh --clear-pending-creates", () =>
            stack.refresh({ clearPendingCreates: true }),
        );
        assert.deepEqual(pendingOperations(), []);
        const up = await figures.timed("interrupted first up: up", () => stack.up());
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(stepRuns(), ["create 1", "create 1"], "the command ran again from the start");
        assert.deepEqual(await previewSteps(stack), []);
        assert.deepEqual(pendingOperations(), []);
    });

    it("an up killed during an update: after pulumi cancel, the next up warns of the pending update, re-runs it and converges", async () => {
        stack = await engine.stack(stackName, program(2, [adminRole, viewerRole]));
        await upKilledDuring("update 2");
        assert.deepEqual(pendingOperations(), ["updating cluster-apply"]);
        engine.stopStrays();
        await stack.cancel();
        fs.writeFileSync(releaseFile, "");
        let output = "";
        const up = await figures.timed("interrupted update: up", () => stack.up({ onOutput: (text) => (output += text) }));
        assert.equal(up.summary.result, "succeeded");
        assert.match(output, /Attempting to deploy or update resources with 1 pending operations from previous deployment\./);
        assert.match(
            output,
            /\* urn:pulumi:interrupted::kops-iam-auth-interrupted-test::pulumi-nodejs:dynamic\/test:LongStep::cluster-apply, interrupted while updating/,
        );
        assert.deepEqual(stepRuns().slice(2), ["update 2", "update 2"], "the update ran again");
        assert.deepEqual(pendingOperations(), [], "the pending update is cleared by the up that redid it");
        assert.deepEqual(await previewSteps(stack), []);
        const configMap = await runOk(
            kubectl,
            [
                "--kubeconfig",
                apiserver!.adminKubeconfig,
                "get",
                "configmap",
                "-n",
                "kube-system",
                "aws-iam-authenticator",
                "-o",
                "json",
            ],
            { timeoutMs: 60000 },
        );
        assert.match(
            JSON.parse(configMap).data["mappings.json"],
            /KubernetesViewer/,
            "the change the killed up was making is applied",
        );
    });

    it("destroy", async () => {
        assert.equal((await stack.destroy()).summary.result, "succeeded");
    });
});
