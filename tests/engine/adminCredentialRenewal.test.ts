// The admin credential's renewal resource (components/kops/adminCredential.ts) on the real Pulumi
// engine: an inline Automation API program with only that resource, a 60 s lifetime, on a file
// backend of its own. The engine runs the dynamic provider's diff at every preview and up; nothing
// is due while more than half the lifetime is left, a renewal is due after that, and the up renews.
// Self-contained (its own engine environment), so it does not depend on the shared engine helpers.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { AdminCredentialRenewal } from "../../components/kops/adminCredential";
import { skipOrFail } from "../helpers/tools";

const repoRoot = path.join(__dirname, "..", "..");
const ttlSeconds = 60;

function findPulumi(): string | undefined {
    try {
        const onPath = execFileSync("bash", ["-c", "command -v pulumi"], { encoding: "utf8" }).trim();
        if (onPath) {
            return onPath;
        }
    } catch {
        // not on PATH
    }
    const built = path.join(repoRoot, ".cache", "pulumi", "bin", "pulumi");
    return fs.existsSync(built) ? built : undefined;
}

describe("engine: the admin credential's renewal (dynamic provider, real engine)", function () {
    this.timeout(10 * 60 * 1000);
    let dir: string;
    let stack: Stack | undefined;

    after(async () => {
        await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("no change while more than half the lifetime is left; after that a preview shows the renewal and the up renews", async function () {
        const pulumi = findPulumi() ?? skipOrFail(this, "pulumi is not installed (bash tests/setup/install-tools.sh)");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-admin-credential-"));
        const workDir = path.join(dir, "workspace");
        fs.mkdirSync(workDir);
        // The dynamic provider host resolves @pulumi/pulumi from the workspace.
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(workDir, "node_modules"));
        const state = path.join(dir, "state");
        fs.mkdirSync(state);
        const env: Record<string, string> = {
            PATH: [
                path.dirname(require.resolve("@pulumi/pulumi/package.json")),
                path.dirname(pulumi),
                path.dirname(process.execPath),
                process.env.PATH ?? "",
            ].join(":"),
            PULUMI_HOME: path.join(dir, "home"),
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE: "admin-credential-test",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        const command = await PulumiCommand.get({ root: path.dirname(path.dirname(pulumi)), skipVersionCheck: true });
        stack = await LocalWorkspace.createStack(
            {
                stackName: "renewal",
                projectName: "admin-credential-test",
                program: async () => {
                    const credential = new AdminCredentialRenewal("admin-credential", {
                        clusterName: "dev.example.com",
                        ttlSeconds,
                    });
                    return { renewal: credential.renewal, expiresAt: credential.expiresAt };
                },
            },
            {
                workDir,
                pulumiCommand: command,
                pulumiHome: env.PULUMI_HOME,
                envVars: env,
                projectSettings: { name: "admin-credential-test", runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
                secretsProvider: "passphrase",
            },
        );
        const started = Date.now();
        const first = await stack.up();
        assert.equal(first.summary.result, "succeeded");
        const renewal = first.outputs.renewal.value as string;
        const expiresMs = Date.parse(first.outputs.expiresAt.value as string);
        assert.match(renewal, /^[0-9a-f-]{36}$/);

        const fresh = await stack.preview();
        assert.deepEqual(Object.keys(fresh.changeSummary).sort(), ["same"], JSON.stringify(fresh.changeSummary));

        // Past half the lifetime.
        const due = expiresMs - (ttlSeconds * 1000) / 2 + 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
        const late = await stack.preview();
        assert.equal(late.changeSummary.update, 1, JSON.stringify(late.changeSummary));
        const renewed = await stack.up();
        assert.equal(renewed.summary.result, "succeeded");
        assert.notEqual(renewed.outputs.renewal.value, renewal, "a new renewal id");
        assert.ok(Date.parse(renewed.outputs.expiresAt.value as string) > expiresMs);
        console.log(`      (renewed ${((Date.now() - started) / 1000).toFixed(0)} s after the first up)`);
    });
});
