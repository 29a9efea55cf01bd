// How the structured settings (YAML lists, and lists of objects: ./table.ts structuredSettings) are
// read: the list itself, each entry's fields (unknown ones, missing required ones, the aws-auth
// spelling rolearn), strings and lists of strings checked by a rule, entries given twice. What each
// setting's fields must hold is said by identities.ts and bindingsAndTags.ts with these readers.
import { duplicate, forbidden, invalid, required, unknownKey } from "../core/problems";
import { didYouMean } from "../core/suggestions";
import { ProblemList } from "./problemList";
import { parseJson, reportCheck, reportDuplicates } from "./simpleValues";
import { quotedNote, StructuredField, StructuredSettingKey, structuredSettings } from "./table";

export type ListOfObjectsKey = "accessRoles" | "mapRoles" | "mapUsers" | "clusterRoleBindings";

/** What structuredSettings says is accepted for one field of a list entry. */
export function fieldAccepted(key: ListOfObjectsKey, field: string): string {
    const fields: Record<string, StructuredField> = structuredSettings[key].fields;
    return fields[field].accepted;
}

/** A structured list given as a YAML/JSON value or (from `pulumi config`) a JSON string. */
export function readList(key: StructuredSettingKey, raw: unknown, problems: ProblemList): unknown[] | undefined {
    const value = typeof raw === "string" ? parseJson(raw) : raw;
    if (!Array.isArray(value)) {
        problems.add(invalid(key, raw, structuredSettings[key].accepted));
        return undefined;
    }
    return value;
}

/**
 * The list's entries checked by `readItem`, or undefined if anything in it was reported. `uniqueBy`:
 * what two entries must not share, and `uniqueText`, what is accepted instead.
 */
export function readObjectList<T>(
    key: ListOfObjectsKey,
    raw: unknown,
    problems: ProblemList,
    readItem: (entry: Record<string, unknown>, path: string) => T,
    uniqueBy?: (entry: Record<string, unknown>) => unknown,
    uniqueText?: string,
): T[] | undefined {
    const list = readList(key, raw, problems);
    if (!list) {
        return undefined;
    }
    const before = problems.count;
    const seen = new Set<unknown>();
    const items = list.map((item, index) => {
        const entry = readEntry(key, index, item, problems);
        if (!entry) {
            return undefined;
        }
        if (uniqueBy) {
            const identity = uniqueBy(entry);
            if (seen.has(identity)) {
                problems.add(duplicate(`${key}[${index}]`, entry, uniqueText!));
            }
            seen.add(identity);
        }
        return readItem(entry, `${key}[${index}]`);
    });
    return problems.count === before ? (items as T[]) : undefined;
}

/**
 * The lowercase spelling of a mapping's ARN field (`rolearn`, `userarn`: the aws-auth ConfigMap's,
 * which stack configs copied from EKS documentation use) is read as `roleArn`/`userArn`.
 */
const lowercaseArnFields: Partial<Record<ListOfObjectsKey, [lowercase: string, field: string]>> = {
    mapRoles: ["rolearn", "roleArn"],
    mapUsers: ["userarn", "userArn"],
};

function withCamelCaseArnField(
    key: ListOfObjectsKey,
    path: string,
    entry: Record<string, unknown>,
    problems: ProblemList,
): Record<string, unknown> {
    const spelling = lowercaseArnFields[key];
    if (spelling === undefined || !(spelling[0] in entry)) {
        return entry;
    }
    const [lowercase, field] = spelling;
    const { [lowercase]: value, ...rest } = entry;
    if (field in entry) {
        problems.add(forbidden(`${path}.${lowercase}`, value, `no second ARN: ${field} is set; keep one of the two spellings`));
        return rest;
    }
    return { ...rest, [field]: value };
}

/**
 * Checks the fields of one list entry against structuredSettings: unknown fields (typos like roleArn) and
 * missing required ones are problems. Returns the entry when it is an object, so that its known fields
 * are still checked.
 */
function readEntry(
    key: ListOfObjectsKey,
    index: number,
    raw: unknown,
    problems: ProblemList,
): Record<string, unknown> | undefined {
    const path = `${key}[${index}]`;
    const fields: Record<string, StructuredField> = structuredSettings[key].fields;
    const shape = `an object with the fields ${Object.keys(fields).join(", ")}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        problems.add(invalid(path, raw, shape));
        return undefined;
    }
    const entry = withCamelCaseArnField(key, path, raw as Record<string, unknown>, problems);
    for (const field of Object.keys(entry)) {
        if (!(field in fields)) {
            problems.add(unknownKey(`${path}.${field}`, entry[field], shape, didYouMean(field, Object.keys(fields))));
        }
    }
    for (const [field, { required: isRequired, accepted }] of Object.entries(fields)) {
        if (isRequired && (entry[field] === undefined || entry[field] === null)) {
            problems.add(required(`${path}.${field}`, accepted));
        }
    }
    return entry;
}

/**
 * A string field; absent (already reported by readEntry if required) gives undefined. `explain` says
 * what a refused value is, when that helps (an ARN of the wrong kind, another partition).
 */
export function readString(
    path: string,
    raw: unknown,
    accepted: string,
    isValid: (v: string) => boolean,
    problems: ProblemList,
    explain?: (v: string) => string | undefined,
): string | undefined {
    if (raw === undefined || raw === null) {
        return undefined;
    }
    if (typeof raw !== "string") {
        problems.add(invalid(path, raw, `${accepted}, ${quotedNote}`, numberHint(raw, isValid)));
        return undefined;
    }
    if (isValid(raw)) {
        return raw;
    }
    return reportCheck(path, raw, { kind: "invalid", accepted, hint: explain?.(raw) || undefined }, problems);
}

/** For a YAML number where a string is wanted: the quoted text to write, leading zeros YAML dropped restored. */
function numberHint(raw: unknown, isValid: (v: string) => boolean): string | undefined {
    if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < 0) {
        return undefined;
    }
    if (isValid(String(raw))) {
        return `write "${raw}"`;
    }
    const padded = String(raw).padStart(12, "0");
    return isValid(padded) ? `YAML dropped its leading zeros, so the account ID is most likely "${padded}"` : undefined;
}

/** A list of strings, each checked, none twice; absent gives undefined. */
export function readStringList(
    path: string,
    raw: unknown,
    itemAccepted: string,
    isValid: (v: string) => boolean,
    problems: ProblemList,
    explain?: (v: string) => string | undefined,
): string[] | undefined {
    if (raw === undefined || raw === null) {
        return undefined;
    }
    if (!Array.isArray(raw)) {
        problems.add(invalid(path, raw, `a YAML list, each item ${itemAccepted}`));
        return undefined;
    }
    const before = problems.count;
    const items = raw.map((item, index) => readString(`${path}[${index}]`, item, itemAccepted, isValid, problems, explain));
    reportDuplicates(path, raw, problems);
    return problems.count === before ? (items as string[]) : undefined;
}
