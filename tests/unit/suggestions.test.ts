// "Did you mean ...?" for unknown keys and mistyped instance types, and values that look like a
// credential: refused where they would be kept in plain text, never echoed by a refusal (issue 22, item 3).
import * as assert from "assert";
import { closestMatch, editDistance, typoAllowance } from "../../components/core/suggestions";
import { misspelledInstanceType } from "../../components/core/instanceTypes";
import { secretLookalike } from "../../components/core/rules";
import { parseStackSettings } from "../../components/settings";
import { formatProblem, Problem } from "../../components/core/problems";
import { PathAndKind, problemsOf as problemsOfCall, refusedWith, said } from "../helpers/data/problems";
import { checkedKopsIamClusterArgs } from "../../components/settings/programArgs";
import { KopsIamClusterArgs } from "../../components/settings/args";
import { renderUserKubeconfig } from "../../components/authenticator/userKubeconfig";

const region = "eu-west-1";
const required = { clusterName: "dev.example.com", stateBucketName: "kops-state-example" };

/** AWS documentation's example credentials: they have every shape the rule looks for. */
const secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const accessKeyId = "AKIAIOSFODNN7EXAMPLE";
const privateKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAexample\n-----END RSA PRIVATE KEY-----";

/** The stack config's problems with `overrides` on the required settings. */
function problemsOf(overrides: Record<string, unknown>, awsProfile?: string): readonly Problem[] {
    return problemsOfCall(() => parseStackSettings({ ...required, ...overrides }, region, { awsProfile }));
}

/** The one problem of the stack config with `overrides`, which must be at `path` and of `kind`. */
function onlyProblem(overrides: Record<string, unknown>, [path, kind]: PathAndKind, awsProfile?: string): Problem {
    return refusedWith(() => parseStackSettings({ ...required, ...overrides }, region, { awsProfile }), [[path, kind]])[0];
}

/** The message of what `run` throws. */
function thrownBy(run: () => unknown): string {
    try {
        run();
    } catch (error) {
        return (error as Error).message;
    }
    assert.fail("expected an error");
}

describe("suggestions: the closest known word", () => {
    it("counts insertions, deletions, substitutions and swaps of neighbours as one edit each", () => {
        assert.strictEqual(editDistance("nodeCont", "nodeCount"), 1);
        assert.strictEqual(editDistance("nodeCuont", "nodeCount"), 1);
        assert.strictEqual(editDistance("m5large", "m5.large"), 1);
        assert.strictEqual(editDistance("zones", "nodeSize"), 6);
        assert.strictEqual(editDistance("", "abc"), 3);
    });

    it("allows one edit up to five characters, one more per five", () => {
        assert.deepStrictEqual([1, 5, 9, 10, 15].map(typoAllowance), [1, 1, 1, 2, 3]);
    });

    it("prefers a match ignoring letter case, then the least distance, and suggests nothing far off", () => {
        assert.strictEqual(closestMatch("nodecount", ["nodeCount", "nodeCont"]), "nodeCount");
        assert.strictEqual(closestMatch("nodeSzie", ["nodeSize", "nodeCount"]), "nodeSize");
        assert.strictEqual(closestMatch("colour", ["nodeSize", "zones"]), undefined);
        assert.strictEqual(closestMatch("tag", ["tags"]), "tags");
        assert.strictEqual(closestMatch("tags", ["tags"]), undefined);
    });
});

describe("suggestions: unknown keys", () => {
    it("an unknown stack setting names the closest known one", () => {
        const problem = onlyProblem({ nodeCont: 3 }, ["kops-iam-auth:nodeCont", "unknown"]);
        assert.strictEqual(problem.hint, "did you mean nodeCount?");
        assert.match(said(problem), /docs\/configuration\.md/);
    });

    it("an unknown setting nothing is close to gets no suggestion", () => {
        const problem = onlyProblem({ colour: "blue" }, ["kops-iam-auth:colour", "unknown"]);
        assert.strictEqual(problem.hint, undefined);
    });

    it("an unknown field of a list entry names the closest field", () => {
        const problem = onlyProblem(
            { accessRoles: [{ name: "KubernetesAdmin", username: "admin", groups: ["system:masters"], requireMFA: true }] },
            ["kops-iam-auth:accessRoles[0].requireMFA", "unknown"],
        );
        assert.strictEqual(problem.hint, "did you mean requireMfa?");
    });

    it("an unknown argument of KopsIamCluster names the closest argument, region among them", () => {
        const args = { ...required, nodeCont: 3, regoin: "eu-west-1" } as unknown as KopsIamClusterArgs;
        const problems = refusedWith(
            () => checkedKopsIamClusterArgs("dev", args, region),
            [
                ["nodeCont", "unknown"],
                ["regoin", "unknown"],
            ],
        );
        assert.deepStrictEqual(
            problems.map((problem) => problem.hint),
            ["did you mean nodeCount?", "did you mean region?"],
        );
    });
});

describe("suggestions: instance types", () => {
    for (const [key, typo, meant] of [
        ["nodeSize", "t3.medum", "t3.medium"],
        ["controlPlaneSize", "m5large", "m5.large"],
        ["nodeSize", "T3.Medium", "t3.medium"],
        ["nodeSize", "m7i.larg", "m7i.large"],
    ]) {
        it(`${typo}: suggests ${meant}, and not extraInstanceTypes as the fix`, () => {
            const problem = onlyProblem({ [key]: typo }, [`kops-iam-auth:${key}`, "invalid"]);
            assert.strictEqual(problem.value, typo);
            assert.ok(said(problem).includes(`did you mean ${meant}?`), said(problem));
            assert.ok(!said(problem).includes("extraInstanceTypes"), said(problem));
        });
    }

    // A digit that differs is a generation or size kOps' list may not have yet; a family it does not know may be new.
    for (const [type, why] of [
        ["m9gn.large", "a family kOps does not know"],
        ["t3.3xlarge", "a size of another number"],
        ["t3.gigantic", "nothing close"],
    ]) {
        it(`${type} (${why}): keeps the extraInstanceTypes hint`, () => {
            assert.strictEqual(misspelledInstanceType(type), undefined);
            const problem = onlyProblem({ nodeSize: type }, ["kops-iam-auth:nodeSize", "invalid"]);
            assert.match(said(problem), /if EC2 has it, add it to extraInstanceTypes/);
            assert.ok(!said(problem).includes("did you mean"), said(problem));
        });
    }

    it("a type listed in extraInstanceTypes is accepted, even close to a known one", () => {
        assert.deepStrictEqual(problemsOf({ nodeSize: "t3.mediun", extraInstanceTypes: ["t3.mediun"] }), []);
    });
});

describe("secret-looking values", () => {
    it("the rule: access key IDs, secret access keys, private keys; not words, hex digests or SSH public keys", () => {
        assert.strictEqual(secretLookalike(secretAccessKey), "an AWS secret access key");
        assert.strictEqual(secretLookalike(accessKeyId), "an AWS access key ID");
        assert.strictEqual(secretLookalike(`ASIA${"Q".repeat(16)}`), "an AWS access key ID");
        assert.strictEqual(secretLookalike(privateKey), "a private key");
        for (const plain of [
            "ops-admin",
            "a".repeat(40),
            "sha256:" + "0123456789abcdef".repeat(4),
            "arn:aws:iam::210987654321:role/team/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ABCD",
            `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${"Ab1".repeat(15)} me@host`,
        ]) {
            assert.strictEqual(secretLookalike(plain), undefined, plain);
        }
    });

    const cases: Array<[what: string, overrides: Record<string, unknown>, path: string, secret: string]> = [
        ["kubeconfigAwsProfile", { kubeconfigAwsProfile: secretAccessKey }, "kubeconfigAwsProfile", secretAccessKey],
        [
            "a mapping's username",
            { mapRoles: [{ roleArn: "arn:aws:iam::210987654321:role/Ops", username: accessKeyId, groups: ["system:masters"] }] },
            "mapRoles[0].username",
            accessKeyId,
        ],
        [
            "a mapping's group, as pulumi config's JSON text",
            {
                mapUsers: JSON.stringify([
                    { userArn: "arn:aws:iam::210987654321:user/ops", username: "ops", groups: [secretAccessKey] },
                ]),
            },
            "mapUsers[0].groups[0]",
            secretAccessKey,
        ],
        ["a tag value", { tags: { Team: secretAccessKey } }, 'tags["Team"]', secretAccessKey],
        [
            "an extra kops flag",
            { kopsExtraFlags: [`--cloud-labels=key=${secretAccessKey}`] },
            "kopsExtraFlags[0]",
            secretAccessKey,
        ],
        ["sshPublicKey given a private key", { sshPublicKey: privateKey }, "sshPublicKey", "MIIEpAIBAAKCAQEAexample"],
    ];
    for (const [what, overrides, path, secret] of cases) {
        it(`${what}: refused once, naming the setting and why, without the value`, () => {
            const problem = onlyProblem(overrides, [`kops-iam-auth:${path}`, "forbidden"]);
            assert.match(said(problem), /^not a credential: .* kept in plain text/);
            // The rendered text is the point here: the value is redacted in it.
            const text = formatProblem(problem);
            assert.ok(text.includes("[redacted: it looks like "), text);
            assert.ok(!text.includes(secret), text);
        });
    }

    it("aws:profile too, and a program's awsProfile", () => {
        const problem = onlyProblem({}, ["aws:profile", "forbidden"], accessKeyId);
        assert.ok(formatProblem(problem).includes('"[redacted: it looks like an AWS access key ID, 20 characters]"'));
        const args = { ...required, awsProfile: secretAccessKey } as KopsIamClusterArgs;
        refusedWith(() => checkedKopsIamClusterArgs("dev", args, region), [["awsProfile", "forbidden"]]);
        const message = thrownBy(() => checkedKopsIamClusterArgs("dev", args, region));
        assert.match(message, /\[redacted: it looks like an AWS secret access key, 40 characters\]/);
        assert.ok(!message.includes(secretAccessKey), message);
    });

    it("the whole ConfigError text shows no part of any of them", () => {
        const message = thrownBy(() =>
            parseStackSettings(
                {
                    ...required,
                    kubeconfigAwsProfile: secretAccessKey,
                    tags: { Owner: accessKeyId },
                    sshPublicKey: privateKey,
                },
                region,
            ),
        );
        assert.match(message, /^The stack configuration has 3 problems:/);
        for (const part of [secretAccessKey, accessKeyId, "MIIEpAIBAAKCAQEAexample", "wJalrXUt", "AKIAIOSF"]) {
            assert.ok(!message.includes(part), message);
        }
    });

    it("a user kubeconfig refuses such a profile (getKubeconfig's profileName) without showing it", () => {
        const render = () =>
            renderUserKubeconfig({
                clusterName: "dev.example.com",
                server: "https://api.dev.example.com",
                certificateAuthorityData: Buffer.from("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n").toString(
                    "base64",
                ),
                clusterId: "dev.example.com",
                roleArn: "arn:aws:iam::210987654321:role/KubernetesAdmin",
                awsProfile: secretAccessKey,
            });
        const [problem] = refusedWith(render, [["awsProfile", "forbidden"]]);
        assert.strictEqual(problem.hint, "it looks like an AWS secret access key");
        const message = thrownBy(render);
        assert.ok(!message.includes(secretAccessKey), message);
    });
});
