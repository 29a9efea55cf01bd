// The change from one rendering of the program to another, as `pulumi up` would carry it out:
// which resources get other inputs, which kOps commands therefore run (a command re-runs exactly
// when its own inputs change), and whether a provider's check refuses the change at preview.
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { toolOnlyEnvironment } from "../../components/kops/commandEnvironment";
import { canonicalJson } from "../../components/kops/canonicalJson";
import { diffCommandInputs } from "./inputDiff";
import { isSecretValue, unwrapSecrets } from "./fakeProviders";
import { dependencyOrder } from "./graph";
import { CommandStep, KopsOperation, kopsImpact, kopsOperation } from "./kopsOperations";
import type { RecordedResource, ProgramRendering } from "./mockRuntime";

export interface ResourceChange {
    type: string;
    name: string;
    /** False for components, whose changes touch nothing outside the state. */
    custom: boolean;
    /** `replaced`: changed in an input the engine replaces the resource for (replacementCauses). */
    change: "added" | "removed" | "changed" | "replaced";
    /** Input paths that differ (`environment.NODE_COUNT`); empty unless changed or replaced. */
    changedInputs: string[];
    /** For a changed command: each changed value, old → new (`environment.NODE_COUNT: 2 → 5`). */
    details: string[];
    /** For a replaced resource: the inputs that force it, and whether the old one is deleted first. */
    replacement?: { causes: string[]; deleteBeforeReplace: boolean };
}

/**
 * A command whose `delete` line runs because of the change: the resource leaves the program (or
 * its URN changes, which to Pulumi is the same), or it is replaced. Such a line is meant for
 * `pulumi destroy` (`kops delete cluster`, the purge of the state store's old versions).
 */
export interface DestroyTimeRun {
    type: string;
    name: string;
    /** Why: `it leaves the program`, `it changes URN`, `it is replaced`. */
    cause: "leaves the program" | "changes URN" | "is replaced";
    /** What the delete line runs (kopsOperation's description). */
    runs: string;
}

export interface Refusal {
    type: string;
    name: string;
    reason: string;
}

export interface Comparison {
    /** Failures of provider checks: `pulumi up` stops at preview and touches nothing. */
    refusals: Refusal[];
    /** In the order `pulumi up` would reach them (removed resources last, as the engine deletes them last). */
    resourceChanges: ResourceChange[];
    /** The kOps operations that run, in order; empty when refused. */
    operations: KopsOperation[];
    /** `refused`, `none`, or the kinds of kOps steps that run (kopsImpact). */
    impact: string;
    /** Delete lines of commands that the change runs; empty when refused. */
    destroyTimeRuns: DestroyTimeRun[];
}

const commandType = "command:local:Command";
const dynamicTypePrefix = "pulumi-nodejs:dynamic/";

/** The value at an input path (`environment.NODE_COUNT`), and whether any part of the way is secret. */
function inputAt(resource: RecordedResource, inputPath: string): { value: unknown; secret: boolean } {
    let value: unknown = resource.inputs;
    let secret = false;
    for (const key of inputPath.split(".")) {
        if (isSecretValue(value)) {
            secret = true;
            value = value.value;
        }
        value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    return { value: unwrapSecrets(value), secret: secret || isSecretValue(value) };
}

function shortValue(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value) ?? "(none)";
    return text.length > 72 ? `${text.slice(0, 69)}...` : text;
}

function jsonObject(value: unknown): Record<string, unknown> | undefined {
    try {
        const parsed = typeof value === "string" ? JSON.parse(value) : undefined;
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
    } catch {
        return undefined;
    }
}

/** `path: old → new` for each changed input of a command; JSON values (SPEC_PATCH) key by key. */
function changeDetails(before: RecordedResource, after: RecordedResource, changedInputs: string[]): string[] {
    return changedInputs.flatMap((inputPath) => {
        const [a, b] = [inputAt(before, inputPath), inputAt(after, inputPath)];
        if (a.secret || b.secret) {
            return [`${inputPath}: (secret) changed`];
        }
        const [objectA, objectB] = [jsonObject(a.value), jsonObject(b.value)];
        if (objectA && objectB) {
            return [...new Set([...Object.keys(objectA), ...Object.keys(objectB)])]
                .filter((key) => JSON.stringify(objectA[key]) !== JSON.stringify(objectB[key]))
                .map((key) => `${inputPath}.${key}: ${shortValue(objectA[key])} → ${shortValue(objectB[key])}`);
        }
        return [`${inputPath}: ${shortValue(a.value)} → ${shortValue(b.value)}`];
    });
}

/**
 * What the engine does with a dynamic resource on update: it loads the provider serialized into the
 * new inputs (`__provider`, as Pulumi's Node.js dynamic provider host does) and calls its check
 * with the old and new inputs. The failures are the refusals the preview would print.
 */
async function dynamicCheckFailures(before: RecordedResource, after: RecordedResource): Promise<string[]> {
    const news = after.plainInputs;
    const requireFromString = require(require.resolve("require-from-string", {
        paths: [path.dirname(require.resolve("@pulumi/pulumi"))],
    }));
    const provider: pulumi.dynamic.ResourceProvider = requireFromString(news.__provider).handler();
    if (!provider.check) {
        return [];
    }
    const result = await provider.check(before.plainInputs, news);
    return (result.failures ?? []).map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason));
}

/** True when a changed input path falls under an option's path (`spec` covers `spec.template`, and the reverse). */
function pathsOverlap(changed: string, option: string): boolean {
    return option === "*" || changed === option || changed.startsWith(`${option}.`) || option.startsWith(`${changed}.`);
}

/**
 * The inputs for which a provider replaces a resource instead of updating it, for the types whose
 * rule is known here. local.Command: pulumi-command marks only `triggers` replaceOnChanges in its
 * schema (v1.2.1, provider/pkg/provider/common/inputs.go) and, the resource having an Update,
 * pulumi-go-provider's default diff (v1.3.0, infer/resource.go Diff) replaces on no other input: a
 * change to `create`, `update`, `delete` or `environment` is an update. SelfSignedCert: the tls
 * provider's tls_self_signed_cert requires replacement for every input but earlyRenewalHours
 * (terraform-provider-tls, internal/provider/resource_self_signed_cert.go).
 */
const providerReplaceInputs: Record<string, string[]> = {
    [commandType]: ["triggers"],
    "tls:index/selfSignedCert:SelfSignedCert": [
        "privateKeyPem", "validityPeriodHours", "allowedUses", "dnsNames", "ipAddresses", "uris",
        "isCaCertificate", "setSubjectKeyId", "setAuthorityKeyId", "subject",
    ],
};

/** The changed inputs for which the engine replaces `resource` (the provider's rule above, and its `replaceOnChanges` option). */
export function replacementCauses(resource: RecordedResource, changedInputs: string[]): string[] {
    const forced = [...resource.options.replaceOnChanges, ...(providerReplaceInputs[resource.type] ?? [])];
    return changedInputs.filter((changed) => forced.some((option) => pathsOverlap(changed, option)));
}

/** The resource options that replace `resource` whatever its inputs: a changed replacementTrigger, a replaced replaceWith resource. */
function optionReplacementCauses(old: RecordedResource, resource: RecordedResource, renewed: Map<string, RecordedResource>): string[] {
    const trigger = canonicalJson(old.options.replacementTrigger) !== canonicalJson(resource.options.replacementTrigger)
        ? ["replacementTrigger"] : [];
    const withReplaced = resource.options.replaceWith.flatMap((urn) => {
        const replaced = renewed.get(urn);
        return replaced ? [`replaceWith ${replaced.name}`] : [];
    });
    return [...trigger, ...withReplaced];
}

/**
 * The inputs of `resource` whose values come from a resource in `renewed` (replaced, or created
 * under a new URN): its outputs are new (a new certificate, say), unknown at preview, so those
 * inputs change at `pulumi up` although the plan's placeholders for them are the same.
 */
function inputsFromRenewed(resource: RecordedResource, renewed: Map<string, RecordedResource>): { input: string; from: RecordedResource }[] {
    return Object.entries(resource.options.propertyDependencies).flatMap(([input, urns]) => {
        const from = urns.map((urn) => renewed.get(urn)).find((r) => r !== undefined);
        return from ? [{ input, from }] : [];
    });
}

/** The delete line of a command resource, if it has one: what `pulumi destroy` (or a removal or replacement) runs. */
function deleteLine(resource: RecordedResource): string | undefined {
    const line: unknown = resource.type.startsWith("command:") ? resource.plainInputs.delete : undefined;
    return typeof line === "string" && line !== "" ? line : undefined;
}

/** Compares two renderings of a program: `before` is the deployed configuration, `after` the new one. */
export async function compareRenderings(before: ProgramRendering, after: ProgramRendering): Promise<Comparison> {
    // Resources are matched by URN: a resource whose URN changes is a different resource to Pulumi.
    const rendered = (r: ProgramRendering) => r.resources.map((x) => ({ name: x.urn, inputs: x.plainInputs }));
    const changes = diffCommandInputs(rendered(before), rendered(after));
    const beforeByUrn = new Map(before.resources.map((r) => [r.urn, r]));
    const afterByUrn = new Map(after.resources.map((r) => [r.urn, r]));

    const refusals: Refusal[] = [];
    for (const resource of after.resources.filter((r) => r.type.startsWith(dynamicTypePrefix))) {
        const old = beforeByUrn.get(resource.urn);
        if (old) {
            for (const reason of await dynamicCheckFailures(old, resource)) {
                refusals.push({ type: resource.type, name: resource.name, reason });
            }
        }
    }

    const changeByUrn = new Map(changes.map((c) => [c.name, c]));
    // Only tool settings changed (the kops binary, the AWS profile, the validate timeout, and the
    // spec fingerprint that follows them): every kOps command that re-runs is read-only.
    const toolInputs = new Set([...toolOnlyEnvironment.map((v) => `environment.${v}`), "environment.SPEC_FINGERPRINT"]);
    const commandChanges = changes.filter((c) => afterByUrn.get(c.name)?.type === commandType);
    const toolOnly = commandChanges.length > 0 &&
        commandChanges.every((c) => c.change === "changed" && c.changedInputs.every((p) => toolInputs.has(p)));
    const resourceChanges: ResourceChange[] = [];
    const operations: KopsOperation[] = [];
    const destroyTimeRuns: DestroyTimeRun[] = [];
    const stepOf: Record<"added" | "changed" | "removed", CommandStep> = { added: "create", changed: "update", removed: "delete" };
    const runCommand = (resource: RecordedResource, step: CommandStep) => {
        const operation = resource.type === commandType
            ? kopsOperation(resource.name, resource.plainInputs, step, { toolOnly }) : undefined;
        if (operation) {
            operations.push(operation);
        }
    };
    // The old resource's delete line runs with the inputs it was deployed with.
    const runDelete = (old: RecordedResource, cause: DestroyTimeRun["cause"]) => {
        if (old.options.retainOnDelete) {
            return;
        }
        const line = deleteLine(old);
        if (line !== undefined) {
            const runs = kopsOperation(old.name, old.plainInputs, "delete")?.description ?? `runs: ${line}`;
            destroyTimeRuns.push({ type: old.type, name: old.name, cause, runs });
        }
        runCommand(old, "delete");
    };
    // Resources whose provider outputs are new: replaced, or created under another URN.
    const renewed = new Map<string, RecordedResource>();
    const visit = (resource: RecordedResource, change: "added" | "changed" | "removed", diffInputs: string[]) => {
        const old = beforeByUrn.get(resource.urn);
        const fromRenewed = change === "changed" ? inputsFromRenewed(resource, renewed) : [];
        const changedInputs = [...new Set([...diffInputs, ...fromRenewed.map((f) => f.input)])];
        const details = [
            ...(resource.type === commandType && change === "changed" && old ? changeDetails(old, resource, diffInputs) : []),
            ...fromRenewed.map((f) => `${f.input}: from replaced ${f.from.type} ${f.from.name} (unknown until pulumi up)`),
        ];
        const causes = change === "changed" && old
            ? [...replacementCauses(resource, changedInputs), ...optionReplacementCauses(old, resource, renewed)] : [];
        if (change === "added" && before.resources.some((r) => r.type === resource.type && r.name === resource.name)) {
            renewed.set(resource.urn, resource);
        }
        if (causes.length > 0 && old) {
            renewed.set(resource.urn, resource);
            const deleteBeforeReplace = resource.options.deleteBeforeReplace;
            resourceChanges.push({
                type: resource.type, name: resource.name, custom: resource.custom, change: "replaced", changedInputs, details,
                replacement: { causes, deleteBeforeReplace },
            });
            if (deleteBeforeReplace) {
                runDelete(old, "is replaced");
                runCommand(resource, "create");
            } else {
                runCommand(resource, "create");
                runDelete(old, "is replaced");
            }
            return;
        }
        resourceChanges.push({ type: resource.type, name: resource.name, custom: resource.custom, change, changedInputs, details });
        if (change === "removed") {
            // Pulumi matches resources by URN: one that comes back under another parent or name is deleted and created.
            const successor = after.resources.some((r) => r.type === resource.type && r.name === resource.name);
            runDelete(resource, successor ? "changes URN" : "leaves the program");
        } else {
            runCommand(resource, stepOf[change]);
        }
    };
    for (const resource of dependencyOrder(after.resources)) {
        const change = changeByUrn.get(resource.urn);
        if (change) {
            visit(resource, change.change, change.changedInputs);
        } else {
            const old = beforeByUrn.get(resource.urn);
            if (old && (inputsFromRenewed(resource, renewed).length > 0 || optionReplacementCauses(old, resource, renewed).length > 0)) {
                visit(resource, "changed", []);
            }
        }
    }
    for (const resource of dependencyOrder(before.resources).reverse()) {
        if (!afterByUrn.has(resource.urn)) {
            visit(resource, "removed", []);
        }
    }
    const refused = refusals.length > 0;
    return {
        refusals,
        resourceChanges,
        operations: refused ? [] : operations,
        impact: refused ? "refused" : kopsImpact(operations),
        destroyTimeRuns: refused ? [] : destroyTimeRuns,
    };
}
