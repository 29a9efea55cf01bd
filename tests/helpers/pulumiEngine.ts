// The real Pulumi engine for tests: the `pulumi` CLI (a user's own on PATH, or the one
// tests/setup/install-tools.sh built into .cache/pulumi/bin), its Node.js language host and the
// command, tls and kubernetes providers, on a local file backend with a home, a passphrase and a
// state directory of the test's own. Nothing is downloaded: the resource plugins are the ones
// install-tools.sh installed into .cache/pulumi/home at the versions the SDKs ask for.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run, RunResult } from "./processes";
import { skipOrFail } from "./tools";

const repoRoot = path.join(__dirname, "..", "..");
/** Where install-tools.sh builds the engine when no `pulumi` is on PATH. */
export const builtEngineBin = path.join(repoRoot, ".cache", "pulumi", "bin");
/** The resource plugins install-tools.sh installed (downloaded for a PATH pulumi, or the built ones). */
const installedPluginsDir = path.join(repoRoot, ".cache", "pulumi", "home", "plugins");
/** The SDK's dynamic-provider host (pulumi-resource-pulumi-nodejs) ships in the npm package. */
const dynamicProviderHostDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/**
 * The `pulumi` to use: the one on PATH (a user's install), else the one install-tools.sh built.
 * Without either the test skips loudly, or under CI fails.
 */
export function requirePulumi(ctx: Mocha.Context): string {
    return (
        findPulumi() ??
        skipOrFail(
            ctx,
            "pulumi is not installed (bash tests/setup/install-tools.sh: a pulumi on PATH, or the engine it builds into .cache/pulumi/bin)",
        )
    );
}

function findPulumi(): string | undefined {
    try {
        const onPath = execFileSync("bash", ["-c", "command -v pulumi"], { encoding: "utf8" }).trim();
        if (onPath) {
            return onPath;
        }
    } catch {
        // not on PATH
    }
    const built = path.join(builtEngineBin, "pulumi");
    return fs.existsSync(built) ? built : undefined;
}

export interface PulumiEngine {
    /** The CLI's path. */
    pulumi: string;
    /** The environment every CLI run gets (and with it the language host and the providers). */
    env: NodeJS.ProcessEnv;
    /** The file backend's directory (where the stack's state file is). */
    stateDir: string;
    /** Runs the CLI in `cwd`; never throws (look at the result). */
    cli(args: string[], cwd: string, options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
    /** The stack's state file (the checkpoint) as text. */
    stateFileText(project: string, stack: string): string;
    /**
     * Kills whatever the engine started that still runs (the CLI of a timed-out command, and the
     * plugins it leaves behind, which run in process groups of their own): every process whose
     * environment carries this engine's marker. Call it in `after`.
     */
    stopStrays(): void;
}

/** The processes whose environment holds `marker` (NAME=value), from /proc. */
function processesWithEnvironment(marker: string): number[] {
    const found: number[] = [];
    for (const entry of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        try {
            if (fs.readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) {
                found.push(Number(entry));
            }
        } catch {
            // gone, or not ours to read
        }
    }
    return found;
}

/**
 * An engine with its own PULUMI_HOME and file backend under `dir`. `extraEnv` and `extraPath`
 * reach every process the engine starts: the program, the providers, the commands they run.
 */
export async function pulumiEngine(
    pulumi: string,
    dir: string,
    extraEnv: NodeJS.ProcessEnv = {},
    extraPath: string[] = [],
): Promise<PulumiEngine> {
    const home = path.join(dir, "pulumi-home");
    const stateDir = path.join(dir, "state");
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(stateDir, { recursive: true });
    if (fs.existsSync(installedPluginsDir)) {
        fs.symlinkSync(installedPluginsDir, path.join(home, "plugins"));
    }
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        // Not the CLI's own directory: the CLI finds its language host beside itself, and the built
        // engine's resource plugins there report versions of their own; the ones in PULUMI_HOME are used.
        PATH: [...extraPath, dynamicProviderHostDir, path.dirname(process.execPath), process.env.PATH].join(":"),
        PULUMI_HOME: home,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        // The test's own credentials and region for anything AWS-shaped; nothing leaves 127.0.0.1.
        AWS_EC2_METADATA_DISABLED: "true",
        NO_COLOR: "1",
        // Marks every process this engine starts (see stopStrays).
        KOPS_IAM_AUTH_ENGINE_TEST: dir,
        ...extraEnv,
    };
    delete env.PULUMI_ACCESS_TOKEN;
    const cli = (args: string[], cwd: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) =>
        run(pulumi, [...args, "--non-interactive"], {
            cwd,
            env: { ...env, ...options.env },
            timeoutMs: options.timeoutMs ?? 300000,
        });
    return {
        pulumi,
        env,
        stateDir,
        cli,
        stateFileText: (project, stack) =>
            fs.readFileSync(path.join(stateDir, ".pulumi", "stacks", project, `${stack}.json`), "utf8"),
        stopStrays: () => {
            for (const pid of processesWithEnvironment(`KOPS_IAM_AUTH_ENGINE_TEST=${dir}`)) {
                try {
                    process.kill(pid, "SIGKILL");
                } catch {
                    // already gone
                }
            }
        },
    };
}

/** A throw-away directory under the OS temp dir. */
export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
