// Running real programs from tests: bounded in time, output captured, and every long-running
// server stopped by the test that started it.
import { ChildProcess, spawn, SpawnOptions } from "child_process";
import * as fs from "fs";
import * as net from "net";

export interface RunResult {
    /** Exit code; null when the process was killed (see signal). */
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    /** True when the time limit killed it. */
    timedOut: boolean;
}

export interface RunOptions {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Text for the process' stdin; without it stdin is empty (closed at once). */
    input?: string;
    /** Milliseconds before the process and its children are killed (SIGKILL). Default 60000. */
    timeoutMs?: number;
    /**
     * Stop the process and its children (SIGKILL) as soon as its stdout or stderr matches: for a
     * program that would otherwise retry for many minutes once it has shown what the test needs.
     */
    stopWhen?: RegExp | ((output: string) => boolean);
}

/**
 * Runs a program to completion (never throws for a non-zero exit: callers assert on it). It runs
 * in its own process group, so that a time limit also ends the programs a script started.
 */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult & { stopped: boolean }> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            env: options.env ?? process.env,
            cwd: options.cwd,
            stdio: ["pipe", "pipe", "pipe"],
            detached: true,
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        let stopped = false;
        const killGroup = () => {
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                // already gone
            }
        };
        const watch = () => {
            const stopWhen = options.stopWhen;
            const matches =
                stopWhen instanceof RegExp
                    ? stopWhen.test(stdout) || stopWhen.test(stderr)
                    : stopWhen !== undefined && stopWhen(`${stdout}\n${stderr}`);
            if (!stopped && matches) {
                stopped = true;
                killGroup();
            }
        };
        child.stdout.on("data", (d) => {
            stdout += d;
            watch();
        });
        child.stderr.on("data", (d) => {
            stderr += d;
            watch();
        });
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup();
        }, options.timeoutMs ?? 60000);
        child.once("error", (err) => {
            clearTimeout(timer);
            reject(err);
        });
        child.once("close", (status, signal) => {
            clearTimeout(timer);
            // Whatever the script left behind in its group goes with it.
            killGroup();
            resolve({ status, signal, stdout, stderr, timedOut, stopped });
        });
        // A program that exits without reading its input must not fail the run with EPIPE.
        child.stdin.on("error", () => undefined);
        child.stdin.end(options.input ?? "");
    });
}

/** Runs a program and returns its stdout; throws with the command line, exit and stderr on failure. */
export async function runOk(command: string, args: string[], options: RunOptions = {}): Promise<string> {
    const result = await run(command, args, options);
    if (result.status !== 0) {
        throw new Error(
            `${describeCommand(command, args)} ${describeExit(result)}\n` +
                `--- stderr ---\n${result.stderr}\n--- stdout ---\n${result.stdout}`,
        );
    }
    return result.stdout;
}

export function describeCommand(command: string, args: string[]): string {
    return [command, ...args].map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(" ");
}

export function describeExit(result: Pick<RunResult, "status" | "signal" | "timedOut"> & { stopped?: boolean }): string {
    if (result.stopped) {
        return "was stopped by the test once its output showed what the test waits for";
    }
    if (result.timedOut) {
        return "was killed after its time limit";
    }
    return result.status === null ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
}

/** A long-running program (a server) whose output is kept for error messages. */
export interface BackgroundProcess {
    child: ChildProcess;
    /** Everything it wrote to stdout and stderr so far (the last 64 KiB). */
    output(): string;
    /** Resolves with the exit once it has exited. */
    exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
    /** True once it has exited. */
    hasExited(): boolean;
    /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
    stop(graceMs?: number): Promise<void>;
}

export function startBackground(command: string, args: string[], options: SpawnOptions = {}): BackgroundProcess {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (d: Buffer) => {
        output = (output + d.toString()).slice(-65536);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let done = false;
    const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once("error", (err) => {
            output += `\n(could not start ${command}: ${err.message})`;
            done = true;
            resolve({ status: null, signal: null });
        });
        child.once("close", (status, signal) => {
            done = true;
            resolve({ status, signal });
        });
    });
    return {
        child,
        output: () => output,
        exited,
        hasExited: () => done,
        async stop(graceMs = 5000) {
            if (done) {
                return;
            }
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
            await exited;
            clearTimeout(timer);
        },
    };
}

/** Polls `probe` every 100 ms until it returns true; fails after `timeoutMs` or when `proc` exits. */
export async function waitUntil(
    what: string,
    probe: () => Promise<boolean>,
    timeoutMs: number,
    proc?: BackgroundProcess,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (proc?.hasExited()) {
            const exit = await proc.exited;
            throw new Error(
                `${what}: the process ${describeExit({ ...exit, timedOut: false })} before it was ready; its output:\n${proc.output()}`,
            );
        }
        if (await probe().catch(() => false)) {
            return;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what}: not ready within ${timeoutMs} ms` + (proc ? `; its output so far:\n${proc.output()}` : ""));
}

/**
 * The first port of the kernel's ephemeral range (ip_local_port_range), from which it picks the
 * source port of every outgoing connection.
 */
function ephemeralPortStart(): number {
    try {
        return Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
    } catch {
        return 32768;
    }
}

/** Whether nothing listens on 127.0.0.1:`port` right now. */
function isLoopbackPortFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

/**
 * A port on 127.0.0.1 that was free a moment ago (nothing listens on it when this returns), below
 * the ephemeral range: between this call and the server binding it, a client connection (a health
 * check's, etcd's) can take any ephemeral port as its source port, and the server then fails with
 * "address already in use". No outgoing connection takes a port below the range.
 */
export async function freeLoopbackPort(): Promise<number> {
    const end = ephemeralPortStart();
    const start = Math.max(1024, end - 12000);
    for (let attempt = 0; attempt < 200; attempt++) {
        const port = start + Math.floor(Math.random() * (end - start));
        if (await isLoopbackPortFree(port)) {
            return port;
        }
    }
    throw new Error(`freeLoopbackPort: no free port on 127.0.0.1 in ${start}-${end - 1} after 200 tries`);
}
