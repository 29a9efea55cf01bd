// Failures anywhere in a `pulumi up` that CHANGES a cluster, then a re-run; a failed first up
// followed by a config change; tool-only setting changes; and destroy after a partial first up.
// All with the stub kops (tests/stubs/kops: state in a temp folder, kops' texts and exit codes,
// failure on the Nth call) and the real scripts, driven by a model of what the Pulumi engine does
// with the three `local.Command`s (checked against pulumi-command v1.2.1's provider source):
// - a command with no state runs `create`; one whose inputs differ from its state runs `update`
//   (`create` when it has none); equal inputs run nothing;
// - a command that fails records nothing: a failed create leaves no state, a failed update keeps
//   the old inputs (pulumi-go-provider returns partial state only for ResourceInitFailedError,
//   which the command provider never returns), so the next `pulumi up` runs it again;
// - the commands depend on each other (spec → apply → kubeconfig), so a failure skips the rest;
// - destroy runs the `delete` of each command in state, in reverse order (only the spec has one);
// - the spec command's run gets its last recorded stdout (addPreviousOutputInEnv), and the apply
//   command's environment carries the spec revision of the spec's recorded stdout (withSpecRevision).
// The converged state (the spec kops stores, what `update` applied to the "cloud" and whether
// instances are still outdated) must equal what a clean run reaches.
// Most tests start after a clean first `pulumi up`: it runs once, before them, and each such test
// gets its own copy of the resulting world (World.copyFrom).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { kopsCommandLines } from "../../components/core/kopsCommandLines";
import { kopsCommandEnvironments, KopsCommandSettings, withSpecRevision } from "../../components/kops/commandEnvironment";
import { requireKopsModule } from "../helpers/data/kopsFixtures";
import { baseSettings, clusterName, stateStore, StubKopsSandbox, stubKopsEnv, stubsDir } from "../helpers/processes/stubKops";

const stubKops = path.join(stubsDir, "kops");

/** kops calls that change the cloud or the state store; everything else only reads. */
const changing = ["update cluster --yes", "rolling-update cluster --yes", "replace --force", "delete cluster --yes"];

type CommandName = "spec" | "apply" | "kubeconfig";
interface CommandInputs {
    create: string;
    update: string;
    delete?: string;
    environment: Record<string, string>;
}

/** The three commands' inputs as KopsCluster registers them: its lines and environments. */
function commandInputs(settings: KopsCommandSettings): Record<CommandName, CommandInputs> {
    const lines = kopsCommandLines(settings.adoptExisting);
    const environments = kopsCommandEnvironments(settings);
    return {
        spec: { ...lines.spec, environment: environments.spec },
        apply: { ...lines.apply, environment: environments.apply },
        kubeconfig: { ...lines.kubeconfig, environment: environments.kubeconfig },
    };
}

interface UpResult {
    /** The command that failed, or undefined when the up succeeded. */
    failed?: CommandName;
    /** Which commands ran, with their step. */
    ran: string[];
    /** kops operations of this up. */
    operations: string[];
    stderr: string;
    seconds: number;
}

/** A stub kOps world plus the Pulumi state of the three commands. */
class World extends StubKopsSandbox {
    /** The inputs each command's state records (only after a success). */
    readonly pulumiState = new Map<CommandName, CommandInputs>();
    /** The stdout each command's state records (only after a success). */
    readonly recordedStdout = new Map<CommandName, string>();

    constructor() {
        super("kops-failures-");
    }

    /** A copy of `other`'s world: the stub's state (copyFrom) and the commands' Pulumi state. */
    override copyFrom(other: World): this {
        super.copyFrom(other);
        for (const [name, inputs] of other.pulumiState) {
            this.pulumiState.set(name, structuredClone(inputs));
        }
        for (const [name, stdout] of other.recordedStdout) {
            this.recordedStdout.set(name, stdout);
        }
        return this;
    }

    /** `pulumi up` with these settings; `failAt` makes the Nth kops call of this up fail. */
    up(settings: KopsCommandSettings, failAt?: number): UpResult {
        const started = Date.now();
        const extra: Record<string, string> =
            failAt === undefined ? {} : { KOPS_STUB_FAIL_AT: String(this.calls().length + failAt) };
        const inputs = commandInputs(settings);
        const ran: string[] = [];
        let stderr = "";
        for (const name of ["spec", "apply", "kubeconfig"] as const) {
            const previous = this.pulumiState.get(name);
            const wanted =
                name === "apply"
                    ? {
                          ...inputs.apply,
                          environment: withSpecRevision(inputs.apply.environment, this.recordedStdout.get("spec")),
                      }
                    : inputs[name];
            if (previous && JSON.stringify(previous) === JSON.stringify(wanted)) {
                continue;
            }
            const step = previous ? "update" : "create";
            ran.push(`${name} ${step}`);
            const previousStdout = this.recordedStdout.get(name);
            const previousOutput: Record<string, string> =
                name === "spec" && previous && previousStdout ? { PULUMI_COMMAND_STDOUT: previousStdout } : {};
            const result = this.run(wanted[step], { ...wanted.environment, ...previousOutput }, extra);
            stderr += result.stderr;
            if (result.status !== 0) {
                return { failed: name, ran, operations: this.newOperations(), stderr, seconds: (Date.now() - started) / 1000 };
            }
            this.pulumiState.set(name, wanted);
            this.recordedStdout.set(name, result.stdout);
        }
        return { ran, operations: this.newOperations(), stderr, seconds: (Date.now() - started) / 1000 };
    }

    /** `pulumi destroy`: each command in state, last first; only the spec command deletes anything. */
    destroy(): UpResult {
        const started = Date.now();
        const ran: string[] = [];
        let stderr = "";
        for (const name of ["kubeconfig", "apply", "spec"] as const) {
            const recorded = this.pulumiState.get(name);
            if (!recorded) {
                continue;
            }
            if (recorded.delete) {
                ran.push(`${name} delete`);
                const result = this.run(recorded.delete, recorded.environment, {});
                stderr += result.stderr;
                if (result.status !== 0) {
                    return {
                        failed: name,
                        ran,
                        operations: this.newOperations(),
                        stderr,
                        seconds: (Date.now() - started) / 1000,
                    };
                }
            }
            this.pulumiState.delete(name);
            this.recordedStdout.delete(name);
        }
        return { ran, operations: this.newOperations(), stderr, seconds: (Date.now() - started) / 1000 };
    }
}

/**
 * A node count or size change, call by call. spec update: version, get cluster, get instancegroups,
 * replace; apply update: version, update (dry run), update --yes, rolling-update (dry run),
 * rolling-update --yes, validate.
 */
const changeOperations = [
    "version",
    "get cluster",
    "get instancegroups",
    "replace --force",
    "version",
    "update cluster",
    "update cluster --yes",
    "rolling-update cluster",
    "rolling-update cluster --yes",
    "validate cluster --wait",
];

const cloudChanges = (operations: string[]) => operations.filter((o) => changing.includes(o));

describe("kOps scripts: failures during a change, re-runs, tool-only settings, destroy after a partial up (stub kops)", function () {
    this.timeout(600000);
    const worlds: World[] = [];
    const world = () => {
        const w = new World();
        worlds.push(w);
        return w;
    };
    const initial = baseSettings;
    /** The world after a clean first `pulumi up` with the initial settings, made once. */
    let firstUp: World;
    before(function () {
        requireKopsModule(this);
        firstUp = world();
        const up = firstUp.up(initial);
        assert.equal(up.failed, undefined, up.stderr);
        assert.deepEqual(up.ran, ["spec create", "apply create", "kubeconfig create"]);
    });
    /** A new world in which the clean first `pulumi up` with the initial settings is done: a copy of firstUp's. */
    const worldAfterFirstUp = () => world().copyFrom(firstUp);
    const report: string[] = [];
    after(() => {
        worlds.forEach((w) => w.remove());
        if (report.length > 0) {
            console.log(`\n    results:\n${report.map((r) => `      ${r}`).join("\n")}`);
        }
    });

    const changed: KopsCommandSettings = { ...baseSettings, nodeCount: 3, nodeSize: "t3.large" };
    const clean = new Map<string, ReturnType<World["snapshot"]>>();
    /** The state a clean first `pulumi up` with `settings` reaches. */
    function cleanState(settings: KopsCommandSettings): ReturnType<World["snapshot"]> {
        const key = JSON.stringify(settings);
        if (key === JSON.stringify(initial)) {
            return firstUp.snapshot();
        }
        if (!clean.has(key)) {
            const w = world();
            const up = w.up(settings);
            assert.equal(up.failed, undefined, up.stderr);
            clean.set(key, w.snapshot());
        }
        return clean.get(key)!;
    }

    it("a clean change rolls the changed instances once, and the cluster ends as a clean first up with the new settings would", () => {
        const w = worldAfterFirstUp();
        const up = w.up(changed);
        assert.equal(up.failed, undefined, up.stderr);
        assert.deepEqual(up.ran, ["spec update", "apply update"]);
        assert.deepEqual(up.operations, changeOperations);
        assert.deepEqual(w.snapshot(), cleanState(changed));
        report.push(`clean change (node count and size): ${up.operations.join(" → ")} (${up.seconds.toFixed(1)} s)`);
    });

    describe("a failure at each kops call of a change, then a re-run of `pulumi up`", () => {
        for (let failAt = 1; failAt <= changeOperations.length; failAt++) {
            it(`call ${failAt} (${changeOperations[failAt - 1]}) fails; the re-run converges, rolling what the failed run owed`, () => {
                const w = worldAfterFirstUp();
                const failing = w.up(changed, failAt);
                assert.ok(failing.failed, `the up must fail at call ${failAt}`);
                assert.match(failing.stderr, /injected failure/);
                assert.equal(failing.operations.length, failAt, "nothing runs after the failed call");
                assert.equal(failing.operations[failAt - 1], changeOperations[failAt - 1]);
                const afterFailure = w.snapshot();

                const rerun = w.up(changed);
                assert.equal(rerun.failed, undefined, rerun.stderr);
                assert.deepEqual(w.snapshot(), cleanState(changed), "converged to the clean result");
                // The re-run rolls unless the failed run had finished its roll (it failed at validate).
                const rolled = failAt > changeOperations.indexOf("rolling-update cluster --yes") + 1;
                assert.equal(
                    rerun.operations.includes("rolling-update cluster --yes"),
                    !rolled,
                    `the re-run rolls exactly when the failed run had not: ${rerun.operations.join(", ")}`,
                );
                if (failAt > changeOperations.indexOf("update cluster --yes") + 1) {
                    // The update reached the cloud: what the failed run owed is the roll (or only validate).
                    assert.equal(afterFailure.cloud!.needsRolling, !rolled, "instances left outdated by the failed run");
                    assert.ok(!rerun.operations.includes("update cluster --yes"), "the applied update is not applied again");
                }
                report.push(
                    `change, kops fails at call ${failAt} (${changeOperations[failAt - 1]}): ${failing.failed} fails; ` +
                        `re-run: ${rerun.ran.join(", ")}: ${rerun.operations.join(" → ")}`,
                );
            });
        }
    });

    describe("a failed change, then the change reverted in the config", () => {
        // The failed run may have written the changed spec and applied it to the cloud; apply's
        // recorded inputs are still the reverted settings', so only a new spec revision re-runs it.
        for (let failAt = 1; failAt <= changeOperations.length; failAt++) {
            it(`call ${failAt} (${changeOperations[failAt - 1]}) fails; the revert re-applies and the cloud ends on the reverted spec`, () => {
                const w = worldAfterFirstUp();
                assert.ok(w.up(changed, failAt).failed, `the up must fail at call ${failAt}`);
                const revert = w.up(initial);
                assert.equal(revert.failed, undefined, revert.stderr);
                const cloud = w.snapshot().cloud;
                const wanted = cleanState(initial);
                const runs = cloud?.applied === wanted.cloud!.applied ? "the reverted spec" : "the failed change's spec";
                assert.ok(
                    cloud?.applied === wanted.cloud!.applied && !cloud.needsRolling,
                    `after the revert (${revert.ran.join(", ") || "no command ran"}: ${revert.operations.join(" → ")}) ` +
                        `the cloud runs ${runs}${cloud?.needsRolling ? ", instances outdated" : ""}`,
                );
                assert.deepEqual(w.snapshot(), wanted);
                const again = w.up(initial);
                assert.deepEqual(again.ran, [], "an up with nothing changed after the revert runs nothing");
                report.push(
                    `change fails at call ${failAt} (${changeOperations[failAt - 1]}), then reverted: ` +
                        `${revert.ran.join(", ") || "nothing runs"}: ${revert.operations.join(" → ") || "no kops call"}`,
                );
            });
        }
    });

    describe("a failed first `pulumi up`, then a config change", () => {
        // upsert-spec.sh create: version, get cluster, create --dry-run, replace; apply.sh create:
        // version, update --yes, validate, rolling-update (dry run).
        const firstUpOperations = [
            "version",
            "get cluster",
            "create cluster --dry-run",
            "replace --force",
            "version",
            "update cluster --yes",
            "validate cluster --wait",
            "rolling-update cluster",
        ];
        for (let failAt = 1; failAt <= firstUpOperations.length; failAt++) {
            it(`call ${failAt} (${firstUpOperations[failAt - 1]}) of the first up fails; an up with new settings ends as their clean first up`, () => {
                const w = world();
                const failing = w.up(initial, failAt);
                assert.ok(failing.failed);
                assert.equal(failing.operations[failAt - 1], firstUpOperations[failAt - 1]);
                const up = w.up(changed);
                assert.equal(up.failed, undefined, up.stderr);
                // Instances the failed run launched from the old spec are rolled: the same cloud as a clean first up.
                assert.deepEqual(w.snapshot(), cleanState(changed));
                report.push(
                    `first up fails at call ${failAt} (${firstUpOperations[failAt - 1]}), then a change: ` +
                        `${up.ran.join(", ")}: ${up.operations.join(" → ")}`,
                );
            });
        }
    });

    describe("tool-only settings: no kops call that changes the cloud or the state store", () => {
        const toolOnly: Array<[string, Partial<KopsCommandSettings>]> = [
            ["kopsBinary (the same kops at another path)", { kopsBinary: stubKops }],
            ["aws:profile", { awsProfile: "platform-admin" }],
            ["validateTimeout", { validateTimeout: "45m" }],
            ["all three", { kopsBinary: stubKops, awsProfile: "platform-admin", validateTimeout: "45m" }],
        ];
        for (const [what, overrides] of toolOnly) {
            it(`${what}: the commands re-run read-only; the cluster is untouched`, () => {
                const w = worldAfterFirstUp();
                const snapshot = w.snapshot();
                const up = w.up({ ...initial, ...overrides });
                assert.equal(up.failed, undefined, up.stderr);
                assert.deepEqual(cloudChanges(up.operations), [], `cloud-changing calls: ${up.operations.join(", ")}`);
                assert.deepEqual(w.snapshot(), snapshot);
                if (overrides.validateTimeout && !overrides.kopsBinary) {
                    assert.deepEqual(up.ran, ["apply update"]);
                }
                report.push(`tool-only ${what}: ${up.ran.join(", ")}: ${up.operations.join(" → ")}`);
            });
        }

        // A kopsBinary change re-runs all three commands: spec (version, get cluster, get instancegroups),
        // apply (version, update dry run, rolling-update dry run, validate), kubeconfig (version, export).
        const toolOnlyCalls = [
            "version",
            "get cluster",
            "get instancegroups",
            "version",
            "update cluster",
            "rolling-update cluster",
            "validate cluster --wait",
            "version",
            "export kubecfg --auth-plugin",
        ];
        for (let failAt = 1; failAt <= toolOnlyCalls.length; failAt++) {
            it(`kopsBinary change, call ${failAt} (${toolOnlyCalls[failAt - 1]}) fails: neither run changes the cloud; the re-run records the new binary`, () => {
                const w = worldAfterFirstUp();
                const snapshot = w.snapshot();
                const settings = { ...initial, kopsBinary: stubKops };
                const failing = w.up(settings, failAt);
                assert.ok(failing.failed);
                assert.equal(failing.operations[failAt - 1], toolOnlyCalls[failAt - 1]);
                const rerun = w.up(settings);
                assert.equal(rerun.failed, undefined, rerun.stderr);
                assert.deepEqual(cloudChanges([...failing.operations, ...rerun.operations]), []);
                assert.deepEqual(w.snapshot(), snapshot);
                assert.equal(w.pulumiState.get("spec")!.environment.KOPS_BIN, stubKops, "destroy would run the new binary");
                assert.equal(w.pulumiState.get("kubeconfig")!.environment.KOPS_BIN, stubKops);
            });
        }

        it("but a re-check after a failed roll still rolls: kops, not the setting, decides", () => {
            const w = worldAfterFirstUp();
            // The change fails at its roll (call 9: rolling-update --yes).
            assert.ok(w.up(changed, 9).failed);
            const up = w.up({ ...changed, validateTimeout: "45m" });
            assert.equal(up.failed, undefined, up.stderr);
            assert.ok(up.operations.includes("rolling-update cluster --yes"));
            assert.deepEqual(w.snapshot(), cleanState(changed));
        });
    });

    describe("destroy after a partial first `pulumi up` (the matrix)", () => {
        const firstUp = [
            "version",
            "get cluster",
            "create cluster --dry-run",
            "replace --force",
            "version",
            "update cluster --yes",
            "validate cluster --wait",
            "rolling-update cluster",
            "version",
            "export kubecfg --auth-plugin",
        ];
        for (let failAt = 1; failAt <= firstUp.length + 1; failAt++) {
            const label = failAt <= firstUp.length ? `call ${failAt} (${firstUp[failAt - 1]}) fails` : "no failure";
            it(`${label}, then pulumi destroy: succeeds and leaves no cluster, no cloud resources and no command state`, () => {
                const w = world();
                const up = w.up(initial, failAt <= firstUp.length ? failAt : undefined);
                assert.equal(up.failed !== undefined, failAt <= firstUp.length);
                const left = w.snapshot();
                const destroy = w.destroy();
                assert.equal(destroy.failed, undefined, destroy.stderr);
                assert.deepEqual(w.snapshot(), {}, "nothing of the cluster is left");
                assert.equal(w.pulumiState.size, 0);
                report.push(
                    `matrix: first up ${label} (${up.failed ? `${up.failed} failed` : "succeeded"}; left: ` +
                        `${left.spec ? "spec" : "no spec"}, ${left.cloud ? `cloud${left.cloud.needsRolling ? " (outdated)" : ""}` : "no cloud"}); ` +
                        `destroy: ${destroy.ran.join(", ") || "no command to delete"}: ${destroy.operations.join(" → ") || "no kops call"} ` +
                        `in ${destroy.seconds.toFixed(2)} s; up took ${up.seconds.toFixed(2)} s`,
                );
            });
        }

        it("a cluster deleted outside Pulumi (or by an earlier, interrupted destroy): delete.sh finds it gone and destroy succeeds", () => {
            const w = worldAfterFirstUp();
            const outside = spawnSync("bash", ["-c", `kops delete cluster --name ${clusterName} --state ${stateStore} --yes`], {
                encoding: "utf8",
                env: { PATH: `${stubsDir}:${path.dirname(process.execPath)}:/usr/bin:/bin`, ...stubKopsEnv(w.state) },
            });
            assert.equal(outside.status, 0, outside.stderr);
            const destroy = w.destroy();
            assert.equal(destroy.failed, undefined, destroy.stderr);
            assert.match(destroy.stderr, /not found/);
            report.push(
                `cluster deleted outside Pulumi, then destroy: ${destroy.operations.join(" → ")} (already deleted) in ${destroy.seconds.toFixed(2)} s`,
            );
        });
    });
});
