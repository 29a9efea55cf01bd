// The transition matrix: every setting, from the example stack (Pulumi.dev.yaml) to a changed value
// and back, through the real program under the mock runtime and the plan tool's comparison (what
// `npm run plan -- --compare` prints). Each row of tests/plan/lifecycleMatrix.ts asserts:
// - the outcome is the row's (refused naming the setting, or the kOps impact, or what else changes);
// - no command with a delete line (`kops delete cluster`, the state purge) leaves the program,
//   changes URN or is replaced, unless the change is refused;
// - putting the old value back costs what the change cost (a version going down is refused), and
//   every command ends with the inputs it had before.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { configNamespace, simpleSettings, structuredSettings } from "../../components/settings/table";
import { Comparison, compareRenderings } from "../../tools/plan/compare";
import { ProgramRendering, renderProgram } from "../../tools/plan/mockRuntime";
import { RenderedStack, renderStack } from "../../tools/plan/run";
import { configString } from "../../tools/plan/stackFiles";
import { MatrixRow, matrixRows, observedOutcome, Outcome, renderLifecycleTable, rowLabel } from "./lifecycleMatrix";

const projectDir = path.join(__dirname, "..", "..");
const lifecycleFile = path.join(projectDir, "docs", "lifecycle.md");
export const tableStart = "<!-- lifecycle-matrix:start -->";
export const tableEnd = "<!-- lifecycle-matrix:end -->";

/** The stack config key of a setting: `nodeCount` → `kops-iam-auth:nodeCount`; `aws:region` as it is. */
const configKey = (setting: string) => (setting.includes(":") ? setting : `${configNamespace}:${setting}`);

/** The resources whose delete line runs something (the spec command's `kops delete cluster`, the purge). */
const destroyTimeCommands = (rendering: ProgramRendering) =>
    rendering.resources.filter((r) => r.type.startsWith("command:") && typeof r.plainInputs.delete === "string" && r.plainInputs.delete !== "");

/** One line per changed resource, for failure messages. */
function summary(comparison: Comparison): string {
    return [
        `impact: ${comparison.impact}`,
        ...comparison.refusals.map((r) => `refusal: ${r.name}: ${r.reason}`),
        ...comparison.resourceChanges.filter((c) => c.custom).map((c) => `${c.change} ${c.type} ${c.name} ${c.changedInputs.join(", ")}`),
    ].join("\n  ");
}

/** The destroy-time commands of `before` that `comparison` deletes, moves or replaces. */
function destroyTimeProblems(before: ProgramRendering, after: ProgramRendering, comparison: Comparison): string[] {
    const afterUrns = new Set(after.resources.map((r) => r.urn));
    return destroyTimeCommands(before).flatMap((command) => {
        if (!afterUrns.has(command.urn)) {
            const moved = after.resources.some((r) => r.type === command.type && r.name === command.name);
            return [`${command.name} ${moved ? "changes URN" : "leaves the program"}`];
        }
        const change = comparison.resourceChanges.find((c) => c.type === command.type && c.name === command.name);
        return change?.change === "replaced" ? [`${command.name} is replaced (${change.replacement?.causes.join(", ")})`] : [];
    });
}

/** `changed x`, `added y`, ... sorted; `reversed`: as the opposite change would list them (added ↔ removed). */
function changedNames(comparison: Comparison, reversed = false): string[] {
    const opposite: Record<string, string> = { added: "removed", removed: "added" };
    return comparison.resourceChanges.map((c) => `${(reversed && opposite[c.change]) || c.change} ${c.name}`).sort();
}

describe("transition matrix: every setting, from the example stack to a changed value and back", function () {
    // Every rendering loads and runs the whole program (under a second each, more on a busy machine).
    this.timeout(600000);
    const started = Date.now();
    const cpuAtStart = process.cpuUsage();
    let base: RenderedStack;
    let revert: ProgramRendering;

    const render = (config: Record<string, string>) =>
        renderProgram({
            projectDir,
            program: base.program,
            project: base.project.name,
            stack: base.rendering.stack,
            config,
        });

    before(async () => {
        base = await renderStack({ projectDir, stackFile: path.join(projectDir, "Pulumi.dev.yaml") });
        // The program reads nothing but its config: every revert renders this same configuration.
        revert = await render(base.stack.config);
    });

    after(() => {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const cpu = process.cpuUsage(cpuAtStart);
        process.stdout.write(`      transition matrix: ${matrixRows.length} rows, ${seconds} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU)\n`);
    });

    it("the example stack renders the same each time: a revert ends with every input as before", async () => {
        const again = await compareRenderings(base.rendering, revert);
        assert.deepStrictEqual(again.resourceChanges, [], summary(again));
        assert.ok(destroyTimeCommands(base.rendering).length >= 2, "the spec command and the purge carry delete lines");
    });

    it("has a row for every setting (the settings tables, aws:region, aws:profile), and only settings", () => {
        const settings = [...Object.keys(simpleSettings), ...Object.keys(structuredSettings), "aws:region", "aws:profile"];
        const covered = new Set(matrixRows.map((r) => r.setting));
        assert.deepStrictEqual(settings.filter((s) => !covered.has(s)), [], "settings without a matrix row");
        assert.deepStrictEqual([...covered].filter((s) => !settings.includes(s)), [], "matrix rows of settings that do not exist");
        for (const row of matrixRows) {
            assert.notStrictEqual(configString(row.value), base.stack.config[configKey(row.setting)], `${rowLabel(row)}: the value is the example stack's`);
        }
    });

    it("docs/lifecycle.md's table of changes is the matrix's, row for row (UPDATE_GOLDEN=1 rewrites it)", () => {
        const lifecycle = fs.readFileSync(lifecycleFile, "utf8");
        const [start, end] = [lifecycle.indexOf(tableStart), lifecycle.indexOf(tableEnd)];
        assert.ok(start >= 0 && end > start, `docs/lifecycle.md has no ${tableStart} ... ${tableEnd} section`);
        const rendered = `${tableStart}\n${renderLifecycleTable()}${tableEnd}`;
        const current = lifecycle.slice(start, end + tableEnd.length);
        if (process.env.UPDATE_GOLDEN === "1" && current !== rendered) {
            fs.writeFileSync(lifecycleFile, lifecycle.replace(current, rendered));
            return;
        }
        assert.strictEqual(current, rendered, "docs/lifecycle.md's lifecycle table differs from tests/plan/lifecycleMatrix.ts");
        assert.match(lifecycle, new RegExp(`\\b${matrixRows.length} rows, one per setting`), "docs/lifecycle.md says how many rows the matrix has");
    });

    it("the lifecycle tables exist once: in docs/lifecycle.md, and in no other README or doc", () => {
        const documents = ["README.md", ...fs.readdirSync(path.join(projectDir, "docs")).map((file) => `docs/${file}`)];
        const copies = (marker: string) =>
            documents.filter((file) => fs.readFileSync(path.join(projectDir, file), "utf8").includes(marker));
        assert.deepStrictEqual(copies(tableStart), ["docs/lifecycle.md"]);
        // The table of events, and the table of changes' header, written by hand anywhere else.
        assert.deepStrictEqual(copies("| Event | kOps operations |"), ["docs/lifecycle.md"]);
        assert.deepStrictEqual(copies("| Change on a running stack |"), ["docs/lifecycle.md"]);
    });

    const transition = (row: MatrixRow) => async () => {
        const after = await render({ ...base.stack.config, [configKey(row.setting)]: configString(row.value) });
        const change = await compareRenderings(base.rendering, after);
        const gone = change.impact === "refused" ? [] : destroyTimeProblems(base.rendering, after, change);
        if (row.outcome !== Outcome.Refused) {
            assert.deepStrictEqual(gone, [], `${rowLabel(row)}: a command with a delete line goes\n  ${summary(change)}`);
        }
        assert.strictEqual(observedOutcome(change), row.outcome,
            `${rowLabel(row)}: the change${gone.map((g) => `\n  DANGER: ${g}`).join("")}\n  ${summary(change)}`);
        if (row.outcome === Outcome.Refused) {
            // aws:region may be named as "region".
            const named = new RegExp(`\\b${row.setting.replace(/^aws:/, "(aws:)?")}\\b`);
            assert.ok(change.refusals.some((r) => named.test(r.reason)), `${rowLabel(row)}: no refusal names ${row.setting}\n  ${summary(change)}`);
            return;
        }
        assert.deepStrictEqual(change.destroyTimeRuns, []);

        const back = await compareRenderings(after, revert);
        const revertOutcome = row.revertOutcome ?? row.outcome;
        assert.strictEqual(observedOutcome(back), revertOutcome, `${rowLabel(row)}: the revert\n  ${summary(back)}`);
        if (revertOutcome !== Outcome.Refused) {
            assert.strictEqual(back.impact, change.impact, `${rowLabel(row)}: the revert costs otherwise\n  ${summary(back)}`);
            assert.deepStrictEqual(changedNames(back), changedNames(change, true), `${rowLabel(row)}: the revert changes other resources`);
            assert.deepStrictEqual(destroyTimeProblems(after, revert, back), [], `${rowLabel(row)}: the revert\n  ${summary(back)}`);
        }
    };

    for (const row of matrixRows) {
        it(`${rowLabel(row)} → ${JSON.stringify(row.value)}: ${row.outcome}`, transition(row));
    }
});
