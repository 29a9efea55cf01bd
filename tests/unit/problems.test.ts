// The one problem record (components/core/problems.ts): its constructors, the one wording of a
// refusal, the redaction of values that look like secrets, and ProblemsError. Every other test checks
// refusals by [path, kind] (tests/helpers/data/problems.ts); the words are checked here.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    asSecret,
    duplicate,
    forbidden,
    formatProblem,
    formatProblems,
    invalid,
    Problem,
    problemAt,
    ProblemsError,
    refuse,
    required,
    showValue,
    throwProblems,
    unknownKey,
} from "../../components/core/problems";
import * as components from "../../components";
import { ConfigError } from "../../components/settings";
import { pathsAndKinds, problemsOf, refusedWith, rejectedWith } from "../helpers/data/problems";

const repoRoot = path.join(__dirname, "..", "..");
const secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

describe("the problem record", () => {
    it("each constructor makes its kind, with the value, what is accepted and the hint", () => {
        assert.deepStrictEqual(invalid("nodeCount", 0, "an integer from 1 to 100", "nothing could run CoreDNS"), {
            path: "nodeCount",
            kind: "invalid",
            value: 0,
            accepted: "an integer from 1 to 100",
            hint: "nothing could run CoreDNS",
        });
        assert.deepStrictEqual(required("clusterName", "a DNS name"), {
            path: "clusterName",
            kind: "required",
            accepted: "a DNS name",
        });
        assert.strictEqual(forbidden("nodeCount", "an Output", "a plain value").kind, "forbidden");
        assert.strictEqual(unknownKey("nodecount", 3, "a setting", "did you mean nodeCount?").kind, "unknown");
        assert.strictEqual(duplicate("zones[1]", "eu-west-1a", "a zone not listed before").kind, "duplicate");
        // No hint, or an empty one, leaves the field out.
        assert.ok(!("hint" in invalid("a", 1, "b")));
        assert.ok(!("hint" in invalid("a", 1, "b", "")));
    });

    it("a rule's refusal is placed at a path with problemAt", () => {
        assert.deepStrictEqual(problemAt("extraFlags[0]", "--v=9", { kind: "forbidden", accepted: "not --v" }), {
            path: "extraFlags[0]",
            kind: "forbidden",
            value: "--v=9",
            accepted: "not --v",
        });
        assert.deepStrictEqual(problemAt("x", "ignored", { kind: "required", accepted: "a value" }), required("x", "a value"));
    });
});

describe("formatProblem: the one wording", () => {
    it("<path>: <value> is not allowed: <accepted>; <hint>, the same for invalid, forbidden and duplicate", () => {
        assert.strictEqual(
            formatProblem(invalid("kops-iam-auth:nodeCount", 0, "an integer from 1 to 100", "nothing could run CoreDNS")),
            "kops-iam-auth:nodeCount: 0 is not allowed: an integer from 1 to 100; nothing could run CoreDNS",
        );
        assert.strictEqual(
            formatProblem(forbidden("nodeCount", "an Output", "a plain value")),
            'nodeCount: "an Output" is not allowed: a plain value',
        );
        assert.strictEqual(
            formatProblem(duplicate("zones[1]", "eu-west-1a", "a zone not listed before")),
            'zones[1]: "eu-west-1a" is not allowed: a zone not listed before',
        );
    });

    it("an unknown name says so; a required value says it is not set", () => {
        assert.strictEqual(
            formatProblem(unknownKey("nodecount", "3", "a setting of docs/configuration.md", "did you mean nodeCount?")),
            'nodecount: "3" is not allowed: no such name; a setting of docs/configuration.md; did you mean nodeCount?',
        );
        assert.strictEqual(
            formatProblem(required("aws:region", "an AWS region", "set it with: pulumi config set aws:region <region>")),
            "aws:region: not set; it is required: an AWS region; set it with: pulumi config set aws:region <region>",
        );
    });

    it("shows numbers and booleans bare, anything else as JSON cut to 200 characters", () => {
        assert.strictEqual(showValue(3), "3");
        assert.strictEqual(showValue(false), "false");
        assert.strictEqual(showValue("3"), '"3"');
        assert.strictEqual(showValue({ group: "g" }), '{"group":"g"}');
        assert.strictEqual(showValue(undefined), "undefined");
        const long = showValue("a".repeat(300));
        assert.strictEqual(long.length, 200);
        assert.ok(long.endsWith("..."));
    });

    it("redacts what looks like a secret, with the project's one rule (core/rules.ts redactSecrets), in the value and around it", () => {
        const text = formatProblem(invalid("clusterName", secretAccessKey, `not ${secretAccessKey}`, `nor ${secretAccessKey}`));
        assert.ok(!text.includes(secretAccessKey), text);
        assert.match(
            text,
            /^clusterName: "\[redacted: it looks like an AWS secret access key, 40 characters\]" is not allowed: /,
        );
        // Redacted before the cut: a secret at the end of a long value is not shown cut in half either.
        const cut = showValue(`${"x".repeat(180)} ${secretAccessKey}`);
        assert.ok(!cut.includes(secretAccessKey.slice(0, 10)), cut);
    });

    it("a problem of a Pulumi secret keeps no part of the value, in the record or the text", () => {
        const arn = "arn:aws:iam::210987654321:user/alice";
        const secret = asSecret(invalid("mapRoles[0].roleArn", arn, "a role ARN", `this is a user: map ${arn} in mapUsers`));
        assert.deepStrictEqual(secret, {
            path: "mapRoles[0].roleArn",
            kind: "invalid",
            accepted: "a role ARN",
            hint: "this is a user: map [secret] in mapUsers",
            secret: true,
        });
        assert.strictEqual(
            formatProblem(secret),
            "mapRoles[0].roleArn: [secret] is not allowed: a role ARN; this is a user: map [secret] in mapUsers",
        );
    });

    it("formatProblems lists them, one line each", () => {
        assert.strictEqual(
            formatProblems([invalid("a", 1, "b"), required("c", "d")]),
            "  - a: 1 is not allowed: b\n  - c: not set; it is required: d",
        );
    });
});

describe("ProblemsError", () => {
    const problems: Problem[] = [invalid("nodeCount", 0, "an integer"), required("clusterName", "a DNS name")];

    it("carries the problems, its heading and the formatted list as its message", () => {
        const error = new ProblemsError(problems, "KopsCluster dev (2 problems)");
        assert.deepStrictEqual(error.problems, problems);
        assert.strictEqual(error.heading, "KopsCluster dev (2 problems)");
        assert.strictEqual(error.message, `KopsCluster dev (2 problems):\n${formatProblems(problems)}`);
        assert.strictEqual(error.name, "ProblemsError");
        assert.ok(error instanceof Error);
    });

    it("is a RunError to Pulumi, which then prints it without a stack trace", () => {
        assert.ok(pulumi.RunError.isInstance(new ProblemsError(problems, "x")));
        assert.ok(pulumi.RunError.isInstance(new ConfigError(problems)));
    });

    it("ConfigError is one, headed by whose settings they are", () => {
        const stack = new ConfigError(problems);
        assert.ok(stack instanceof ProblemsError);
        assert.strictEqual(stack.name, "ConfigError");
        assert.match(stack.message, /^The stack configuration has 2 problems:\n {2}- nodeCount: 0 is not allowed/);
        assert.match(
            new ConfigError(problems.slice(0, 1), { component: "dev" }).message,
            /^KopsIamCluster dev: its args have 1 problem:\n/,
        );
    });

    it("throwProblems throws only when there is a problem; refuse always", () => {
        assert.doesNotThrow(() => throwProblems("nothing", []));
        assert.throws(
            () => throwProblems("the spec patch options", problems),
            /^ProblemsError: the spec patch options \(2 problems\):\n/,
        );
        assert.throws(
            () => refuse("renderWebhookKubeconfig", problems[0]),
            /^ProblemsError: renderWebhookKubeconfig \(1 problem\):\n/,
        );
    });

    it("the package exports it, so that a program can catch a refusal and read its problems", () => {
        assert.strictEqual(components.ProblemsError, ProblemsError);
        assert.strictEqual(components.ConfigError.prototype instanceof components.ProblemsError, true);
        assert.strictEqual(components.formatProblem, formatProblem);
    });

    it("loads no Pulumi SDK: the kops helper program, which runs on every kops call, throws it too", () => {
        const loaded: string[] = JSON.parse(
            execFileSync(
                process.execPath,
                [
                    "-r",
                    "ts-node/register/transpile-only",
                    "-e",
                    'require("./components/core/problems"); console.log(JSON.stringify(Object.keys(require.cache)))',
                ],
                { cwd: repoRoot, encoding: "utf8" },
            ),
        );
        assert.deepStrictEqual(
            loaded.filter((file) => file.includes(`${path.sep}@pulumi${path.sep}`)),
            [],
        );
    });
});

describe("the test helper: refusals by [path, kind]", () => {
    const refusing = () => throwProblems("x", [invalid("b", 1, "c"), duplicate("a", 2, "d")]);

    it("refusedWith compares the pairs in any order and returns the problems", () => {
        const problems = refusedWith(refusing, [
            ["a", "duplicate"],
            ["b", "invalid"],
        ]);
        assert.deepStrictEqual(pathsAndKinds(problems), [
            ["b", "invalid"],
            ["a", "duplicate"],
        ]);
        assert.throws(() => refusedWith(refusing, [["b", "invalid"]]), assert.AssertionError);
        assert.throws(() => refusedWith(() => undefined, [["b", "invalid"]]), /but it passed/);
    });

    it("anything but a ProblemsError is not a refusal: it is thrown again", () => {
        assert.throws(
            () =>
                problemsOf(() => {
                    throw new TypeError("a bug");
                }),
            TypeError,
        );
        assert.deepStrictEqual(
            problemsOf(() => 1),
            [],
        );
    });

    it("rejectedWith does the same for a promise", async () => {
        await rejectedWith(Promise.reject(new ProblemsError([required("a", "b")], "x")), [["a", "required"]]);
        await assert.rejects(rejectedWith(Promise.resolve(1), [["a", "required"]]), /but it resolved/);
    });
});
