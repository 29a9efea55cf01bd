// The kOps lifecycle scripts (components/kops/scripts/*.sh) against a stub kops on PATH
// (tests/stubs/kops: state in a temp folder, kops' messages and exit codes, every call recorded,
// failure on the Nth call). The scripts run exactly as KopsCluster runs them: the command lines
// of kopsCommandLines() and the environments of kopsCommandEnvironments(), in `bash -c` with a
// clean environment. The real parts: the scripts,
// the compiled helper (components/kops/kopsHelper.ts, built to dist/), bash, node, jq. The double: kops.
import { strict as assert } from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { claimEnvironment, KopsCommandLines, kopsCommandLines } from "../../components/core/kopsCommandLines";
import { kopsCommandEnvironments, KopsCommandSettings } from "../../components/kops/commandEnvironment";
import { isGoDuration } from "../../components/core/durations";
import { isNodeCount } from "../../components/core/rules";
import { requireTool } from "../helpers/processes/tools";
import { requireKopsModule } from "../helpers/data/kopsFixtures";
import {
    baseSettings,
    clusterName,
    libShVerdicts,
    scriptsDir,
    stateStore,
    StubKopsSandbox,
    stubsDir,
    testCaPem,
} from "../helpers/processes/stubKops";

type Run = SpawnSyncReturns<string>;

/** The stub's sandbox, with a user's stray kOps variables around every run and no temporary file left after it. */
class Sandbox extends StubKopsSandbox {
    constructor() {
        super("kops-scripts-");
    }

    override run(commandLine: string, env: Record<string, string>, extra: Record<string, string> = {}): Run {
        const result = super.run(commandLine, env, {
            // Left over in a user's shell; the scripts must neither use nor pass them on.
            KOPS_CLUSTER_NAME: "stray.example.com",
            KOPS_STATE_STORE: "s3://stray-bucket",
            ...extra,
        });
        const leftovers = fs.readdirSync(this.tmp);
        assert.deepEqual(leftovers, [], `temporary files left behind by: ${commandLine}\n${result.stderr}`);
        return result;
    }

    /** The stored documents of the cluster. */
    documents(): any[] {
        const spec = this.snapshot().spec;
        assert.ok(spec, `cluster ${clusterName} is not in the stub's state store`);
        return YAML.parseAllDocuments(spec).map((d) => d.toJS());
    }
}

interface Commands {
    lines: KopsCommandLines;
    spec: Record<string, string>;
    apply: Record<string, string>;
    kubeconfig: Record<string, string>;
    /** The state store's claim command (KopsStateStore), which runs before the uploads. */
    claim: Record<string, string>;
}

function commandsFor(overrides: Partial<KopsCommandSettings> = {}): Commands {
    const settings = { ...baseSettings, ...overrides };
    return {
        lines: kopsCommandLines(settings.adoptExisting),
        ...kopsCommandEnvironments(settings),
        claim: claimEnvironment(settings),
    };
}

function assertSucceeded(run: Run, what: string): void {
    assert.equal(run.status, 0, `${what} failed (exit ${run.status}):\n${run.stderr}`);
}

/** Every call names the cluster and the state store by flag, once, and never positionally. */
function assertExplicitClusterAndState(calls: string[][]): void {
    for (const argv of calls.filter((a) => a[0] !== "version")) {
        const value = (flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));
        assert.deepEqual(value("--name"), [clusterName], `--name in ${JSON.stringify(argv)}`);
        assert.deepEqual(value("--state"), [stateStore], `--state in ${JSON.stringify(argv)}`);
        assert.ok(
            !argv.includes(clusterName) || argv[argv.indexOf(clusterName) - 1] === "--name",
            `positional cluster name in ${JSON.stringify(argv)}`,
        );
    }
}

const createSpecOps = ["version", "get cluster", "create cluster --dry-run", "replace --force"];
const unchangedSpecOps = ["version", "get cluster", "get instancegroups"];
const changedSpecOps = ["version", "get cluster", "get instancegroups", "replace --force"];
// apply.sh create ends with a rolling-update dry run (a roll an earlier failed run owed; none here);
// apply.sh update asks kops first (dry runs) and runs --yes only for what kops finds to do.
const createApplyOps = ["version", "update cluster --yes", "validate cluster --wait", "rolling-update cluster"];
const updateApplyOps = [
    "version",
    "update cluster",
    "update cluster --yes",
    "rolling-update cluster",
    "rolling-update cluster --yes",
    "validate cluster --wait",
];

/** The kops operations per lifecycle row, printed at the end for the issue's note. */
const recorded: Array<{ scenario: string; operations: string[] }> = [];
function record(scenario: string, operations: string[]): string[] {
    recorded.push({ scenario, operations });
    return operations;
}

/** Spec upsert then apply, on a new cluster: the first `pulumi up`. */
function createAndApply(box: Sandbox, commands: Commands, extra: Record<string, string> = {}): { spec: Run; apply?: Run } {
    const spec = box.run(commands.lines.spec.create, commands.spec, extra);
    if (spec.status !== 0) {
        return { spec };
    }
    return { spec, apply: box.run(commands.lines.apply.create, commands.apply, extra) };
}

describe("kOps lifecycle scripts (stub kops)", function () {
    this.timeout(180000);
    before(function () {
        requireKopsModule(this);
    });
    const boxes: Sandbox[] = [];
    const sandbox = () => {
        const box = new Sandbox();
        boxes.push(box);
        return box;
    };
    after(() => {
        boxes.forEach((box) => box.remove());
        if (recorded.length > 0) {
            console.log("\n    kops operations per scenario (stub kops):");
            for (const { scenario, operations } of recorded) {
                console.log(`      ${scenario}: ${operations.length === 0 ? "(none)" : operations.join(" → ")}`);
            }
        }
    });

    /** The state a clean first `pulumi up` leaves (set by the first test, or made on demand). */
    let reference: ReturnType<Sandbox["snapshot"]> | undefined;
    function cleanReference(): ReturnType<Sandbox["snapshot"]> {
        if (!reference) {
            const box = sandbox();
            const { spec, apply } = createAndApply(box, commandsFor());
            assertSucceeded(spec, "upsert-spec.sh create");
            assertSucceeded(apply!, "apply.sh create");
            reference = box.snapshot();
        }
        return reference;
    }

    describe("create, re-run, change", () => {
        let box: Sandbox;
        before(() => {
            box = sandbox();
        });
        const commands = commandsFor();

        it("first `pulumi up`: creates the patched spec, updates and validates, rolls nothing", () => {
            const { spec, apply } = createAndApply(box, commands);
            assertSucceeded(spec, "upsert-spec.sh create");
            assertSucceeded(apply!, "apply.sh create");
            const operations = box.newOperations();
            assert.deepEqual(record("first pulumi up (create)", operations), [...createSpecOps, ...createApplyOps]);
            assert.ok(!operations.some((o) => o === "rolling-update cluster --yes"));
            assert.match(spec.stdout, /created the spec of cluster dev\.example\.com/);
            assert.match(apply!.stdout, /Your cluster dev\.example\.com is ready/, "kops' own output is passed through");
            assert.match(apply!.stderr, /Tasks: 97 done/, "kops' progress is streamed");
            assertExplicitClusterAndState(box.calls());
            assert.ok(!fs.existsSync(path.join(box.home, ".kube")), "apply must not write ~/.kube/config");

            const docs = box.documents();
            const cluster = docs.find((d) => d.kind === "Cluster");
            assert.equal(cluster.metadata.annotations["kops-iam-auth/created-by"], baseSettings.clusterOwner, "the owner marker");
            assert.equal(
                cluster.spec.kubeAPIServer.authenticationTokenWebhookConfigFile,
                "/srv/kubernetes/kube-apiserver/aws-iam-authenticator-webhook.yaml",
            );
            assert.deepEqual(
                cluster.spec.hooks.map((h: any) => h.name),
                ["aws-iam-authenticator-certs.service"],
            );
            assert.deepEqual(
                cluster.spec.fileAssets.map((a: any) => a.roles),
                [["ControlPlane"]],
            );
            assert.deepEqual(
                docs.filter((d) => d.kind === "InstanceGroup").map((d) => [d.metadata.name, d.spec.minSize, d.spec.machineType]),
                [
                    ["control-plane-us-east-1a", 1, "m6i.large"],
                    ["nodes-us-east-1a", 1, "t3.medium"],
                    ["nodes-us-east-1b", 1, "t3.medium"],
                ],
            );
            reference = box.snapshot();
            assert.deepEqual(reference.cloud, { applied: reference.spec, needsRolling: false }, "applied, nothing left to roll");
        });

        it("re-run with the same inputs: spec unchanged, nothing replaced", () => {
            const before = box.snapshot();
            const update = box.run(commands.lines.spec.update, commands.spec);
            assertSucceeded(update, "upsert-spec.sh update");
            assert.match(update.stdout, /spec unchanged/);
            assert.deepEqual(record("upsert-spec.sh update, same inputs", box.newOperations()), unchangedSpecOps);
            // A `create` re-run (the first `pulumi up` failed later on) finds its own cluster by the annotation.
            const create = box.run(commands.lines.spec.create, commands.spec);
            assertSucceeded(create, "upsert-spec.sh create (re-run)");
            assert.match(create.stdout, /spec unchanged/);
            assert.deepEqual(box.newOperations(), unchangedSpecOps);
            assert.deepEqual(box.snapshot(), before);
        });

        it("node count change: spec replaced, then update, rolling-update and validate", () => {
            const changed = commandsFor({ nodeCount: 3 });
            const spec = box.run(changed.lines.spec.update, changed.spec);
            assertSucceeded(spec, "upsert-spec.sh update");
            assert.match(spec.stdout, /replaced the spec/);
            assert.deepEqual(record("node count change: spec", box.newOperations()), changedSpecOps);
            const apply = box.run(changed.lines.apply.update, changed.apply);
            assertSucceeded(apply, "apply.sh update");
            assert.deepEqual(record("node count change: apply", box.newOperations()), updateApplyOps);
            const nodes = box.documents().filter((d) => d.kind === "InstanceGroup" && d.spec.role === "Node");
            assert.deepEqual(
                nodes.map((d) => d.spec.maxSize),
                [2, 1],
            );
            assert.deepEqual(box.snapshot().cloud, { applied: box.snapshot().spec, needsRolling: false });
            assertExplicitClusterAndState(box.calls());
        });

        it("a change kOps cannot make in place (control-plane count) is refused with the patch's error; nothing replaced", () => {
            const before = box.snapshot();
            const changed = commandsFor({ nodeCount: 3, controlPlaneCount: 3 });
            const spec = box.run(changed.lines.spec.update, changed.spec);
            assert.equal(spec.status, 1);
            assert.match(spec.stderr, /error: controlPlaneCount is 3 but the spec has 1 control-plane/);
            assert.match(
                spec.stderr,
                /the spec patch refused the current spec of cluster dev\.example\.com .*nothing was changed/,
            );
            assert.deepEqual(box.newOperations(), unchangedSpecOps);
            assert.deepEqual(box.snapshot(), before);
        });

        it("the kubeconfig for the provider: kOps' auth plugin running KOPS_BIN with the AWS profile and region, nothing else on stdout", () => {
            const kubeconfig = box.run(
                commands.lines.kubeconfig.create,
                commandsFor({
                    kopsBinary: path.join(stubsDir, "kops"),
                    awsProfile: "platform-admin",
                }).kubeconfig,
            );
            assertSucceeded(kubeconfig, "kubeconfig.sh");
            assert.deepEqual(record("kubeconfig (auth plugin)", box.newOperations()), [
                "version",
                "export kubecfg --auth-plugin",
            ]);
            const config = YAML.parse(kubeconfig.stdout);
            assert.equal(config["current-context"], clusterName);
            assert.deepEqual(config.users, [
                {
                    name: clusterName,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            args: ["helpers", "kubectl-auth", `--cluster=${clusterName}`, `--state=${stateStore}`],
                            command: path.join(stubsDir, "kops"),
                            env: [
                                { name: "AWS_PROFILE", value: "platform-admin" },
                                { name: "AWS_REGION", value: "us-east-1" },
                            ],
                            provideClusterInfo: false,
                        },
                    },
                },
            ]);
            assert.doesNotMatch(kubeconfig.stdout, /kOps has set your kubectl context/);
            assert.match(kubeconfig.stderr, /kOps has set your kubectl context/);
            assert.ok(!fs.existsSync(path.join(box.home, ".kube")), "export must not write ~/.kube/config");
        });

        it("the admin kubeconfig (KUBECONFIG_MODE=admin) carries kOps' client certificate with the configured lifetime", () => {
            const kubeconfig = box.run(
                commands.lines.kubeconfig.create,
                commandsFor({ kubeconfigMode: "admin", adminTtl: "2h" }).kubeconfig,
            );
            assertSucceeded(kubeconfig, "kubeconfig.sh (admin)");
            assert.deepEqual(box.newOperations(), ["version", "export kubecfg --admin=2h"]);
            const user = YAML.parse(kubeconfig.stdout).users[0].user;
            assert.match(Buffer.from(user["client-certificate-data"], "base64").toString(), /valid 2h/);
            assert.match(Buffer.from(user["client-key-data"], "base64").toString(), /PRIVATE KEY/);
        });

        it("durations in forms the config accepts (validateTimeout .5h, adminCredentialTtl 90000ms) reach kops as they are", () => {
            box.newOperations();
            const apply = box.run(commands.lines.apply.update, commandsFor({ validateTimeout: ".5h" }).apply);
            assertSucceeded(apply, "apply.sh update with VALIDATE_TIMEOUT=.5h");
            assert.ok(box.newOperations().includes("validate cluster --wait"));
            assert.ok(
                box.calls().some((argv) => argv[0] === "validate" && argv[argv.indexOf("--wait") + 1] === ".5h"),
                "kops validate got --wait .5h",
            );
            const kubeconfig = box.run(
                commands.lines.kubeconfig.create,
                commandsFor({ kubeconfigMode: "admin", adminTtl: "90000ms" }).kubeconfig,
            );
            assertSucceeded(kubeconfig, "kubeconfig.sh with ADMIN_TTL=90000ms");
            assert.deepEqual(box.newOperations(), ["version", "export kubecfg --admin=90000ms"]);
        });

        it("the scripts' duration check (lib.sh is_go_duration) accepts exactly what the rule (isGoDuration) accepts", () => {
            const samples = [
                "15m",
                "1h30m",
                "15m0s",
                ".5h",
                "1.5h",
                "1.h",
                "90000ms",
                "0",
                "0s",
                "2h45m30.5s",
                "1µs",
                "1μs",
                "10us",
                "5ns",
                "",
                "15",
                "1H",
                "1 h",
                "-5m",
                "+5m",
                "00",
                "1d",
                "h",
                ".h",
                "1.5.5h",
                "5m ",
                " 5m",
                "5m\n",
            ];
            const verdicts = libShVerdicts('is_go_duration "$v"', samples);
            samples.forEach((sample, i) =>
                assert.equal(verdicts[i], isGoDuration(sample), `${JSON.stringify(sample)}: the script says ${verdicts[i]}`),
            );
        });

        it("the scripts' node count check (lib.sh is_node_count) accepts exactly what the rule (isNodeCount) accepts", () => {
            const samples = [
                "0",
                "1",
                "2",
                "10",
                "99",
                "100",
                "101",
                "999",
                "1000",
                "01",
                "007",
                "-1",
                "1.5",
                "1e2",
                "",
                " 1",
                "1\n",
                "0x10",
            ];
            const verdicts = libShVerdicts('is_node_count "$v"', samples);
            // The environment carries String(nodeCount): a string that is not one is refused by both.
            samples.forEach((sample, i) =>
                assert.equal(
                    verdicts[i],
                    String(Number(sample)) === sample && isNodeCount(Number(sample)),
                    `${JSON.stringify(sample)}: the script says ${verdicts[i]}`,
                ),
            );
        });

        it("pulumi destroy: deletes the cluster, and a second delete finds it gone and succeeds", () => {
            const first = box.run(commands.lines.spec.delete, commands.spec);
            assertSucceeded(first, "delete.sh");
            assert.match(first.stdout, /deleted cluster dev\.example\.com/);
            assert.deepEqual(record("pulumi destroy", box.newOperations()), ["version", "delete cluster --yes"]);
            assert.deepEqual(box.snapshot(), {});
            const again = box.run(commands.lines.spec.delete, commands.spec);
            assertSucceeded(again, "delete.sh (cluster already gone)");
            assert.match(again.stdout, /already deleted/);
            assert.match(again.stderr, /Cluster\.kops\.k8s\.io "dev\.example\.com" not found/);
            assert.deepEqual(record("pulumi destroy, cluster already gone", box.newOperations()), [
                "version",
                "delete cluster --yes",
            ]);
        });

        it("no secret and no SPEC_PATCH content ever reaches a kops command line", () => {
            const argv = fs.readFileSync(path.join(box.state, "calls.jsonl"), "utf8");
            assert.ok(box.calls().length >= 20, "the whole lifecycle ran");
            assert.doesNotMatch(argv, /PRIVATE KEY/);
            assert.doesNotMatch(argv, /TESTCAMATERIAL|certificate-authority-data|BEGIN CERTIFICATE/);
            for (const value of [
                commands.spec.SPEC_PATCH,
                baseSettings.webhookKubeconfig,
                Buffer.from(testCaPem).toString("base64"),
            ]) {
                assert.ok(!box.calls().some((call) => call.some((a) => a.includes(value))), "SPEC_PATCH content in argv");
            }
        });
    });

    describe("a failure at any kops call of the first `pulumi up`, then a re-run", () => {
        // upsert-spec.sh create: version, get cluster, create --dry-run, replace; apply.sh create: version, update, validate
        const sequenceLength = createSpecOps.length + createApplyOps.length;
        for (let failAt = 1; failAt <= sequenceLength; failAt++) {
            const failedIn = failAt <= createSpecOps.length ? "spec" : "apply";
            const reruns =
                failedIn === "spec"
                    ? [{ model: "re-running both commands", specToo: true }]
                    : [
                          { model: "re-running the apply command (what Pulumi does)", specToo: false },
                          { model: "re-running both commands", specToo: true },
                      ];
            for (const { model, specToo } of reruns) {
                it(`call ${failAt} (${[...createSpecOps, ...createApplyOps][failAt - 1]}) fails; ${model} converges to the clean result`, () => {
                    const clean = cleanReference();
                    const box = sandbox();
                    const commands = commandsFor();
                    const failing = createAndApply(box, commands, { KOPS_STUB_FAIL_AT: String(failAt) });
                    const failed = failedIn === "spec" ? failing.spec : failing.apply!;
                    assert.equal(failed.status, 1, `the ${failedIn} command must fail at call ${failAt}`);
                    assert.match(failed.stderr, /injected failure/);
                    if (failedIn === "apply") {
                        assertSucceeded(failing.spec, "upsert-spec.sh create before the failure");
                    }
                    const failingOperations = box.newOperations();
                    assert.equal(failingOperations.length, failAt, "nothing runs after the failed call");

                    if (specToo) {
                        assertSucceeded(box.run(commands.lines.spec.create, commands.spec), "upsert-spec.sh create (re-run)");
                    }
                    assertSucceeded(box.run(commands.lines.apply.create, commands.apply), "apply.sh create (re-run)");
                    const operations = box.newOperations();
                    record(`first pulumi up, kops fails at call ${failAt}, then ${model}`, [
                        ...failingOperations.slice(0, -1),
                        `${failingOperations[failAt - 1]} (FAILS)`,
                        "[re-run]",
                        ...operations,
                    ]);
                    assert.ok(!operations.some((o) => o === "rolling-update cluster --yes"));
                    assert.deepEqual(box.snapshot(), clean);
                    assertExplicitClusterAndState(box.calls());
                });
            }
        }
    });

    describe("a cluster that already exists", () => {
        /** A cluster made outside kops-iam-auth, with kops by hand; `running` also applies it to the "cloud". */
        function foreignCluster(box: Sandbox, running: boolean): void {
            const target = `--name ${clusterName} --state ${stateStore}`;
            const made = box.run(
                [
                    // The stub refuses to run with these set at all (see Sandbox.run).
                    "unset KOPS_CLUSTER_NAME KOPS_STATE_STORE",
                    `kops create cluster ${target} --zones us-east-1a --node-count 2 --node-size t3.medium --control-plane-size m6i.large ` +
                        `--kubernetes-version 1.34.10 --dry-run -o yaml | kops replace ${target} -f - --force`,
                    ...(running ? [`kops update cluster ${target} --yes --create-kube-config=false >/dev/null`] : []),
                ].join(" && "),
                {},
            );
            assertSucceeded(made, "making a foreign cluster");
            box.newOperations();
        }

        it("create without adoptExistingCluster: stops, naming the cluster, the state store and the setting; touches nothing", () => {
            const box = sandbox();
            foreignCluster(box, false);
            const before = box.snapshot();
            const commands = commandsFor({ zones: ["us-east-1a"] });
            const run = box.run(commands.lines.spec.create, commands.spec);
            assert.equal(run.status, 1);
            assert.match(run.stderr, /cluster "dev\.example\.com" already exists in the state store s3:\/\/kops-state-test/);
            assert.match(run.stderr, /kops-iam-auth:adoptExistingCluster/);
            assert.deepEqual(record("existing cluster, not adopted", box.newOperations()), ["version", "get cluster"]);
            assert.deepEqual(box.snapshot(), before);
        });

        it("create with adoptExistingCluster: patched in place (no create), updated and rolled; destroy leaves it running", () => {
            const box = sandbox();
            foreignCluster(box, true);
            const commands = commandsFor({ zones: ["us-east-1a"], adoptExisting: true });
            const spec = box.run(commands.lines.spec.create, commands.spec);
            assertSucceeded(spec, "upsert-spec.sh create (adopt)");
            assert.deepEqual(record("adopt existing cluster: spec", box.newOperations()), changedSpecOps);
            const cluster = box.documents().find((d) => d.kind === "Cluster");
            assert.equal(cluster.spec.hooks[0].name, "aws-iam-authenticator-certs.service");
            assert.equal(cluster.metadata.annotations, undefined, "an adopted cluster is not marked as ours");
            const apply = box.run(commands.lines.apply.create, commands.apply);
            assertSucceeded(apply, "apply (adopt)");
            assert.deepEqual(record("adopt existing cluster: apply", box.newOperations()), updateApplyOps);
            assert.equal(box.snapshot().cloud!.needsRolling, false);
            const destroy = box.run(commands.lines.spec.delete, commands.spec);
            assertSucceeded(destroy, "destroy (adopted)");
            assert.match(destroy.stdout, /left running/);
            assert.deepEqual(record("adopted cluster: pulumi destroy", box.newOperations()), []);
            assert.ok(box.snapshot().spec);
        });
    });

    describe("ownership: two stacks, one cluster name, one shared bucket; renamed components; upgrades", () => {
        const firstOwner = "acme/kops-iam-auth/dev/dev-kops";
        const secondOwner = "acme/other-project/prod/prod-kops";
        const renamedOwner = "acme/kops-iam-auth/dev/renamed-kops";
        const otherStack =
            /cluster "dev\.example\.com" in s3:\/\/kops-state-test belongs to stack acme\/kops-iam-auth\/dev \(component dev-kops\), not to this stack \(acme\/other-project\/prod, component prod-kops\)/;

        /** The first stack's cluster, created and applied once, before the tests. */
        let firstStacks: Sandbox;
        before(() => {
            firstStacks = sandbox();
            const { spec, apply } = createAndApply(firstStacks, commandsFor({ clusterOwner: firstOwner }));
            assertSucceeded(spec, "first stack: upsert-spec.sh create");
            assertSucceeded(apply!, "first stack: apply.sh create");
            firstStacks.newOperations();
        });

        /** A test's own copy of the first stack's cluster (StubKopsSandbox.copyFrom). */
        function firstStacksCluster(): Sandbox {
            return sandbox().copyFrom(firstStacks);
        }

        const marker = (box: Sandbox) =>
            box.documents().find((d) => d.kind === "Cluster").metadata.annotations?.["kops-iam-auth/created-by"];

        /** Sets the stored Cluster's created-by annotation, as an older version or another tool left it. */
        function setMarker(box: Sandbox, value: string | undefined): void {
            const file = path.join(box.state, "clusters", `${clusterName}.yaml`);
            const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS());
            const cluster = docs.find((d) => d.kind === "Cluster");
            cluster.metadata.annotations = value === undefined ? undefined : { "kops-iam-auth/created-by": value };
            if (value === undefined) {
                delete cluster.metadata.annotations;
            }
            fs.writeFileSync(file, docs.map((d) => YAML.stringify(d)).join("\n---\n\n"));
        }

        it("the second stack's first up is refused, naming the owner; the first stack's cluster is untouched", () => {
            const box = firstStacksCluster();
            const before = box.snapshot();
            const second = commandsFor({ clusterOwner: secondOwner, nodeCount: 5 });
            const run = box.run(second.lines.spec.create, second.spec);
            assert.equal(run.status, 1, `the second stack must be refused:\n${run.stderr}`);
            assert.match(run.stderr, otherStack);
            assert.match(run.stderr, /Nothing was changed\. Choose another clusterName or another state store/);
            assert.deepEqual(box.newOperations(), ["version", "get cluster"]);
            assert.deepEqual(box.snapshot(), before);
        });

        it("the second stack's claim (before its uploads) is refused the same way, create or update; it only reads", () => {
            const box = firstStacksCluster();
            const before = box.snapshot();
            const second = commandsFor({ clusterOwner: secondOwner });
            for (const line of [second.lines.claim.create, second.lines.claim.update]) {
                const run = box.run(line, second.claim);
                assert.equal(run.status, 1, run.stderr);
                assert.match(run.stderr, otherStack);
                assert.deepEqual(record("another stack's claim", box.newOperations()), ["version", "get cluster"]);
            }
            // Adopting does not take another stack's cluster either.
            const adopting = commandsFor({ clusterOwner: secondOwner, adoptExisting: true });
            const adopt = box.run(adopting.lines.claim.create, adopting.claim);
            assert.equal(adopt.status, 1, adopt.stderr);
            assert.match(adopt.stderr, otherStack);
            const update = box.run(second.lines.spec.update, second.spec);
            assert.equal(update.status, 1, update.stderr);
            assert.match(update.stderr, otherStack);
            assert.deepEqual(box.snapshot(), before);
        });

        it("the owner's claim passes, create and update; a cluster not there yet is the stack's to create", () => {
            const box = firstStacksCluster();
            const first = commandsFor({ clusterOwner: firstOwner });
            for (const line of [first.lines.claim.create, first.lines.claim.update]) {
                const run = box.run(line, first.claim);
                assertSucceeded(run, line);
                assert.match(run.stdout, /may be managed by acme\/kops-iam-auth\/dev\/dev-kops/);
            }
            const empty = sandbox();
            const run = empty.run(first.lines.claim.create, first.claim);
            assertSucceeded(run, "claim.sh create, no cluster");
            assert.match(run.stdout, /not in s3:\/\/kops-state-test: this stack will create it/);
            assert.deepEqual(empty.snapshot(), {});
        });

        it("a component renamed without an alias: its new commands' create is refused (the old one's delete would be kops delete cluster)", () => {
            const box = firstStacksCluster();
            const before = box.snapshot();
            const renamed = commandsFor({ clusterOwner: renamedOwner });
            for (const [line, env] of [
                [renamed.lines.claim.create, renamed.claim],
                [renamed.lines.spec.create, renamed.spec],
            ] as const) {
                const run = box.run(line, env);
                assert.equal(run.status, 1, run.stderr);
                assert.match(
                    run.stderr,
                    /belongs to component dev-kops of this stack \(acme\/kops-iam-auth\/dev\), not to component renamed-kops\. Renamed the component\?/,
                );
                assert.match(run.stderr, /aliases: \[\{ name: "<old name>" \}\]/);
            }
            assert.deepEqual(box.snapshot(), before);
        });

        it("a component renamed with an alias (the engine updates the same commands): accepted, the marker rewritten, nothing to apply", () => {
            const box = firstStacksCluster();
            const renamed = commandsFor({ clusterOwner: renamedOwner });
            assertSucceeded(box.run(renamed.lines.claim.update, renamed.claim), "claim.sh update (renamed)");
            const spec = box.run(renamed.lines.spec.update, renamed.spec);
            assertSucceeded(spec, "upsert-spec.sh update (renamed)");
            assert.match(
                spec.stderr,
                /marked as created by "acme\/kops-iam-auth\/dev\/dev-kops"; marking it as this stack's: acme\/kops-iam-auth\/dev\/renamed-kops/,
            );
            assert.equal(marker(box), renamedOwner);
            assert.deepEqual(
                renamed.apply,
                commandsFor({ clusterOwner: firstOwner }).apply,
                "the apply command has no input change",
            );
        });

        it("upgrade: a cluster with the old constant marker is this stack's; the spec's one re-run rewrites the marker, the apply does not re-run", () => {
            const box = firstStacksCluster();
            setMarker(box, "kops-iam-auth");
            const first = commandsFor({ clusterOwner: firstOwner });
            // The claim is new to an upgraded stack: its create runs.
            assertSucceeded(box.run(first.lines.claim.create, first.claim), "claim.sh create (legacy marker)");
            box.newOperations();
            const spec = box.run(first.lines.spec.update, first.spec);
            assertSucceeded(spec, "upsert-spec.sh update (legacy marker)");
            assert.deepEqual(record("upgrade from the constant marker: spec", box.newOperations()), changedSpecOps);
            assert.equal(marker(box), firstOwner);
            // And a first up that stopped halfway under the old version: the create re-run converges too.
            setMarker(box, "kops-iam-auth");
            assertSucceeded(box.run(first.lines.spec.create, first.spec), "upsert-spec.sh create (legacy marker)");
            assert.equal(marker(box), firstOwner);
        });

        it("an adopted cluster (no marker): claimed and converged with adoptExistingCluster, refused without; it stays unmarked", () => {
            const box = firstStacksCluster();
            setMarker(box, undefined);
            const adopting = commandsFor({ clusterOwner: secondOwner, adoptExisting: true });
            assertSucceeded(box.run(adopting.lines.claim.create, adopting.claim), "claim.sh create (adopt)");
            assertSucceeded(box.run(adopting.lines.spec.create, adopting.spec), "upsert-spec.sh create (adopt)");
            assert.equal(marker(box), undefined);
            const notAdopting = commandsFor({ clusterOwner: secondOwner });
            const run = box.run(notAdopting.lines.claim.create, notAdopting.claim);
            assert.equal(run.status, 1);
            assert.match(
                run.stderr,
                /already exists in the state store s3:\/\/kops-state-test and was not created by kops-iam-auth/,
            );
            assert.match(run.stderr, /kops-iam-auth:adoptExistingCluster/);
        });
    });

    describe("errors", () => {
        // A cluster missing on an update was deleted outside Pulumi, or the state store moved
        // (stateBucketName changed): creating it would build a second cluster of the same name
        // beside the live one.
        it("update of a cluster missing from its state store: refused, saying why and what to do; nothing created", () => {
            const box = sandbox();
            const commands = commandsFor();
            const run = box.run(commands.lines.spec.update, commands.spec);
            assert.equal(run.status, 1, run.stderr);
            assert.match(
                run.stderr,
                /error: cluster "dev\.example\.com" is not in the state store s3:\/\/kops-state-test, but this stack created it/,
            );
            assert.match(run.stderr, /deleted outside Pulumi, or the state store moved \(stateBucketName changed\)/);
            assert.match(run.stderr, /set kops-iam-auth:recreateMissingCluster to true/);
            assert.deepEqual(record("update of a cluster that is gone", box.newOperations()), ["version", "get cluster"]);
            assert.deepEqual(box.snapshot(), {});
        });

        it("update of a missing cluster with recreateMissingCluster: creates it again, saying why", () => {
            const box = sandbox();
            const commands = commandsFor({ recreateMissingCluster: true });
            assert.equal(commands.spec.RECREATE_MISSING_CLUSTER, "true");
            assert.equal(commandsFor().spec.RECREATE_MISSING_CLUSTER, undefined, "off: not in the environment at all");
            const run = box.run(commands.lines.spec.update, commands.spec);
            assertSucceeded(run, "upsert-spec.sh update (absent, recreate)");
            assert.match(run.stderr, /is not in s3:\/\/kops-state-test; recreateMissingCluster is on: creating it again/);
            assert.deepEqual(
                record("update of a cluster that is gone, recreateMissingCluster", box.newOperations()),
                createSpecOps,
            );
        });

        it("a kops error other than not-found fails loudly with kops' message: get cluster, delete, update", () => {
            const denied = "error reading cluster configuration: AccessDenied: Access Denied\n\tstatus code: 403";
            const box = sandbox();
            const commands = commandsFor();
            const get = box.run(commands.lines.spec.create, commands.spec, {
                KOPS_STUB_FAIL_AT: "2",
                KOPS_STUB_FAIL_MESSAGE: denied,
            });
            assert.equal(get.status, 1);
            assert.match(get.stderr, /cannot tell whether cluster "dev\.example\.com" exists .*AccessDenied: Access Denied/s);
            assert.deepEqual(box.newOperations(), ["version", "get cluster"]);

            const del = box.run(commands.lines.spec.delete, commands.spec, {
                KOPS_STUB_FAIL_AT: "4",
                KOPS_STUB_FAIL_MESSAGE: denied,
            });
            assert.equal(del.status, 1);
            assert.match(del.stderr, /Error: error reading cluster configuration: AccessDenied/);
            assert.match(del.stderr, /`kops delete cluster` failed for cluster dev\.example\.com/);

            assertSucceeded(box.run(commands.lines.spec.create, commands.spec), "upsert-spec.sh create");
            box.newOperations();
            const apply = box.run(commands.lines.apply.create, commands.apply, {
                KOPS_STUB_FAIL_AT: String(box.calls().length + 2),
            });
            assert.equal(apply.status, 1);
            assert.deepEqual(box.newOperations(), ["version", "update cluster --yes"], "no validate after a failed update");
        });

        for (const [version, reason] of [
            ["1.33.2", /not supported: supported are/],
            ["1.36.0", /kubernetes\/kops#18619/],
            ["1.37.0", /not supported/],
            ["1.37.0-alpha.1", /not supported/],
            ["2.0.0", /not supported/],
        ] as const) {
            it(`preflight refuses kOps ${version}, naming the version and the binary`, () => {
                const box = sandbox();
                const commands = commandsFor();
                const run = box.run(commands.lines.apply.create, commands.apply, { KOPS_STUB_VERSION: version });
                assert.equal(run.status, 1);
                assert.ok(run.stderr.includes(`kOps ${version} found (KOPS_BIN="kops")`), run.stderr);
                assert.match(run.stderr, reason);
                assert.deepEqual(box.newOperations(), ["version"]);
            });
        }

        it("upsert-spec.sh refuses a Kubernetes minor newer than the kops binary's before kops replace writes it", () => {
            // kops update cluster would refuse it ("kops upgrade is required"), but only after the
            // spec holding it is in the state store.
            const box = sandbox();
            const create = commandsFor({ kubernetesVersion: "1.36.1" });
            const refused = box.run(create.lines.spec.create, create.spec, { KOPS_STUB_VERSION: "1.35.2" });
            assert.equal(refused.status, 1, refused.stderr);
            assert.match(
                refused.stderr,
                /kubernetesVersion 1\.36\.1 is newer than kOps 1\.35\.2 supports \(Kubernetes up to 1\.35\); use kOps 1\.36 or later \(KOPS_BIN="kops"\), or a 1\.35 or older Kubernetes version; nothing was changed/,
            );
            assert.deepEqual(box.newOperations(), ["version"]);
            assert.equal(box.snapshot().spec, undefined);

            // On a running cluster: the upgrade stops before the replace too.
            assertSucceeded(
                box.run(commandsFor().lines.spec.create, commandsFor().spec, { KOPS_STUB_VERSION: "1.35.2" }),
                "create at 1.34",
            );
            box.newOperations();
            const upgrade = commandsFor({ kubernetesVersion: "1.36.1" });
            const stopped = box.run(upgrade.lines.spec.update, upgrade.spec, { KOPS_STUB_VERSION: "1.35.2" });
            assert.equal(stopped.status, 1, stopped.stderr);
            assert.deepEqual(box.newOperations(), ["version"]);
            assert.match(box.snapshot().spec!, /kubernetesVersion: 1\.34\.10/);

            // The kops minor itself, and older ones, pass.
            for (const kubernetesVersion of ["1.35.0", "v1.35.4", "1.34.10"]) {
                const next = commandsFor({ kubernetesVersion });
                assertSucceeded(box.run(next.lines.spec.update, next.spec, { KOPS_STUB_VERSION: "1.35.2" }), kubernetesVersion);
            }
        });

        it("preflight accepts 1.34.0, 1.35.2 and 1.36.1", () => {
            const box = sandbox();
            for (const version of ["1.34.0", "1.35.2", "1.36.1"]) {
                const run = box.run(commandsFor().lines.spec.delete, commandsFor().spec, { KOPS_STUB_VERSION: version });
                assertSucceeded(run, `delete.sh with kOps ${version}`);
                assert.match(run.stderr, new RegExp(`using kOps ${version.replace(/\./g, "\\.")}`));
            }
        });

        it("preflight names KOPS_BIN when kops is missing", () => {
            const box = sandbox();
            const commands = commandsFor({ kopsBinary: "/opt/nowhere/kops" });
            const run = box.run(commands.lines.apply.create, commands.apply);
            assert.equal(run.status, 1);
            assert.match(run.stderr, /kops not found: KOPS_BIN="\/opt\/nowhere\/kops"/);
            assert.deepEqual(box.calls(), []);
        });

        it("bad settings are refused before kops runs, naming the variable and the value", () => {
            const box = sandbox();
            const commands = commandsFor();
            const cases: Array<[Record<string, string>, RegExp]> = [
                [{ KOPS_EXTRA_FLAGS: "--image ami-1" }, /KOPS_EXTRA_FLAGS is --image ami-1; expected a JSON array of strings/],
                [{ KOPS_EXTRA_FLAGS: '["--name","other.example.com"]' }, /KOPS_EXTRA_FLAGS contains "--name"/],
                [{ KOPS_EXTRA_FLAGS: '["-oyaml"]' }, /KOPS_EXTRA_FLAGS contains "-oyaml"/],
                [{ TOPOLOGY: "semi" }, /TOPOLOGY is "semi"; expected public or private/],
                [{ NODE_COUNT: "two" }, /NODE_COUNT is "two"/],
                [{ ADOPT_EXISTING: "yes" }, /ADOPT_EXISTING is "yes"; expected true or false/],
                [{ STATE_STORE: "gs://bucket" }, /STATE_STORE is "gs:\/\/bucket"; expected an S3 state store URL/],
                [{ ZONES: "" }, /environment variable ZONES is required/],
            ];
            for (const [extra, message] of cases) {
                const run = box.run(commands.lines.spec.create, commands.spec, extra);
                assert.equal(run.status, 1, JSON.stringify(extra));
                assert.match(run.stderr, message);
            }
            assert.deepEqual(box.calls(), [], "kops never ran");
            const mode = box.run(`bash '${scriptsDir}/apply.sh' sideways`, commands.apply);
            assert.match(mode.stderr, /usage: apply\.sh create\|update \(got "sideways"\)/);
        });
    });

    describe("create flags", () => {
        it("passes KOPS_EXTRA_FLAGS and the SSH public key (through a temp file) to `kops create cluster`", () => {
            const box = sandbox();
            const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITestKey platform@example.com";
            const commands = commandsFor({ extraFlags: ["--image", "ami-0123456789abcdef0"], sshPublicKey: sshKey });
            const run = box.run(commands.lines.spec.create, commands.spec);
            assertSucceeded(run, "upsert-spec.sh create");
            const create = box.calls().find((c) => c[0] === "create")!;
            assert.deepEqual(create.slice(create.indexOf("--image"), create.indexOf("--image") + 2), [
                "--image",
                "ami-0123456789abcdef0",
            ]);
            assert.ok(!create.includes(sshKey));
            assert.match(create[create.indexOf("--ssh-public-key") + 1], /ssh_public_key$/);
            const docs = box.documents();
            assert.deepEqual(
                docs.filter((d) => d.kind === "SSHCredential").map((d) => d.spec.publicKey),
                [sshKey],
            );
            assert.ok(docs.filter((d) => d.kind === "InstanceGroup").every((d) => d.spec.image === "ami-0123456789abcdef0"));
        });
    });

    it("every script is shellcheck-clean", function () {
        const shellcheck = requireTool(this, "shellcheck", "apt-get install shellcheck");
        const scripts = fs
            .readdirSync(scriptsDir)
            .filter((f) => f.endsWith(".sh"))
            .map((f) => path.join(scriptsDir, f));
        assert.deepEqual(scripts.map((s) => path.basename(s)).sort(), [
            "apply.sh",
            "claim.sh",
            "delete.sh",
            "kubeconfig.sh",
            "lib.sh",
            "upsert-spec.sh",
        ]);
        const result = spawnSync(shellcheck, ["-x", "--severity=style", ...scripts], { cwd: scriptsDir, encoding: "utf8" });
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });
});
