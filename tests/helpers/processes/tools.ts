// Tests that need a real program (kubectl, aws, moto_server, aws-iam-authenticator, kops):
// on a developer's machine they skip with a loud message when it is missing; under CI they fail.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** The project's tool cache: `tests/setup/install-tools.sh` puts pinned binaries in .cache/bin. */
export const toolCacheBin = path.join(__dirname, "..", "..", "..", ".cache", "bin");

/** Absolute path of `name`, looked up in the tool cache first, then on PATH; undefined if absent. */
export function findTool(name: string): string | undefined {
    const cached = path.join(toolCacheBin, name);
    if (fs.existsSync(cached)) {
        return cached;
    }
    try {
        return execFileSync("bash", ["-c", `command -v -- "$1"`, "bash", name], { encoding: "utf8" }).trim() || undefined;
    } catch {
        return undefined;
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
