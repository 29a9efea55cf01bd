// The stub kops (tests/stubs/kops) against the real kops v1.36.2 (the pinned build, against
// moto_server on 127.0.0.1): the same kops calls, as the lifecycle scripts make them
// (components/kops/scripts/lib.sh kops_cmd: `kops <words> --name X --state S <flags>`), run on
// both, and what the scripts read from each compared: exit codes, the texts they match
// (lib.sh is_not_found, apply.sh's dry runs, preflight's version), and the shape of the YAML and
// kubeconfig they pass on. Every expectation holds for both; the real kops' side skips loudly
// without the tool (and fails under CI), the stub's side always runs.
//
// What moto cannot give the real kops, and so is not compared here (the stub's behaviour for it
// is the scripts' tests' business, tests/scripts/): a reachable kube-apiserver, which
// `validate cluster` and `rolling-update cluster` need (tests/integration/kopsMoto.test.ts
// records where they stop), and a clean `delete cluster` of a cluster with cloud resources.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { kopsVersion, requireKopsModule } from "../helpers/data/kopsFixtures";
import { kopsChannelFile, kopsOnMotoEnv } from "../helpers/aws/kopsOnMoto";
import { Moto, startMoto, testRegion } from "../helpers/aws/moto";
import { run, runOk, RunResult } from "../helpers/processes/processes";
import { stubKopsEnv } from "../helpers/processes/stubKops";
import { requireTool } from "../helpers/processes/tools";

const stubKops = path.join(__dirname, "..", "stubs", "kops");
const bucket = "kops-iam-auth-contract-state";
const state = `s3://${bucket}`;
/** Applied to the "cloud" (update --yes) and exported. As long as stage2.example.com: kops cuts the name into a 32-character target group name, which must not end up with "--". */
const appliedCluster = "kopsct.example.com";
/** Only ever a spec in the state store, then deleted. */
const specOnlyCluster = "spec-only.example.com";
const sshPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcN4R8S0Pnq2DAqrW2pSBd4D7cH1QvKqpiqUFOkzvhG contract@example.com";

/** A kops call as lib.sh's kops_cmd makes it: the command words, --name and --state, then flags. */
const kopsArgs = (name: string, words: string[], flags: string[] = []) => [...words, "--name", name, "--state", state, ...flags];

/** The create-cluster flags upsert-spec.sh passes (create_spec), with the channel as KOPS_EXTRA_FLAGS. */
function createFlags(work: string): string[] {
    const keyFile = path.join(work, "ssh_public_key");
    fs.writeFileSync(keyFile, `${sshPublicKey}\n`);
    return [
        "--cloud",
        "aws",
        "--dns",
        "none",
        "--zones",
        `${testRegion}a`,
        "--node-count",
        "2",
        "--node-size",
        "t3.medium",
        "--control-plane-count",
        "1",
        "--control-plane-size",
        "t3.large",
        "--kubernetes-version",
        "1.34.8",
        "--networking",
        "cilium",
        "--topology",
        "public",
        "--ssh-public-key",
        keyFile,
        "--channel",
        `file://${kopsChannelFile()}`,
        "--dry-run",
        "-o",
        "yaml",
    ];
}

/** The owner marker upsert-spec.sh adds to the Cluster (kopsHelper patch-spec --mark). */
const ownerMarker = "organization/kops-iam-auth/contract/contract-kops";

function withOwnerMarker(text: string): string {
    const docs = YAML.parseAllDocuments(text).filter((doc) => doc.contents !== null);
    docs.find((doc) => doc.get("kind") === "Cluster")!.setIn(
        ["metadata", "annotations", "kops-iam-auth/created-by"],
        ownerMarker,
    );
    return docs.map((doc) => doc.toString({ directives: false })).join("---\n");
}

/** What the scripts rely on in a kops YAML stream: each document's kind and name, and the sizes the patch reads. */
function documentsOf(text: string): unknown[] {
    return YAML.parseAllDocuments(text)
        .map((doc) => doc.toJS())
        .filter(Boolean)
        .map((doc: any) =>
            doc.kind === "InstanceGroup"
                ? {
                      kind: doc.kind,
                      name: doc.metadata.name,
                      cluster: doc.metadata.labels?.["kops.k8s.io/cluster"],
                      role: doc.spec.role,
                      machineType: doc.spec.machineType,
                      minSize: doc.spec.minSize,
                      maxSize: doc.spec.maxSize,
                      subnets: doc.spec.subnets,
                  }
                : doc.kind === "Cluster"
                  ? {
                        kind: doc.kind,
                        name: doc.metadata.name,
                        annotations: doc.metadata.annotations,
                        kubernetesVersion: doc.spec.kubernetesVersion,
                        networking: Object.keys(doc.spec.networking),
                        subnets: doc.spec.subnets.map((s: any) => ({ name: s.name, type: s.type, zone: s.zone })),
                        etcdMembers: doc.spec.etcdClusters.map((e: any) => e.etcdMembers.map((m: any) => m.instanceGroup)),
                    }
                  : {
                        kind: doc.kind,
                        name: doc.metadata.name,
                        cluster: doc.metadata.labels?.["kops.k8s.io/cluster"],
                        publicKey: doc.spec.publicKey,
                    },
        );
}

/** The kops error line (cobra's `Error: ...`, the last line of stderr). */
const errorLine = (result: RunResult) =>
    result.stderr
        .trim()
        .split("\n")
        .filter((line) => line.startsWith("Error: "))
        .pop();

interface Implementation {
    name: string;
    kops(args: string[], input?: string): Promise<RunResult>;
    /** Each step's result, by step name, filled by the run below. */
    results: Map<string, RunResult & { kubeconfig?: any }>;
}

/**
 * The steps, in order, each a kops call the scripts make. `kubeconfig` names a file the step
 * writes (export kubecfg), read back into the result.
 */
function steps(
    work: string,
    implementationDir: string,
): Array<{ step: string; args: string[]; input?: (results: Map<string, RunResult>) => string; kubeconfig?: string }> {
    return [
        { step: "version", args: ["version"] },
        { step: "get cluster, empty state store", args: kopsArgs(appliedCluster, ["get", "cluster"], ["-o", "yaml"]) },
        { step: "delete cluster, empty state store", args: kopsArgs(appliedCluster, ["delete", "cluster"], ["--yes"]) },
        { step: "create cluster --dry-run", args: kopsArgs(appliedCluster, ["create", "cluster"], createFlags(work)) },
        {
            step: "replace -f - --force",
            args: kopsArgs(appliedCluster, ["replace"], ["-f", "-", "--force"]),
            // As upsert-spec.sh writes it: with the owner marker the scripts read back (lib.sh check_ownership).
            input: (r) => withOwnerMarker(r.get("create cluster --dry-run")!.stdout),
        },
        { step: "get cluster", args: kopsArgs(appliedCluster, ["get", "cluster"], ["-o", "yaml"]) },
        { step: "get instancegroups", args: kopsArgs(appliedCluster, ["get", "instancegroups"], ["-o", "yaml"]) },
        {
            step: "update cluster --yes",
            args: kopsArgs(appliedCluster, ["update", "cluster"], ["--yes", "--create-kube-config=false"]),
        },
        {
            step: "replace, node size changed",
            args: kopsArgs(appliedCluster, ["replace"], ["-f", "-", "--force"]),
            input: (r) => r.get("create cluster --dry-run")!.stdout.replace(/^( {2}machineType: )t3\.medium$/m, "$1t3.xlarge"),
        },
        {
            step: "update cluster (dry run), changed",
            args: kopsArgs(appliedCluster, ["update", "cluster"], ["--create-kube-config=false"]),
        },
        {
            step: "export kubecfg --auth-plugin",
            kubeconfig: path.join(implementationDir, "auth-plugin.kubeconfig"),
            args: kopsArgs(
                appliedCluster,
                ["export", "kubecfg"],
                ["--auth-plugin", "--kubeconfig", path.join(implementationDir, "auth-plugin.kubeconfig")],
            ),
        },
        {
            step: "export kubecfg --admin",
            kubeconfig: path.join(implementationDir, "admin.kubeconfig"),
            args: kopsArgs(
                appliedCluster,
                ["export", "kubecfg"],
                ["--admin=1h", "--kubeconfig", path.join(implementationDir, "admin.kubeconfig")],
            ),
        },
        {
            step: "create cluster --dry-run, spec only",
            args: kopsArgs(specOnlyCluster, ["create", "cluster"], createFlags(work)),
        },
        {
            step: "replace, spec only",
            args: kopsArgs(specOnlyCluster, ["replace"], ["-f", "-", "--force"]),
            input: (r) => r.get("create cluster --dry-run, spec only")!.stdout,
        },
        { step: "delete cluster --yes, spec only", args: kopsArgs(specOnlyCluster, ["delete", "cluster"], ["--yes"]) },
        { step: "get cluster, deleted", args: kopsArgs(specOnlyCluster, ["get", "cluster"], ["-o", "yaml"]) },
    ];
}

async function runSteps(implementation: Implementation, work: string): Promise<void> {
    const dir = fs.mkdtempSync(path.join(work, `${implementation.name}-`));
    for (const { step, args, input, kubeconfig } of steps(work, dir)) {
        const started = Date.now();
        const result: RunResult & { kubeconfig?: any } = await implementation.kops(args, input?.(implementation.results));
        if (kubeconfig && fs.existsSync(kubeconfig)) {
            result.kubeconfig = YAML.parse(fs.readFileSync(kubeconfig, "utf8"));
        }
        implementation.results.set(step, result);
        console.log(
            `      ${implementation.name}: ${step}: exit ${result.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
    }
}

describe("kops contract: the stub and the real kops v1.36.2 (against moto) answer the scripts' calls alike", function () {
    this.timeout(600000);
    let work: string;
    let moto: Moto | undefined;
    const implementations: Implementation[] = [];

    before(async function () {
        requireKopsModule(this);
        work = fs.mkdtempSync(path.join(os.tmpdir(), "kops-contract-"));
        const stubState = path.join(work, "stub-state");
        const stub: Implementation = {
            name: "stub",
            kops: (args, input) =>
                run(stubKops, args, {
                    input,
                    env: {
                        PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
                        HOME: path.join(work, "stub-home"),
                        ...stubKopsEnv(stubState),
                    },
                }),
            results: new Map(),
        };
        implementations.push(stub);
        await runSteps(stub, work);
    });

    after(async () => {
        await moto?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    describe("the real kops", function () {
        before(async function () {
            const kops = requireTool(this, "kops", "bash tests/setup/install-tools.sh");
            const aws = requireTool(this, "aws", "pip install awscli");
            moto = await startMoto(requireTool(this, "moto_server", "pip install 'moto[server]'"));
            await runOk(aws, ["s3api", "create-bucket", "--bucket", bucket], { env: moto.env });
            const env = kopsOnMotoEnv(moto, path.join(work, "real"));
            const real: Implementation = {
                name: "real kops",
                kops: (args, input) => run(kops, args, { input, env, timeoutMs: 180000 }),
                results: new Map(),
            };
            await runSteps(real, work);
            implementations.push(real);
        });

        it("ran every step", () => assert.equal(implementations.length, 2));
    });

    /** Asserts `check` on each implementation's result of `step`, and that `project` of them is equal. */
    function compare(
        step: string,
        check: (result: RunResult & { kubeconfig?: any }) => void,
        project?: (result: RunResult & { kubeconfig?: any }) => unknown,
    ): void {
        const projections = [];
        for (const implementation of implementations) {
            const result = implementation.results.get(step);
            assert.ok(result, `${implementation.name}: no result for ${step}`);
            const shown = `${implementation.name}, ${step}: exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
            try {
                check(result);
            } catch (error) {
                throw new Error(`${shown}\n\n${(error as Error).message}`);
            }
            if (project) {
                projections.push({ name: implementation.name, value: project(result) });
            }
        }
        for (const other of projections.slice(1)) {
            assert.deepEqual(other.value, projections[0].value, `${step}: ${other.name} differs from ${projections[0].name}`);
        }
    }

    // Registered after the real kops' describe, so they run once both have answered (or the stub
    // alone, where the real kops is skipped).
    describe("what the scripts read", () => {
        it("kops version: exit 0 and a version preflight reads as 1.36.2 (lib.sh preflight)", () => {
            compare("version", (result) => {
                assert.equal(result.status, 0);
                const match = /[Vv]ersion:? v?(([0-9]+)\.([0-9]+)\.([0-9]+)[-+.0-9A-Za-z]*)/.exec(result.stdout);
                assert.equal(match?.[1], kopsVersion);
            });
        });

        it('get cluster on an empty state store: exit 1, `Error: cluster not found "X"` (lib.sh is_not_found)', () => {
            compare(
                "get cluster, empty state store",
                (result) => {
                    assert.equal(result.status, 1);
                    assert.equal(result.stdout, "");
                    assert.equal(errorLine(result), `Error: cluster not found "${appliedCluster}"`);
                },
                errorLine,
            );
        });

        it("delete cluster of a cluster not in the state store: exit 1, the not-found text (delete.sh counts it as deleted)", () => {
            compare(
                "delete cluster, empty state store",
                (result) => {
                    assert.equal(result.status, 1);
                    assert.equal(
                        errorLine(result),
                        `Error: error reading cluster configuration: Cluster.kops.k8s.io "${appliedCluster}" not found`,
                    );
                },
                errorLine,
            );
        });

        it("create cluster --dry-run -o yaml: the Cluster, its InstanceGroups and the SSHCredential, named and sized alike", () => {
            compare(
                "create cluster --dry-run",
                (result) => {
                    assert.equal(result.status, 0);
                    assert.deepEqual(
                        documentsOf(result.stdout).map((doc: any) => `${doc.kind}/${doc.name}`),
                        [
                            `Cluster/${appliedCluster}`,
                            `InstanceGroup/control-plane-${testRegion}a`,
                            `InstanceGroup/nodes-${testRegion}a`,
                            "SSHCredential/admin",
                        ],
                    );
                },
                (result) => documentsOf(result.stdout),
            );
        });

        it("replace -f - --force of that output: exit 0 (upsert-spec.sh's upsert)", () => {
            compare(
                "replace -f - --force",
                (result) => assert.equal(result.status, 0),
                (result) => result.status,
            );
        });

        it("get cluster -o yaml and get instancegroups -o yaml: the stored documents, the owner marker kept (upsert-spec.sh converge_spec joins them; claim.sh reads the marker)", () => {
            compare(
                "get cluster",
                (result) => {
                    assert.equal(result.status, 0);
                    assert.deepEqual(
                        documentsOf(result.stdout).map((doc: any) => doc.kind),
                        ["Cluster"],
                    );
                    assert.deepEqual((documentsOf(result.stdout)[0] as any).annotations, {
                        "kops-iam-auth/created-by": ownerMarker,
                    });
                },
                (result) => documentsOf(result.stdout),
            );
            compare(
                "get instancegroups",
                (result) => {
                    assert.equal(result.status, 0);
                    assert.deepEqual(
                        documentsOf(result.stdout).map((doc: any) => doc.name),
                        [`control-plane-${testRegion}a`, `nodes-${testRegion}a`],
                    );
                },
                (result) => documentsOf(result.stdout),
            );
        });

        it("update cluster --yes: exit 0, `Cluster changes have been applied to the cloud.` (apply.sh)", () => {
            compare("update cluster --yes", (result) => {
                assert.equal(result.status, 0);
                assert.match(result.stdout, /^Cluster changes have been applied to the cloud\.$/m);
            });
        });

        // apply.sh's dry runs tell "something to do" from "nothing" by kops' texts. The "nothing"
        // side is not reachable under moto: after an apply, the real kops' dry run still lists
        // SSHKey (moto keeps no key fingerprint) and Subnet ResourceBasedNaming (moto keeps no
        // PrivateDnsNameOptionsOnLaunch), and before the first apply it retries DescribeWarmPool,
        // which moto answers with a 500, for ten minutes. The stub prints kOps' text for it,
        // `No changes need to be applied` (update_cluster.go), which tests/scripts/ relies on.
        it("update cluster without --yes after a spec change: exit 0, `Will modify resources:` and `Must specify --yes to apply changes` (apply.sh dry_run_finds)", () => {
            compare("replace, node size changed", (result) => assert.equal(result.status, 0));
            compare("update cluster (dry run), changed", (result) => {
                assert.equal(result.status, 0);
                assert.match(result.stdout, /^Will modify resources:$/m);
                assert.equal(result.stdout.trim().split("\n").pop(), "Must specify --yes to apply changes");
                assert.doesNotMatch(result.stdout, /No changes need to be applied/);
            });
        });

        it("export kubecfg --auth-plugin: the user runs `kops helpers kubectl-auth` for the cluster (kubeconfig.sh rewrites that exec)", () => {
            compare(
                "export kubecfg --auth-plugin",
                (result) => {
                    assert.equal(result.status, 0);
                    assert.match(
                        result.stdout,
                        new RegExp(`kOps has set your kubectl context to ${appliedCluster.replace(/\./g, "\\.")}`),
                    );
                },
                (result) => ({
                    clusters: result.kubeconfig.clusters.map((c: any) => [c.name, Object.keys(c.cluster).sort()]),
                    contexts: result.kubeconfig.contexts,
                    currentContext: result.kubeconfig["current-context"],
                    users: result.kubeconfig.users,
                }),
            );
        });

        it("export kubecfg --admin=1h: a client certificate and key in the kubeconfig (kubeconfig.sh admin mode prints it)", () => {
            compare(
                "export kubecfg --admin",
                (result) => {
                    assert.equal(result.status, 0);
                    assert.ok(result.kubeconfig.users[0].user["client-certificate-data"]);
                    assert.ok(result.kubeconfig.users[0].user["client-key-data"]);
                },
                (result) => result.kubeconfig.users.map((u: any) => [u.name, Object.keys(u.user).sort()]),
            );
        });

        it("delete cluster --yes of a cluster with only a spec: exit 0, and it is gone (delete.sh)", () => {
            compare("replace, spec only", (result) => assert.equal(result.status, 0));
            compare("delete cluster --yes, spec only", (result) => {
                assert.equal(result.status, 0);
                assert.match(result.stdout, new RegExp(`Deleted cluster: "${specOnlyCluster.replace(/\./g, "\\.")}"`));
            });
            compare(
                "get cluster, deleted",
                (result) => {
                    assert.equal(result.status, 1);
                    assert.equal(errorLine(result), `Error: cluster not found "${specOnlyCluster}"`);
                },
                errorLine,
            );
        });
    });
});
