// `npm run plan` as a command: exit statuses and messages for a bad config, a missing or encrypted
// stack file and bad arguments, and --compare end to end.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlan } from "./planTool";

describe("npm run plan: exit statuses and messages", function () {
    this.timeout(180000);
    let out: string;

    before(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    });
    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("bad config: every problem, as pulumi up prints them, exit 1, nothing written", async () => {
        const dir = path.join(out, "bad");
        const result = await runPlan(["--config", "tests/fixtures/plan/bad-config.yaml", "--out", dir]);
        assert.strictEqual(result.status, 1, result.stderr);
        assert.strictEqual(result.stderr.split("\n")[0], "error: The stack configuration has 4 problems:");
        for (const problem of [
            'kops-iam-auth:nodecount: "3" is not allowed: no such name; a setting of the configuration reference',
            'kops-iam-auth:clusterName: "Dev_Cluster" is not allowed: a lowercase DNS name',
            "kops-iam-auth:nodeCount: 0 is not allowed: an integer from 1 to 100",
            'kops-iam-auth:topology: "semi-private" is not allowed: public or private',
        ]) {
            assert.ok(result.stderr.includes(`  - ${problem}`), `missing: ${problem}\n${result.stderr}`);
        }
        // Reported once, not once per promise that saw it fail.
        assert.strictEqual(result.stderr.split("The stack configuration has").length, 2, result.stderr);
        assert.strictEqual(result.stdout, "");
        assert.ok(!fs.existsSync(dir));
    });

    it("missing stack file: exit 2, naming the file and the stack files there are", async () => {
        const result = await runPlan(["--stack", "nosuchstack"]);
        assert.strictEqual(result.status, 2);
        assert.strictEqual(result.stderr,
            "error: the stack file Pulumi.nosuchstack.yaml does not exist\n(stack files in .: Pulumi.dev.yaml)\n");
    });

    it("an encrypted value: exit 2, naming the key; nothing is decrypted", async () => {
        const result = await runPlan(["--config", "tests/fixtures/plan/secure-value.yaml", "--out", path.join(out, "secure")]);
        assert.strictEqual(result.status, 2);
        assert.match(result.stderr, /^error: the stack file tests\/fixtures\/plan\/secure-value\.yaml has encrypted \(secure:\) values for kops-iam-auth:sshPublicKey; plan never decrypts secrets/);
    });

    it("bad arguments: exit 2 with the usage; --help: exit 0", async () => {
        for (const [args, message] of [
            [[], "error: say which stack: --stack <name> or --config <file>"],
            [["--stack"], "error: --stack needs a value"],
            [["--stack", "dev", "--frobnicate"], 'error: unknown argument "--frobnicate"'],
            [["--stack", "dev", "--compare", "dev", "--kops-spec", "x.yaml"], "error: --kops-spec and --out plan one stack; a comparison writes no files"],
            [["--stack", "dev", "--out", "tests/fixtures/plan"],
                "error: --out tests/fixtures/plan holds files but no earlier plan (no PLACEHOLDERS.md); the plan replaces its output directory, so give an empty or new one"],
        ] as const) {
            const result = await runPlan([...args]);
            assert.strictEqual(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
            assert.strictEqual(result.stderr.split("\n")[0], message);
            assert.match(result.stderr, /\nusage:\n {2}npm run plan -- --stack <name>/);
        }
        assert.ok(fs.existsSync(path.join(__dirname, "..", "fixtures", "plan", "base.yaml")), "--out removed a directory it does not own");
        const help = await runPlan(["--help"]);
        assert.strictEqual(help.status, 0);
        assert.match(help.stdout, /^usage:/);
    });

    it("--compare: the change's kOps operations and resources, and writes nothing", async () => {
        const result = await runPlan(["--config-a", "tests/fixtures/plan/base.yaml", "--config-b", "tests/fixtures/plan/nodes.yaml"]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.ok(result.stdout.startsWith([
            "Change from tests/fixtures/plan/base.yaml to tests/fixtures/plan/nodes.yaml:",
            "kOps operations: spec + update + rolling-update + validate",
            "  1. cluster-kops-spec (upsert-spec.sh update): kops get cluster + kops get instancegroups → spec patch → kops replace -f - --force (only if the patch changes the spec)",
            "       environment.NODE_COUNT: 2 → 4",
            "       environment.NODE_SIZE: t3.medium → m7i.large",
            "       environment.SPEC_PATCH.nodeCount: 2 → 4",
            "       environment.SPEC_PATCH.nodeSize: t3.medium → m7i.large",
            "  2. cluster-kops-apply (apply.sh update): kops update cluster (dry run) → kops update cluster --yes (if it lists changes) → " +
                "kops rolling-update cluster (dry run) → kops rolling-update cluster --yes (if instances are outdated) → kops validate cluster --wait 15m",
        ].join("\n")), result.stdout);
        assert.match(result.stdout, /\n {2}~ command:local:Command cluster-kops-apply: environment\.SPEC_FINGERPRINT\n/);

        const refused = await runPlan(["--config", "tests/fixtures/plan/base.yaml", "--compare", "tests/fixtures/plan/networking.yaml"]);
        assert.strictEqual(refused.status, 1, refused.stderr);
        assert.strictEqual(refused.stdout.split("\n")[0],
            "REFUSED at preview: changing tests/fixtures/plan/base.yaml to tests/fixtures/plan/networking.yaml " +
            "stops `pulumi up` before any change (exit 1):");
        assert.match(refused.stdout, /\nkOps operations: refused at preview; `pulumi up` stops before any change, nothing is touched\n {2}pulumi-nodejs:dynamic\/kops:ImmutableClusterSettings cluster-kops-immutable: cluster dev\.k8s\.local: networking cannot change from "cilium" to "calico"/);
    });

    it("--compare: a change that drops a command with a delete line begins with DANGER and lists the deletion", async () => {
        const result = await runPlan(["--config-a", "tests/fixtures/plan/base.yaml", "--config-b", "tests/fixtures/plan/cleanup-dropped.yaml",
            "--program", "tests/fixtures/plan/destroy-time-command.ts"]);
        assert.strictEqual(result.status, 0, result.stderr);
        assert.strictEqual(result.stdout.split("\n")[1], "DANGER: `pulumi up` would run the delete line of command:local:Command cleanup, " +
            "because it leaves the program: runs: echo cleaning up. Put the setting back, or make the change so that this resource stays.");
        assert.match(result.stdout, /\nResources deleted or replaced \(1\):\n {2}- command:local:Command cleanup\n/);
    });
});
