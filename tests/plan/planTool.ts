// Runs `npm run plan` the way the package script does (ts-node, transpile only) as a child process,
// so tests see its exit status, its output and its wall time.
import * as path from "path";
import { run, RunResult } from "../helpers/processes/processes";

export const projectDir = path.join(__dirname, "..", "..");

export interface PlanRun extends RunResult {
    /** Wall time of the whole process, in seconds. */
    seconds: number;
}

export async function runPlan(args: string[]): Promise<PlanRun> {
    const started = process.hrtime.bigint();
    const result = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/plan.ts", ...args], {
        cwd: projectDir,
        timeoutMs: 180000,
    });
    return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
