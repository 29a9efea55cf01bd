// The simple settings (one config key, one value: ./table.ts simpleSettings): each read from its raw
// value (a config string, or a YAML value) by its table entry, and the checks across them (a request
// above its limit, an instance type kOps does not know). Every problem goes to the ProblemList.
import { requestAboveLimit } from "../authenticator/manifests";
import { isKnownInstanceType, unknownInstanceTypeReason } from "../core/instanceTypes";
import { duplicate, forbidden, invalid, problemAt, Refusal, required } from "../core/problems";
import { ProblemList } from "./problemList";
import {
    quotedNote,
    SettingBase,
    SimpleSetting,
    SimpleSettingKey,
    SimpleValue,
    simpleSettings,
    ValidationContext,
} from "./table";

/** Every simple setting's value; undefined where it was refused (or deferred). */
export type SimpleValues = { [K in SimpleSettingKey]: SimpleValue<K> };

/** `text` as JSON when it is JSON (a structured setting from `pulumi config`), else `text` itself. */
export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Reads one simple setting from its raw value (a config string, or a YAML value in tests). */
export function parseSimple<K extends SimpleSettingKey>(
    key: K,
    raw: unknown,
    context: ValidationContext,
    problems: ProblemList,
): SimpleValue<K> | undefined {
    const setting: SimpleSetting = simpleSettings[key];
    if (raw === undefined || raw === null) {
        if (setting.default === undefined) {
            problems.add(required(key, setting.accepted, `set it with: pulumi config set ${key} <value>`));
            return undefined;
        }
        return structuredClone(setting.default) as SimpleValue<K>;
    }
    switch (setting.type) {
        case "string": {
            if (typeof raw !== "string") {
                problems.add(invalid(key, raw, `${setting.accepted}, ${quotedNote}`));
                return undefined;
            }
            return reportCheck(key, raw, refusalOf(setting, setting.check(raw, context)), problems) as SimpleValue<K> | undefined;
        }
        case "integer": {
            const value =
                typeof raw === "number"
                    ? raw
                    : typeof raw === "string" && /^[+-]?\d+$/.test(raw.trim())
                      ? Number(raw.trim())
                      : undefined;
            if (value === undefined || !Number.isSafeInteger(value)) {
                problems.add(invalid(key, raw, setting.accepted));
                return undefined;
            }
            return reportCheck(key, value, refusalOf(setting, setting.check(value, context)), problems) as
                SimpleValue<K> | undefined;
        }
        case "boolean": {
            const value = raw === true || raw === "true" ? true : raw === false || raw === "false" ? false : undefined;
            if (value === undefined) {
                problems.add(invalid(key, raw, setting.accepted));
            }
            return value as SimpleValue<K> | undefined;
        }
        case "array": {
            const list = typeof raw === "string" ? parseJson(raw) : raw;
            if (!Array.isArray(list)) {
                problems.add(invalid(key, raw, `a YAML list of ${setting.accepted}`));
                return undefined;
            }
            const before = problems.count;
            list.forEach((item: unknown, index) => {
                if (typeof item !== "string") {
                    problems.add(invalid(`${key}[${index}]`, item, `${setting.accepted}, ${quotedNote}`));
                } else {
                    reportCheck(`${key}[${index}]`, item, refusalOf(setting, setting.checkItem(item, context)), problems);
                }
            });
            reportDuplicates(key, list, problems);
            return problems.count === before ? (list as SimpleValue<K>) : undefined;
        }
    }
}

/** What a check's result says against the value, or undefined when it passed. */
function refusalOf(setting: SettingBase, result: boolean | string | Refusal): Refusal | undefined {
    if (result === true) {
        return undefined;
    }
    return result === false
        ? { kind: "invalid", accepted: setting.accepted }
        : typeof result === "string"
          ? { kind: "invalid", accepted: result }
          : result;
}

/**
 * The value if nothing was said against it (`refusal` undefined, or a string saying what is accepted);
 * else the problem is recorded and undefined returned.
 */
export function reportCheck<T>(
    path: string,
    value: T,
    refusal: Refusal | string | undefined,
    problems: ProblemList,
): T | undefined {
    if (refusal === undefined) {
        return value;
    }
    const { kind, accepted, hint } = typeof refusal === "string" ? { kind: "invalid" as const, accepted: refusal } : refusal;
    // A value copied from a console or a terminal often brings a space or a newline along.
    const whitespace =
        typeof value === "string" && value.trim() !== value
            ? "the value has leading or trailing whitespace (a space or newline copied with it): remove it"
            : undefined;
    problems.add(problemAt(path, value, { kind, accepted, hint: [hint, whitespace].filter(Boolean).join("; ") || undefined }));
    return undefined;
}

/** Each item of `list` (the setting or list at `path`) equal to an earlier one. */
export function reportDuplicates(path: string, list: unknown[], problems: ProblemList): void {
    const seen = new Set<unknown>();
    list.forEach((item, index) => {
        if (seen.has(item)) {
            problems.add(duplicate(`${path}[${index}]`, item, "a value not listed before (each may appear once)"));
        }
        seen.add(item);
    });
}

/** The checks across simple settings, made only when the values involved are good on their own. */
export function checkSimpleValuesTogether(values: Partial<SimpleValues>, problems: ProblemList): void {
    for (const [resource, request, limit] of [
        ["cpu", "authenticatorCpuRequest", "authenticatorCpuLimit"],
        ["memory", "authenticatorMemoryRequest", "authenticatorMemoryLimit"],
    ] as const) {
        const requestValue = values[request];
        const limitValue = values[limit];
        const aboveLimit =
            requestValue !== undefined && limitValue !== undefined
                ? requestAboveLimit(resource, requestValue, limitValue, { request, limit })
                : undefined;
        if (aboveLimit) {
            problems.add(aboveLimit);
        }
    }
    for (const key of ["nodeSize", "controlPlaneSize"] as const) {
        const type = values[key];
        if (
            type !== undefined &&
            values.extraInstanceTypes !== undefined &&
            !isKnownInstanceType(type, values.extraInstanceTypes)
        ) {
            problems.add(invalid(key, type, unknownInstanceTypeReason(type)));
        }
    }
    if (values.stateBucketForceDestroy === true && values.createStateBucket === false) {
        problems.add(
            forbidden(
                "stateBucketForceDestroy",
                true,
                "false when createStateBucket is false",
                "an existing bucket is never deleted by this stack",
            ),
        );
    }
}
