// What the engine tests share: an engine whose stub kops' booted cluster is a real kube-apiserver, a
// consumer-shaped project directory, the stack's config file, the stub kops' record of calls, and the
// engine's own preview.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { KubeApiserver, startKubeApiserver } from "./kubeApiserver";
import { PulumiEngine, pulumiEngine, requirePulumi } from "./pulumiEngine";
import { requireKopsModule } from "./kopsFixtures";
import { StubCall, stubKopsEnv } from "./stubKops";
import { requireTool } from "./tools";

const repoRoot = path.join(__dirname, "..", "..");

/**
 * A project directory at `dir` made from the files of `template`, whose node_modules holds this
 * package (the repository, built) and the @pulumi packages, as `npm install kops-iam-auth` leaves
 * a consumer's: the commands and the dynamic provider resolve them from there.
 */
export function consumerProject(dir: string, template: string): string {
    fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    for (const file of fs.readdirSync(template)) {
        fs.copyFileSync(path.join(template, file), path.join(dir, file));
    }
    linkPackages(dir);
    return dir;
}

/**
 * Links this package and each @pulumi package into `dir`/node_modules, one link per package (never
 * run npm there: it would prune what the links point at, this repository's own node_modules).
 */
export function linkPackages(dir: string): void {
    const scope = path.join(dir, "node_modules", "@pulumi");
    fs.mkdirSync(scope, { recursive: true });
    fs.symlinkSync(repoRoot, path.join(dir, "node_modules", "kops-iam-auth"));
    for (const name of fs.readdirSync(path.join(repoRoot, "node_modules", "@pulumi"))) {
        fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi", name), path.join(scope, name));
    }
}

/** Rewrites the config of Pulumi.<stack>.yaml (keeping what `pulumi stack init` wrote), values as YAML. */
export function stackConfigFile(projectDir: string, project: string, stack: string, config: Record<string, unknown>): void {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    const existing = fs.existsSync(file) ? (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) : {};
    existing.config = Object.fromEntries(
        Object.entries(config).map(([key, value]) => [`${project}:${key}`, typeof value === "number" ? String(value) : value]),
    );
    fs.writeFileSync(file, YAML.stringify(existing));
}

/** An engine whose stub kops' "booted cluster" is a real kube-apiserver, and what it was made from. */
export interface BootedClusterEngine {
    engine: PulumiEngine;
    apiserver: KubeApiserver;
    /** The stub kops' state directory (KOPS_STUB_STATE): its record of calls is read from there. */
    stubState: string;
    /** The pulumi CLI the engine runs. */
    pulumi: string;
}

/**
 * Starts etcd and kube-apiserver (with the daemonset and garbage-collector controllers, which the
 * kubernetes provider awaits on create and on destroy) under `dir`, and an engine whose processes
 * find the stub kops first on PATH, the stub standing for a cluster booted on that apiserver.
 * Skips (or under CI fails) when a tool is missing; the caller stops `apiserver` and the engine's
 * strays after its tests.
 */
export async function startBootedClusterEngine(ctx: Mocha.Context, dir: string): Promise<BootedClusterEngine> {
    const pulumi = requirePulumi(ctx);
    requireKopsModule(ctx);
    const installHint = "bash tests/setup/install-tools.sh";
    const apiserver = await startKubeApiserver({
        etcd: requireTool(ctx, "etcd", installHint),
        kubeApiserver: requireTool(ctx, "kube-apiserver", installHint),
        kubeControllerManager: requireTool(ctx, "kube-controller-manager", installHint),
        dir: path.join(dir, "apiserver"),
        controllers: ["daemonset-controller", "garbage-collector-controller"],
    });
    try {
        const stubState = path.join(dir, "kops-state");
        const engine = await pulumiEngine(
            pulumi,
            dir,
            { ...stubKopsEnv(stubState), KOPS_STUB_APISERVER: stubApiserverFile(dir, apiserver) },
            [path.join(repoRoot, "tests", "stubs")],
        );
        return { engine, apiserver, stubState, pulumi };
    } catch (err) {
        await apiserver.stop();
        throw err;
    }
}

/** The file KOPS_STUB_APISERVER names: the real apiserver the stub's "booted cluster" is, and an admin certificate for it. */
function stubApiserverFile(dir: string, apiserver: KubeApiserver): string {
    const admin = JSON.parse(fs.readFileSync(apiserver.adminKubeconfig, "utf8")).users[0].user;
    const file = path.join(dir, "booted-cluster.json");
    fs.writeFileSync(
        file,
        JSON.stringify({
            server: apiserver.url,
            caPem: apiserver.caPem,
            clientCertPem: fs.readFileSync(admin["client-certificate"], "utf8"),
            clientKeyPem: fs.readFileSync(admin["client-key"], "utf8"),
        }),
        { mode: 0o600 },
    );
    return file;
}

/**
 * The first up's row of the lifecycle table, as kopsLifecycleCalls reads the stub's record: the
 * spec created, `update --yes`, `validate`, a `rolling-update` dry run (nothing to roll), the kubeconfig.
 */
export const firstUpKopsCalls: readonly string[] = [
    "get cluster",
    "create cluster",
    "replace",
    "update cluster --yes",
    "validate cluster",
    "rolling-update cluster",
    "export kubecfg",
];

/**
 * The kOps operations among the calls, as `<verb> [<noun>]` plus ` --yes` where kops was told to act
 * (`update cluster` alone is a dry run): without `kops version` (the scripts' preflight) and `kops
 * helpers kubectl-auth` (the Kubernetes provider signing in through the kubeconfig's exec plugin).
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
        .filter((verb) => verb !== "version" && verb !== "helpers kubectl-auth");
}

/**
 * The steps of `pulumi preview --json` that change something, as `<op> <type> <name>`: custom
 * resources only (a component's "update" is its outputs being recomputed; it runs nothing).
 */
export async function previewSteps(
    engine: PulumiEngine,
    projectDir: string,
    stack: string,
): Promise<{ changed: string[]; output: string }> {
    const result = await engine.cli(["preview", "--json", "--stack", stack], projectDir);
    if (result.status !== 0) {
        throw new Error(`pulumi preview failed:\n${result.stdout}\n${result.stderr}`);
    }
    const preview = JSON.parse(result.stdout);
    const changed = (preview.steps ?? [])
        .filter((step: any) => step.op !== "same" && !step.urn.split("::")[2].split("$").pop().startsWith("kops-iam-auth:"))
        // urn:pulumi:<stack>::<project>::<parent types$...>type::<name>
        .map((step: any) => {
            const [typeChain, name] = step.urn.split("::").slice(2);
            return `${step.op} ${typeChain.split("$").pop()} ${name}`;
        });
    return { changed, output: result.stdout };
}

/** How many resources of each type the state file holds. */
export function resourceCounts(stateFileText: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of JSON.parse(stateFileText).checkpoint.latest?.resources ?? []) {
        counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    }
    return counts;
}
