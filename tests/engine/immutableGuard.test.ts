// The immutable-settings guard (components/core/immutableGuard.ts) through the real Pulumi engine:
// a dynamic resource whose provider's `check` gets the old inputs from the engine, which is what
// refuses, at preview, a change kOps cannot make. Registered on its own in an Automation API inline
// program; its provider runs in Pulumi's dynamic-provider host (pulumi-resource-pulumi-nodejs, from
// the workspace directory's node_modules). Under mocks there are no old inputs, so only the real
// engine shows the refusal as a user meets it.
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { ImmutableSettingsGuard } from "../../components/core/immutableGuard";
import { immutableSettingsFromConfig } from "../../components/kops/immutableSettings";
import { Figures, previewSteps } from "../helpers/engine/engineStage";
import { PulumiEngine, pulumiEngine, requirePulumi, tempDir } from "../helpers/engine/pulumiEngine";

const clusterName = "guard.k8s.local";

/** The guard as KopsCluster registers it, for a cluster with `networking`. */
const program = (networking: string) => async () => {
    new ImmutableSettingsGuard(
        "cluster-immutable",
        immutableSettingsFromConfig({
            clusterName,
            zones: ["us-east-1a"],
            networking,
            topology: "public",
            controlPlaneCount: 1,
        }),
    );
};

describe("engine stage: the immutable-settings guard (a dynamic resource) through the real engine", function () {
    this.timeout(10 * 60 * 1000);
    let engine: PulumiEngine;
    let stack: Stack;
    const figures = new Figures();
    const resources = async () => (await stack.exportStack()).deployment.resources;

    before(async function () {
        engine = await pulumiEngine(requirePulumi(this), tempDir("engine-guard-"), "kops-iam-auth-guard-test");
    });

    after(() => {
        figures.print();
        engine?.stopStrays();
    });

    it("up records the settings; up again with the same settings has no step", async () => {
        stack = await engine.stack("guard", program("cilium"));
        const result = await figures.timed("guard: first up", () => stack.up());
        assert.equal(result.summary.result, "succeeded");
        assert.deepEqual(await previewSteps(stack), []);
        const recorded = (await resources()).find((r: any) => r.type === "pulumi-nodejs:dynamic/kops:ImmutableClusterSettings");
        assert.equal(recorded?.inputs?.networking, "cilium");
    });

    it("a changed immutable setting is refused at preview with the setting named, and nothing changes", async () => {
        const before = await resources();
        stack = await engine.stack("guard", program("calico"));
        const refused = await figures.timed("guard: refused preview", () =>
            stack.preview().then(
                () => assert.fail("the preview of a networking change succeeded"),
                (err: Error) => err.message,
            ),
        );
        assert.match(refused, /cannot change/);
        assert.match(refused, /networking cannot change from "cilium" to "calico"/);
        assert.match(refused, /cluster guard\.k8s\.local: /);
        await assert.rejects(stack.up(), /networking cannot change from "cilium" to "calico"/);
        assert.deepEqual(await resources(), before, "the state changed");
        assert.deepEqual(engine.lockFiles("guard"), [], "a refused up left a lock");
    });

    it("with the setting put back, the preview has no step again; destroy", async () => {
        stack = await engine.stack("guard", program("cilium"));
        assert.deepEqual(await previewSteps(stack), []);
        assert.equal((await stack.destroy()).summary.result, "succeeded");
    });

    it("a workspace directory without node_modules (the default temporary one) fails at preview", async () => {
        // What the README tells Automation API users: the workDir must resolve @pulumi/pulumi (and
        // kops-iam-auth, whose commands run there). The dynamic-provider host needs it first.
        const bare = await engine.stack("bare", program("cilium"), tempDir("engine-guard-bare-"));
        await assert.rejects(bare.preview(), /Cannot find module '@pulumi\/pulumi\/cmd\/dynamic-provider'/);
        await bare.workspace.removeStack("bare");
    });
});
