// The change from one rendering of the program to another, as `pulumi up` would carry it out:
// which resources get other inputs, which kOps commands therefore run (a command re-runs exactly
// when its own inputs change), and whether a provider's check refuses the change at preview.
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { toolOnlyEnvironment } from "../../components/kops/commandEnvironment";
import { diffCommandInputs } from "../../components/kops/lifecycle";
import { isSecretValue, unwrapSecrets } from "./fakeProviders";
import { dependencyOrder } from "./graph";
import { CommandStep, KopsOperation, kopsImpact, kopsOperation } from "./kopsOperations";
import type { RecordedResource, ProgramRendering } from "./mockRuntime";

export interface ResourceChange {
    type: string;
    name: string;
    /** False for components, whose changes touch nothing outside the state. */
    custom: boolean;
    change: "added" | "removed" | "changed";
    /** Input paths that differ (`environment.NODE_COUNT`); empty unless changed. */
    changedInputs: string[];
    /** For a changed command: each changed value, old → new (`environment.NODE_COUNT: 2 → 5`). */
    details: string[];
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
    const stepOf: Record<ResourceChange["change"], CommandStep> = { added: "create", changed: "update", removed: "delete" };
    const visit = (resource: RecordedResource, change: ResourceChange["change"], changedInputs: string[]) => {
        const old = beforeByUrn.get(resource.urn);
        const details = resource.type === commandType && change === "changed" && old
            ? changeDetails(old, resource, changedInputs) : [];
        resourceChanges.push({ type: resource.type, name: resource.name, custom: resource.custom, change, changedInputs, details });
        if (resource.type === commandType) {
            const operation = kopsOperation(resource.name, resource.plainInputs, stepOf[change], { toolOnly });
            if (operation) {
                operations.push(operation);
            }
        }
    };
    for (const resource of dependencyOrder(after.resources)) {
        const change = changeByUrn.get(resource.urn);
        if (change) {
            visit(resource, change.change, change.changedInputs);
        }
    }
    for (const resource of dependencyOrder(before.resources).reverse()) {
        if (!afterByUrn.has(resource.urn)) {
            visit(resource, "removed", []);
        }
    }
    return {
        refusals,
        resourceChanges,
        operations: refusals.length > 0 ? [] : operations,
        impact: refusals.length > 0 ? "refused" : kopsImpact(operations),
    };
}
