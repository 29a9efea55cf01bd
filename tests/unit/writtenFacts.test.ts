// What people write by hand about the code: the defaults in doc comments and docs, and the files
// comments and docs point at. Each default is defined once, in code (components/core/defaults.ts, or
// where a component applies it); an `@default` tag is its copy shown on hover, and this test holds
// every copy equal to the code. A file named in a comment or a doc must exist.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
    defaultAccessRoles,
    defaultAuthenticatorImage,
    defaultAuthenticatorResources,
    defaultAuthenticatorUid,
    defaultKopsCommandTimeouts,
    kopsClusterDefaults,
    kopsIamClusterDefaults,
} from "../../components/core/defaults";
import { authenticatorCertificateRequest } from "../../components/authenticator/pki";
import { simpleSettings, structuredSettings } from "../../components/settings/table";
import { code, FieldDoc, interfaceFieldDocs } from "../../tools/render-config-reference";

const repoRoot = path.join(__dirname, "..", "..");

/** The files in the repository (git's index, plus the working tree's new files), with `/`. */
const repositoryFiles: string[] = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
})
    .split("\n")
    .filter((file) => file !== "" && fs.existsSync(path.join(repoRoot, file)));

/**
 * The default each documented optional field gets, by interface: what the code applies when the
 * field is left out. A field with an `@default` tag must be here, so a new tag gets checked too.
 */
const appliedDefaults: Record<string, Record<string, unknown>> = {
    KopsIamClusterArgs: Object.fromEntries(
        Object.entries({ ...simpleSettings, ...structuredSettings }).flatMap(([key, setting]) =>
            "default" in setting ? [[key, setting.default]] : [],
        ),
    ),
    KopsClusterArgs: kopsClusterDefaults,
    KopsCommandTimeouts: defaultKopsCommandTimeouts,
    KopsStateStoreArgs: { forceDestroy: kopsIamClusterDefaults.stateBucketForceDestroy },
    ClusterClaimArgs: { kopsBinary: kopsClusterDefaults.kopsBinary, adoptExisting: kopsClusterDefaults.adoptExisting },
    AccessRolesArgs: { roles: defaultAccessRoles },
    // renderTrustPolicy (components/aws/policies.ts): `partition ?? "aws"`, `if (requireMfa)`.
    TrustPolicyOptions: { partition: "aws" },
    AccessRole: { requireMfa: false },
    AuthenticatorPkiArgs: { validityPeriodHours: authenticatorCertificateRequest.defaultValidityPeriodHours },
    IamAuthenticatorArgs: {
        image: defaultAuthenticatorImage,
        uid: defaultAuthenticatorUid,
        resources: defaultAuthenticatorResources,
        // IamAuthenticator: `clusterRoleBindings ?? []`.
        clusterRoleBindings: [],
    },
    AuthenticatorDaemonSetArgs: { image: defaultAuthenticatorImage, uid: defaultAuthenticatorUid },
    // renderNextSteps and renderUserKubeconfig: `tokenCommand ?? "aws-iam-authenticator"`.
    NextStepsArgs: { tokenCommand: "aws-iam-authenticator" },
    UserKubeconfigArgs: { tokenCommand: "aws-iam-authenticator" },
};

/** Problems of `@default` tags: each must start with the applied default as inline code (code()). */
export function defaultTagProblems(docs: FieldDoc[], file: string, applied = appliedDefaults): string[] {
    return docs.flatMap((doc) => {
        if (doc.defaultTag === undefined) {
            return [];
        }
        const where = `${file}: ${doc.interfaceName}.${doc.field}`;
        const defaults = applied[doc.interfaceName];
        if (!defaults || !(doc.field in defaults)) {
            return [
                `${where} has @default ${doc.defaultTag}, but this test knows no default applied to it (add it to appliedDefaults)`,
            ];
        }
        const expected = code(defaults[doc.field]);
        const rest = doc.defaultTag.startsWith(expected) ? doc.defaultTag.slice(expected.length) : undefined;
        return rest === undefined || !(rest === "" || /^\s/.test(rest))
            ? [`${where} says @default ${doc.defaultTag}; the code applies ${expected}`]
            : [];
    });
}

/** Comment lines of a source file: `//`, `/* ... *\/` and JSDoc lines in TypeScript, `#` lines in shell. */
function commentLines(file: string, text: string): { line: number; text: string }[] {
    const lines = text.split("\n").map((line, index) => ({ line: index + 1, text: line.trim() }));
    if (file.endsWith(".sh")) {
        return lines.filter((l) => l.text.startsWith("#"));
    }
    return lines.filter((l) => /^(\/\/|\/\*|\*)/.test(l.text));
}

/** A default written in prose in a comment (`Default 2.`, `(default)`) rather than as an `@default` tag. */
export function untaggedDefaults(file: string, text: string): string[] {
    return commentLines(file, text)
        .filter((l) => /\bDefault\b(?!s)|\((the )?default\)/.test(l.text) && !l.text.startsWith("* @default"))
        .map((l) => `${file}:${l.line}: ${l.text}`);
}

/**
 * Settings' defaults written in a doc: "`key`, default value", "`key` (default value)" and "`key`
 * defaults to value". Each must be the default the component applies.
 */
export function docDefaultProblems(file: string, text: string, defaults = appliedDefaults.KopsIamClusterArgs): string[] {
    const pattern = /`(\w+)`(?:'s)?,? \(?(?:default:?|defaults to) `?([^\s`),;]+)`?/g;
    return [...text.matchAll(pattern)].flatMap((match) => {
        const [, key, written] = match;
        if (!(key in defaults)) {
            return [];
        }
        const value = defaults[key];
        const expected = typeof value === "string" ? value : JSON.stringify(value);
        return written.replace(/\.$/, "") === expected
            ? []
            : [`${file}: \`${key}\` is written with default ${written}; the default is ${expected}`];
    });
}

/**
 * Names that look like files but are not this repository's, by why: outputs of the program or of
 * the scripts at run time, and other projects' files cited by path.
 */
const notRepositoryFiles: Record<string, string> = {
    "Node.js": "the runtime's name",
    "kubeconfig.yaml": "the authenticator's file in the state store (stateStoreLayout.ts)",
    "config.yaml": "the authenticator's config file (configFile.ts)",
    "Pulumi.prod.yaml": "an example of a stack file a user adds",
    "partitions.json": "the AWS SDK's list of partitions",
    "deploy/example.yaml": "aws-iam-authenticator's repository",
    "upup/models/cloudup/resources/addons/authentication.aws/k8s-1.12.yaml": "kOps' repository",
    "install-pulumi-plugin.js": "the Pulumi provider packages' install script (in node_modules)",
};

/** Where a file's relative mentions may point: its folder and every folder above it, components/, and the plan's output. */
function mentionBases(file: string): string[] {
    const bases: string[] = [];
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
        bases.push(dir === "." ? "" : dir);
        if (dir === "." || dir === "/") {
            break;
        }
    }
    // `npm run plan` writes plan/<stack>/...; the expected outputs of the example stack mirror it.
    return [...bases, "components", "tests/golden", "tests/golden/plan/dev"];
}

/** File names (`name.ts`, `dir/name.yaml`, ...) named in `text` that are not in the repository. */
export function missingFileMentions(file: string, text: string, files: string[] = repositoryFiles): string[] {
    const known = new Set(files);
    const folders = new Set(
        files.flatMap((f) =>
            f
                .split("/")
                .slice(0, -1)
                .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
        ),
    );
    const basenames = new Set(files.map((f) => path.posix.basename(f)));
    const pattern = /(?<![\w./<>$-])((?:\.{1,2}\/)*[A-Za-z0-9_][A-Za-z0-9_./-]*\.(?:ts|js|sh|md|ya?ml|json))\b(?![\w/<*-])/g;
    const mentioned = [...text.matchAll(pattern)].map((match) => match[1]);
    return [...new Set(mentioned)].filter((name) => {
        if (name in notRepositoryFiles || name.startsWith("work/")) {
            return false;
        }
        if (!name.includes("/") && !name.startsWith(".")) {
            return !basenames.has(name);
        }
        return !mentionBases(file).some((base) => {
            const resolved = path.posix.normalize(path.posix.join(base, name)).replace(/^\.\//, "");
            return known.has(resolved) || folders.has(resolved);
        });
    });
}

/** The comments of components/ and tools/, and the project's own docs (not the upstream research notes). */
const sources = repositoryFiles.filter((file) => /^(components|tools)\/.*\.(ts|sh)$/.test(file));
const upstreamNotes = ["docs/kops.md", "docs/aws-iam-authenticator.md", "docs/pulumi.md"];
const documents = repositoryFiles.filter(
    (file) =>
        (file === "README.md" || /^docs\/.*\.md$/.test(file) || file === "tests/README.md") && !upstreamNotes.includes(file),
);
const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");

describe("defaults written by hand agree with the code", () => {
    it("every @default tag in components/ says the default the code applies", () => {
        const files = sources.filter((file) => file.endsWith(".ts"));
        const tags = files.flatMap((file) =>
            interfaceFieldDocs(path.join(repoRoot, file)).filter((doc) => doc.defaultTag !== undefined),
        );
        assert.ok(tags.length > 60, `expected the args' tags, found ${tags.length}`);
        const problems = files.flatMap((file) => defaultTagProblems(interfaceFieldDocs(path.join(repoRoot, file)), file));
        assert.deepEqual(problems, []);
    });

    it("no comment in components/ or tools/ writes a default in prose: it is an @default tag, or not there", () => {
        const found = sources.flatMap((file) => untaggedDefaults(file, read(file)));
        assert.deepEqual(found, [], "write each as an @default tag on the field (checked by the test above)");
    });

    it("a setting's default named in README.md, docs/ or tests/README.md is the one the component applies", () => {
        const problems = documents.flatMap((file) => docDefaultProblems(file, read(file)));
        assert.deepEqual(problems, []);
    });

    it("catches a wrong or unknown @default tag, a prose default and a wrong default in a doc", () => {
        const doc = (field: string, defaultTag: string): FieldDoc => ({ interfaceName: "KopsClusterArgs", field, defaultTag });
        assert.deepEqual(defaultTagProblems([doc("nodeCount", "`2`"), doc("nodeSize", "`t3.medium` (small)")], "f.ts"), []);
        assert.equal(defaultTagProblems([doc("nodeCount", "`3`")], "f.ts").length, 1);
        assert.equal(defaultTagProblems([doc("nodeCount", "`20`")], "f.ts").length, 1);
        assert.equal(defaultTagProblems([{ ...doc("x", "`1`"), interfaceName: "Unknown" }], "f.ts").length, 1);
        assert.equal(untaggedDefaults("f.ts", "    /** Number of nodes. Default 2. */\nconst x = 1;").length, 1);
        assert.equal(untaggedDefaults("f.ts", "    /**\n     * Number of nodes.\n     * @default `2`\n     */").length, 0);
        assert.equal(docDefaultProblems("d.md", "the owner must be (`authenticatorUid`, default 10000)").length, 0);
        assert.equal(docDefaultProblems("d.md", "the owner must be (`authenticatorUid`, default 1000)").length, 1);
    });
});

/** The kOps scripts' fallbacks for the variables the components always set, by variable: the components' defaults. */
const scriptFallbacks: Record<string, string> = {
    KOPS_BIN: kopsClusterDefaults.kopsBinary,
    VALIDATE_TIMEOUT: kopsClusterDefaults.validateTimeout,
    ADOPT_EXISTING: String(kopsClusterDefaults.adoptExisting),
    RECREATE_MISSING_CLUSTER: String(kopsClusterDefaults.recreateMissingCluster),
    // JSON, as specEnvironment passes the flags.
    KOPS_EXTRA_FLAGS: JSON.stringify(kopsClusterDefaults.extraFlags),
};

/** A script's `VAR=${VAR:-value}` fallbacks and `VAR (default value)` comments that differ from scriptFallbacks. */
export function scriptDefaultProblems(file: string, text: string): string[] {
    const written = [
        ...[...text.matchAll(/^\s*(\w+)=\$\{\1:-([^}]*)\}/gm)].map((m) => [m[1], m[2]]),
        ...[...text.matchAll(/^#.*?\b([A-Z][A-Z_]+) \(default ([^)]+)\)/gm)].map((m) => [m[1], m[2]]),
    ];
    return written.flatMap(([variable, value]) =>
        scriptFallbacks[variable] === value
            ? []
            : [
                  `${file}: ${variable} defaults to ${JSON.stringify(value)}; the components' default is ${JSON.stringify(scriptFallbacks[variable])}`,
              ],
    );
}

describe("the kOps scripts' defaults", () => {
    it("are the components' defaults, in the code and in the comments", () => {
        const scripts = sources.filter((file) => file.endsWith(".sh"));
        assert.ok(scripts.length >= 5, `expected the scripts, found ${scripts.join(", ")}`);
        assert.deepEqual(
            scripts.flatMap((file) => scriptDefaultProblems(file, read(file))),
            [],
        );
        assert.equal(scriptDefaultProblems("a.sh", "VALIDATE_TIMEOUT=${VALIDATE_TIMEOUT:-10m}\n").length, 1);
        assert.equal(scriptDefaultProblems("a.sh", "# KOPS_BIN (default kops1), CLUSTER_NAME\n").length, 1);
    });
});

describe("files named in comments and docs exist", () => {
    it("every file a comment in components/ or tools/ names exists", () => {
        const missing = sources.flatMap((file) =>
            missingFileMentions(
                file,
                commentLines(file, read(file))
                    .map((l) => l.text)
                    .join("\n"),
            ).map((name) => `${file}: ${name}`),
        );
        assert.deepEqual(missing, []);
    });

    it("every file README.md, docs/ and tests/README.md name exists", () => {
        const missing = documents.flatMap((file) => missingFileMentions(file, read(file)).map((name) => `${file}: ${name}`));
        assert.deepEqual(missing, []);
    });

    it("catches a file that does not exist, relative to the file, the repository or components/", () => {
        const files = ["components/settings/table.ts", "components/settings/validate.ts", "components/core/rules.ts"];
        assert.deepEqual(
            missingFileMentions("components/settings/validate.ts", "// see ./table.ts and core/rules.ts", files),
            [],
        );
        assert.deepEqual(missingFileMentions("components/settings/validate.ts", "// see ./settings.ts", files), [
            "./settings.ts",
        ]);
        assert.deepEqual(missingFileMentions("components/settings/validate.ts", "// see parse.ts", files), ["parse.ts"]);
        assert.deepEqual(missingFileMentions("README.md", "see components/settings/args.ts", files), [
            "components/settings/args.ts",
        ]);
    });
});
