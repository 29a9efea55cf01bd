// The admin credential's renewal resource (components/kops/adminCredential.ts) on the real Pulumi
// engine: an inline Automation API program with only that resource, a 60 s lifetime. The engine
// runs the dynamic provider's diff at every preview and up; nothing is due while more than half the
// lifetime is left, a renewal is due after that, and the up renews.
import { strict as assert } from "assert";
import { Stack } from "@pulumi/pulumi/automation";
import { AdminCredentialRenewal } from "../../components/kops/adminCredential";
import { previewSteps } from "../helpers/engine/engineStage";
import { PulumiEngine, pulumiEngine, requirePulumi, tempDir } from "../helpers/engine/pulumiEngine";

const ttlSeconds = 60;

describe("engine: the admin credential's renewal (dynamic provider, real engine)", function () {
    this.timeout(10 * 60 * 1000);
    let engine: PulumiEngine | undefined;
    let stack: Stack;

    before(async function () {
        engine = await pulumiEngine(requirePulumi(this), tempDir("engine-admin-credential-"), "admin-credential-test");
    });

    after(() => engine?.stopStrays());

    it("no change while more than half the lifetime is left; after that a preview shows the renewal and the up renews", async () => {
        stack = await engine!.stack("renewal", async () => {
            const credential = new AdminCredentialRenewal("admin-credential", { clusterName: "dev.example.com", ttlSeconds });
            return { renewal: credential.renewal, expiresAt: credential.expiresAt };
        });
        const started = Date.now();
        const first = await stack.up();
        assert.equal(first.summary.result, "succeeded");
        const renewal = first.outputs.renewal.value as string;
        const expiresMs = Date.parse(first.outputs.expiresAt.value as string);
        assert.match(renewal, /^[0-9a-f-]{36}$/);

        assert.deepEqual(await previewSteps(stack), [], "nothing is due while the credential is fresh");

        // Past half the lifetime.
        const due = expiresMs - (ttlSeconds * 1000) / 2 + 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
        assert.deepEqual(await previewSteps(stack), [
            "update pulumi-nodejs:dynamic/kops:AdminCredentialRenewal admin-credential",
        ]);
        const renewed = await stack.up();
        assert.equal(renewed.summary.result, "succeeded");
        assert.notEqual(renewed.outputs.renewal.value, renewal, "a new renewal id");
        assert.ok(Date.parse(renewed.outputs.expiresAt.value as string) > expiresMs);
        console.log(`      (renewed ${((Date.now() - started) / 1000).toFixed(0)} s after the first up)`);
    });
});
