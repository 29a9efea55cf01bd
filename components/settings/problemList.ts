// The problems of one set of settings, collected as they are found so that one `pulumi up` shows them
// all, and ConfigError, which reports them. Each problem is a Problem (../core/problems.ts) named by
// its config key (`kops-iam-auth:nodeCount`) or, for a program's args, its argument (`nodeCount`).
import { asSecret, forbidden, Problem, problemCount, ProblemsError, showValue } from "../core/problems";
import { secretLookalike } from "../core/rules";

/**
 * Thrown when settings have problems; `problems` lists each one. `whose` says whose settings they are,
 * as the message starts: the stack configuration, or a KopsIamCluster's args.
 */
export class ConfigError extends ProblemsError {
    constructor(problems: readonly Problem[], whose: "stack" | { component: string } = "stack") {
        const count = problemCount(problems.length);
        super(
            problems,
            whose === "stack"
                ? `The stack configuration has ${count}`
                : `KopsIamCluster ${whose.component}: its args have ${count}`,
        );
        this.name = "ConfigError";
    }
}

/** The setting a path inside it belongs to: `accessRoles` of `accessRoles[0].name`. */
function settingOf(path: string): string {
    return /^[^.[]*/.exec(path)![0];
}

/** Collects the problems of one set of settings, each at its config key or argument. */
export class ProblemList {
    readonly problems: Problem[] = [];
    constructor(
        /** The config namespace keys are named with; "" for a program's args (bare argument names). */
        private readonly namespace: string,
        /** Settings whose values are Pulumi secrets: a problem in one shows no part of the value. */
        private readonly secretKeys: ReadonlySet<string> = new Set(),
    ) {}

    /** Checking a program's args rather than a stack's config: keys are argument names. */
    get forArgs(): boolean {
        return this.namespace === "";
    }

    /** How many problems are known so far: a reader compares before and after to know if it found any. */
    get count(): number {
        return this.problems.length;
    }

    /**
     * `problem.path` is a project key, or a path inside one (`accessRoles[0].name`). A problem in a
     * setting that is a secret keeps no part of the value (asSecret).
     */
    add(problem: Problem): void {
        const placed = { ...problem, path: this.qualified(problem.path) };
        this.problems.push(this.secretKeys.has(settingOf(problem.path)) ? asSecret(placed) : placed);
    }

    /** `problem.path` names its own namespace, like `aws:region`. */
    addQualified(problem: Problem): void {
        this.problems.push(problem);
    }

    /**
     * The string `value` at `path` looks like `looksLike`, a credential: refused in place of what other
     * rules said of that path (the credential is what to fix), the value never shown.
     */
    refuseCredential(path: string, value: string, looksLike: string): void {
        const qualified = this.qualified(path);
        this.problems.splice(0, this.problems.length, ...this.problems.filter((problem) => problem.path !== qualified));
        this.add(credentialProblem(path, value, looksLike));
    }

    /** `<namespace>:<key>` for a stack's config key; the bare key for an argument (no namespace). */
    private qualified(key: string): string {
        return this.namespace === "" ? key : `${this.namespace}:${key}`;
    }
}

/**
 * A value that looks like a credential (`looksLike`, core/rules.ts secretLookalike) in a setting that is
 * not a Pulumi secret: forbidden, as every setting is kept in plain text in the stack's state, and many
 * land in kubeconfigs, outputs, ConfigMaps and command lines too (kubeconfigAwsProfile is written into
 * every user kubeconfig). The message says what it looks like, never the value (showValue redacts it).
 */
export function credentialProblem(path: string, value: string, looksLike: string): Problem {
    return forbidden(
        path,
        value,
        "not a credential: this setting is kept in plain text (the stack's state, and kubeconfigs, outputs, " +
            "ConfigMaps or command lines where it is used)",
        `it looks like ${looksLike}; a credential belongs in AWS's credential files or a Pulumi secret, never in a setting`,
    );
}

/** Every string in `value` (a setting's raw value at `path`) that looks like a secret: its path, the string, what it looks like. */
export function secretLookingStrings(path: string, value: unknown): Array<[path: string, value: string, looksLike: string]> {
    if (typeof value === "string") {
        const looksLike = secretLookalike(value);
        return looksLike === undefined ? [] : [[path, value, looksLike]];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => secretLookingStrings(`${path}[${index}]`, item));
    }
    if (typeof value === "object" && value !== null) {
        // Tags are named as parseTags names them (tags["Team"]); fields of list entries as mapRoles[0].username.
        return Object.entries(value).flatMap(([field, item]) =>
            secretLookingStrings(path === "tags" ? `tags[${showValue(field)}]` : `${path}.${field}`, item),
        );
    }
    return [];
}
