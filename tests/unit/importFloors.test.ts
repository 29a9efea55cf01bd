// The floors of components/ (eslint.config.js): a file imports only from its own folder and the floors
// below it. Here the lint rule is shown refusing each upward or sideways import, and the helper
// program that runs on every kops call is shown loading only kops/ and the ground floor, without the
// 1,100-entry instance-type list or the stack config (and, for the jobs that need no YAML, without
// the yaml package and the spec patch). And Pulumi's own lint rule, with the type
// checker, refusing an Output in a plain template literal where Outputs flow.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ESLint } from "eslint";
import { kopsCommandEnvironments } from "../../components/kops/commandEnvironment";
import { baseSettings } from "../helpers/processes/stubKops";

const repoRoot = path.join(__dirname, "..", "..");

/**
 * The messages of the floor rule for `source` as if it were the file `file` (relative to the repository).
 * Without the type checker: the example files do not exist, and the floor rule reads only imports.
 */
async function floorProblems(file: string, source: string): Promise<string[]> {
    const eslint = new ESLint({
        cwd: repoRoot,
        overrideConfig: {
            languageOptions: { parserOptions: { projectService: false } },
            rules: { "pulumi/no-output-in-template-literal": "off", "pulumi/no-output-instance-in-template-literal": "off" },
        },
    });
    const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, file) });
    return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("the floors of components/ (npm run lint)", function () {
    this.timeout(120_000);

    const cases: Array<[file: string, importPath: string, refusedBecause: RegExp | undefined]> = [
        ["components/core/example.ts", "./rules", undefined],
        ["components/core/example.ts", "../kops/cluster", /core\/ is the ground floor/],
        ["components/core/example.ts", "../config/stackConfig", /core\/ is the ground floor/],
        ["components/kops/example.ts", "../core/rules", undefined],
        ["components/kops/example.ts", "./cluster", undefined],
        [
            "components/kops/example.ts",
            "../authenticator/manifests",
            /kops\/ is a concern: it imports only from itself and the ground floor/,
        ],
        ["components/aws/example.ts", "../kops/commandEnvironment", /aws\/ is a concern/],
        ["components/authenticator/example.ts", "../settings/table", /authenticator\/ is a concern/],
        ["components/authenticator/example.ts", "../kopsIamCluster", /authenticator\/ is a concern/],
        ["components/kopsIamCluster.ts", "./kops/cluster", undefined],
        ["components/kopsIamCluster.ts", "./config/stackConfig", /never the stack config above it/],
        ["components/settings/example.ts", "../authenticator/manifests", undefined],
        ["components/settings/example.ts", "../kopsIamCluster", /never the recipe or the stack config above it/],
        ["components/settings/example.ts", "../config/stackConfig", /never the recipe or the stack config above it/],
        ["components/kopsIamCluster.ts", "./settings/parse", undefined],
        ["components/config/example.ts", "../kopsIamCluster", undefined],
    ];
    for (const [file, importPath, refusedBecause] of cases) {
        it(`${file} importing ${importPath}: ${refusedBecause ? "refused" : "allowed"}`, async () => {
            const problems = await floorProblems(file, `import { x } from "${importPath}";\nexport const y = x;\n`);
            if (refusedBecause) {
                assert.strictEqual(problems.length, 1, `expected one refusal, got ${JSON.stringify(problems)}`);
                assert.match(problems[0], refusedBecause);
            } else {
                assert.deepStrictEqual(problems, []);
            }
        });
    }
});

describe("Pulumi's lint rules (npm run lint, @pulumi/eslint-plugin)", function () {
    this.timeout(300_000);

    it("refuses an Output in a plain template literal in components/, and takes pulumi.interpolate", async () => {
        const eslint = new ESLint({ cwd: repoRoot });
        const lint = async (expression: string) => {
            const source = `import * as pulumi from "@pulumi/pulumi";\nconst bucket = pulumi.output("b");\nexport const url = ${expression};\n`;
            // An existing file's path, so that the type checker's project holds it.
            const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, "components", "index.ts") });
            return result.messages.map((m) => m.ruleId ?? m.message);
        };
        assert.deepStrictEqual(await lint("`s3://${bucket}`"), ["pulumi/no-output-in-template-literal"]);
        assert.deepStrictEqual(await lint("pulumi.interpolate`s3://${bucket}`"), []);
    });
});

describe("the kops helper program's modules", () => {
    const helper = path.join(repoRoot, "dist", "kops", "kopsHelper.js");
    /** The files node has loaded after requiring the helper and running `job` (if any) with `input` on stdin. */
    function loadedFiles(job: string[] | undefined, input = ""): string[] {
        assert.ok(fs.existsSync(helper), `${helper} is missing: run npm run build first (npm test does it)`);
        const run = job
            ? `require(${JSON.stringify(helper)}).runJob(${JSON.stringify(job)});`
            : `require(${JSON.stringify(helper)});`;
        return JSON.parse(
            execFileSync(process.execPath, ["-e", `${run} console.log(JSON.stringify(Object.keys(require.cache)))`], {
                encoding: "utf8",
                input,
                env: { ...process.env, SPEC_PATCH: kopsCommandEnvironments(baseSettings).spec.SPEC_PATCH },
                stdio: ["pipe", "pipe", "ignore"],
            }),
        );
    }
    const ours = (loaded: string[]) =>
        loaded
            .filter((file) => file.startsWith(path.join(repoRoot, "dist") + path.sep))
            .map((file) => path.relative(path.join(repoRoot, "dist"), file));

    it("the patch-spec job loads only kops/ and core/ of this package: not the instance-type list, the stack config or another concern", () => {
        // Its options are read, then the empty stdin is refused: by then it has loaded all it needs.
        const loaded = ours(loadedFiles(["patch-spec"]));
        assert.ok(loaded.includes(path.join("kops", "specPatch.js")), loaded.join(", "));
        assert.deepStrictEqual(
            loaded.filter((file) => !file.startsWith(`kops${path.sep}`) && !file.startsWith(`core${path.sep}`)),
            [],
        );
        assert.ok(!loaded.includes(path.join("core", "instanceTypeList.js")), loaded.join(", "));
    });

    it("loaded for `run` (every script's start) and the small jobs, it leaves the yaml package and the spec patch unloaded", () => {
        const loaded = loadedFiles(undefined);
        assert.deepStrictEqual(ours(loaded), [path.join("kops", "kopsHelper.js"), path.join("kops", "canonicalJson.js")]);
        assert.deepStrictEqual(
            loaded.filter((file) => file.includes(`${path.sep}node_modules${path.sep}yaml${path.sep}`)),
            [],
        );
    });
});
