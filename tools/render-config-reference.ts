// Renders README.md's configuration reference: each setting's description from its KopsIamClusterArgs
// comment (components/settings/args.ts), its type, default and accepted values from the settings'
// table (components/settings/table.ts).
// Run: npx ts-node --transpile-only tools/render-config-reference.ts
// (tests/unit/configReference.test.ts fails when README.md and the tables disagree).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as ts from "typescript";
import { configNamespace, simpleSettings, StructuredField, structuredSettings } from "../components/settings/table";

/** Where KopsIamClusterArgs is declared. */
const argsSource = path.join(__dirname, "..", "components", "settings", "args.ts");

/**
 * Each KopsIamClusterArgs field's doc comment, as one line: the one description of a setting. Read
 * from the source (parsed, not type-checked), as the README and Pulumi.yaml are generated from it.
 */
export function argsDescriptions(): Record<string, string> {
    const source = ts.createSourceFile(argsSource, fs.readFileSync(argsSource, "utf8"), ts.ScriptTarget.Latest, true);
    const descriptions: Record<string, string> = {};
    source.forEachChild((node) => {
        if (ts.isInterfaceDeclaration(node) && node.name.text === "KopsIamClusterArgs") {
            for (const member of node.members) {
                const comment = ts.getJSDocCommentsAndTags(member).find(ts.isJSDoc)?.comment;
                const text = typeof comment === "string" ? comment : ts.getTextOfJSDocComment(comment);
                if (member.name && text) {
                    descriptions[member.name.getText(source)] = text.replace(/\s+/g, " ").trim();
                }
            }
        }
    });
    return descriptions;
}

/** The description of `key`; throws when KopsIamClusterArgs does not document it. */
export function describeSetting(key: string, descriptions = argsDescriptions()): string {
    const description = descriptions[key];
    if (description === undefined) {
        throw new Error(`KopsIamClusterArgs has no documented field ${key} (components/settings/args.ts)`);
    }
    return description;
}

export const startMarker = "<!-- config-reference:start -->";
export const endMarker = "<!-- config-reference:end -->";
const heading = "## Configuration reference";

/** A stack file fragment using every structured setting (the README shows it; a test parses it). */
export const structuredExample: Record<string, unknown> = {
    [`${configNamespace}:accessRoles`]: [
        { name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
        {
            name: "KubernetesDeveloper",
            username: "developer:{{SessionName}}",
            groups: ["developers"],
            trustedPrincipals: ["arn:aws:iam::111122223333:role/sso/Engineering"],
            requireMfa: true,
            maxSessionDurationSeconds: 7200,
        },
    ],
    [`${configNamespace}:mapRoles`]: [
        { roleArn: "arn:aws:iam::111122223333:role/ci/Deployer", username: "ci-deployer", groups: ["deployers"] },
    ],
    [`${configNamespace}:mapUsers`]: [
        { userArn: "arn:aws:iam::111122223333:user/alice", username: "alice", groups: ["developers"] },
    ],
    [`${configNamespace}:mapAccounts`]: ["444455556666"],
    [`${configNamespace}:clusterRoleBindings`]: [
        { group: "developers", clusterRole: "edit" },
        { group: "deployers", clusterRole: "admin" },
    ],
    [`${configNamespace}:tags`]: { team: "platform", "cost-center": "1234" },
};

/** Markdown table cell text: pipes escaped, and angle brackets kept visible (not read as HTML). */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A default as inline code: strings bare (an empty one as ""), everything else as JSON. */
function code(value: unknown): string {
    return `\`${typeof value === "string" && value !== "" ? value : JSON.stringify(value)}\``;
}

/** The Markdown that goes between the markers (with a newline at each end). */
export function renderConfigReference(): string {
    const lines: string[] = [
        "",
        "<!-- Generated from components/settings/args.ts and components/settings/table.ts by " +
            "`npx ts-node --transpile-only tools/render-config-reference.ts`. Do not edit by hand. -->",
        "",
        `Set a value with \`pulumi config set <key> <value>\` (keys live in the \`${configNamespace}\` namespace), ` +
            `or in \`Pulumi.<stack>.yaml\` as \`${configNamespace}:<key>: <value>\`. ` +
            "The AWS region comes from `aws:region` (required), and kops uses the AWS profile in `aws:profile` if set. " +
            "Every value is checked before any resource is created, and all problems are reported together, each naming " +
            "the key, the value and what is accepted.",
        "",
        "### Settings",
        "",
        "`Pulumi.yaml` declares these with the same types, defaults and descriptions.",
        "",
        "| Key | Type | Default | Accepted values | Description |",
        "| --- | --- | --- | --- | --- |",
    ];
    const descriptions = argsDescriptions();
    for (const [key, setting] of Object.entries(simpleSettings)) {
        const defaultText = "default" in setting ? code(setting.default) : "**required**";
        const type = setting.type === "array" ? "list of strings" : setting.type;
        lines.push(
            `| \`${key}\` | ${type} | ${defaultText} | ${cell(setting.accepted)} | ${cell(describeSetting(key, descriptions))} |`,
        );
    }
    lines.push(
        "",
        "### Structured settings",
        "",
        "Lists and maps, set in the stack file (or with `pulumi config set --path`). Pulumi cannot declare their " +
            "shape in `Pulumi.yaml`; they are checked like the rest. An example using all of them follows; its " +
            "accounts are AWS documentation's, so it is refused as it is (put in your own, or set allowExampleAccounts).",
    );
    for (const [key, setting] of Object.entries(structuredSettings)) {
        lines.push(
            "",
            `#### \`${key}\``,
            "",
            `${cell(describeSetting(key, descriptions))}`,
            "",
            `Default: ${code(setting.default)}. Accepted: ${cell(setting.accepted)}.`,
        );
        const fields: Record<string, StructuredField> | undefined = "fields" in setting ? setting.fields : undefined;
        if (fields) {
            lines.push("", "| Field | Required | Accepted values |", "| --- | --- | --- |");
            for (const [field, { required, accepted }] of Object.entries(fields)) {
                lines.push(`| \`${field}\` | ${required ? "yes" : "no"} | ${cell(accepted)} |`);
            }
        }
    }
    lines.push(
        "",
        "#### Example (`Pulumi.<stack>.yaml`)",
        "",
        "```yaml",
        YAML.stringify({ config: structuredExample }, { lineWidth: 0 }).trimEnd(),
        "```",
        "",
    );
    return lines.join("\n");
}

/** The text between the markers, or undefined when README has none. */
export function extractConfigReference(readme: string): string | undefined {
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    return start < 0 || end < start ? undefined : readme.slice(start + startMarker.length, end);
}

/** README with the section between the markers replaced; the heading and markers are appended if missing. */
export function withConfigReference(readme: string, section: string): string {
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    if (start < 0 || end < start) {
        return `${readme.trimEnd()}\n\n${heading}\n${startMarker}${section}${endMarker}\n`;
    }
    return readme.slice(0, start + startMarker.length) + section + readme.slice(end);
}

if (require.main === module) {
    const readmePath = path.join(__dirname, "..", "README.md");
    const readme = fs.readFileSync(readmePath, "utf8");
    fs.writeFileSync(readmePath, withConfigReference(readme, renderConfigReference()));
    console.log(`Wrote the configuration reference to ${path.relative(process.cwd(), readmePath)}`);
}
