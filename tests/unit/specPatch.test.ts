import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { certFetchSteps, renderCertFetchScript } from "../../components/kops/certFetchHook";
import { extractImmutableSettings } from "../../components/kops/immutableSettings";
import { canonicalGoDuration } from "../../components/core/durations";
import {
    certFetchHookName,
    patchClusterSpec,
    webhookFileAssetName,
    webhookKubeconfigPath,
} from "../../components/kops/specPatch";
import { parseSpecPatchOptions, SpecPatchOptions } from "../../components/kops/specPatchOptions";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { assertGolden } from "../helpers/data/golden";
import { PathAndKind, refusedWith } from "../helpers/data/problems";
import { expectedPatchDir, expectedPatchFile, kopsCases, readKopsInput, requireKopsModule } from "../helpers/data/kopsFixtures";

// kOps' own outputs (tests/helpers/data/kopsFixtures.ts: from the k8s.io/kops Go module), each with our
// expected patch in tests/fixtures/kops/<case>/.
const fixtures = kopsCases;
const refusedFixtures = ["existing-complex"];
const patchableFixtures = fixtures.filter((name) => !refusedFixtures.includes(name));
const repoRoot = path.join(__dirname, "../..");

const webhookKubeconfig = renderWebhookKubeconfig(
    "-----BEGIN CERTIFICATE-----\nMIIBfakeCertificateForGoldenFiles\n-----END CERTIFICATE-----\n",
);

/** A `before` hook for the suites that read kOps' outputs: they skip (under CI: fail) without the kOps module. */
function needsKopsInputs(this: Mocha.Context): void {
    requireKopsModule(this);
}

function readFixture(name: string): string {
    return readKopsInput(name);
}

/** Fixed options, with the cluster name and control-plane count of the fixture so the patch applies. */
function optionsFor(kopsYaml: string, overrides: Partial<SpecPatchOptions> = {}): SpecPatchOptions {
    const settings = extractImmutableSettings(kopsYaml);
    return {
        clusterName: settings.clusterName,
        stateBucket: "example-kops-state",
        webhookKubeconfig,
        webhookCacheTtl: "5m0s",
        hookRunner: "container",
        hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
        authenticatorUid: 10000,
        kubernetesVersion: "1.34.10",
        nodeCount: 5,
        nodeSize: "t3.large",
        controlPlaneCount: settings.controlPlaneCount,
        controlPlaneSize: "m6i.large",
        ...overrides,
    };
}

function docs(kopsYaml: string): any[] {
    return YAML.parseAllDocuments(kopsYaml).map((doc) => doc.toJS());
}

function clusterSpec(kopsYaml: string): any {
    return docs(kopsYaml).find((doc) => doc.kind === "Cluster").spec;
}

function instanceGroups(kopsYaml: string): any[] {
    return docs(kopsYaml).filter((doc) => doc.kind === "InstanceGroup");
}

function ourHook(kopsYaml: string): any {
    const hooks = clusterSpec(kopsYaml).hooks.filter((hook: any) => hook.name === certFetchHookName);
    assert.strictEqual(hooks.length, 1, "exactly one hook of ours");
    return hooks[0];
}

/** Edits the Cluster document of a fixture through the Document API (for specs no fixture has). */
function withClusterEdit(kopsYaml: string, edit: (cluster: YAML.Document) => void): string {
    const all = YAML.parseAllDocuments(kopsYaml);
    edit(all.find((doc) => doc.get("kind") === "Cluster")!);
    return all.map((doc) => doc.toString()).join("");
}

describe("kOps spec patch", () => {
    describe("golden files: every fixture patched with fixed options", () => {
        before(needsKopsInputs);
        for (const name of patchableFixtures) {
            it(name, () => {
                const input = readFixture(name);
                assertGolden(expectedPatchFile(name), patchClusterSpec(input, optionsFor(input)));
            });
        }
        it("create-cluster-minimal-1.36 with the host runner", () => {
            const input = readFixture("create-cluster-minimal-1.36");
            assertGolden(
                expectedPatchFile("create-cluster-minimal-1.36", "expected.host-runner.yaml"),
                patchClusterSpec(input, optionsFor(input, { hookRunner: "host", stateBucketRegion: "eu-west-1" })),
            );
        });
        it("covers every fixture: only existing-complex is refused, and every expected patch is a case's", () => {
            assert.ok(patchableFixtures.length >= 13, `found ${patchableFixtures.length} patchable fixtures`);
            assert.ok(fixtures.includes("existing-complex"));
            const expectedFolders = fs
                .readdirSync(expectedPatchDir, { withFileTypes: true })
                .filter((entry) => entry.isDirectory())
                .map((entry) => entry.name)
                .sort();
            assert.deepStrictEqual(expectedFolders, patchableFixtures);
        });
    });

    describe("idempotence: patch(patch(x)) is patch(x), byte for byte", () => {
        before(needsKopsInputs);
        for (const name of patchableFixtures) {
            for (const hookRunner of ["container", "host"] as const) {
                it(`${name} (${hookRunner} runner)`, () => {
                    const input = readFixture(name);
                    const options = optionsFor(input, { hookRunner });
                    const once = patchClusterSpec(input, options);
                    assert.notStrictEqual(once, input);
                    assert.strictEqual(patchClusterSpec(once, options), once);
                });
            }
        }
        it("a second patch with other values replaces our entries instead of adding more", () => {
            const input = readFixture("create-cluster-minimal-1.36");
            const first = patchClusterSpec(input, optionsFor(input));
            const second = patchClusterSpec(first, optionsFor(input, { stateBucket: "other-bucket", webhookCacheTtl: "2m0s" }));
            const spec = clusterSpec(second);
            assert.strictEqual(spec.hooks.length, 1);
            assert.strictEqual(spec.fileAssets.length, 1);
            assert.match(ourHook(second).execContainer.command[2], /s3:\/\/other-bucket\//);
            assert.doesNotMatch(ourHook(second).execContainer.command[2], /example-kops-state/);
            assert.strictEqual(spec.kubeAPIServer.authenticationTokenWebhookCacheTtl, "2m0s");
            assert.strictEqual(
                second,
                patchClusterSpec(input, optionsFor(input, { stateBucket: "other-bucket", webhookCacheTtl: "2m0s" })),
            );
        });
    });

    describe("what it keeps", () => {
        before(needsKopsInputs);
        it("keeps foreign hooks as they were, with ours appended after them", () => {
            const input = readFixture("existing-conversion-aws-hooks-fileassets");
            const before = clusterSpec(input).hooks;
            assert.strictEqual(before.length, 3);
            const after = clusterSpec(patchClusterSpec(input, optionsFor(input))).hooks;
            assert.deepStrictEqual(after.slice(0, before.length), before);
            assert.strictEqual(after.length, before.length + 1);
            assert.strictEqual(after[before.length].name, certFetchHookName);
        });

        it("keeps foreign fileAssets and kube-apiserver settings, and comments", () => {
            const input = withClusterEdit(readFixture("existing-externalpolicies"), (cluster) => {
                cluster.setIn(
                    ["spec", "fileAssets"],
                    [
                        {
                            name: "audit-policy",
                            path: "/srv/kubernetes/kube-apiserver/audit.yaml",
                            roles: ["ControlPlane"],
                            content: "rules: []\n",
                        },
                    ],
                );
                (cluster.getIn(["spec", "kubeAPIServer"], true) as YAML.YAMLMap).commentBefore = " tuned by the platform team";
            });
            const beforeSpec = clusterSpec(input);
            const output = patchClusterSpec(input, optionsFor(input));
            const afterSpec = clusterSpec(output);
            assert.deepStrictEqual(afterSpec.fileAssets[0], beforeSpec.fileAssets[0]);
            assert.strictEqual(afterSpec.fileAssets.length, 2);
            for (const [key, value] of Object.entries(beforeSpec.kubeAPIServer)) {
                assert.deepStrictEqual(afterSpec.kubeAPIServer[key], value, `kubeAPIServer.${key}`);
            }
            assert.strictEqual(afterSpec.kubeAPIServer.serviceNodePortRange, "28000-32767");
            assert.match(output, /# tuned by the platform team/);
        });

        it("changes nothing but our entries, the version and the instance-group sizes", () => {
            const input = readFixture("create-cluster-ha");
            const output = patchClusterSpec(input, optionsFor(input));
            const strip = (yaml: string) =>
                docs(yaml).map((doc) => {
                    const copy = JSON.parse(JSON.stringify(doc));
                    if (copy.kind === "Cluster") {
                        for (const key of ["fileAssets", "hooks", "kubeAPIServer", "kubernetesVersion"]) {
                            delete copy.spec[key];
                        }
                    } else {
                        for (const key of ["machineType", "minSize", "maxSize"]) {
                            delete copy.spec[key];
                        }
                    }
                    return copy;
                });
            assert.deepStrictEqual(strip(output), strip(input));
        });

        it("keeps other documents (an SSHCredential) in place", () => {
            const input =
                readFixture("create-cluster-minimal-1.36") +
                "\n---\n\napiVersion: kops.k8s.io/v1alpha2\nkind: SSHCredential\nmetadata:\n  name: admin\nspec:\n  publicKey: ssh-ed25519 AAAAC3Nza example\n";
            const output = patchClusterSpec(input, optionsFor(input));
            const kinds = docs(output).map((doc) => doc.kind);
            assert.deepStrictEqual(kinds, ["Cluster", "InstanceGroup", "InstanceGroup", "SSHCredential"]);
            assert.strictEqual(docs(output)[3].spec.publicKey, "ssh-ed25519 AAAAC3Nza example");
        });

        it("keeps the spec's spelling of an equal Kubernetes version", () => {
            const input = readFixture("create-cluster-minimal-1.36");
            assert.strictEqual(
                clusterSpec(patchClusterSpec(input, optionsFor(input, { kubernetesVersion: "1.36.0" }))).kubernetesVersion,
                "v1.36.0",
            );
            assert.strictEqual(
                clusterSpec(patchClusterSpec(input, optionsFor(input, { kubernetesVersion: "1.36.3" }))).kubernetesVersion,
                "1.36.3",
            );
        });
    });

    describe("what it writes", () => {
        before(needsKopsInputs);
        let input: string;
        before(() => {
            input = readFixture("create-cluster-minimal-1.36");
        });

        it("delivers the webhook kubeconfig as a ControlPlane fileAsset under /srv/kubernetes/kube-apiserver/", () => {
            const assets = clusterSpec(patchClusterSpec(input, optionsFor(input))).fileAssets;
            assert.deepStrictEqual(assets, [
                {
                    content: webhookKubeconfig,
                    name: webhookFileAssetName,
                    path: "/srv/kubernetes/kube-apiserver/aws-iam-authenticator-webhook.yaml",
                    roles: ["ControlPlane"],
                },
            ]);
        });

        it("points kube-apiserver at it, with the cache TTL as Go prints it", () => {
            const spec = clusterSpec(patchClusterSpec(input, optionsFor(input, { webhookCacheTtl: "90s" })));
            assert.deepStrictEqual(spec.kubeAPIServer, {
                authenticationTokenWebhookCacheTtl: "1m30s",
                authenticationTokenWebhookConfigFile: webhookKubeconfigPath,
            });
        });

        it("container runner: an execContainer hook before kubelet that runs a shell in the pinned aws-cli image", () => {
            const hook = ourHook(patchClusterSpec(input, optionsFor(input)));
            assert.deepStrictEqual(Object.keys(hook), ["before", "execContainer", "name", "roles"]);
            assert.deepStrictEqual(hook.before, ["kubelet.service"]);
            assert.deepStrictEqual(hook.roles, ["Master"]);
            assert.strictEqual(hook.execContainer.image, "public.ecr.aws/aws-cli/aws-cli:2.31.23");
            const [shell, flag, script] = hook.execContainer.command;
            assert.deepStrictEqual([shell, flag], ["/bin/sh", "-c"]);
            assert.strictEqual(script, expectedScript("/rootfs/srv/kubernetes/aws-iam-authenticator", ""));
            // systemd expands $ and % in ExecStart, and kOps passes the command to it unescaped.
            assert.doesNotMatch(script, /[$%"'\\\n]/);
        });

        /** The hook's script: 20 attempts 30 s apart, each staging both files, then installing them. */
        function expectedScript(dir: string, region: string): string {
            const staging = `${dir}.download`;
            const attempt = [
                `mkdir -p ${staging}`,
                `chown 10000:10000 ${staging}`,
                `chmod 0700 ${staging}`,
                `aws s3 cp ${region}--only-show-errors s3://example-kops-state/minimal.example.com/addons/authenticator/cert.pem ${staging}/cert.pem`,
                `aws s3 cp ${region}--only-show-errors s3://example-kops-state/minimal.example.com/addons/authenticator/key.pem ${staging}/key.pem`,
                `chown 10000:10000 ${staging}/cert.pem ${staging}/key.pem`,
                `chmod 0644 ${staging}/cert.pem`,
                `chmod 0600 ${staging}/key.pem`,
                `if test -d ${dir}; then mv -f ${staging}/cert.pem ${dir}/cert.pem && mv -f ${staging}/key.pem ${dir}/key.pem && rmdir ${staging}; ` +
                    `else mv ${staging} ${dir}; fi`,
            ].join(" && ");
            return (
                `for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do ${attempt} && exit 0; ` +
                "echo aws-iam-authenticator-certs: download failed, retrying in 30s; sleep 30; done; " +
                "echo aws-iam-authenticator-certs: gave up after 20 attempts; exit 1"
            );
        }

        it("host runner: a oneshot [Service] section running the same script with the host's sh and aws", () => {
            const hook = ourHook(
                patchClusterSpec(input, optionsFor(input, { hookRunner: "host", stateBucketRegion: "eu-west-1" })),
            );
            assert.deepStrictEqual(Object.keys(hook), ["before", "manifest", "name", "roles"]);
            assert.deepStrictEqual(hook.before, ["kubelet.service"]);
            assert.deepStrictEqual(hook.roles, ["Master"]);
            assert.strictEqual(
                hook.manifest,
                `Type=oneshot\nExecStart=/bin/sh -c "${expectedScript("/srv/kubernetes/aws-iam-authenticator", "--region eu-west-1 ")}"\n`,
            );
            // The double quotes around the script are systemd's; nothing else it would expand or parse.
            assert.doesNotMatch(hook.manifest.replace(/^ExecStart=\/bin\/sh -c "(.*)"$/m, "$1"), /[$%"'\\]/);
        });

        it("spreads nodeCount over the node groups as kops create cluster does, and sizes every group", () => {
            const ha = readFixture("create-cluster-complex-private");
            const groups = instanceGroups(patchClusterSpec(ha, optionsFor(ha, { nodeCount: 10 })));
            const sizes = groups.map((ig) => [
                ig.metadata.name,
                ig.spec.role,
                ig.spec.machineType,
                ig.spec.minSize,
                ig.spec.maxSize,
            ]);
            assert.deepStrictEqual(sizes, [
                ["bastions", "Bastion", "t2.micro", 1, 1],
                ["control-plane-us-test-1a", "Master", "m6i.large", 1, 1],
                ["control-plane-us-test-1b", "Master", "m6i.large", 1, 1],
                ["control-plane-us-test-1c", "Master", "m6i.large", 1, 1],
                ["nodes-us-test-1a", "Node", "t3.large", 4, 4],
                ["nodes-us-test-1b", "Node", "t3.large", 3, 3],
                ["nodes-us-test-1c", "Node", "t3.large", 3, 3],
            ]);
            const two = instanceGroups(patchClusterSpec(ha, optionsFor(ha, { nodeCount: 2 }))).filter(
                (ig) => ig.spec.role === "Node",
            );
            assert.deepStrictEqual(
                two.map((ig) => ig.spec.minSize),
                [1, 1, 0],
            );
        });

        it("gives a Karpenter-managed node group minSize and machineType only", () => {
            const karpenter = readFixture("create-cluster-karpenter");
            const nodes = instanceGroups(patchClusterSpec(karpenter, optionsFor(karpenter, { nodeCount: 6 }))).find(
                (ig) => ig.spec.role === "Node",
            );
            assert.strictEqual(nodes.spec.minSize, 6);
            assert.strictEqual(nodes.spec.maxSize, undefined);
            assert.strictEqual(nodes.spec.machineType, "t3.large");
        });
    });

    describe("the hook's download, run for real with a stub aws", function () {
        // The script the execContainer hook runs, pointed at a temp dir instead of /rootfs/...; `aws`
        // is a stub that copies from a local folder standing in for the bucket (moto tests cover the real CLI).
        const uid = process.getuid!() === 0 ? 10000 : process.getuid!();
        let work: string;
        beforeEach(() => {
            work = fs.mkdtempSync(path.join(os.tmpdir(), "cert-fetch-"));
            const bin = path.join(work, "bin");
            fs.mkdirSync(bin);
            fs.writeFileSync(
                path.join(bin, "aws"),
                [
                    "#!/bin/sh",
                    "# aws s3 cp [--region R] --only-show-errors s3://BUCKET/KEY DEST: copy from $STUB_BUCKETS/BUCKET/KEY",
                    "for last; do :; done",
                    "for arg; do case $arg in s3://*) src=${arg#s3://};; esac; done",
                    'exec cp "$STUB_BUCKETS/$src" "$last"',
                ].join("\n"),
                { mode: 0o755 },
            );
            const objects = path.join(work, "buckets/example-kops-state/minimal.example.com/addons/authenticator");
            fs.mkdirSync(objects, { recursive: true });
            fs.writeFileSync(path.join(objects, "cert.pem"), "CERT\n");
            fs.writeFileSync(path.join(objects, "key.pem"), "KEY\n");
        });
        afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

        const source = () => ({ stateBucket: "example-kops-state", clusterName: "minimal.example.com", authenticatorUid: uid });
        const run = (script: string) =>
            spawnSync("/bin/sh", ["-c", script], {
                encoding: "utf8",
                env: { PATH: `${path.join(work, "bin")}:/usr/bin:/bin`, STUB_BUCKETS: path.join(work, "buckets") },
            });
        const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

        it("puts cert.pem (0644) and key.pem (0600), owned by the uid, in a 0700 directory; re-running converges", () => {
            const target = path.join(work, "srv/kubernetes/aws-iam-authenticator");
            const script = renderCertFetchScript(source(), { targetDir: target, awsCommand: "aws" });
            for (let attempt = 0; attempt < 2; attempt++) {
                const result = run(script);
                assert.strictEqual(result.status, 0, result.stderr);
                assert.strictEqual(fs.readFileSync(path.join(target, "cert.pem"), "utf8"), "CERT\n");
                assert.strictEqual(fs.readFileSync(path.join(target, "key.pem"), "utf8"), "KEY\n");
                assert.deepStrictEqual(
                    [mode(target), mode(path.join(target, "cert.pem")), mode(path.join(target, "key.pem"))],
                    ["700", "644", "600"],
                );
                for (const file of [target, path.join(target, "cert.pem"), path.join(target, "key.pem")]) {
                    assert.strictEqual(fs.statSync(file).uid, uid, file);
                    assert.strictEqual(fs.statSync(file).gid, uid, file);
                }
                assert.deepStrictEqual(fs.readdirSync(target).sort(), ["cert.pem", "key.pem"]);
            }
        });

        it("gives up non-zero after its attempts when a download keeps failing, leaving no half-made key.pem and the previous cert.pem", () => {
            const target = path.join(work, "srv/kubernetes/aws-iam-authenticator");
            fs.mkdirSync(target, { recursive: true });
            fs.writeFileSync(path.join(target, "cert.pem"), "OLD CERT\n");
            fs.rmSync(path.join(work, "buckets/example-kops-state/minimal.example.com/addons/authenticator/key.pem"));
            // No pause between the attempts here.
            const script = renderCertFetchScript(source(), { targetDir: target, awsCommand: "aws" }).replace(/sleep \d+/, "true");
            const result = run(script);
            assert.strictEqual(result.status, 1);
            assert.strictEqual(result.stdout.match(/retrying/g)?.length, 20, result.stdout);
            assert.match(result.stdout, /gave up after 20 attempts/);
            assert.strictEqual(fs.readFileSync(path.join(target, "cert.pem"), "utf8"), "OLD CERT\n");
            assert.ok(!fs.existsSync(path.join(target, "key.pem")));
        });

        it("the host runner's steps are the same commands with absolute paths", () => {
            const target = path.join(work, "host/aws-iam-authenticator");
            for (const argv of certFetchSteps(source(), { targetDir: target, awsCommand: "aws" })) {
                execFileSync(argv[0], argv.slice(1), {
                    env: { PATH: `${path.join(work, "bin")}:/usr/bin:/bin`, STUB_BUCKETS: path.join(work, "buckets") },
                });
            }
            assert.strictEqual(fs.readFileSync(path.join(target, "key.pem"), "utf8"), "KEY\n");
            assert.strictEqual(mode(path.join(target, "key.pem")), "600");
        });
    });

    describe("what it refuses", () => {
        before(needsKopsInputs);
        it("refuses existing-complex: spec.authentication.aws makes kOps overwrite the webhook path", () => {
            const input = readFixture("existing-complex");
            assert.throws(
                () => patchClusterSpec(input, optionsFor(input)),
                (e: Error) => {
                    assert.match(e.message, /^spec\.authentication\.aws is set/);
                    assert.match(e.message, /authenticationTokenWebhookConfigFile/);
                    assert.match(e.message, /kops#6321/);
                    return true;
                },
            );
        });

        it("refuses spec.authentication.kopeio likewise", () => {
            const input = withClusterEdit(readFixture("create-cluster-minimal-1.36"), (cluster) =>
                cluster.setIn(["spec", "authentication"], { kopeio: {} }),
            );
            assert.throws(() => patchClusterSpec(input, optionsFor(input)), /^Error: spec\.authentication\.kopeio is set/);
        });

        it("refuses a token webhook that points elsewhere, naming it", () => {
            const input = withClusterEdit(readFixture("create-cluster-minimal-1.36"), (cluster) =>
                cluster.setIn(
                    ["spec", "kubeAPIServer", "authenticationTokenWebhookConfigFile"],
                    "/srv/kubernetes/kube-apiserver/other.yaml",
                ),
            );
            assert.throws(
                () => patchClusterSpec(input, optionsFor(input)),
                /authenticationTokenWebhookConfigFile is already "\/srv\/kubernetes\/kube-apiserver\/other.yaml"/,
            );
        });

        it("refuses a foreign fileAsset at our path and an instance-group hook that would shadow ours", () => {
            const asset = withClusterEdit(readFixture("create-cluster-minimal-1.36"), (cluster) =>
                cluster.setIn(["spec", "fileAssets"], [{ name: "mine", path: webhookKubeconfigPath, content: "x" }]),
            );
            assert.throws(() => patchClusterSpec(asset, optionsFor(asset)), /fileAssets entry "mine" already writes/);
            const all = YAML.parseAllDocuments(readFixture("create-cluster-minimal-1.36"));
            all[1].setIn(["spec", "hooks"], [{ name: certFetchHookName, manifest: "Type=oneshot\n" }]);
            const shadowed = all.map((doc) => doc.toString()).join("");
            assert.throws(
                () => patchClusterSpec(shadowed, optionsFor(shadowed)),
                /InstanceGroup "control-plane-us-test-1a" has a hook named/,
            );
        });

        it("refuses a control-plane count the spec does not have", () => {
            const input = readFixture("create-cluster-ha");
            assert.throws(
                () => patchClusterSpec(input, optionsFor(input, { controlPlaneCount: 5 })),
                /^Error: controlPlaneCount is 5 but the spec has 3 control-plane instance group\(s\) \(control-plane-us-test-1a, control-plane-us-test-1b, control-plane-us-test-1c\)/,
            );
        });

        it("refuses a spec for another cluster, and input that is not one kOps Cluster", () => {
            const input = readFixture("create-cluster-minimal-1.36");
            assert.throws(
                () => patchClusterSpec(input, optionsFor(input, { clusterName: "other.example.com" })),
                /the spec is for cluster "minimal.example.com", but clusterName is "other.example.com"/,
            );
            assert.throws(
                () => patchClusterSpec("kind: InstanceGroup\n", optionsFor(input)),
                /exactly one document of kind Cluster, found 0/,
            );
            assert.throws(
                () => patchClusterSpec(input + "\n---\n" + input, optionsFor(input)),
                /exactly one document of kind Cluster, found 2/,
            );
            assert.throws(() => patchClusterSpec("a: [\n", optionsFor(input)), /does not parse/);
            assert.throws(
                () => patchClusterSpec(input.replace("kops.k8s.io/v1alpha2", "kops.k8s.io/v1alpha3"), optionsFor(input)),
                /apiVersion "kops.k8s.io\/v1alpha3"; only kops.k8s.io\/v1alpha2/,
            );
        });

        it("refuses bad options, naming each one, its value and what is accepted", () => {
            const input = readFixture("create-cluster-minimal-1.36");
            const bad = {
                stateBucket: "s3://example",
                webhookCacheTtl: "5 minutes",
                hookImage: "amazon/aws-cli:latest",
                nodeCount: -1,
                kubernetesVersion: "latest",
                webhookKubeconfig: "-----BEGIN RSA PRIVATE KEY-----",
                authenticatorUid: 0,
            };
            const problems = refusedWith(
                () => patchClusterSpec(input, optionsFor(input, bad)),
                Object.keys(bad).map((key): PathAndKind => [key, "invalid"]),
            );
            const said = Object.fromEntries(problems.map((problem) => [problem.path, [problem.value, problem.accepted]]));
            assert.deepStrictEqual(Object.fromEntries(Object.entries(said).map(([key, [value]]) => [key, value])), bad);
            for (const [key, accepted] of [
                ["stateBucket", /^an S3 bucket name/],
                ["webhookCacheTtl", /^a Go duration/],
                ["hookImage", /^a pinned image reference/],
                ["webhookKubeconfig", /^the webhook kubeconfig as YAML text with clusters and no private key/],
                ["authenticatorUid", /^a uid from 1 to 2147483647/],
            ] as const) {
                assert.match(String(said[key][1]), accepted);
            }
        });

        it("reads options from JSON, rejecting unknown keys, wrong types and missing values", () => {
            const input = readFixture("create-cluster-minimal-1.36");
            const options = optionsFor(input);
            assert.deepStrictEqual(parseSpecPatchOptions(JSON.stringify({ ...options, webhookCacheTtl: "5m" })), options);
            const { nodeSize: _omitted, ...missing } = options;
            refusedWith(
                () => parseSpecPatchOptions(JSON.stringify({ ...missing, nodecount: 3, nodeCount: "3" })),
                [
                    ["nodecount", "unknown"],
                    ["nodeCount", "invalid"],
                    ["nodeSize", "required"],
                ],
            );
            for (const json of ["{", "[]"]) {
                refusedWith(() => parseSpecPatchOptions(json), [["SPEC_PATCH", "invalid"]]);
            }
        });
    });

    it("writes durations as Go's Duration.String() does", () => {
        const cases: [string, string | undefined][] = [
            ["5m", "5m0s"],
            ["5m0s", "5m0s"],
            ["90s", "1m30s"],
            ["1h", "1h0m0s"],
            ["1.5h", "1h30m0s"],
            ["0", "0s"],
            ["500ms", "500ms"],
            ["1500ms", "1.5s"],
            ["2h45m30.25s", "2h45m30.25s"],
            ["10us", "10µs"],
            ["5 m", undefined],
            ["-5m", undefined],
            ["5", undefined],
            ["", undefined],
        ];
        for (const [text, expected] of cases) {
            assert.strictEqual(canonicalGoDuration(text), expected, text);
        }
    });

    describe("kopsHelper patch-spec (the compiled helper, a child process)", () => {
        before(needsKopsInputs);
        const helper = path.join(repoRoot, "dist/kops/kopsHelper.js");
        const runCli = (args: string[], input: string, env: NodeJS.ProcessEnv) =>
            spawnSync(process.execPath, [helper, "patch-spec", ...args], {
                cwd: os.tmpdir(),
                input,
                encoding: "utf8",
                env: { PATH: process.env.PATH, ...env },
            });

        it("patches stdin to stdout with the options from SPEC_PATCH", () => {
            const input = readFixture("create-cluster-ha");
            const result = runCli([], input, { SPEC_PATCH: JSON.stringify(optionsFor(input)) });
            assert.strictEqual(result.stderr, "");
            assert.strictEqual(result.status, 0);
            assert.strictEqual(result.stdout, patchClusterSpec(input, optionsFor(input)));
        });

        it("--mark OWNER: the same patched spec, its Cluster annotated as created by OWNER (upsert-spec.sh's owner marker)", () => {
            const input = readFixture("create-cluster-ha");
            const env = { SPEC_PATCH: JSON.stringify(optionsFor(input)) };
            const owner = "acme/kops-iam-auth/dev/dev-kops";
            const result = runCli(["--mark", owner], input, env);
            assert.strictEqual(result.stderr, "");
            assert.strictEqual(result.status, 0);
            const expected = YAML.parseAllDocuments(patchClusterSpec(input, optionsFor(input))).filter(
                (d) => d.contents !== null,
            );
            expected
                .find((d) => d.get("kind") === "Cluster")!
                .setIn(["metadata", "annotations", "kops-iam-auth/created-by"], owner);
            assert.strictEqual(result.stdout, expected.map((d) => d.toString({ directives: false })).join("---\n"));
            const marked = YAML.parseAllDocuments(result.stdout).map((d) => d.toJS());
            assert.strictEqual(marked.find((d) => d.kind === "Cluster").metadata.annotations["kops-iam-auth/created-by"], owner);
        });

        it("exits 1 with `kops-iam-auth: error: <message>` on a refused spec or bad options", () => {
            const refused = readFixture("existing-complex");
            const result = runCli([], refused, { SPEC_PATCH: JSON.stringify(optionsFor(refused)) });
            assert.strictEqual(result.status, 1);
            assert.strictEqual(result.stdout, "");
            assert.match(result.stderr, /^kops-iam-auth: error: spec\.authentication\.aws is set/);
            const input = readFixture("create-cluster-ha");
            const bad = runCli([], input, { SPEC_PATCH: JSON.stringify({ ...optionsFor(input), hookRunner: "docker" }) });
            assert.strictEqual(bad.status, 1);
            assert.match(
                bad.stderr,
                /^kops-iam-auth: error: the spec patch options \(1 problem\):\n {2}- hookRunner: "docker" is not allowed: container or host/,
            );
            const empty = runCli([], "", { SPEC_PATCH: JSON.stringify(optionsFor(input)) });
            assert.strictEqual(empty.status, 1);
            assert.match(empty.stderr, /^kops-iam-auth: error: no kOps YAML on stdin/);
        });

        it("exits 2 on usage errors: no SPEC_PATCH, an argument, --mark without an owner", () => {
            const input = readFixture("create-cluster-ha");
            const unset = runCli([], input, {});
            assert.strictEqual(unset.status, 2);
            assert.match(unset.stderr, /^kops-iam-auth: error: patch-spec: SPEC_PATCH is not set\n$/);
            const withArgument = runCli(["--check-immutable"], input, { SPEC_PATCH: JSON.stringify(optionsFor(input)) });
            assert.strictEqual(withArgument.status, 2);
            assert.match(withArgument.stderr, /^kops-iam-auth: error: patch-spec: unexpected argument "--check-immutable"/);
            const noOwner = runCli(["--mark"], input, { SPEC_PATCH: JSON.stringify(optionsFor(input)) });
            assert.strictEqual(noOwner.status, 2);
            assert.match(noOwner.stderr, /^kops-iam-auth: error: patch-spec: --mark expects the owner\n$/);
            const afterOwner = runCli(["--mark", "a/b/c/d", "extra"], input, { SPEC_PATCH: JSON.stringify(optionsFor(input)) });
            assert.strictEqual(afterOwner.status, 2);
            assert.match(afterOwner.stderr, /^kops-iam-auth: error: patch-spec: unexpected argument "extra"/);
        });
    });
});
