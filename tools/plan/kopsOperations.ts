// What a kOps command resource runs, in kOps terms: its command line names one of
// components/kops/scripts/*.sh and a mode, its environment the values the script reads. Every kops
// call also gets --name <cluster> --state <store> and is preceded by a `kops version` check.
// tests/plan/kopsOperations.test.ts checks each description against the scripts themselves.
import { leaveAdoptedClusterRunning, parseKopsCommandLine } from "../../components/core/kopsCommandLines";
import { purgeClusterVersionsScript } from "../../components/aws/statePurge";

/** A lifecycle step of a `local.Command`: which of its command lines the engine runs. */
export type CommandStep = "create" | "update" | "delete";

/** The kOps steps a command line stands for. */
export type KopsStepKind = "check" | "spec" | "update" | "rolling-update" | "validate" | "kubeconfig" | "delete";

export interface KopsOperation {
    /** The command resource's name. */
    resource: string;
    step: CommandStep;
    /** `apply.sh update`, or the line itself when it runs no script. */
    script: string;
    /** kOps calls in order, e.g. `kops update cluster --yes → kops validate cluster --wait 15m`. */
    description: string;
    kinds: KopsStepKind[];
}

interface ScriptStep {
    description: string;
    kinds: KopsStepKind[];
}

const convergeSpec: ScriptStep = {
    description: "kops get cluster + kops get instancegroups → spec patch → kops replace -f - --force (only if the patch changes the spec)",
    kinds: ["spec"],
};

/**
 * The kOps calls of one script run; `environment` is the command's (plain) environment. `toolOnly`:
 * only tool settings changed (toolOnlyEnvironment), so the spec is unchanged and applied, and every
 * call is read-only.
 */
function scriptStep(script: string, mode: string | undefined, environment: Record<string, string>, toolOnly: boolean): ScriptStep | undefined {
    const validate = `kops validate cluster --wait ${environment.VALIDATE_TIMEOUT ?? "15m"}`;
    if (toolOnly && `${script} ${mode ?? ""}` === "upsert-spec.sh update") {
        return { description: "read-only: kops get cluster + kops get instancegroups → spec patch changes nothing: no replace", kinds: ["check"] };
    }
    if (toolOnly && `${script} ${mode ?? ""}` === "apply.sh update") {
        return {
            description: "read-only: kops update cluster (dry run: no change) → kops rolling-update cluster (dry run: nothing outdated) → " +
                validate,
            kinds: ["check", "validate"],
        };
    }
    switch (`${script} ${mode ?? ""}`.trim()) {
        case "claim.sh create":
        case "claim.sh update":
            return {
                description: "read-only: kops get cluster → absent, this stack's (owner marker) or adopted; another owner stops the up " +
                    "before the authenticator's files are uploaded",
                kinds: ["check"],
            };
        case "upsert-spec.sh create":
            // An absent cluster is created; an adopted one is converged like on update.
            return environment.ADOPT_EXISTING === "true" ? convergeSpec : {
                description: "kops create cluster --dry-run -o yaml → spec patch → kops replace -f - --force",
                kinds: ["spec"],
            };
        case "upsert-spec.sh update":
            return convergeSpec;
        case "apply.sh create":
            // The rolling update after validate rolls only what an earlier failed first run left outdated: nothing on a clean one.
            return {
                description: `kops update cluster --yes → ${validate} → kops rolling-update cluster (dry run; --yes and validate again ` +
                    "only for instances an earlier, failed run left outdated)",
                kinds: ["update", "validate"],
            };
        case "apply.sh update":
            return {
                description: "kops update cluster (dry run) → kops update cluster --yes (if it lists changes) → kops rolling-update cluster " +
                    `(dry run) → kops rolling-update cluster --yes (if instances are outdated) → ${validate}`,
                kinds: ["update", "rolling-update", "validate"],
            };
        case "kubeconfig.sh":
            return {
                description: environment.KUBECONFIG_MODE === "admin"
                    ? `kops export kubecfg --admin=${environment.ADMIN_TTL}`
                    : "kops export kubecfg --auth-plugin",
                kinds: ["kubeconfig"],
            };
        case "delete.sh":
            return { description: "kops delete cluster --yes (a cluster already gone counts as deleted)", kinds: ["delete"] };
        default:
            return undefined;
    }
}

/**
 * The kOps operation `step` of a command resource runs, or undefined when the command has no such
 * line (the apply and kubeconfig commands delete nothing). `inputs` are plain (secrets unwrapped).
 */
export function kopsOperation(resource: string, inputs: Record<string, any>, step: CommandStep,
    options: { toolOnly?: boolean } = {}): KopsOperation | undefined {
    // A command without an `update` line runs `create` again on a change.
    const line: unknown = step === "update" ? inputs.update ?? inputs.create : inputs[step];
    if (typeof line !== "string" || line === "") {
        return undefined;
    }
    if (line === leaveAdoptedClusterRunning) {
        return { resource, step, script: "echo", description: "no kops call: the adopted cluster is left running", kinds: [] };
    }
    if (line === purgeClusterVersionsScript) {
        const env = inputs.environment ?? {};
        return {
            resource, step, script: "aws s3api",
            description: `no kops call: aws s3api list-object-versions + delete-objects, every version and delete marker under ` +
                `s3://${env.STATE_BUCKET}/${env.CLUSTER_PREFIX} (what kops delete cluster leaves), before the bucket's deletion`,
            kinds: [],
        };
    }
    const parsed = parseKopsCommandLine(line);
    const script = parsed?.script;
    const mode = parsed?.args[0];
    const known = script ? scriptStep(script, mode, inputs.environment ?? {}, step === "update" && options.toolOnly === true) : undefined;
    if (!script || !known) {
        return { resource, step, script: line, description: `runs: ${line}`, kinds: [] };
    }
    return { resource, step, script: mode ? `${script} ${mode}` : script, ...known };
}

const kindOrder: KopsStepKind[] = ["check", "spec", "update", "rolling-update", "validate", "kubeconfig", "delete"];

/** What a set of operations costs, as the lifecycle table says it: `none`, or e.g. `spec + update + rolling-update + validate`. */
export function kopsImpact(operations: KopsOperation[]): string {
    const kinds = new Set(operations.flatMap((o) => o.kinds));
    return kinds.size === 0 ? "none" : kindOrder.filter((k) => kinds.has(k)).join(" + ");
}
