// The plan as text: the resources in creation order, the kOps operations of the first `pulumi up`,
// what `pulumi destroy` deletes in which order, and, for two configurations, what the change costs.
import type { Comparison, ResourceChange } from "./compare";
import { dependencyOrder, urnName } from "./graph";
import type { KopsOperation } from "./kopsOperations";
import type { ProgramRendering } from "./mockRuntime";

function table(rows: string[][], indent = "  "): string[] {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "));
}

function operationLines(operations: KopsOperation[], details?: Map<string, string[]>): string[] {
    return operations.flatMap((operation, index) => [
        `  ${index + 1}. ${operation.resource} (${operation.script}): ${operation.description}`,
        ...(details?.get(operation.resource) ?? []).map((detail) => `       ${detail}`),
    ]);
}

export interface PlanReportOptions {
    /** The program, as given (index.ts). */
    program: string;
    /** The stack file read. */
    stackFile: string;
    /** The first `pulumi up` (every resource added). */
    firstUp: Comparison;
    /** `pulumi destroy` (every resource removed). */
    destroy: Comparison;
}

/** The report of one configuration: printed, and written as plan.txt. */
export function renderPlanReport(rendering: ProgramRendering, options: PlanReportOptions): string {
    const ordered = dependencyOrder(rendering.resources);
    const lines = [
        `Plan of stack ${rendering.stack} (project ${rendering.project}, ${options.stackFile}, program ${options.program}).`,
        "Rendered offline under Pulumi's mock runtime: placeholders stand for what only AWS and kOps know (PLACEHOLDERS.md).",
        "",
        `Resources, in the order \`pulumi up\` creates them (${ordered.length}):`,
        ...table([
            ["#", "TYPE", "NAME", "PARENT"],
            ...ordered.map((r, i) => [String(i + 1), r.type, r.name, r.options.parent ? urnName(r.options.parent) : "-"]),
        ]),
        "",
        `kOps operations of the first \`pulumi up\`, in order (${options.firstUp.impact}):`,
        ...operationLines(options.firstUp.operations),
    ];
    const firstUpKinds = options.firstUp.operations.flatMap((o) => o.kinds);
    if (firstUpKinds.includes("update") && !firstUpKinds.includes("rolling-update")) {
        lines.push("  No rolling update: the cluster boots with the patched spec.");
    }
    // Components have nothing to delete outside the state.
    const deletions = options.destroy.resourceChanges.filter((c) => c.custom);
    const deleteOperations = new Map(options.destroy.operations.map((o) => [o.resource, o]));
    lines.push(
        "",
        `\`pulumi destroy\` deletes, in this order (independent deletes run in parallel; kOps operations: ${options.destroy.impact}):`,
        ...deletions.map((c, i) => {
            const operation = deleteOperations.get(c.name);
            return `  ${i + 1}. ${c.type} ${c.name}${operation ? `: ${operation.description}` : ""}`;
        }),
    );
    if (rendering.warnings.length > 0) {
        lines.push("", "Warnings `pulumi up` prints:", ...rendering.warnings.map((w) => `  ${w}`));
    }
    return `${lines.join("\n")}\n`;
}

function changeLine(change: ResourceChange): string {
    const sign = { added: "+", removed: "-", changed: "~", replaced: "+-" }[change.change];
    const inputs = change.changedInputs.length > 0 ? `: ${change.changedInputs.join(", ")}` : "";
    const replaced = change.replacement
        ? ` (replaced, for ${change.replacement.causes.join(", ")}; ${change.replacement.deleteBeforeReplace
            ? "the old one is deleted first" : "the new one is created first"})`
        : "";
    const rolls = change.type === "kubernetes:apps/v1:DaemonSet" && change.changedInputs.includes("spec.template")
        ? " (pod template changed: the pods roll)" : "";
    const component = change.custom ? "" : " (component: its recorded inputs only)";
    return `  ${sign} ${change.type} ${change.name}${inputs}${component}${rolls}${replaced}`;
}

/** The report of a change from configuration `a` to `b`. */
export function renderComparisonReport(labels: { before: string; after: string }, comparison: Comparison): string {
    // A refused change says so first: the plan exits 1 for it, as `pulumi up` fails at preview.
    const lines = comparison.refusals.length > 0
        ? [`REFUSED at preview: changing ${labels.before} to ${labels.after} stops \`pulumi up\` before any change (exit 1):`]
        : [`Change from ${labels.before} to ${labels.after}:`];
    // First and loud: a line meant for `pulumi destroy` that this change would run.
    lines.push(...comparison.destroyTimeRuns.map((run) =>
        `DANGER: \`pulumi up\` would run the delete line of ${run.type} ${run.name}, because it ${run.cause}: ${run.runs}. ` +
        "Put the setting back, or make the change so that this resource stays."));
    if (comparison.refusals.length > 0) {
        lines.push("kOps operations: refused at preview; `pulumi up` stops before any change, nothing is touched",
            ...comparison.refusals.map((r) => `  ${r.type} ${r.name}: ${r.reason}`));
    } else {
        const details = new Map(comparison.resourceChanges.map((c) => [c.name, c.details]));
        lines.push(`kOps operations: ${comparison.impact}`, ...operationLines(comparison.operations, details));
    }
    const refused = comparison.refusals.length > 0;
    const gone = comparison.resourceChanges.filter((c) => c.custom && (c.change === "removed" || c.change === "replaced"));
    if (gone.length > 0) {
        lines.push("", `Resources ${refused ? "that would be deleted or replaced, were the change allowed" : "deleted or replaced"} (${gone.length}):`,
            ...gone.map(changeLine));
    }
    lines.push("", comparison.resourceChanges.length === 0
        ? "No resource changes."
        : `Resources whose inputs ${refused ? "would change, were the change allowed" : "change"} (${comparison.resourceChanges.length}):`);
    lines.push(...comparison.resourceChanges.map(changeLine));
    return `${lines.join("\n")}\n`;
}
