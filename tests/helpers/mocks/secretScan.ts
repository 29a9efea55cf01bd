// Finds secrets that leaked into plain values: every string in recorded resource inputs that is
// not inside a secret wrapper, and every component output that is not secret.
import * as pulumi from "@pulumi/pulumi";
import { isSecretValue, RecordedResource, valueOf } from "./pulumiMocks";

function plainStrings(value: unknown, path: string, found: Array<{ path: string; value: string }>): void {
    if (isSecretValue(value)) {
        return;
    }
    if (typeof value === "string") {
        found.push({ path, value });
    } else if (Array.isArray(value)) {
        value.forEach((v, i) => plainStrings(v, `${path}[${i}]`, found));
    } else if (typeof value === "object" && value !== null) {
        for (const [k, v] of Object.entries(value)) {
            plainStrings(v, `${path}.${k}`, found);
        }
    }
}

/**
 * Where `needle` appears in a plain (non-secret) recorded input or output: a list of
 * `<type>/<name>.<input path>` and `output <name>` locations, empty when nothing leaked.
 */
export async function plainStringsContaining(
    needle: string,
    resources: Array<Pick<RecordedResource, "type" | "name" | "inputs">>,
    outputs: Record<string, pulumi.Output<unknown>>,
): Promise<string[]> {
    const leaks: string[] = [];
    for (const resource of resources) {
        const found: Array<{ path: string; value: string }> = [];
        plainStrings(resource.inputs, `${resource.type}/${resource.name}`, found);
        leaks.push(...found.filter((f) => f.value.includes(needle)).map((f) => f.path));
    }
    for (const [name, output] of Object.entries(outputs)) {
        if (await pulumi.isSecret(output)) {
            continue;
        }
        const found: Array<{ path: string; value: string }> = [];
        plainStrings(await valueOf(output), `output ${name}`, found);
        leaks.push(...found.filter((f) => f.value.includes(needle)).map((f) => f.path));
    }
    return leaks;
}
