// Canonical JSON: how the commands' inputs are fingerprinted and compared, so key order never
// counts as a change.

/** JSON with object keys sorted: two values are equal iff their canonical texts are. */
export function canonicalJson(value: unknown): string {
    const canonical = (v: unknown): unknown => {
        if (Array.isArray(v)) {
            return v.map(canonical);
        }
        if (typeof v === "object" && v !== null) {
            return Object.fromEntries(
                Object.keys(v)
                    .sort()
                    .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
            );
        }
        return v;
    };
    return JSON.stringify(canonical(value)) ?? "undefined";
}
