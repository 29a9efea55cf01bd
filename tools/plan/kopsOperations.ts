// What a kOps command resource runs, in kOps terms: its command line names one of
// components/kops/scripts/*.sh and a mode, its environment the values the script reads. Every kops
// call also gets --name <cluster> --state <store> and is preceded by a `kops version` check.
// tests/plan/kopsOperations.test.ts checks each description against the scripts themselves.
import { leaveAdoptedClusterRunning, parseKopsCommandLine } from "../../components/kops/commandEnvironment";
import { purgeClusterVersionsScript } from "../../components/statePurge";

/** A lifecycle step of a `local.Command`: which of its command lines the engine runs. */
export type CommandStep = "create" | "update" | "delete";

/** The kOps steps a command line stands for. */
export type KopsStepKind = "spec" | "update" | "rolling-update" | "validate" | "kubeconfig" | "delete";

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

/** The kOps calls of one script run; `environment` is the command's (plain) environment. */
function scriptStep(script: string, mode: string | undefined, environment: Record<string, string>): ScriptStep | undefined {
    const validate = `kops validate cluster --wait ${environment.VALIDATE_TIMEOUT ?? "15m"}`;
    switch (`${script} ${mode ?? ""}`.trim()) {
        case "upsert-spec.sh create":
            // An absent cluster is created; an adopted one is converged like on update.
            return environment.ADOPT_EXISTING === "true" ? convergeSpec : {
                description: "kops create cluster --dry-run -o yaml → spec patch → kops replace -f - --force",
                kinds: ["spec"],
            };
        case "upsert-spec.sh update":
            return convergeSpec;
        case "apply.sh create":
            return { description: `kops update cluster --yes → ${validate}`, kinds: ["update", "validate"] };
        case "apply.sh update":
            return {
                description: `kops update cluster --yes → kops rolling-update cluster --yes → ${validate}`,
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
export function kopsOperation(resource: string, inputs: Record<string, any>, step: CommandStep): KopsOperation | undefined {
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
    const known = script ? scriptStep(script, mode, inputs.environment ?? {}) : undefined;
    if (!script || !known) {
        return { resource, step, script: line, description: `runs: ${line}`, kinds: [] };
    }
    return { resource, step, script: mode ? `${script} ${mode}` : script, ...known };
}

const kindOrder: KopsStepKind[] = ["spec", "update", "rolling-update", "validate", "kubeconfig", "delete"];

/** What a set of operations costs, as the lifecycle table says it: `none`, or e.g. `spec + update + rolling-update + validate`. */
export function kopsImpact(operations: KopsOperation[]): string {
    const kinds = new Set(operations.flatMap((o) => o.kinds));
    return kinds.size === 0 ? "none" : kindOrder.filter((k) => kinds.has(k)).join(" + ");
}
