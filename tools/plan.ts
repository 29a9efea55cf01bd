// `npm run plan`: what `pulumi up` will do, offline, with no AWS account, Pulumi CLI or network.
// Renders the real program (Pulumi.yaml's main, index.ts) with a stack's config under Pulumi's mock
// runtime, prints the resources and the kOps operations, and writes the rendered artifacts; or
// compares two configurations and prints which resources change and which kOps operations run.
//
// Exit status: 0 done; 1 the configuration or the program fails, or a compared change is refused
// at preview (as `pulumi up` would fail); 2 usage, or a stack file that is missing or cannot be
// read offline.
import * as fs from "fs";
import * as path from "path";
import { compareStacks, isReplaceableOutput, planStack, writePlanFiles } from "./plan/run";
import { StackConfig, StackFileError } from "./plan/stackFiles";

const projectDir = path.resolve(__dirname, "..");

const usage = `usage:
  npm run plan -- --stack <name> [--kops-spec <kops.yaml>] [--out <dir>] [--program <file>]
      Plans stack <name> (Pulumi.<name>.yaml): prints the resources and the kOps operations of the
      first pulumi up, writes the rendered files to plan/<name>/ (or --out).
      --kops-spec: also patch this kOps YAML (kops create cluster --dry-run -o yaml output) as the
      spec command would.
  npm run plan -- --stack <a> --compare <b|file> [--program <file>]
  npm run plan -- --config-a <file> --config-b <file> [--program <file>]
      What changing stack a's config to b's costs: the resources that change and the kOps operations
      that run (none, or spec + update + rolling-update ...), or the refusal of an immutable change
      (exit 1: the first line says REFUSED, as \`pulumi up\` fails at preview).
  --config <file> plans any stack file instead of --stack <name>.
  --program <file> renders another program than Pulumi.yaml's main (index.ts).`;

class UsageError extends Error {}
class HelpRequested extends Error {}

interface Arguments {
    stackFile?: string;
    compareFile?: string;
    program?: string;
    kopsSpec?: string;
    out?: string;
}

/** A path for messages: relative to the working directory when inside it. */
function shown(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative.startsWith("..") ? file : relative;
}

function stackFileOf(name: string): string {
    if (!/^[\w.-]+$/.test(name)) {
        throw new UsageError(`--stack ${JSON.stringify(name)} is not a stack name (letters, digits, _ . -)`);
    }
    return path.join(projectDir, `Pulumi.${name}.yaml`);
}

/** `dev` → Pulumi.dev.yaml in the project; anything with a slash or a .yaml ending is a file. */
function stackOrFile(value: string): string {
    return /[/\\]|\.ya?ml$/.test(value) ? path.resolve(value) : stackFileOf(value);
}

function parseArguments(argv: string[]): Arguments {
    const args: Arguments = {};
    const set = (key: keyof Arguments, flag: string, value: string | undefined) => {
        if (value === undefined || value.startsWith("--")) {
            throw new UsageError(`${flag} needs a value`);
        }
        if (args[key] !== undefined) {
            throw new UsageError(`${flag} given twice, or together with an option naming the same thing`);
        }
        args[key] = value;
    };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        switch (flag) {
            case "--stack":
                set("stackFile", flag, value === undefined ? value : stackFileOf(value));
                i++;
                break;
            case "--config":
            case "--config-a":
                set("stackFile", flag, value && path.resolve(value));
                i++;
                break;
            case "--compare":
                set("compareFile", flag, value && stackOrFile(value));
                i++;
                break;
            case "--config-b":
                set("compareFile", flag, value && path.resolve(value));
                i++;
                break;
            case "--program":
                set("program", flag, value && path.resolve(value));
                i++;
                break;
            case "--kops-spec":
                set("kopsSpec", flag, value && path.resolve(value));
                i++;
                break;
            case "--out":
                set("out", flag, value && path.resolve(value));
                i++;
                break;
            case "--help":
            case "-h":
                throw new HelpRequested();
            default:
                throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
        }
    }
    if (args.stackFile === undefined) {
        throw new UsageError("say which stack: --stack <name> or --config <file>");
    }
    if (args.compareFile !== undefined && (args.kopsSpec !== undefined || args.out !== undefined)) {
        throw new UsageError("--kops-spec and --out plan one stack; a comparison writes no files");
    }
    if (args.out !== undefined && !isReplaceableOutput(args.out)) {
        throw new UsageError(
            `--out ${shown(args.out)} holds files but no earlier plan (no PLACEHOLDERS.md); ` +
                "the plan replaces its output directory, so give an empty or new one",
        );
    }
    return args;
}

async function main(argv: string[]): Promise<number> {
    const started = Date.now();
    const args = parseArguments(argv);
    const source = { projectDir, stackFile: shown(args.stackFile!), program: args.program };
    const noteSkippedSecrets = (stack: StackConfig) => {
        if (stack.skippedSecrets.length > 0) {
            process.stderr.write(
                `plan: ${shown(stack.file)}: left out the encrypted ${stack.skippedSecrets.join(", ")} ` +
                    "(never decrypted: only providers read them, and plan runs none)\n",
            );
        }
    };
    if (args.compareFile !== undefined) {
        const result = await compareStacks(source, { ...source, stackFile: shown(args.compareFile) });
        noteSkippedSecrets(result.before.stack);
        noteSkippedSecrets(result.after.stack);
        process.stdout.write(result.report);
        if (result.comparison.refusals.length > 0) {
            process.stderr.write(`plan: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
            return 1;
        }
    } else {
        if (args.kopsSpec !== undefined && !fs.existsSync(args.kopsSpec)) {
            throw new UsageError(`--kops-spec ${shown(args.kopsSpec)} does not exist`);
        }
        const kopsSpec = args.kopsSpec === undefined ? undefined : fs.readFileSync(args.kopsSpec, "utf8");
        const plan = await planStack(source, kopsSpec);
        noteSkippedSecrets(plan.rendered.stack);
        const out = args.out ?? path.join(projectDir, "plan", plan.rendered.rendering.stack);
        writePlanFiles(out, plan.files);
        process.stdout.write(
            `${plan.report}\nWrote ${plan.files.length} files to ${shown(out)}/:\n` +
                plan.files.map((f) => `  ${f.path}\n`).join(""),
        );
    }
    process.stderr.write(`plan: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        if (error instanceof HelpRequested) {
            process.stdout.write(`${usage}\n`);
        } else if (error instanceof UsageError) {
            process.stderr.write(`error: ${error.message}\n${usage}\n`);
            process.exitCode = 2;
        } else if (error instanceof StackFileError) {
            const stackFiles = fs.readdirSync(projectDir).filter((f) => /^Pulumi\.(.+)\.yaml$/.test(f));
            process.stderr.write(
                `error: ${error.message}\n(stack files in ${shown(projectDir) || "."}: ${stackFiles.join(", ") || "none"})\n`,
            );
            process.exitCode = 2;
        } else {
            // A ConfigError lists every problem in its message, as `pulumi up` prints it.
            const errors: unknown[] = (error as { errors?: unknown[] }).errors ?? [error];
            for (const e of errors) {
                process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
            }
            process.exitCode = 1;
        }
    },
);
