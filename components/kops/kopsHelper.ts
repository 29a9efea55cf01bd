// The one Node program behind KopsCluster's commands, compiled with the package and run with
// plain `node` (no ts-node, no dev dependency, no compile per call).
//
//   run SCRIPT [ARG...]   runs one of the kOps lifecycle scripts (./scripts) with bash. The
//                         commands' fixed command lines reach the scripts through this job,
//                         wherever the package is installed (see kopsCommandLines).
//   patch-spec [--mark OWNER]
//                         stdin -> stdout, kOps YAML through patchClusterSpec; options as JSON in
//                         SPEC_PATCH (values never go on a command line); with --mark, the Cluster
//                         annotated as created by OWNER too (the owner marker)
//   owner FILE            prints the Cluster's created-by annotation (the owner marker), or an
//                         empty line when it has none
//   spec-revision FILE [--unless-same-as CURRENT]
//                         prints a new revision of the spec FILE about to be written: its objects'
//                         sha256 (16 hex digits) and a random id, new at every write even of the
//                         same spec (see withSpecRevision); with --unless-same-as, prints nothing
//                         when FILE holds the same objects as CURRENT (key order, formatting and
//                         document order ignored: kops re-serializes them), i.e. nothing to write
//   kubeconfig-exec COMMAND [NAME=VALUE...]
//                         stdin -> stdout, the kubeconfig with kOps' `kops helpers kubectl-auth`
//                         exec user running COMMAND with the given environment
// Exit codes: 0 done, 1 failed, 2 usage error. Errors go to stderr as
// `kops-iam-auth: error: <message>`. The YAML library and the spec patch load only in the jobs
// that use them, so that `run` (every script's start) and the small jobs start quickly.
import { spawnSync } from "child_process";
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as YAML from "yaml";
import { canonicalJson } from "./canonicalJson";

/**
 * The annotation that says which stack and component created the cluster (its owner marker,
 * clusterOwnerMarker in ./commandEnvironment.ts): a re-run of that component after a failure
 * converges on it, any other stack is refused.
 */
export const createdByAnnotation = "kops-iam-auth/created-by";

/** The lifecycle scripts `run` accepts, in ./scripts next to this file's source. */
export const lifecycleScripts = ["claim.sh", "upsert-spec.sh", "apply.sh", "kubeconfig.sh", "delete.sh"] as const;

/**
 * Where the scripts are. They ship as source (components/kops/scripts); this file runs either from
 * source (components/kops, under ts-node) or compiled (dist/kops), so the path is found from the
 * package root, the nearest directory above with this package's package.json.
 */
export function scriptsDirectory(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "components", "kops", "scripts");
        if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(candidate)) {
            return candidate;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`cannot find the kOps scripts (components/kops/scripts) above ${__dirname}`);
        }
    }
}

class UsageError extends Error {}

/** The yaml package, loaded on first use (see the header). */
function yaml(): typeof YAML {
    return require("yaml");
}

function documents(text: string): YAML.Document[] {
    return yaml()
        .parseAllDocuments(text)
        .filter((d) => d.contents !== null) as YAML.Document[];
}

function canonicalObjects(file: string): string[] {
    return documents(fs.readFileSync(file, "utf8"))
        .map((d) => canonicalJson(d.toJS()))
        .sort();
}

function clusterDocument(docs: YAML.Document[]): YAML.Document | undefined {
    return docs.find((d) => d.get("kind") === "Cluster");
}

function runScript(args: string[]): number {
    const [script, ...scriptArgs] = args;
    if (!(lifecycleScripts as readonly string[]).includes(script)) {
        throw new UsageError(`run: unknown script ${JSON.stringify(script)} (accepted: ${lifecycleScripts.join(", ")})`);
    }
    const result = spawnSync("bash", [path.join(scriptsDirectory(), script), ...scriptArgs], { stdio: "inherit" });
    if (result.error) {
        throw result.error;
    }
    // A script killed by a signal (a timeout, a cancelled update) fails like bash reports it.
    return result.status ?? 128 + (result.signal ? os.constants.signals[result.signal] : 0);
}

function owner(args: string[]): string {
    if (args.length !== 1) {
        throw new UsageError("owner: expected one file");
    }
    const cluster = clusterDocument(documents(fs.readFileSync(args[0], "utf8")));
    if (!cluster) {
        throw new Error(`no Cluster document in ${args[0]}`);
    }
    const marker = cluster.getIn(["metadata", "annotations", createdByAnnotation]);
    return `${marker === undefined || marker === null ? "" : String(marker)}\n`;
}

/** The spec `text` with its Cluster annotated as created by `owner`. */
function withOwnerMarker(text: string, owner: string): string {
    const docs = documents(text);
    const cluster = clusterDocument(docs);
    if (!cluster) {
        throw new Error("no Cluster document in the spec");
    }
    cluster.setIn(["metadata", "annotations", createdByAnnotation], owner);
    return docs.map((d) => d.toString({ directives: false })).join("---\n");
}

function specRevision(args: string[]): string {
    const [file, flag, current] = args;
    if (!(args.length === 1 || (args.length === 3 && flag === "--unless-same-as"))) {
        throw new UsageError("spec-revision: expected one file, and optionally --unless-same-as CURRENT");
    }
    const objects = canonicalObjects(file);
    if (current !== undefined) {
        const currentObjects = canonicalObjects(current);
        if (objects.length === currentObjects.length && objects.every((object, i) => object === currentObjects[i])) {
            return "";
        }
    }
    const digest = createHash("sha256").update(objects.join("\n")).digest("hex");
    return `${digest.slice(0, 16)}-${randomUUID()}\n`;
}

function kubeconfigExec(args: string[]): string {
    const [command, ...env] = args;
    if (!command) {
        throw new UsageError("kubeconfig-exec: expected a command");
    }
    const config = yaml().parse(fs.readFileSync(0, "utf8"));
    const execs = ((config && config.users) || [])
        .map((user: any) => user.user && user.user.exec)
        .filter(
            (exec: any) => exec && exec.command === "kops" && (exec.args || []).slice(0, 2).join(" ") === "helpers kubectl-auth",
        );
    if (execs.length === 0) {
        throw new Error("kops exported no user running `kops helpers kubectl-auth`");
    }
    for (const exec of execs) {
        exec.command = command;
        if (env.length > 0) {
            exec.env = env.map((pair) => ({ name: pair.slice(0, pair.indexOf("=")), value: pair.slice(pair.indexOf("=") + 1) }));
        }
    }
    return yaml().stringify(config);
}

function patchSpec(args: string[]): string {
    const mark = args[0] === "--mark";
    const marker = mark ? args[1] : undefined;
    if (mark && !marker) {
        throw new UsageError("patch-spec: --mark expects the owner");
    }
    const unexpected = args.slice(mark ? 2 : 0);
    if (unexpected.length > 0) {
        throw new UsageError(`patch-spec: unexpected argument ${JSON.stringify(unexpected[0])} (options come in SPEC_PATCH)`);
    }
    if (!process.env.SPEC_PATCH) {
        throw new UsageError("patch-spec: SPEC_PATCH is not set");
    }
    const { parseSpecPatchOptions } = require("./specPatchOptions") as typeof import("./specPatchOptions");
    const { patchClusterSpec } = require("./specPatch") as typeof import("./specPatch");
    const options = parseSpecPatchOptions(process.env.SPEC_PATCH);
    const input = fs.readFileSync(0, "utf8");
    if (input.trim() === "") {
        throw new Error("no kOps YAML on stdin");
    }
    const patched = patchClusterSpec(input, options);
    return marker === undefined ? patched : withOwnerMarker(patched, marker);
}

/** Runs one job (the arguments after the program name) and sets the process's exit code. */
export function main(argv: string[]): void {
    process.exitCode = runJob(argv);
}

/** Runs one job (the arguments after the program name); returns the exit code. */
export function runJob(argv: string[]): number {
    const [job, ...args] = argv;
    try {
        switch (job) {
            case "run":
                return runScript(args);
            case "patch-spec":
                process.stdout.write(patchSpec(args));
                return 0;
            case "owner":
                process.stdout.write(owner(args));
                return 0;
            case "spec-revision":
                process.stdout.write(specRevision(args));
                return 0;
            case "kubeconfig-exec":
                process.stdout.write(kubeconfigExec(args));
                return 0;
            default:
                throw new UsageError(
                    `unknown job ${JSON.stringify(job)} (accepted: run, patch-spec, owner, spec-revision, kubeconfig-exec)`,
                );
        }
    } catch (err) {
        process.stderr.write(`kops-iam-auth: error: ${(err as Error).message}\n`);
        return err instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2));
}
