// Refusals checked by their records (components/core/problems.ts), not by their words: which
// [path, kind] pairs a call is refused with. The wording is formatProblem's alone, tested once in
// tests/unit/problems.test.ts.
import * as assert from "assert";
import { Problem, ProblemKind, ProblemsError } from "../../../components/core/problems";

/** Where a problem is and what kind it is: `["kops-iam-auth:zones[1]", "duplicate"]`. */
export type PathAndKind = [path: string, kind: ProblemKind];

/** The [path, kind] of each problem, in order. */
export function pathsAndKinds(problems: readonly Problem[]): PathAndKind[] {
    return problems.map((problem) => [problem.path, problem.kind]);
}

/** The problems of `error` when it is a ProblemsError; anything else is thrown again. */
export function problemsOfError(error: unknown): readonly Problem[] {
    if (error instanceof ProblemsError) {
        return error.problems;
    }
    throw error;
}

/** The problems `fn` is refused with; [] when it returns. Anything but a ProblemsError is thrown again. */
export function problemsOf(fn: () => unknown): readonly Problem[] {
    try {
        fn();
        return [];
    } catch (error) {
        return problemsOfError(error);
    }
}

/** What `accepted` and `hint` say, to look for a fact (not the wording around it) in a problem. */
export function said(problem: Problem): string {
    return [problem.accepted, problem.hint].filter((part) => part !== undefined).join("; ");
}

function assertPathsAndKinds(problems: readonly Problem[], expected: readonly PathAndKind[]): void {
    const sorted = (pairs: readonly PathAndKind[]) => [...pairs].map((pair) => pair.join(" ")).sort();
    assert.deepStrictEqual(sorted(pathsAndKinds(problems)), sorted(expected), JSON.stringify(problems, null, 2));
}

/**
 * Asserts that `fn` throws a ProblemsError with exactly the `expected` [path, kind] pairs (in any
 * order), and returns its problems for any further check.
 */
export function refusedWith(fn: () => unknown, expected: readonly PathAndKind[]): readonly Problem[] {
    let problems: readonly Problem[] | undefined;
    try {
        fn();
    } catch (error) {
        problems = problemsOfError(error);
    }
    assert.ok(problems !== undefined, `expected a refusal with ${JSON.stringify(expected)}, but it passed`);
    assertPathsAndKinds(problems, expected);
    return problems;
}

/** refusedWith for a promise (an Output's value, an async check): it must reject with a ProblemsError. */
export async function rejectedWith(promise: Promise<unknown>, expected: readonly PathAndKind[]): Promise<readonly Problem[]> {
    let problems: readonly Problem[] | undefined;
    try {
        await promise;
    } catch (error) {
        problems = problemsOfError(error);
    }
    assert.ok(problems !== undefined, `expected a refusal with ${JSON.stringify(expected)}, but it resolved`);
    assertPathsAndKinds(problems, expected);
    return problems;
}
