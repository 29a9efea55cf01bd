// Which commands a change re-runs, for the plan tool's comparison. A `local.Command` runs again
// exactly when one of its inputs changes (its `update`, or `create` without one), so comparing the
// commands' inputs between two renderings of the program tells which kOps steps a configuration
// change will cause, without AWS.
import { canonicalJson } from "../../components/kops/canonicalJson";

/** One rendered resource: its name and its inputs, as the engine would receive them. */
export interface RenderedResource {
    name: string;
    inputs: Record<string, unknown>;
}

/** How a resource's inputs differ between two renderings. */
export interface InputChange {
    name: string;
    /** added: only in the second rendering; removed: only in the first; changed: in both, with other inputs. */
    change: "added" | "removed" | "changed";
    /**
     * The inputs that differ, as paths: a top-level input (`create`), or one entry of a map input
     * (`environment.NODE_COUNT`), so a report can say which variable changed. Empty unless `changed`.
     */
    changedInputs: string[];
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The input paths whose values differ (see InputChange.changedInputs), sorted. */
function changedInputPaths(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    const paths: string[] = [];
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        const [a, b] = [before[key], after[key]];
        if (canonicalJson(a) === canonicalJson(b)) {
            continue;
        }
        if (isPlainMap(a) && isPlainMap(b)) {
            for (const entry of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
                if (canonicalJson(a[entry]) !== canonicalJson(b[entry])) {
                    paths.push(`${key}.${entry}`);
                }
            }
        } else {
            paths.push(key);
        }
    }
    return paths;
}

/**
 * Compares two renderings of the commands (matched by name; any resources work the same way) and
 * lists those whose inputs differ, in name order. An empty list means no command re-runs.
 */
export function diffCommandInputs(before: RenderedResource[], after: RenderedResource[]): InputChange[] {
    const index = (rendering: RenderedResource[]) => {
        const byName = new Map<string, RenderedResource>();
        for (const resource of rendering) {
            if (byName.has(resource.name)) {
                throw new Error(`diffCommandInputs: two resources are named ${resource.name}; names must be unique`);
            }
            byName.set(resource.name, resource);
        }
        return byName;
    };
    const [a, b] = [index(before), index(after)];
    const changes: InputChange[] = [];
    for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
        const [old, now] = [a.get(name), b.get(name)];
        if (!old) {
            changes.push({ name, change: "added", changedInputs: [] });
        } else if (!now) {
            changes.push({ name, change: "removed", changedInputs: [] });
        } else {
            const changedInputs = changedInputPaths(old.inputs, now.inputs);
            if (changedInputs.length > 0) {
                changes.push({ name, change: "changed", changedInputs });
            }
        }
    }
    return changes;
}
