// `npm test`: every test file, several mocha processes at once, each in a network namespace of its
// own (tests/offline.sh), so that the servers of one (the STS front on :443, the authenticator on
// :21362, kube-apiserver, moto) never meet another's. Files of the last recorded run that took
// long run alone, the others in bundles; the longest start first, so no long file starts last.
// Each file's wall time is recorded (tests/runner/timingReporter.ts) and printed per file and per
// tier at the end; `--record` writes them to tests/runner/timings.json and tests/README.md's table.
//
//   npm test [-- [--record] [--jobs N] [file ...]]
//
// Jobs: --jobs or KOPS_IAM_AUTH_TEST_JOBS, default 3 (on 2 cores most files wait on real
// processes: kops, moto, kube-apiserver, the engine).
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { FileTiming } from "./timingReporter";
import { planJobs, readRecordedTimings, renderTimingsTable, tierOf, writeRecordedTimings } from "./recordedTimings";

const repoRoot = path.join(__dirname, "..", "..");

function testFiles(dir = path.join(repoRoot, "tests")): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return testFiles(full);
        }
        return entry.name.endsWith(".test.ts") ? [path.relative(repoRoot, full).split(path.sep).join("/")] : [];
    });
}

function parseArguments(argv: string[]): { record: boolean; jobs: number; files: string[] } {
    let record = false;
    let jobs = Number(process.env.KOPS_IAM_AUTH_TEST_JOBS ?? 3);
    const files: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--record") {
            record = true;
        } else if (argv[i] === "--jobs") {
            jobs = Number(argv[++i]);
        } else {
            files.push(path.relative(repoRoot, path.resolve(argv[i])).split(path.sep).join("/"));
        }
    }
    if (!Number.isInteger(jobs) || jobs < 1) {
        throw new Error("--jobs (or KOPS_IAM_AUTH_TEST_JOBS) must be a whole number of at least 1");
    }
    return { record, jobs, files };
}

/**
 * Runs mocha on `files` in a network namespace of its own, with `tempDir` as its TMPDIR (removed
 * afterwards, so what a test leaves behind, such as an engine workspace, does not pile up in /tmp);
 * resolves with its exit status and output.
 */
function runMocha(files: string[], timingsFile: string, tempDir: string): Promise<{ status: number; output: string }> {
    fs.mkdirSync(tempDir);
    fs.chmodSync(tempDir, 0o1777); // as /tmp: the authenticator's tests run it as another uid
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        KOPS_IAM_AUTH_TEST_TIMINGS: timingsFile,
        FORCE_COLOR: "0",
        TMPDIR: tempDir,
    };
    delete env.KOPS_IAM_AUTH_OFFLINE; // a namespace of its own even when this runner is in one
    const mocha = path.join(repoRoot, "node_modules", ".bin", "mocha");
    const child = spawn(
        "bash",
        [path.join(repoRoot, "tests", "offline.sh"), mocha, "--reporter", path.join(__dirname, "timingReporter.ts"), ...files],
        { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    return new Promise((resolve) =>
        child.once("close", (code, signal) => {
            fs.rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
            resolve({ status: code ?? (signal ? 128 : 1), output });
        }),
    );
}

async function main(): Promise<number> {
    const started = Date.now();
    const args = parseArguments(process.argv.slice(2));
    const files = args.files.length > 0 ? args.files : testFiles();
    const queue = planJobs(files, readRecordedTimings());
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "kops-iam-auth-tests-"));
    fs.chmodSync(work, 0o755);
    const timingsFile = path.join(work, "timings.jsonl");
    let failedJobs = 0;
    let jobsStarted = 0;
    const lane = async () => {
        for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
            const jobStarted = Date.now();
            const result = await runMocha(job, timingsFile, path.join(work, `tmp-${++jobsStarted}`));
            const seconds = ((Date.now() - jobStarted) / 1000).toFixed(0);
            failedJobs += result.status === 0 ? 0 : 1;
            process.stdout.write(`\n=== ${job.join(" ")} (${seconds} s, exit ${result.status})\n${result.output.trimEnd()}\n`);
        }
    };
    await Promise.all(Array.from({ length: args.jobs }, lane));
    const timings: FileTiming[] = fs.existsSync(timingsFile)
        ? fs
              .readFileSync(timingsFile, "utf8")
              .trim()
              .split("\n")
              .filter(Boolean)
              .map((line) => JSON.parse(line))
        : [];
    fs.rmSync(work, { recursive: true, force: true });
    const wallSeconds = (Date.now() - started) / 1000;
    process.stdout.write(`\n${renderTimingsTable(timings, { jobs: args.jobs, wallSeconds })}\n\n`);
    for (const tier of [...new Set(timings.map((t) => tierOf(t.file)))].sort()) {
        const inTier = timings.filter((t) => tierOf(t.file) === tier);
        const seconds = inTier.reduce((sum, t) => sum + t.seconds, 0);
        process.stdout.write(`test-timing: ${tier}: ${inTier.length} files, ${seconds.toFixed(0)} s of file time\n`);
    }
    process.stdout.write(`test-timing: ${timings.length} files in ${wallSeconds.toFixed(0)} s with ${args.jobs} jobs\n`);
    const silent = files.filter((file) => !timings.some((t) => t.file === file));
    if (silent.length > 0) {
        process.stdout.write(`tests/runner/run.ts: no result from ${silent.join(", ")}\n`);
    }
    const total = (key: "passed" | "failed" | "pending") => timings.reduce((sum, t) => sum + t[key], 0);
    const ok = failedJobs === 0 && silent.length === 0 && total("failed") === 0;
    if (args.record) {
        if (!ok || args.files.length > 0) {
            process.stderr.write("tests/runner/run.ts: --record needs a full, green run; nothing recorded\n");
            return 1;
        }
        writeRecordedTimings(timings, { jobs: args.jobs, wallSeconds });
        process.stdout.write("test-timing: recorded in tests/runner/timings.json and tests/README.md\n");
    }
    process.stdout.write(`tests: ${total("passed")} passed, ${total("failed")} failed, ${total("pending")} skipped\n`);
    return ok ? 0 : 1;
}

main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
        process.stderr.write(`tests/runner/run.ts: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
    },
);
