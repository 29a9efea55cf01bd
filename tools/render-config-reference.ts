// Renders the configuration reference (docs/configuration.md): each setting's description and default
// from its KopsIamClusterArgs comment (components/settings/args.ts: the text and the `@default` tag
// shown on hover), its type and accepted values from the settings' table (components/settings/table.ts).
// A `@default` tag that differs from the default the component applies (core/defaults.ts, through the
// table) stops the rendering. Run: npx ts-node --transpile-only tools/render-config-reference.ts
// (tests/unit/configReference.test.ts fails when docs/configuration.md, Pulumi.yaml and the tables disagree).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as ts from "typescript";
import { configNamespace, simpleSettings, StructuredField, structuredSettings } from "../components/settings/table";

/** Where KopsIamClusterArgs is declared. */
const argsSource = path.join(__dirname, "..", "components", "settings", "args.ts");

/** A field's doc comment in an interface: its text as one line, and its `@default` tag's text, if any. */
export interface FieldDoc {
    interfaceName: string;
    field: string;
    description?: string;
    defaultTag?: string;
}

/** The documented fields of every interface declared at the top of a TypeScript file (parsed, not type-checked). */
export function interfaceFieldDocs(file: string): FieldDoc[] {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const docs: FieldDoc[] = [];
    source.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node)) {
            return;
        }
        for (const member of node.members) {
            const jsDoc = ts.getJSDocCommentsAndTags(member).find(ts.isJSDoc);
            if (!member.name || !jsDoc) {
                continue;
            }
            const text = (comment: string | ts.NodeArray<ts.JSDocComment> | undefined) =>
                (typeof comment === "string" ? comment : ts.getTextOfJSDocComment(comment))?.replace(/\s+/g, " ").trim();
            const defaultTag = jsDoc.tags?.find((tag) => tag.tagName.text === "default");
            docs.push({
                interfaceName: node.name.text,
                field: member.name.getText(source),
                description: text(jsDoc.comment) || undefined,
                defaultTag: defaultTag ? (text(defaultTag.comment) ?? "") : undefined,
            });
        }
    });
    return docs;
}

/** KopsIamClusterArgs' fields' docs, by field: the one description and default of each setting. */
export function argsDocs(): Record<string, FieldDoc> {
    return Object.fromEntries(
        interfaceFieldDocs(argsSource)
            .filter((doc) => doc.interfaceName === "KopsIamClusterArgs")
            .map((doc) => [doc.field, doc]),
    );
}

/** Each KopsIamClusterArgs field's description, as one line. */
export function argsDescriptions(): Record<string, string> {
    return Object.fromEntries(
        Object.entries(argsDocs()).flatMap(([field, doc]) => (doc.description ? [[field, doc.description]] : [])),
    );
}

/** The description of `key`; throws when KopsIamClusterArgs does not document it. */
export function describeSetting(key: string, descriptions = argsDescriptions()): string {
    const description = descriptions[key];
    if (description === undefined) {
        throw new Error(`KopsIamClusterArgs has no documented field ${key} (components/settings/args.ts)`);
    }
    return description;
}

/** A default as inline code: strings bare (an empty one as ""), everything else as JSON. */
export function code(value: unknown): string {
    return `\`${typeof value === "string" && value !== "" ? value : JSON.stringify(value)}\``;
}

/**
 * The default of `key` as its `@default` tag in KopsIamClusterArgs writes it (inline code), or
 * `**required**` for a setting without a default; throws when the tag is missing, or present for a
 * required setting, or says another value than the one the component applies (`applied`).
 */
export function documentedDefault(key: string, applied: object, docs = argsDocs()): string {
    const tag = docs[key]?.defaultTag;
    if (!("default" in applied)) {
        if (tag !== undefined) {
            throw new Error(
                `KopsIamClusterArgs.${key} is required, but its doc comment has @default ${tag} (components/settings/args.ts)`,
            );
        }
        return "**required**";
    }
    const expected = code((applied as { default: unknown }).default);
    if (tag !== expected) {
        throw new Error(
            `KopsIamClusterArgs.${key}'s doc comment ${tag === undefined ? "has no @default tag" : `says @default ${tag}`}; ` +
                `the default the component applies (components/core/defaults.ts) is ${expected}: write @default ${expected} ` +
                "(components/settings/args.ts)",
        );
    }
    return tag;
}

export const startMarker = "<!-- config-reference:start -->";
export const endMarker = "<!-- config-reference:end -->";
const heading = "## Configuration reference";

/** A stack file fragment using every structured setting (the reference shows it; a test parses it). */
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
    const docs = argsDocs();
    const descriptions = argsDescriptions();
    for (const [key, setting] of Object.entries(simpleSettings)) {
        const defaultText = documentedDefault(key, setting, docs);
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
            `Default: ${documentedDefault(key, setting, docs)}. Accepted: ${cell(setting.accepted)}.`,
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

/** The text between the markers, or undefined when the file has none. */
export function extractConfigReference(readme: string): string | undefined {
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    return start < 0 || end < start ? undefined : readme.slice(start + startMarker.length, end);
}

/** The file's text with the section between the markers replaced; the heading and markers are appended if missing. */
export function withConfigReference(readme: string, section: string): string {
    const start = readme.indexOf(startMarker);
    const end = readme.indexOf(endMarker);
    if (start < 0 || end < start) {
        return `${readme.trimEnd()}\n\n${heading}\n${startMarker}${section}${endMarker}\n`;
    }
    return readme.slice(0, start + startMarker.length) + section + readme.slice(end);
}

/** The file holding the configuration reference. */
export const configReferencePath = path.join(__dirname, "..", "docs", "configuration.md");

if (require.main === module) {
    const current = fs.existsSync(configReferencePath) ? fs.readFileSync(configReferencePath, "utf8") : "# Configuration\n";
    fs.writeFileSync(configReferencePath, withConfigReference(current, renderConfigReference()));
    console.log(`Wrote the configuration reference to ${path.relative(process.cwd(), configReferencePath)}`);
}
