// The resource graph of a program run under Pulumi's mocks: the mock monitor's requests give what
// each resource waits for as the engine receives it (its parent, its provider, dependsOn expanded to
// a component's children plus every input's resources: tools/plan/graph.ts, the plan's graph), and
// a stack transform records each resource's parent, dependsOn and provider as the program passed
// them. A resource is created after, and deleted before, everything it waits for.
import * as pulumi from "@pulumi/pulumi";
import { dependencyOrder, prerequisites } from "../../../tools/plan/graph";
import { MockRecorder, RecordedResource, valueOf } from "./pulumiMocks";

/** One resource as the stack transform saw its options. */
export interface TransformRecord {
    type: string;
    name: string;
    resource: pulumi.Resource;
    /** undefined: the stack itself is the parent. */
    parent?: pulumi.Resource;
    dependsOn: pulumi.Resource[];
    provider?: pulumi.ProviderResource;
}

export interface ResourceGraph {
    /** Every recorded resource by URN, in registration order. */
    resources: Map<string, RecordedResource>;
    /** The stack transform's records, with the URNs they resolved to. */
    transforms: Array<TransformRecord & { urn: string; parentUrn?: string; dependsOnUrns: string[]; providerUrn?: string }>;
}

/**
 * Runs `init` as a Pulumi program (inside a stack resource, as the language host does) with a stack
 * transform that records every resource's options. Returns what init returned and the records.
 * With `exportResult`, init's result becomes the stack's outputs, as a program module's exports do.
 */
export async function runRecordingStack<T>(
    init: () => T,
    options: { exportResult?: boolean } = {},
): Promise<{ result: T; transforms: TransformRecord[] }> {
    const transforms: TransformRecord[] = [];
    let result: T | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(({ type, name, resource, opts }) => {
            // Resources rebuilt from a reference (opts.urn) are not registrations.
            if (!opts.urn) {
                const dependsOn = opts.dependsOn as pulumi.Resource | pulumi.Resource[] | undefined;
                transforms.push({
                    type,
                    name,
                    resource,
                    parent: opts.parent,
                    dependsOn: dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn],
                    provider: (opts as pulumi.CustomResourceOptions).provider,
                });
            }
            return undefined;
        });
        result = init();
        return options.exportResult ? (result as Record<string, unknown>) : {};
    });
    return { result: result as T, transforms };
}

const urnOf = (resource: pulumi.Resource) => valueOf(resource.urn);

/** Builds the graph once every registration has reached the mock monitor (call settle() first). */
export async function resourceGraph(mocks: MockRecorder, transforms: TransformRecord[]): Promise<ResourceGraph> {
    const resources = new Map(mocks.resources.map((r) => [r.urn, r]));
    const resolved: ResourceGraph["transforms"] = [];
    for (const record of transforms) {
        const urn = await urnOf(record.resource);
        const providerUrn = record.provider && (await urnOf(record.provider));
        resolved.push({
            ...record,
            urn,
            parentUrn: record.parent && (await urnOf(record.parent)),
            dependsOnUrns: await Promise.all(record.dependsOn.map(urnOf)),
            providerUrn,
        });
    }
    return { resources, transforms: resolved };
}

/** Whether `from` depends on `to`, directly or through other resources. */
export function dependsOn(graph: ResourceGraph, from: string, to: string): boolean {
    const waitsFor = (urn: string) => {
        const resource = graph.resources.get(urn);
        return resource ? prerequisites(resource) : [];
    };
    const seen = new Set<string>();
    const pending = waitsFor(from);
    while (pending.length > 0) {
        const urn = pending.pop()!;
        if (urn === to) {
            return true;
        }
        if (!seen.has(urn)) {
            seen.add(urn);
            pending.push(...waitsFor(urn));
        }
    }
    return false;
}

/** A creation order (tools/plan/graph.ts's dependencyOrder) as URNs; the reverse is a destroy order. */
export function creationOrder(graph: ResourceGraph): string[] {
    return dependencyOrder([...graph.resources.values()]).map((r) => r.urn);
}
