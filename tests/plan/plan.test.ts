// `npm run plan -- --stack dev`, run as a child process: the files it writes (golden files under
// tests/golden/plan/), that none holds a secret, what it prints, --kops-spec on real kOps output, and a
// three-cluster program. Prints the plan's wall times.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { assertGolden, goldenDir, updatingGolden } from "../helpers/data/golden";
import { kopsInputFile, requireKopsModule } from "../helpers/data/kopsFixtures";
import { placeholderAccountId, placeholderPrivateKeyPem } from "../../tools/plan/placeholders";
import { runPlan } from "./planTool";

function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
        .sort();
}

/** Files holding anything of a secret: a private key, or the kubeconfig kOps exports for the deployment. */
function filesWithSecrets(dir: string): string[] {
    const keyBody = placeholderPrivateKeyPem.split("\n")[1];
    return filesUnder(dir).filter((file) => {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        return text.includes("PRIVATE KEY") || text.includes(keyBody) || text.includes("kubectl-auth");
    });
}

/** Compares every file of `dir` with tests/golden/plan/<name>/, and the file lists too. */
function assertGoldenDirectory(name: string, dir: string): void {
    const golden = path.join(goldenDir, "plan", name);
    if (updatingGolden()) {
        fs.rmSync(golden, { recursive: true, force: true });
    }
    for (const file of filesUnder(dir)) {
        assertGolden(`plan/${name}/${file}`, fs.readFileSync(path.join(dir, file), "utf8"));
    }
    assert.deepStrictEqual(filesUnder(dir), filesUnder(golden), "the plan writes other files than the golden ones");
}

const timings: string[] = [];

describe("npm run plan", function () {
    this.timeout(240000);
    let out: string;

    before(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    });
    after(() => {
        fs.rmSync(out, { recursive: true, force: true });
        if (timings.length > 0) {
            console.log(`      plan wall time (child process, ts-node): ${timings.join("; ")}`);
        }
    });

    describe("--stack dev", () => {
        let stdout: string;
        let dir: string;

        before(async () => {
            dir = path.join(out, "dev");
            const result = await runPlan(["--stack", "dev", "--out", dir]);
            assert.strictEqual(result.status, 0, result.stderr);
            stdout = result.stdout;
            timings.push(`one cluster ${result.seconds.toFixed(1)} s`);
        });

        it("writes the expected files (golden: tests/golden/plan/dev/)", () => {
            assert.deepStrictEqual(filesUnder(dir), [
                "PLACEHOLDERS.md",
                "authenticator/clusterrolebindings.yaml",
                "authenticator/configmap.yaml",
                "authenticator/daemonset.yaml",
                "iam/KubernetesAdmin.trust-policy.json",
                "iam/KubernetesViewer.trust-policy.json",
                "kubeconfigs/KubernetesAdmin.yaml",
                "kubeconfigs/KubernetesViewer.yaml",
                "kubeconfigs/webhook.yaml",
                "plan.txt",
                "spec-patch.json",
                "stack-outputs.json",
                "state-store.json",
            ]);
            assertGoldenDirectory("dev", dir);
        });

        it("writes no secret: no private key, not the kubeconfig kOps exports", () => {
            assert.deepStrictEqual(filesWithSecrets(dir), []);
            const stateStore = JSON.parse(fs.readFileSync(path.join(dir, "state-store.json"), "utf8"));
            assert.deepStrictEqual(stateStore.objects.map((o: any) => [o.key, o.secret]), [
                ["dev.k8s.local/addons/authenticator/cert.pem", false],
                ["dev.k8s.local/addons/authenticator/key.pem", true],
                ["dev.k8s.local/addons/authenticator/kubeconfig.yaml", false],
            ]);
        });

        it("marks what only AWS and kOps know as placeholders, and the files are what the stack would deploy", () => {
            const admin = YAML.parse(fs.readFileSync(path.join(dir, "kubeconfigs/KubernetesAdmin.yaml"), "utf8"));
            assert.strictEqual(admin.clusters[0].cluster.server, "https://api.dev.k8s.local.placeholder.invalid");
            assert.match(Buffer.from(admin.clusters[0].cluster["certificate-authority-data"], "base64").toString(), /PLACEHOLDER-KOPS-CLUSTER-CA/);
            assert.deepStrictEqual(admin.users[0].user.exec.args,
                ["token", "-i", "dev.k8s.local", "-r", `arn:aws:iam::${placeholderAccountId}:role/KubernetesAdmin`, "--region", "eu-west-1"]);
            const trust = JSON.parse(fs.readFileSync(path.join(dir, "iam/KubernetesAdmin.trust-policy.json"), "utf8"));
            assert.strictEqual(trust.Statement[0].Principal.AWS, `arn:aws:iam::${placeholderAccountId}:root`);
            const placeholders = fs.readFileSync(path.join(dir, "PLACEHOLDERS.md"), "utf8");
            assert.ok(placeholders.includes(`\`${placeholderAccountId}\``));
            const patch = JSON.parse(fs.readFileSync(path.join(dir, "spec-patch.json"), "utf8"));
            const webhook = fs.readFileSync(path.join(dir, "kubeconfigs/webhook.yaml"), "utf8");
            assert.deepStrictEqual(YAML.parse(patch.webhookKubeconfig), YAML.parse(webhook));
            const configMap = YAML.parse(fs.readFileSync(path.join(dir, "authenticator/configmap.yaml"), "utf8"));
            // The example stack maps only the roles it creates, in the stack's own account.
            const mappings = JSON.parse(configMap.data["mappings.json"]);
            assert.deepStrictEqual(mappings.mapAccounts, []);
            assert.deepStrictEqual(mappings.mapUsers, []);
            assert.ok(mappings.mapRoles.every((m: { rolearn: string }) => m.rolearn.startsWith(`arn:aws:iam::${placeholderAccountId}:role/`)));
            const outputs = JSON.parse(fs.readFileSync(path.join(dir, "stack-outputs.json"), "utf8"));
            assert.deepStrictEqual(Object.keys(outputs).sort(), ["clusterName", "kubeconfigs", "nextSteps", "roleArns", "stateStoreUrl"]);
            assert.strictEqual(outputs.kubeconfigs.KubernetesAdmin, fs.readFileSync(path.join(dir, "kubeconfigs/KubernetesAdmin.yaml"), "utf8")
                .split("\n").filter((line) => !line.startsWith("#")).join("\n"));
        });

        it("prints the resources in creation order and the kOps operations of the first pulumi up, then destroy", () => {
            const table = stdout.slice(stdout.indexOf("Resources, in the order"), stdout.indexOf("kOps operations of the first"));
            const row = (name: string) => table.split("\n").findIndex((line) => new RegExp(`\\s${name}\\s`).test(line));
            for (const [before, after] of [
                ["cluster-pki-cert", "cluster-state-cert-pem"], ["cluster-state-kubeconfig", "cluster-kops-spec"],
                ["cluster-state-claim", "cluster-state-cert-pem"],
                ["cluster-kops-immutable", "cluster-kops-spec"], ["cluster-kops-spec", "cluster-kops-apply"],
                ["cluster-kops-kubeconfig", "cluster-k8s"], ["cluster-k8s", "cluster-authenticator-config"],
                ["cluster-authenticator-config", "cluster-authenticator-daemonset"],
            ]) {
                assert.ok(row(before) > 0 && row(before) < row(after), `${before} is not listed before ${after}`);
            }
            assert.match(table, /command:local:Command\s+cluster-kops-spec\s+cluster-kops\n/);
            assert.ok(stdout.includes([
                "kOps operations of the first `pulumi up`, in order (check + spec + update + validate + kubeconfig):",
                "  1. cluster-state-claim (claim.sh create): read-only: kops get cluster → absent, this stack's (owner marker) or adopted; " +
                    "another owner stops the up before the authenticator's files are uploaded",
                "  2. cluster-kops-spec (upsert-spec.sh create): kops create cluster --dry-run -o yaml → spec patch → kops replace -f - --force",
                "  3. cluster-kops-apply (apply.sh create): kops update cluster --yes → kops validate cluster --wait 15m → kops rolling-update " +
                    "cluster (dry run; --yes and validate again only for instances an earlier, failed run left outdated)",
                "  4. cluster-kops-kubeconfig (kubeconfig.sh): kops export kubecfg --auth-plugin",
                "  No rolling update: the cluster boots with the patched spec.",
            ].join("\n")), stdout);
            assert.match(stdout, /\d+\. command:local:Command cluster-kops-spec: kops delete cluster --yes/);
            assert.strictEqual(fs.readFileSync(path.join(dir, "plan.txt"), "utf8"), stdout.slice(0, stdout.indexOf("\nWrote ")));
        });
    });

    it("--kops-spec: patches real `kops create cluster --dry-run` output as the spec command would (golden)", async function () {
        requireKopsModule(this);
        // kOps' own `create cluster --dry-run` output, from the kOps module.
        const gossipSpec = kopsInputFile("create-cluster-gossip-aws");
        const dir = path.join(out, "gossip");
        const result = await runPlan(["--config", "tests/fixtures/plan/gossip.yaml", "--out", dir,
            "--kops-spec", gossipSpec]);
        assert.strictEqual(result.status, 0, result.stderr);
        const patched = fs.readFileSync(path.join(dir, "kops-spec.patched.yaml"), "utf8");
        assertGolden("plan/gossip/kops-spec.patched.yaml", patched);
        const cluster = YAML.parseAllDocuments(patched).map((d) => d.toJS()).find((d) => d.kind === "Cluster");
        assert.strictEqual(cluster.spec.kubeAPIServer.authenticationTokenWebhookConfigFile,
            "/srv/kubernetes/kube-apiserver/aws-iam-authenticator-webhook.yaml");
        assert.deepStrictEqual(filesWithSecrets(dir), []);

        const wrongCluster = await runPlan(["--stack", "dev", "--out", path.join(out, "wrong"),
            "--kops-spec", gossipSpec]);
        assert.strictEqual(wrongCluster.status, 1);
        assert.match(wrongCluster.stderr, /--kops-spec: the spec is for cluster "gossip\.k8s\.local", but the program's cluster is dev\.k8s\.local/);
    });

    it("--program: a three-cluster program gets one directory per cluster, nothing shared, no secret", async () => {
        const dir = path.join(out, "three");
        const result = await runPlan(["--stack", "dev", "--out", dir, "--program", "tests/fixtures/plan/three-clusters.ts"]);
        assert.strictEqual(result.status, 0, result.stderr);
        timings.push(`three clusters ${result.seconds.toFixed(1)} s`);
        const colors = ["blue", "green", "red"];
        assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isDirectory()).sort(), colors);
        const keys = colors.flatMap((color) =>
            JSON.parse(fs.readFileSync(path.join(dir, color, "state-store.json"), "utf8")).objects.map((o: any) => o.key));
        assert.strictEqual(new Set(keys).size, 9);
        const clusterNames = colors.map((color) => JSON.parse(fs.readFileSync(path.join(dir, color, "spec-patch.json"), "utf8")).clusterName);
        assert.deepStrictEqual(clusterNames, ["blue.dev.k8s.local", "green.dev.k8s.local", "red.dev.k8s.local"]);
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "red", "iam")).sort(),
            ["KubernetesAdmin-red.trust-policy.json", "KubernetesViewer-red.trust-policy.json"]);
        assert.strictEqual((result.stdout.match(/kops create cluster --dry-run/g) ?? []).length, 3);
        assert.deepStrictEqual(filesWithSecrets(dir), []);
    });
});
