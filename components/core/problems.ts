// One kind of problem: every refusal of a value someone gave (a stack's config, a component's args,
// an Output once it resolves, the spec patch options, a renderer's input) is a Problem: where it is
// (the setting, argument or option, with the path inside it), what kind of refusal it is, the value,
// what is accepted and a hint. formatProblem is the one wording of one; tests look at the records
// (path and kind), not at the words. Modelled on kOps' field.ErrorList (field.Invalid, Required,
// Forbidden, NotSupported, Duplicate) and superstruct's Failure.
//
// Pure and free of Pulumi, like the renderers that refuse with it: the kops helper program, which
// runs on every kops call, throws ProblemsError too and must not load the Pulumi SDK (see there).
import { redactSecrets } from "./rules";

/**
 * - `invalid`: a value of the wrong type or shape, or out of range.
 * - `required`: nothing given where a value is needed.
 * - `forbidden`: a value that may not be given here, however well-formed (an Output where only a plain
 *   value is taken, a flag this project sets itself, a credential in a plain setting).
 * - `unknown`: a name that is not one of the known ones (a misspelt setting, field or option).
 * - `duplicate`: a value that repeats an earlier one where each may appear once.
 */
export type ProblemKind = "invalid" | "required" | "forbidden" | "unknown" | "duplicate";

/** One refused value. */
export interface Problem {
    /** Where, as its owner wrote it: `kops-iam-auth:mapRoles[0].roleArn`, `zones[1]`, `resources.limits.cpu`. */
    readonly path: string;
    readonly kind: ProblemKind;
    /** The value refused (none for `required`); shown redacted and cut to 200 characters. */
    readonly value?: unknown;
    /** What is accepted there. */
    readonly accepted?: string;
    /** Why, or how to fix it. */
    readonly hint?: string;
    /** The value was a Pulumi secret: the record holds none of it (asSecret), and it is shown as [secret]. */
    readonly secret?: boolean;
}

export function invalid(path: string, value: unknown, accepted: string, hint?: string): Problem {
    return withHint({ path, kind: "invalid", value, accepted }, hint);
}

export function required(path: string, accepted: string, hint?: string): Problem {
    return withHint({ path, kind: "required", accepted }, hint);
}

export function forbidden(path: string, value: unknown, accepted: string, hint?: string): Problem {
    return withHint({ path, kind: "forbidden", value, accepted }, hint);
}

export function unknownKey(path: string, value: unknown, accepted: string, hint?: string): Problem {
    return withHint({ path, kind: "unknown", value, accepted }, hint);
}

export function duplicate(path: string, value: unknown, accepted: string, hint?: string): Problem {
    return withHint({ path, kind: "duplicate", value, accepted }, hint);
}

/** What a rule says of a refused value, before it is placed: the Problem without its path and value. */
export type Refusal = Pick<Problem, "kind" | "accepted" | "hint">;

/** The Problem of `refusal` at `path`, of `value`. */
export function problemAt(path: string, value: unknown, refusal: Refusal): Problem {
    return refusal.kind === "required"
        ? required(path, refusal.accepted ?? "", refusal.hint)
        : withHint({ path, kind: refusal.kind, value, accepted: refusal.accepted }, refusal.hint);
}

function withHint(problem: Problem, hint: string | undefined): Problem {
    return hint === undefined || hint === "" ? problem : { ...problem, hint };
}

/**
 * How a value is shown: numbers and booleans bare, strings and the rest as JSON, parts that look like a
 * secret redacted (before the cut, so that no cut-off secret slips through), and at most 200 characters.
 */
export function showValue(value: unknown): string {
    if (typeof value === "number" || typeof value === "boolean") {
        return String(value);
    }
    const text = redactSecrets(JSON.stringify(value) ?? String(value));
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * `problem` of a value that is a Pulumi secret: without the value, which is cut out of `accepted` and
 * `hint` too (they may quote it: an ARN rewritten, an account ID found in it).
 */
export function asSecret(problem: Problem): Problem {
    const { value, accepted, hint, ...rest } = problem;
    const scrub = (text: string | undefined) =>
        typeof value === "string" && value !== "" && text !== undefined ? text.split(value).join("[secret]") : text;
    return withHint({ ...rest, ...(accepted === undefined ? {} : { accepted: scrub(accepted) }), secret: true }, scrub(hint));
}

/**
 * The one wording of a problem:
 *   `<path>: <value> is not allowed: <accepted>; <hint>`
 *   `<path>: <value> is not allowed: no such name; <accepted>; <hint>`   (unknown)
 *   `<path>: not set; it is required: <accepted>; <hint>`                 (required)
 * The whole line is redacted too: what is accepted, or a hint, may quote the value.
 */
export function formatProblem(problem: Problem): string {
    const { accepted, hint } = problem;
    const shown = problem.secret ? "[secret]" : showValue(problem.value);
    const lead =
        problem.kind === "required"
            ? "not set; it is required"
            : `${shown} is not allowed${problem.kind === "unknown" ? ": no such name" : ""}`;
    const parts = [accepted, hint].filter((part) => part !== undefined && part !== "");
    const separator = problem.kind === "unknown" ? "; " : ": ";
    return redactSecrets(`${problem.path}: ${lead}${parts.length > 0 ? separator + parts.join("; ") : ""}`);
}

/** The problems as a list, one `  - <problem>` line each. */
export function formatProblems(problems: readonly Problem[]): string {
    return problems.map((problem) => `  - ${formatProblem(problem)}`).join("\n");
}

/** `1 problem`, `3 problems`. */
export function problemCount(count: number): string {
    return `${count} problem${count === 1 ? "" : "s"}`;
}

/**
 * A refusal: every problem found, each on a line of its own under `heading`. Pulumi prints it without a
 * stack trace, as a pulumi.RunError: it carries the SDK's own mark of one (RunError.isInstance, which
 * the engine's host checks, and which holds across copies of the SDK). It does not extend the SDK's
 * class because the pure renderers and the kops helper program throw it without loading Pulumi.
 */
export class ProblemsError extends Error {
    /** pulumi.RunError's mark: the Pulumi runtime prints the message alone, without a stack trace. */
    readonly __pulumiRunError = true;

    constructor(
        readonly problems: readonly Problem[],
        /** The message's first line, without its colon: whose values these are, and how many problems. */
        readonly heading: string,
    ) {
        super(`${heading}:\n${formatProblems(problems)}`);
        this.name = "ProblemsError";
    }
}

/** Throws a ProblemsError headed `<subject> (<n> problems)` when there is any problem. */
export function throwProblems(subject: string, problems: readonly Problem[]): void {
    if (problems.length > 0) {
        refuse(subject, ...problems);
    }
}

/** Throws a ProblemsError headed `<subject> (<n> problems)`: for a check that found one (or more) for sure. */
export function refuse(subject: string, ...problems: Problem[]): never {
    throw new ProblemsError(problems, `${subject} (${problemCount(problems.length)})`);
}
