// The real Pulumi engine for tests: the `pulumi` CLI (a user's own on PATH, or the one
// tests/setup/install-tools.sh built into .cache/pulumi/bin) running Automation API inline
// programs, on a local file backend with a home, a passphrase and a state directory of the test's
// own. An inline program runs in the test's own Node.js process (the CLI talks to it), so no
// language host is needed; what it registers runs through the kubernetes provider and Pulumi's
// dynamic-provider host. Nothing is downloaded: the kubernetes plugin is the one install-tools.sh
// installed into .cache/pulumi/home at the version the SDK asks for.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, LocalWorkspaceOptions, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { run, RunResult } from "../processes/processes";
import { skipOrFail } from "../processes/tools";

const repoRoot = path.join(__dirname, "..", "..", "..");
/** Where install-tools.sh builds the engine when no `pulumi` is on PATH. */
const builtEngineBin = path.join(repoRoot, ".cache", "pulumi", "bin");
/** The resource plugins install-tools.sh installed (downloaded for a PATH pulumi, or the built one). */
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
    /** The environment every CLI run gets (and with it the providers and what they run). */
    env: NodeJS.ProcessEnv;
    /** The file backend's directory (where the stacks' state files and locks are). */
    stateDir: string;
    /** The workspace directory: where the CLI runs the providers; its node_modules holds this package and the SDKs. */
    workDir: string;
    /** The project every stack of this engine belongs to. */
    project: string;
    /**
     * The stack `name` of this engine's project running `program` (created, or selected when it
     * exists), in the engine's workspace directory or in `workDir`.
     */
    stack(name: string, program: PulumiFn, workDir?: string): Promise<Stack>;
    /** Runs the CLI in the workspace directory, as a user would in their project; never throws (look at the result). */
    cli(args: string[]): Promise<RunResult>;
    /** The stack's state file (the checkpoint) as text. */
    stateFileText(stack: string): string;
    /** The lock files the file backend holds for the stack (one while a CLI updates it, or after one was killed). */
    lockFiles(stack: string): string[];
    /** The ids of this engine's running `pulumi` CLI processes whose command line holds `verb` (e.g. "up"). */
    cliProcesses(verb: string): number[];
    /** The ids of this engine's running processes whose command line mentions `name` (e.g. a provider host). */
    processesNamed(name: string): number[];
    /**
     * Kills whatever the engine started that still runs (a killed CLI's providers, which run on as
     * orphans): every process whose environment carries this engine's marker. Call it in `after`.
     */
    stopStrays(): void;
}

/** The processes whose environment holds `marker` (NAME=value), from /proc, with their command lines. */
function processesWithEnvironment(marker: string): Array<{ pid: number; argv: string[] }> {
    const found: Array<{ pid: number; argv: string[] }> = [];
    for (const entry of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        try {
            if (fs.readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker)) {
                found.push({ pid: Number(entry), argv: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0") });
            }
        } catch {
            // gone, or not ours to read
        }
    }
    return found;
}

/**
 * Links this package and each @pulumi package into `dir`/node_modules, one link per package, as
 * `npm install kops-iam-auth` leaves a consumer's project: the dynamic-provider host resolves
 * @pulumi/pulumi from the workspace directory. (Never run npm there: it would prune what the links
 * point at, this repository's own node_modules.)
 */
export function linkPackages(dir: string): void {
    const scope = path.join(dir, "node_modules", "@pulumi");
    fs.mkdirSync(scope, { recursive: true });
    fs.symlinkSync(repoRoot, path.join(dir, "node_modules", "kops-iam-auth"));
    for (const name of fs.readdirSync(path.join(repoRoot, "node_modules", "@pulumi"))) {
        fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi", name), path.join(scope, name));
    }
}

/**
 * An engine with its own PULUMI_HOME, file backend and workspace directory under `dir`, for the
 * stacks of `project`. `extraEnv` reaches every process the engine starts (a value `undefined`
 * empties the variable).
 */
export async function pulumiEngine(
    pulumi: string,
    dir: string,
    project: string,
    extraEnv: NodeJS.ProcessEnv = {},
): Promise<PulumiEngine> {
    const home = path.join(dir, "pulumi-home");
    const stateDir = path.join(dir, "state");
    const workDir = path.join(dir, "workspace");
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(stateDir, { recursive: true });
    if (fs.existsSync(installedPluginsDir)) {
        fs.symlinkSync(installedPluginsDir, path.join(home, "plugins"));
    }
    linkPackages(workDir);
    const marker = `KOPS_IAM_AUTH_ENGINE_TEST=${dir}`;
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        // Not the built CLI's own directory: the provider built beside it reports a version of its
        // own; the plugin in PULUMI_HOME is used.
        PATH: [dynamicProviderHostDir, path.dirname(process.execPath), process.env.PATH].join(":"),
        PULUMI_HOME: home,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        AWS_EC2_METADATA_DISABLED: "true",
        NO_COLOR: "1",
        // Marks every process this engine starts (see stopStrays).
        KOPS_IAM_AUTH_ENGINE_TEST: dir,
        // The file backend only: no Pulumi Cloud login reaches these stacks.
        PULUMI_ACCESS_TOKEN: undefined,
        ...extraEnv,
    };
    // The CLI may be older than this SDK (the built engine is 3.274): the engine protocol is what counts.
    const command = await PulumiCommand.get({ root: path.dirname(path.dirname(pulumi)), skipVersionCheck: true });
    const workspaceOptions: LocalWorkspaceOptions = {
        workDir,
        pulumiCommand: command,
        pulumiHome: home,
        // The Automation API adds its own process environment to these: a variable to remove is
        // set empty instead.
        envVars: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value ?? ""])),
        projectSettings: { name: project, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
        secretsProvider: "passphrase",
    };
    const ours = () => processesWithEnvironment(marker);
    const stackLockDir = (stack: string) => path.join(stateDir, ".pulumi", "locks", "organization", project, stack);
    return {
        pulumi,
        env,
        stateDir,
        workDir,
        project,
        stack: (name, program, otherWorkDir) =>
            LocalWorkspace.createOrSelectStack(
                { stackName: name, projectName: project, program },
                { ...workspaceOptions, workDir: otherWorkDir ?? workDir },
            ),
        cli: (args) => run(pulumi, [...args, "--non-interactive"], { cwd: workDir, env, timeoutMs: 300000 }),
        stateFileText: (stack) => fs.readFileSync(path.join(stateDir, ".pulumi", "stacks", project, `${stack}.json`), "utf8"),
        // The backend's file store keeps a `.attrs` file beside each lock.
        lockFiles: (stack) =>
            fs.existsSync(stackLockDir(stack))
                ? fs
                      .readdirSync(stackLockDir(stack))
                      .filter((name) => name.endsWith(".json"))
                      .map((name) => path.join(stackLockDir(stack), name))
                : [],
        cliProcesses: (verb) =>
            ours()
                .filter(({ argv }) => path.basename(argv[0]) === "pulumi" && argv.includes(verb))
                .map(({ pid }) => pid),
        processesNamed: (name) =>
            ours()
                .filter(({ argv }) => argv.some((word) => word.includes(name)))
                .map(({ pid }) => pid),
        stopStrays: () => {
            for (const { pid } of ours()) {
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
