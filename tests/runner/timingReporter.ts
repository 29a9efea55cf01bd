// mocha's spec reporter, and each test file's wall time and outcomes appended as a JSON line to
// $KOPS_IAM_AUTH_TEST_TIMINGS (tests/runner/run.ts reads them). A file's time runs from its first
// top-level suite's start (before its `before` hooks) to its last one's end.
import * as fs from "fs";
import * as path from "path";
import type { Runner, Suite, Test } from "mocha";
const Spec: new (runner: Runner, options?: unknown) => object = require("mocha/lib/reporters/spec");

const repoRoot = path.join(__dirname, "..", "..");

/** One line of the timings file. */
export interface FileTiming {
    /** Repository-relative, with `/`. */
    file: string;
    seconds: number;
    passed: number;
    failed: number;
    pending: number;
}

function relative(file: string): string {
    return path.relative(repoRoot, file).split(path.sep).join("/");
}

class TimingSpecReporter extends Spec {
    constructor(runner: Runner, options?: unknown) {
        super(runner, options);
        const files = new Map<string, FileTiming & { started: number }>();
        const of = (file: string | undefined) => {
            const key = relative(file ?? "(unknown file)");
            let timing = files.get(key);
            if (timing === undefined) {
                timing = { file: key, seconds: 0, passed: 0, failed: 0, pending: 0, started: Date.now() };
                files.set(key, timing);
            }
            return timing;
        };
        runner.on("suite", (suite: Suite) => {
            if (suite.parent?.root && suite.file) {
                of(suite.file).started = Date.now();
            }
        });
        runner.on("suite end", (suite: Suite) => {
            if (suite.parent?.root && suite.file) {
                const timing = of(suite.file);
                timing.seconds += (Date.now() - timing.started) / 1000;
            }
        });
        runner.on("pass", (test: Test) => void of(test.file).passed++);
        runner.on("pending", (test: Test) => void of(test.file).pending++);
        // A failed hook counts as one failure of its file.
        runner.on("fail", (runnable: Test) => void of(runnable.file ?? runnable.parent?.file).failed++);
        runner.once("end", () => {
            const out = process.env.KOPS_IAM_AUTH_TEST_TIMINGS;
            if (out) {
                const lines = [...files.values()].map(({ started: _, ...timing }) =>
                    JSON.stringify({ ...timing, seconds: Math.round(timing.seconds * 10) / 10 }),
                );
                fs.appendFileSync(out, lines.map((line) => `${line}\n`).join(""));
            }
        });
    }
}

module.exports = TimingSpecReporter;
