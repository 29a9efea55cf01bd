// Pulumi.yaml and docs/configuration.md describe the settings (components/settings/table.ts and args.ts); these tests
// keep the three from drifting apart, and the args' @default tags equal to the defaults the component applies.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PathAndKind, refusedWith, said } from "../helpers/data/problems";
import { configNamespace, simpleSettings, structuredSettings } from "../../components/settings/table";
import { parseStackSettings } from "../../components/settings";
import {
    endMarker,
    extractConfigReference,
    renderConfigReference,
    startMarker,
    structuredExample,
    withConfigReference,
    describeSetting,
    configReferencePath,
    documentedDefault,
} from "../../tools/render-config-reference";

const root = path.join(__dirname, "..", "..");
const pulumiYaml = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
const required = { clusterName: "dev.k8s.local", stateBucketName: "kops-state-test" };

describe("Pulumi.yaml", () => {
    it("names the project and runs index.ts with the nodejs TypeScript runtime", () => {
        assert.strictEqual(pulumiYaml.name, configNamespace);
        assert.deepStrictEqual(pulumiYaml.runtime, { name: "nodejs", options: { typescript: true } });
        // package.json's main is the component package; without this Pulumi would run it as the program.
        assert.strictEqual(pulumiYaml.main, "index.ts");
    });

    it("declares exactly the simple settings of settings/table.ts, in order, with their types, defaults and descriptions", () => {
        const expected = Object.fromEntries(
            Object.entries(simpleSettings).map(([key, setting]) => [
                key,
                {
                    type: setting.type,
                    ...(setting.type === "array" ? { items: { type: "string" } } : {}),
                    ...("default" in setting ? { default: setting.default } : {}),
                    description: describeSetting(key),
                },
            ]),
        );
        assert.deepStrictEqual(Object.keys(pulumiYaml.config), Object.keys(expected));
        assert.deepStrictEqual(pulumiYaml.config, expected);
    });

    it("has defaults that, passed on the way the Pulumi CLI does, give the same settings as settings/table.ts's", () => {
        // The CLI sets every missing key to its project default: scalars as text, lists as JSON.
        const fromCli = Object.fromEntries(
            Object.entries(pulumiYaml.config as Record<string, { default?: unknown }>)
                .filter(([, declaration]) => declaration.default !== undefined)
                .map(([key, { default: value }]) => [key, typeof value === "object" ? JSON.stringify(value) : String(value)]),
        );
        assert.deepStrictEqual(
            parseStackSettings({ ...fromCli, ...required }, "eu-west-1"),
            parseStackSettings(required, "eu-west-1"),
        );
    });

    it("leaves exactly the settings without a safe default required", () => {
        const requiredKeys = Object.entries(pulumiYaml.config as Record<string, { default?: unknown }>)
            .filter(([, declaration]) => declaration.default === undefined)
            .map(([key]) => key);
        assert.deepStrictEqual(requiredKeys, ["clusterName", "stateBucketName"]);
    });
});

describe("docs/configuration.md, the configuration reference", () => {
    const readme = fs.readFileSync(configReferencePath, "utf8");

    it("is what tools/render-config-reference.ts renders (run it after changing settings/table.ts or args.ts)", () => {
        assert.strictEqual(readme.split(startMarker).length, 2, "one start marker");
        assert.strictEqual(readme.split(endMarker).length, 2, "one end marker");
        assert.ok(readme.includes(`## Configuration reference\n${startMarker}`), "the markers sit under the heading");
        assert.strictEqual(
            extractConfigReference(readme),
            renderConfigReference(),
            "docs/configuration.md is stale: npx ts-node --transpile-only tools/render-config-reference.ts",
        );
    });

    it("has a row for every simple setting and a section for every structured one", () => {
        const section = renderConfigReference();
        for (const key of Object.keys(simpleSettings)) {
            assert.ok(section.includes(`\n| \`${key}\` |`), key);
        }
        for (const key of ["accessRoles", "mapRoles", "mapUsers", "mapAccounts", "clusterRoleBindings", "tags"]) {
            assert.ok(section.includes(`\n#### \`${key}\`\n`), key);
        }
        assert.ok(section.includes("| `clusterName` | string | **required** |"));
        assert.ok(section.includes("| `nodeCount` | integer | `2` |"));
        // Angle brackets are escaped, or Markdown renderers would take <partition> for an HTML tag.
        assert.ok(section.includes("arn:&lt;partition&gt;:iam::"));
        assert.ok(!/\| [^|]*<partition>/.test(section));
    });

    it("shows an example that parses cleanly", () => {
        const example = (section: string) => YAML.parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]);
        const config = example(renderConfigReference()).config as Record<string, unknown>;
        assert.deepStrictEqual(config, structuredExample);
        const raw = Object.fromEntries(
            Object.entries(config).map(([key, value]) => [key.slice(`${configNamespace}:`.length), value]),
        );
        // The example's accounts are AWS documentation's: copied as it is, it is refused, entry by entry.
        const problems = refusedWith(
            () => parseStackSettings({ ...raw, ...required }, "eu-west-1"),
            ["accessRoles[1].trustedPrincipals[0]", "mapRoles[0].roleArn", "mapUsers[0].userArn", "mapAccounts[0]"].map(
                (path): PathAndKind => [`${configNamespace}:${path}`, "invalid"],
            ),
        );
        assert.ok(problems.every((problem) => /AWS's documentation uses in its examples/.test(said(problem))));
        const settings = parseStackSettings({ ...raw, ...required, allowExampleAccounts: true }, "eu-west-1");
        assert.deepStrictEqual(settings.mapAccounts, ["444455556666"]);
        assert.deepStrictEqual(
            settings.clusterRoleBindings.map((b) => b.group),
            ["developers", "deployers"],
        );
        assert.strictEqual(settings.accessRoles[1].username, "developer:{{SessionName}}");
    });

    it("takes each default from its @default tag in KopsIamClusterArgs, which must say the default the component applies", () => {
        for (const [key, setting] of Object.entries({ ...simpleSettings, ...structuredSettings })) {
            const shown = documentedDefault(key, setting);
            assert.ok(readme.includes(shown), `${key}: ${shown}`);
        }
        const wrong = { nodeCount: { field: "nodeCount", interfaceName: "KopsIamClusterArgs", defaultTag: "`3`" } };
        assert.throws(() => documentedDefault("nodeCount", simpleSettings.nodeCount, wrong), /says @default `3`; .* is `2`/);
        const missing = { nodeCount: { field: "nodeCount", interfaceName: "KopsIamClusterArgs" } };
        assert.throws(() => documentedDefault("nodeCount", simpleSettings.nodeCount, missing), /has no @default tag/);
        const onRequired = { clusterName: { field: "clusterName", interfaceName: "KopsIamClusterArgs", defaultTag: "`x`" } };
        assert.throws(() => documentedDefault("clusterName", simpleSettings.clusterName, onRequired), /is required/);
    });

    it("is inserted under its heading at the end of a README without markers, and replaced in place after", () => {
        const inserted = withConfigReference("# Project\n\nText.\n", "\nfirst\n");
        assert.strictEqual(inserted, `# Project\n\nText.\n\n## Configuration reference\n${startMarker}\nfirst\n${endMarker}\n`);
        const replaced = withConfigReference(`${inserted}\n## Later section\n`, "\nsecond\n");
        assert.strictEqual(
            replaced,
            `# Project\n\nText.\n\n## Configuration reference\n${startMarker}\nsecond\n${endMarker}\n\n## Later section\n`,
        );
    });
});
