// The resource graph of a rendering under mocks (the plan's and the tests'): what each resource
// waits for (its parent, its provider, the resources its inputs and dependsOn name), and the order
// `pulumi up` may create them in.
import type { RecordedResource } from "./mockRuntime";

/** The provider's URN in a provider reference (`<urn>::<id>`), or undefined for the default provider. */
function providerUrn(reference: string): string | undefined {
    const separator = reference.lastIndexOf("::");
    return reference === "" || separator < 0 ? undefined : reference.slice(0, separator);
}

/** URNs a resource waits for on creation (and which wait for it on deletion). */
export function prerequisites(resource: RecordedResource): string[] {
    const { parent, dependencies } = resource.options;
    const provider = providerUrn(resource.options.provider);
    return [...new Set([...(parent ? [parent] : []), ...(provider ? [provider] : []), ...dependencies])];
}

/**
 * The resources in an order `pulumi up` can create them: each after everything it waits for; among
 * those ready at the same time, the one registered first. `pulumi destroy` deletes in the reverse.
 * Prerequisites that are not in the list (default providers) are ignored.
 */
export function dependencyOrder(resources: RecordedResource[]): RecordedResource[] {
    const known = new Set(resources.map((r) => r.urn));
    const waitingFor = new Map(resources.map((r) => [r.urn, new Set(prerequisites(r).filter((u) => known.has(u) && u !== r.urn))]));
    const ordered: RecordedResource[] = [];
    const remaining = [...resources];
    while (remaining.length > 0) {
        const index = remaining.findIndex((r) => waitingFor.get(r.urn)!.size === 0);
        if (index < 0) {
            throw new Error(`dependency cycle among: ${remaining.map((r) => r.name).join(", ")}`);
        }
        const [next] = remaining.splice(index, 1);
        ordered.push(next);
        for (const waits of waitingFor.values()) {
            waits.delete(next.urn);
        }
    }
    return ordered;
}

/** The name of the resource a URN denotes (the part after the last `::`). */
export function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The top-level resource (a child of the root Stack) a resource belongs to; itself if it is one. */
export function topLevelAncestor(resource: RecordedResource, resources: RecordedResource[]): RecordedResource | undefined {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    let current: RecordedResource | undefined = resource;
    while (current && current.options.parent !== "") {
        const parent = byUrn.get(current.options.parent);
        if (!parent || parent.options.parent === "") {
            return current;
        }
        current = parent;
    }
    return undefined;
}
