// Tests that need a real program (kubectl, aws, moto_server, aws-iam-authenticator, kops):
// on a developer's machine they skip with a loud message when it is missing; under CI they fail.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** The project's tool cache: `tests/setup/install-tools.sh` puts pinned binaries in .cache/bin. */
export const toolCacheBin = path.join(__dirname, "..", "..", "..", ".cache", "bin");

/** Tools found so far (a missing one is looked up again: install-tools.sh may finish meanwhile). */
const found = new Map<string, string>();

/**
 * Absolute path of `name`, looked up in the tool cache first, then on PATH; undefined if absent.
 * A pyenv shim (`~/.pyenv/shims/aws`, `moto_server`) is resolved to the executable it runs
 * (`pyenv which <name>`), so that each call skips the shim's bash and pyenv start-up.
 */
export function findTool(name: string): string | undefined {
    const known = found.get(name);
    if (known !== undefined) {
        return known;
    }
    const cached = path.join(toolCacheBin, name);
    let result: string | undefined;
    if (fs.existsSync(cached)) {
        result = cached;
    } else {
        try {
            const onPath = execFileSync("bash", ["-c", `command -v -- "$1"`, "bash", name], { encoding: "utf8" }).trim();
            result = onPath ? withoutPyenvShim(name, onPath) : undefined;
        } catch {
            result = undefined;
        }
    }
    if (result !== undefined) {
        found.set(name, result);
    }
    return result;
}

/**
 * The executable a pyenv shim runs, from `pyenv which <name>` (the shim names the pyenv it execs);
 * any other path as it is, and the shim itself when pyenv cannot say.
 */
function withoutPyenvShim(name: string, file: string): string {
    let head: string;
    try {
        const fd = fs.openSync(file, "r");
        const buffer = Buffer.alloc(1024);
        const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
        fs.closeSync(fd);
        head = buffer.subarray(0, length).toString("utf8");
    } catch {
        return file;
    }
    // The shim's last line: exec "<PYENV_ROOT>/libexec/pyenv" exec "$program" "$@"
    const pyenv = /^exec "([^"]+\/libexec\/pyenv)" exec "\$program"/m.exec(head)?.[1];
    if (!head.startsWith("#!") || pyenv === undefined) {
        return file;
    }
    try {
        const real = execFileSync(pyenv, ["which", name], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
            env: { ...process.env, PYENV_ROOT: path.dirname(path.dirname(pyenv)) },
        }).trim();
        return real && path.isAbsolute(real) && fs.existsSync(real) ? real : file;
    } catch {
        return file;
    }
}

/**
 * Returns the tool's path, or skips the current test (loudly) when it is missing. Under CI
 * (`CI` set) a missing tool is a failure: CI must run every test.
 */
export function requireTool(ctx: Mocha.Context, name: string, installHint: string): string {
    const found = findTool(name);
    if (found) {
        return found;
    }
    skipOrFail(ctx, `${name} is not installed (${installHint})`);
}

/** Skips the current test (loudly) for the reason given; under CI (`CI` set) fails with it instead. */
export function skipOrFail(ctx: Mocha.Context, reason: string): never {
    if (process.env.CI) {
        throw new Error(`CI must run every test, but ${reason}`);
    }
    console.warn(`\n  !!! SKIPPED: ${reason}\n`);
    ctx.skip();
}
