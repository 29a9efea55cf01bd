// What the tests of the kOps scripts share: where the scripts and the stub kops are, a sandbox in
// which the stub keeps its state and records its calls, and one cluster's command settings as
// KopsCluster resolves them (checkedCommandSettings' input).
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderWebhookKubeconfig } from "../../../components/authenticator/webhookKubeconfig";
import { KopsCommandSettings } from "../../../components/kops/commandEnvironment";
import { kopsInputFile } from "../data/kopsFixtures";

const repoRoot = path.join(__dirname, "..", "..", "..");
export const scriptsDir = path.join(repoRoot, "components", "kops", "scripts");
/** The directory holding the stub `kops`; put it first on PATH. */
export const stubsDir = path.join(repoRoot, "tests", "stubs");
export const clusterName = "dev.example.com";
export const stateStore = "s3://kops-state-test";
export const testCaPem = "-----BEGIN CERTIFICATE-----\nTESTCAMATERIAL\n-----END CERTIFICATE-----\n";

export const baseSettings: KopsCommandSettings = {
    kopsBinary: "kops",
    clusterName,
    clusterOwner: "acme/kops-iam-auth/dev/dev-kops",
    stateStoreUrl: stateStore,
    region: "us-east-1",
    zones: ["us-east-1a", "us-east-1b"],
    nodeCount: 2,
    nodeSize: "t3.medium",
    controlPlaneCount: 1,
    controlPlaneSize: "m6i.large",
    kubernetesVersion: "1.34.10",
    networking: "cilium",
    topology: "public",
    extraFlags: [],
    adoptExisting: false,
    validateTimeout: "15m",
    kubeconfigMode: "auth-plugin",
    adminTtl: "18h",
    webhookKubeconfig: renderWebhookKubeconfig(testCaPem),
    webhookCacheTtl: "5m",
    hookRunner: "container",
    hookImage: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
    authenticatorUid: 10000,
};

/**
 * The stub's own variables: its state folder, and kOps' output for a minimal cluster, from which its
 * `create cluster` derives specs (from the kOps module: call requireKopsModule first to skip without it).
 */
export function stubKopsEnv(stateDir: string): Record<string, string> {
    return { KOPS_STUB_STATE: stateDir, KOPS_STUB_TEMPLATE: kopsInputFile("create-cluster-minimal-1.36") };
}

/** One kops call the stub recorded: its argv. */
export type StubCall = string[];

/** Every call the stub kops recorded in its state directory (KOPS_STUB_STATE), oldest first. */
export function readStubCalls(stateDir: string): StubCall[] {
    const file = path.join(stateDir, "calls.jsonl");
    return fs.existsSync(file)
        ? fs
              .readFileSync(file, "utf8")
              .split("\n")
              .filter(Boolean)
              .map((line) => JSON.parse(line))
        : [];
}

/**
 * The kOps operations among the calls, as `<verb> [<noun>]` plus ` --yes` where kops was told to act
 * (`update cluster` alone is a dry run), without `kops version` (the scripts' preflight).
 */
export function kopsLifecycleCalls(calls: StubCall[]): string[] {
    return calls
        .map((argv) => {
            const verb = argv
                .slice(0, argv.findIndex((word) => word.startsWith("-")) >>> 0)
                .slice(0, 2)
                .join(" ");
            return argv.includes("--yes") ? `${verb} --yes` : verb;
        })
        .filter((verb) => verb !== "version");
}

/** `["create","cluster","--name",...,"--dry-run",...]` → `create cluster --dry-run`: the command and the flags that matter. */
export function stubOperation(argv: StubCall): string {
    const firstFlag = argv.findIndex((a) => a.startsWith("-"));
    const words = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
    const notable = argv.filter(
        (a) =>
            ["--dry-run", "--force", "--yes", "--auth-plugin", "--wait", "-i", "--interactive"].includes(a) ||
            a.startsWith("--admin"),
    );
    return [...words, ...notable].join(" ");
}

/** A stub kOps world: its state folder, a HOME and a TMPDIR, all temporary. */
export class StubKopsSandbox {
    readonly root: string;
    readonly state: string;
    readonly home: string;
    readonly tmp: string;
    private callsSeen = 0;

    constructor(prefix: string) {
        this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        this.state = path.join(this.root, "state");
        this.home = path.join(this.root, "home");
        this.tmp = path.join(this.root, "tmp");
        for (const dir of [this.state, this.home, this.tmp]) {
            fs.mkdirSync(dir);
        }
    }

    /**
     * Runs a command line as local.Command runs it: `bash -c` in the Pulumi project directory (from
     * which the line resolves the package), with only `env` and the sandbox around it, the stub first on PATH.
     */
    run(commandLine: string, env: Record<string, string>, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
        return spawnSync("bash", ["-c", commandLine], {
            cwd: repoRoot,
            encoding: "utf8",
            env: {
                PATH: `${stubsDir}:${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
                HOME: this.home,
                TMPDIR: this.tmp,
                ...stubKopsEnv(this.state),
                ...env,
                ...extra,
            },
        });
    }

    /**
     * Makes this sandbox's kOps world a copy of `other`'s: the stub's state folder (state store,
     * "cloud", the calls recorded so far) and how many of those calls newOperations has reported.
     * Tests that start from the same state (a clean first `pulumi up`) make it once and each copy it.
     */
    copyFrom(other: StubKopsSandbox): this {
        fs.rmSync(this.state, { recursive: true, force: true });
        fs.cpSync(other.state, this.state, { recursive: true });
        this.callsSeen = other.callsSeen;
        return this;
    }

    /** Every kops call so far, as argv arrays. */
    calls(): StubCall[] {
        return readStubCalls(this.state);
    }

    /** The kops operations (stubOperation) since the last call of this method. */
    newOperations(): string[] {
        const calls = this.calls();
        const fresh = calls.slice(this.callsSeen);
        this.callsSeen = calls.length;
        return fresh.map(stubOperation);
    }

    /** What kops holds for the cluster: its spec in the state store and what `update` applied to the "cloud". */
    snapshot(): { spec?: string; cloud?: { applied: string; needsRolling: boolean } } {
        const spec = path.join(this.state, "clusters", `${clusterName}.yaml`);
        const cloud = path.join(this.state, "cloud", `${clusterName}.json`);
        return {
            ...(fs.existsSync(spec) ? { spec: fs.readFileSync(spec, "utf8") } : {}),
            ...(fs.existsSync(cloud) ? { cloud: JSON.parse(fs.readFileSync(cloud, "utf8")) } : {}),
        };
    }

    remove(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/**
 * The verdicts of one of lib.sh's value checks (`is_go_duration "$v"`, with `$v` each value) on
 * `values`, as bash gives them: true where the check accepts the value.
 */
export function libShVerdicts(check: string, values: string[]): boolean[] {
    const run = spawnSync(
        "bash",
        [
            "-c",
            `source '${scriptsDir}/lib.sh'; for v in "$@"; do if ${check}; then echo yes; else echo no; fi; done`,
            "-",
            ...values,
        ],
        { encoding: "utf8" },
    );
    if (run.status !== 0) {
        throw new Error(`lib.sh check ${check} failed: ${run.stderr}`);
    }
    return run.stdout
        .trim()
        .split("\n")
        .map((verdict) => verdict === "yes");
}
