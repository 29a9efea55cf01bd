// The pure parts behind KopsCluster's commands: command lines, environments, fingerprints and the
// spec revision.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { refusedWith, said } from "../helpers/data/problems";
import {
    claimEnvironment,
    clusterOwnerMarker,
    kopsCommandLines,
    leaveAdoptedClusterRunning,
    parseKopsCommandLine,
} from "../../components/core/kopsCommandLines";
import {
    applyEnvironment,
    checkedCommandSettings,
    fingerprint,
    kopsCommandEnvironments,
    KopsCommandSettings,
    kubeconfigEnvironment,
    specEnvironment,
    stateBucketName,
    withSpecRevision,
} from "../../components/kops/commandEnvironment";
import { runJob } from "../../components/kops/kopsHelper";
import { parseSpecPatchOptions } from "../../components/kops/specPatchOptions";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { fakeCertPem } from "../helpers/mocks/pulumiMocks";

const settings: KopsCommandSettings = {
    kopsBinary: "kops",
    clusterName: "dev.example.com",
    clusterOwner: "acme/kops-iam-auth/dev/dev-kops",
    stateStoreUrl: "s3://kops-state-example",
    region: "eu-west-1",
    zones: ["eu-west-1a", "eu-west-1b"],
    nodeCount: 2,
    nodeSize: "t3.medium",
    controlPlaneCount: 1,
    controlPlaneSize: "t3.large",
    kubernetesVersion: "1.34.10",
    networking: "cilium",
    topology: "private",
    extraFlags: ["--node-volume-size=64"],
    adoptExisting: false,
    validateTimeout: "15m",
    kubeconfigMode: "auth-plugin",
    adminTtl: "1h",
    webhookKubeconfig: renderWebhookKubeconfig(fakeCertPem),
    webhookCacheTtl: "5m0s",
    hookRunner: "container",
    hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
    authenticatorUid: 10000,
};

describe("kopsCommandLines", () => {
    const run = (script: string) => `node -e 'require("kops-iam-auth/kops-helper").main(process.argv.slice(1))' run ${script}`;

    it("runs each script through the package's helper, resolved by name: the same line on every machine", () => {
        assert.deepStrictEqual(kopsCommandLines(false), {
            claim: { create: run("claim.sh create"), update: run("claim.sh update") },
            spec: { create: run("upsert-spec.sh create"), update: run("upsert-spec.sh update"), delete: run("delete.sh") },
            apply: { create: run("apply.sh create"), update: run("apply.sh update") },
            kubeconfig: { create: run("kubeconfig.sh"), update: run("kubeconfig.sh") },
        });
    });

    it("for an adopted cluster: never deletes it, and rolls it on the first apply", () => {
        const lines = kopsCommandLines(true);
        assert.strictEqual(lines.spec.delete, leaveAdoptedClusterRunning);
        assert.strictEqual(lines.apply.create, run("apply.sh update"));
    });

    it("parseKopsCommandLine reads back the script and its arguments, and nothing else", () => {
        assert.deepStrictEqual(parseKopsCommandLine(kopsCommandLines(false).apply.update), {
            script: "apply.sh",
            args: ["update"],
        });
        assert.deepStrictEqual(parseKopsCommandLine(kopsCommandLines(false).kubeconfig.create), {
            script: "kubeconfig.sh",
            args: [],
        });
        assert.strictEqual(parseKopsCommandLine(leaveAdoptedClusterRunning), undefined);
        assert.strictEqual(parseKopsCommandLine("bash apply.sh update"), undefined);
    });

    it("the line runs the helper from the project directory: this repository resolves itself by name", () => {
        const repoRoot = path.join(__dirname, "..", "..");
        const result = spawnSync(
            "bash",
            ["-c", kopsCommandLines(false).apply.update.replace(" run apply.sh update", " run nothing.sh")],
            { cwd: repoRoot, encoding: "utf8" },
        );
        assert.strictEqual(result.status, 2, result.stderr);
        assert.match(
            result.stderr,
            /^kops-iam-auth: error: run: unknown script "nothing.sh" \(accepted: claim.sh, upsert-spec.sh, apply.sh, kubeconfig.sh, delete.sh\)/,
        );
    });

    it("the adopted cluster's delete only prints that the cluster stays", () => {
        // A kops first on PATH that records being called: the delete must not call it.
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "adopted-delete-"));
        const calls = path.join(bin, "calls");
        fs.writeFileSync(path.join(bin, "kops"), `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`, { mode: 0o755 });
        const out = execFileSync("/bin/sh", ["-c", leaveAdoptedClusterRunning], {
            encoding: "utf8",
            env: { PATH: `${bin}:/usr/bin:/bin`, CLUSTER_NAME: "dev.example.com", STATE_STORE: "s3://kops-state-example" },
        });
        assert.ok(!fs.existsSync(calls), "the adopted cluster's delete called kops");
        fs.rmSync(bin, { recursive: true });
        assert.strictEqual(
            out,
            "kops-iam-auth: cluster dev.example.com was adopted, not created, by this stack; it is left " +
                "running (delete it with: kops delete cluster --name dev.example.com --state s3://kops-state-example --yes)\n",
        );
    });
});

describe("stateBucketName", () => {
    it("takes the bucket from s3://<bucket>, with or without a trailing slash", () => {
        assert.strictEqual(stateBucketName("s3://kops-state-example"), "kops-state-example");
        assert.strictEqual(stateBucketName("s3://kops.state.example/"), "kops.state.example");
    });

    it("refuses other schemes and key prefixes, naming the value", () => {
        for (const url of ["gs://kops-state", "s3://kops-state/prefix", "kops-state"]) {
            const [problem] = refusedWith(() => stateBucketName(url), [["stateStoreUrl", "invalid"]]);
            assert.strictEqual(problem.value, url);
            assert.match(said(problem), /^s3:\/\/<bucket name>; the bucket itself, no key prefix/);
        }
    });
});

describe("the commands' environments", () => {
    it("spec: exactly the settings that shape the spec, the patch as JSON the patch CLI accepts", () => {
        const env = specEnvironment(settings);
        assert.deepStrictEqual(Object.keys(env).sort(), [
            "ADOPT_EXISTING",
            "AWS_REGION",
            "CLUSTER_NAME",
            "CLUSTER_OWNER",
            "CONTROL_PLANE_COUNT",
            "CONTROL_PLANE_SIZE",
            "KOPS_BIN",
            "KOPS_EXTRA_FLAGS",
            "KUBERNETES_VERSION",
            "NETWORKING",
            "NODE_COUNT",
            "NODE_SIZE",
            "SPEC_PATCH",
            "STATE_STORE",
            "TOPOLOGY",
            "ZONES",
        ]);
        assert.strictEqual(env.ZONES, "eu-west-1a,eu-west-1b");
        assert.strictEqual(env.NODE_COUNT, "2");
        assert.strictEqual(env.KOPS_EXTRA_FLAGS, '["--node-volume-size=64"]');
        assert.strictEqual(env.ADOPT_EXISTING, "false");
        assert.deepStrictEqual(parseSpecPatchOptions(env.SPEC_PATCH), {
            clusterName: "dev.example.com",
            stateBucket: "kops-state-example",
            webhookKubeconfig: settings.webhookKubeconfig,
            webhookCacheTtl: "5m0s",
            hookRunner: "container",
            hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
            authenticatorUid: 10000,
            kubernetesVersion: "1.34.10",
            nodeCount: 2,
            nodeSize: "t3.medium",
            controlPlaneCount: 1,
            controlPlaneSize: "t3.large",
        });
    });

    it("spec: the SSH key and the AWS profile only when set", () => {
        const env = specEnvironment({ ...settings, sshPublicKey: "ssh-ed25519 AAAAC3Nza tester", awsProfile: "ops" });
        assert.strictEqual(env.SSH_PUBLIC_KEY, "ssh-ed25519 AAAAC3Nza tester");
        assert.strictEqual(env.AWS_PROFILE, "ops");
        assert.ok(!("SSH_PUBLIC_KEY" in specEnvironment(settings)));
        assert.ok(!("AWS_PROFILE" in specEnvironment(settings)));
    });

    it("apply: the cluster, the validate timeout and the spec's fingerprint", () => {
        assert.deepStrictEqual(applyEnvironment({ ...settings, awsProfile: "ops" }, "f1"), {
            KOPS_BIN: "kops",
            CLUSTER_NAME: "dev.example.com",
            STATE_STORE: "s3://kops-state-example",
            AWS_REGION: "eu-west-1",
            AWS_PROFILE: "ops",
            VALIDATE_TIMEOUT: "15m",
            SPEC_FINGERPRINT: "f1",
        });
    });

    it("kubeconfig: the mode, and the admin TTL only in admin mode", () => {
        assert.deepStrictEqual(kubeconfigEnvironment(settings), {
            KOPS_BIN: "kops",
            CLUSTER_NAME: "dev.example.com",
            STATE_STORE: "s3://kops-state-example",
            AWS_REGION: "eu-west-1",
            KUBECONFIG_MODE: "auth-plugin",
        });
        assert.deepStrictEqual(kubeconfigEnvironment({ ...settings, adminTtl: "2h" }), kubeconfigEnvironment(settings));
        const admin = kubeconfigEnvironment({ ...settings, kubeconfigMode: "admin", adminTtl: "2h" });
        assert.strictEqual(admin.KUBECONFIG_MODE, "admin");
        assert.strictEqual(admin.ADMIN_TTL, "2h");
    });
});

describe("the owner marker and the claim", () => {
    it("the marker is organization/project/stack/component; a part that would break it is refused", () => {
        assert.strictEqual(clusterOwnerMarker("acme", "kops-iam-auth", "dev", "dev-kops"), "acme/kops-iam-auth/dev/dev-kops");
        assert.strictEqual(clusterOwnerMarker("acme", "p", "s", "a/b c"), "acme/p/s/a/b c", "the component is the rest");
        assert.throws(() => clusterOwnerMarker("acme", "p/q", "dev", "c"), /the project "p\/q" is empty or contains "\/"/);
        assert.throws(() => clusterOwnerMarker("", "p", "dev", "c"), /the organization "" is empty/);
        assert.throws(() => clusterOwnerMarker("acme", "p", "dev", ""), /the component name is empty/);
    });

    it("the spec gets the owner; the claim gets the cluster, the owner and adoption; the apply's fingerprint ignores the owner", () => {
        assert.strictEqual(specEnvironment(settings).CLUSTER_OWNER, "acme/kops-iam-auth/dev/dev-kops");
        assert.deepStrictEqual(claimEnvironment(settings), {
            KOPS_BIN: "kops",
            CLUSTER_NAME: "dev.example.com",
            STATE_STORE: "s3://kops-state-example",
            AWS_REGION: "eu-west-1",
            CLUSTER_OWNER: "acme/kops-iam-auth/dev/dev-kops",
            ADOPT_EXISTING: "false",
        });
        // A stack from before the marker named its owner gets CLUSTER_OWNER in the spec's environment:
        // the spec re-runs once (and rewrites the marker), the apply does not.
        const renamed = { ...settings, clusterOwner: "acme/kops-iam-auth/dev/renamed-kops" };
        assert.notDeepStrictEqual(kopsCommandEnvironments(renamed).spec, kopsCommandEnvironments(settings).spec);
        assert.deepStrictEqual(kopsCommandEnvironments(renamed).apply, kopsCommandEnvironments(settings).apply);
        assert.notDeepStrictEqual(
            kopsCommandEnvironments({ ...settings, nodeCount: 3 }).apply,
            kopsCommandEnvironments(settings).apply,
        );
    });
});

describe("checkedCommandSettings", () => {
    it("returns the settings, the cache TTL spelled as Go prints it", () => {
        assert.deepStrictEqual(checkedCommandSettings("KopsCluster kops", { ...settings, webhookCacheTtl: "2m" }), {
            ...settings,
            webhookCacheTtl: "2m0s",
        });
    });

    it("refuses values the spec patch refuses, naming the component and each value", () => {
        const bad = { ...settings, nodeSize: "large", hookImage: "amazon/aws-cli:latest" };
        const problems = refusedWith(
            () => checkedCommandSettings("KopsCluster kops", bad),
            [
                ["hookImage", "invalid"],
                ["nodeSize", "invalid"],
            ],
        );
        assert.deepStrictEqual(
            problems.map((problem) => problem.value),
            ["amazon/aws-cli:latest", "large"],
        );
        assert.throws(() => checkedCommandSettings("KopsCluster kops", bad), /^ProblemsError: KopsCluster kops: /);
        refusedWith(
            () => checkedCommandSettings("KopsCluster kops", { ...settings, stateStoreUrl: "s3://b/prefix" }),
            [["stateStoreUrl", "invalid"]],
        );
        assert.throws(
            () => checkedCommandSettings("KopsCluster kops", { ...settings, stateStoreUrl: "s3://b/prefix" }),
            /^ProblemsError: KopsCluster kops: /,
        );
    });
});

describe("fingerprint", () => {
    it("is the sha256 of the canonical JSON, whatever the key order", () => {
        const a = fingerprint({ environment: { A: "1", B: "2" }, create: "x" });
        assert.match(a, /^[0-9a-f]{64}$/);
        assert.strictEqual(fingerprint({ create: "x", environment: { B: "2", A: "1" } }), a);
        assert.notStrictEqual(fingerprint({ create: "x", environment: { A: "1", B: "3" } }), a);
    });
});

describe("the spec revision (apply re-runs after every write of the spec)", () => {
    it("apply's environment carries the last revision upsert-spec.sh printed, none when it printed none", () => {
        const printed = "running: kops replace\nspec revision: 1\nspec revision: 0f3e-2\n";
        assert.deepStrictEqual(withSpecRevision({ A: "1" }, printed), { A: "1", SPEC_REVISION: "0f3e-2" });
        assert.deepStrictEqual(withSpecRevision({ A: "1" }, "spec unchanged\n"), { A: "1" });
        assert.deepStrictEqual(withSpecRevision({ A: "1" }, undefined), { A: "1" });
    });

    it("spec-revision: the spec's hash and a new id at each call", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spec-revision-"));
        const file = path.join(dir, "spec.yaml");
        const revisions: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        try {
            for (const text of ["kind: Cluster\nspec: {a: 1, b: 2}\n", "kind: Cluster\nspec: {b: 2, a: 1}\n"]) {
                fs.writeFileSync(file, text);
                (process.stdout as any).write = (chunk: string) => revisions.push(chunk.trim());
                assert.strictEqual(runJob(["spec-revision", file]), 0);
                process.stdout.write = write;
            }
        } finally {
            process.stdout.write = write;
            fs.rmSync(dir, { recursive: true, force: true });
        }
        const [first, second] = revisions.map((r) => /^([0-9a-f]{16})-([0-9a-f-]{36})$/.exec(r));
        assert.ok(first && second, revisions.join(", "));
        assert.strictEqual(first[1], second[1], "the same objects, the same hash");
        assert.notStrictEqual(first[2], second[2], "a new id at each write");
    });

    it("spec-revision FILE --unless-same-as CURRENT: nothing when both hold the same objects (order and formatting aside), else a revision", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spec-revision-"));
        const file = (name: string, text: string) => {
            fs.writeFileSync(path.join(dir, name), text);
            return path.join(dir, name);
        };
        const current = file("current.yaml", "kind: Cluster\nspec: {a: 1, b: 2}\n---\n\nkind: InstanceGroup\nspec: {c: 3}\n");
        const reordered = file("same.yaml", "kind: InstanceGroup\nspec:\n  c: 3\n---\nspec: {b: 2, a: 1}\nkind: Cluster\n");
        const changed = file("changed.yaml", "kind: Cluster\nspec: {a: 1, b: 3}\n---\nkind: InstanceGroup\nspec: {c: 3}\n");
        const fewer = file("fewer.yaml", "kind: Cluster\nspec: {a: 1, b: 2}\n");
        const printed: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        const run = (args: string[]) => {
            printed.length = 0;
            (process.stdout as any).write = (chunk: string) => printed.push(chunk);
            try {
                return { status: runJob(["spec-revision", ...args]), stdout: printed.join("") };
            } finally {
                process.stdout.write = write;
            }
        };
        try {
            assert.deepStrictEqual(run([reordered, "--unless-same-as", current]), { status: 0, stdout: "" });
            for (const other of [changed, fewer]) {
                const result = run([other, "--unless-same-as", current]);
                assert.strictEqual(result.status, 0);
                assert.match(result.stdout, /^[0-9a-f]{16}-[0-9a-f-]{36}\n$/, other);
                assert.strictEqual(
                    result.stdout.slice(0, 16),
                    run([other]).stdout.slice(0, 16),
                    "the revision of FILE, as without the option",
                );
            }
            const stderr = process.stderr.write.bind(process.stderr);
            (process.stderr as any).write = () => true;
            try {
                assert.strictEqual(run([changed, "--unless-same", current]).status, 2, "a usage error");
                assert.strictEqual(run([changed, "--unless-same-as"]).status, 2, "a usage error");
            } finally {
                process.stderr.write = stderr;
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
