// The plan's steps, for the CLI (tools/plan.ts) and for tests that render in-process: read the
// project and stack files, render the program under mocks, compare, write the files.
import * as fs from "fs";
import * as path from "path";
import { PlanFile, planFiles } from "./artifacts";
import { Comparison, compareRenderings } from "./compare";
import { ProgramRendering, renderProgram } from "./mockRuntime";
import { renderComparisonReport, renderPlanReport } from "./report";
import { ProjectFile, readProjectFile, readStackConfig, StackConfig } from "./stackFiles";

export interface StackSource {
    /** The project directory (where Pulumi.yaml is). */
    projectDir: string;
    /** The stack file. */
    stackFile: string;
    /** The program to render; default Pulumi.yaml's `main`. Relative paths are relative to projectDir. */
    program?: string;
    /** Render under this stack name instead of the file's (the stack a compared configuration is applied to). */
    stackName?: string;
}

export interface RenderedStack {
    project: ProjectFile;
    stack: StackConfig;
    /** The program, relative to the project directory. */
    program: string;
    rendering: ProgramRendering;
}

export async function renderStack(source: StackSource): Promise<RenderedStack> {
    const projectDir = path.resolve(source.projectDir);
    const project = readProjectFile(projectDir);
    const stack = readStackConfig(project, source.stackFile);
    const program = path.relative(projectDir, path.resolve(projectDir, source.program ?? project.main)) || ".";
    const rendering = await renderProgram({
        projectDir, program, project: project.name, stack: source.stackName ?? stack.stack, config: stack.config,
    });
    return { project, stack, program, rendering };
}

/** A rendering with nothing in it: the state before the first `pulumi up` and after `pulumi destroy`. */
export function emptyRendering(like: ProgramRendering): ProgramRendering {
    return { project: like.project, stack: like.stack, resources: [], outputs: {}, warnings: [] };
}

export interface Plan {
    rendered: RenderedStack;
    firstUp: Comparison;
    destroy: Comparison;
    report: string;
    files: PlanFile[];
}

/** Renders one stack and everything the plan writes. `kopsSpec` is kOps YAML to patch. */
export async function planStack(source: StackSource, kopsSpec?: string): Promise<Plan> {
    const rendered = await renderStack(source);
    const { rendering } = rendered;
    const firstUp = await compareRenderings(emptyRendering(rendering), rendering);
    const destroy = await compareRenderings(rendering, emptyRendering(rendering));
    const report = renderPlanReport(rendering, {
        program: rendered.program,
        stackFile: path.relative(source.projectDir, rendered.stack.file) || rendered.stack.file,
        firstUp,
        destroy,
    });
    return { rendered, firstUp, destroy, report, files: planFiles(rendering, report, kopsSpec) };
}

export interface PlanComparison {
    before: RenderedStack;
    after: RenderedStack;
    comparison: Comparison;
    report: string;
}

/**
 * The change from stack file `before` to `after`, both rendered as the stack of `before` (so their
 * URNs match): what `pulumi up` does when the stack's config changes from one to the other.
 */
export async function compareStacks(before: StackSource, after: StackSource): Promise<PlanComparison> {
    const renderedBefore = await renderStack(before);
    const renderedAfter = await renderStack({ ...after, stackName: renderedBefore.rendering.stack });
    const comparison = await compareRenderings(renderedBefore.rendering, renderedAfter.rendering);
    const label = (rendered: RenderedStack) => `${path.relative(before.projectDir, rendered.stack.file) || rendered.stack.file}`;
    const report = renderComparisonReport({ before: label(renderedBefore), after: label(renderedAfter) }, comparison);
    return { before: renderedBefore, after: renderedAfter, comparison, report };
}

/** True when `dir` may be replaced by a plan: it is absent, empty, or an earlier plan (it has PLACEHOLDERS.md). */
export function isReplaceableOutput(dir: string): boolean {
    return !fs.existsSync(dir) || fs.readdirSync(dir).length === 0 || fs.existsSync(path.join(dir, "PLACEHOLDERS.md"));
}

/** Replaces `outDir` with the plan's files; refuses a directory that isReplaceableOutput says no to. */
export function writePlanFiles(outDir: string, files: PlanFile[]): void {
    if (!isReplaceableOutput(outDir)) {
        throw new Error(`${outDir} holds files but no earlier plan: not replacing it`);
    }
    fs.rmSync(outDir, { recursive: true, force: true });
    for (const file of files) {
        const target = path.join(outDir, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.content);
    }
}
