// The kOps operations plan reports for each command line, checked against the scripts that run them,
// so a script change that drops or adds a kops call fails here instead of making the plan lie.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { kopsCommandLines, leaveAdoptedClusterRunning } from "../../components/core/kopsCommandLines";
import { kopsImpact, kopsOperation } from "../../tools/plan/kopsOperations";

const scriptsDir = "components/kops/scripts";
const script = (name: string) => fs.readFileSync(path.join(__dirname, "..", "..", scriptsDir, name), "utf8");
const lines = kopsCommandLines(false);
const environment = { VALIDATE_TIMEOUT: "20m", ADOPT_EXISTING: "false", KUBECONFIG_MODE: "auth-plugin" };

/** The `kops <verb> [<noun>]` calls a description names, as `kops_cmd` calls in the scripts. */
function kopsCalls(description: string): string[] {
    return [...description.matchAll(/kops ([a-z-]+)(?: ([a-z]+))?/g)].map((m) => ["kops_cmd", m[1], m[2]].filter(Boolean).join(" "));
}

describe("plan: kOps operations of the command lines", () => {
    it("spec create: dry-run, patch, replace; every kops call is in upsert-spec.sh", () => {
        const operation = kopsOperation("c-spec", { ...lines.spec, environment }, "create")!;
        assert.deepStrictEqual(operation, {
            resource: "c-spec",
            step: "create",
            script: "upsert-spec.sh create",
            description: "kops create cluster --dry-run -o yaml → spec patch → kops replace -f - --force",
            kinds: ["spec"],
        });
        const source = script("upsert-spec.sh");
        assert.deepStrictEqual(kopsCalls(operation.description), ["kops_cmd create cluster", "kops_cmd replace"]);
        for (const call of kopsCalls(operation.description)) {
            assert.ok(source.includes(call), `upsert-spec.sh has no ${call}`);
        }
        assert.match(source, /--dry-run -o yaml/);
        assert.match(source, /patch_spec --mark "\$CLUSTER_OWNER"/);
    });

    it("claim create and update: a read-only check; its only kops call (get cluster) is in claim.sh or lib.sh, and claim.sh writes nothing", () => {
        for (const step of ["create", "update"] as const) {
            const operation = kopsOperation("c-claim", { ...lines.claim, environment }, step)!;
            assert.strictEqual(operation.script, `claim.sh ${step}`);
            assert.deepStrictEqual(operation.kinds, ["check"]);
            assert.deepStrictEqual(kopsCalls(operation.description), ["kops_cmd get cluster"]);
        }
        assert.match(script("lib.sh"), /kops_cmd get cluster -o yaml/);
        assert.match(script("claim.sh"), /cluster_state/);
        assert.doesNotMatch(script("claim.sh"), /kops_cmd|patch_spec|--mark/);
    });

    it("spec update, and spec create of an adopted cluster: the current spec patched and replaced", () => {
        for (const [step, env] of [["update", environment], ["create", { ...environment, ADOPT_EXISTING: "true" }]] as const) {
            const operation = kopsOperation("c-spec", { ...lines.spec, environment: env }, step)!;
            assert.match(operation.description, /^kops get cluster \+ kops get instancegroups → spec patch → kops replace -f - --force/);
            for (const call of kopsCalls(operation.description)) {
                assert.ok(script("upsert-spec.sh").includes(call) || script("lib.sh").includes(call), `no ${call} in the scripts`);
            }
        }
    });

    it("apply create: update and validate, a roll only for what a failed run left outdated; apply update: dry runs, then what kops finds", () => {
        const source = script("apply.sh");
        const create = kopsOperation("c-apply", { ...lines.apply, environment }, "create")!;
        assert.strictEqual(create.description, "kops update cluster --yes → kops validate cluster --wait 20m → kops rolling-update cluster " +
            "(dry run; --yes and validate again only for instances an earlier, failed run left outdated)");
        assert.deepStrictEqual(create.kinds, ["update", "validate"]);
        const update = kopsOperation("c-apply", { ...lines.apply, environment }, "update")!;
        assert.strictEqual(update.description, "kops update cluster (dry run) → kops update cluster --yes (if it lists changes) → " +
            "kops rolling-update cluster (dry run) → kops rolling-update cluster --yes (if instances are outdated) → kops validate cluster --wait 20m");
        for (const call of [...kopsCalls(create.description), ...kopsCalls(update.description)]) {
            assert.ok(source.includes(call) || source.includes(call.replace("kops_cmd ", "dry_run_finds \"No rolling-update required.\" ")) ||
                source.includes(call.replace("kops_cmd ", "dry_run_finds \"No changes need to be applied\" ")), `apply.sh has no ${call}`);
        }
        // Each --yes is guarded by kops' own dry run, as the plan says.
        assert.match(source, /if dry_run_finds "No changes need to be applied" update cluster --create-kube-config=false; then\n\s+kops_cmd update cluster --yes/);
        assert.match(source, /if dry_run_finds "No rolling-update required\." rolling-update cluster; then\n\s+kops_cmd rolling-update cluster --yes/);
        // Only tool settings changed: the same script, read-only.
        const toolOnly = kopsOperation("c-apply", { ...lines.apply, environment }, "update", { toolOnly: true })!;
        assert.deepStrictEqual(toolOnly.kinds, ["check", "validate"]);
        assert.deepStrictEqual(kopsOperation("c-spec", { ...lines.spec, environment }, "update", { toolOnly: true })!.kinds, ["check"]);
    });

    it("kubeconfig: auth plugin or admin credential; delete: kops delete cluster; apply and kubeconfig delete nothing", () => {
        assert.strictEqual(kopsOperation("k", { ...lines.kubeconfig, environment }, "create")!.description,
            "kops export kubecfg --auth-plugin");
        assert.strictEqual(kopsOperation("k", { ...lines.kubeconfig, environment: { KUBECONFIG_MODE: "admin", ADMIN_TTL: "2h" } }, "update")!
            .description, "kops export kubecfg --admin=2h");
        assert.match(script("kubeconfig.sh"), /kops_cmd export kubecfg/);
        const remove = kopsOperation("c-spec", { ...lines.spec, environment }, "delete")!;
        assert.deepStrictEqual(remove.kinds, ["delete"]);
        assert.match(script("delete.sh"), /kops_cmd_keep_stderr "\$errfile" delete cluster --yes/);
        assert.strictEqual(kopsOperation("c-apply", { ...lines.apply, environment }, "delete"), undefined);
        assert.strictEqual(kopsOperation("k", { ...lines.kubeconfig, environment }, "delete"), undefined);
    });

    it("an adopted cluster's delete runs no kops; an unknown line is shown as it is", () => {
        const adopted = kopsCommandLines(true);
        assert.deepStrictEqual(kopsOperation("c-spec", { ...adopted.spec, environment }, "delete")!.kinds, []);
        assert.strictEqual(adopted.spec.delete, leaveAdoptedClusterRunning);
        assert.strictEqual(kopsOperation("x", { create: "make cluster" }, "create")!.description, "runs: make cluster");
    });

    it("sums operations up in the lifecycle table's terms", () => {
        const op = (step: "create" | "update", line: typeof lines.spec | typeof lines.apply) =>
            kopsOperation("r", { ...line, environment }, step)!;
        assert.strictEqual(kopsImpact([]), "none");
        assert.strictEqual(kopsImpact([op("update", lines.spec), op("update", lines.apply)]), "spec + update + rolling-update + validate");
        assert.strictEqual(kopsImpact([op("create", lines.spec), op("create", lines.apply)]), "spec + update + validate");
    });
});
