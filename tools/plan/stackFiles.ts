// Reads Pulumi.yaml and a stack file into the config map the engine hands a program: keys
// `<namespace>:<key>`, values as strings (objects and lists as JSON), project defaults applied.
// Nothing is decrypted: a `secure:` value stops the plan (no setting of this project is a secret).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** A stack or project file that cannot be used: missing, not YAML, or holding what plan cannot read. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

export interface ProjectFile {
    /** The project's name: the default config namespace. */
    name: string;
    /** The program, relative to the project directory (`main:`; default `.`). */
    main: string;
    /** Config values from Pulumi.yaml: declared defaults and namespaced values, already stringified. */
    config: Record<string, string>;
}

export interface StackConfig {
    /** The stack's name: `dev` for Pulumi.dev.yaml, else the file's base name. */
    stack: string;
    /** The stack file read. */
    file: string;
    /** Project defaults overlaid by the stack's values, as the program sees them. */
    config: Record<string, string>;
    /** Encrypted values of other namespaces (provider credentials such as aws:secretKey), left out. */
    skippedSecrets: string[];
}

function readYamlFile(file: string, what: string): unknown {
    if (!fs.existsSync(file)) {
        throw new StackFileError(`${what} ${file} does not exist`);
    }
    const document = YAML.parseDocument(fs.readFileSync(file, "utf8"));
    if (document.errors.length > 0) {
        throw new StackFileError(`${what} ${file} is not valid YAML: ${document.errors[0].message}`);
    }
    return document.toJS();
}

function isMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How the engine passes a config value to a program: strings as they are, anything else as JSON. */
export function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** A config key with its namespace: `clusterName` → `kops-iam-auth:clusterName`. */
function qualifiedKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

export function readProjectFile(projectDir: string): ProjectFile {
    const file = path.join(projectDir, "Pulumi.yaml");
    const project = readYamlFile(file, "the project file");
    if (!isMap(project) || typeof project.name !== "string" || project.name === "") {
        throw new StackFileError(`the project file ${file} has no name:`);
    }
    const config: Record<string, string> = {};
    const declared = project.config ?? {};
    if (!isMap(declared)) {
        throw new StackFileError(`the project file ${file}: config: must be a map`);
    }
    for (const [key, entry] of Object.entries(declared)) {
        // `key: {type, default, description}` declares a setting; `ns:key: value` or
        // `ns:key: {value: ...}` sets one for every stack.
        const value = isMap(entry) ? ("value" in entry ? entry.value : entry.default) : entry;
        if (value !== undefined && value !== null) {
            config[qualifiedKey(key, project.name)] = configString(value);
        }
    }
    return { name: project.name, main: typeof project.main === "string" ? project.main : ".", config };
}

/** `Pulumi.dev.yaml` → `dev`; any other file name → its base name without extension. */
export function stackNameOfFile(file: string): string {
    const base = path.basename(file);
    return /^Pulumi\.(.+)\.ya?ml$/.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, "");
}

/**
 * The stack's config: the project's values, then the stack file's. Throws StackFileError for a
 * missing or malformed file, an ESC environment (not readable offline) and a `secure:` value in the
 * project's namespace. Secure values of other namespaces (provider credentials: only providers read
 * them, and a plan runs none) are left out and listed in skippedSecrets.
 */
export function readStackConfig(project: ProjectFile, file: string): StackConfig {
    const stackFile = readYamlFile(file, "the stack file");
    if (stackFile !== null && stackFile !== undefined && !isMap(stackFile)) {
        throw new StackFileError(`the stack file ${file} must be a YAML map with a config: key`);
    }
    const content = stackFile ?? {};
    if (content.environment !== undefined) {
        throw new StackFileError(`the stack file ${file} imports a Pulumi ESC environment (environment:), ` +
            "which plan cannot open offline; copy the values into config: for the plan");
    }
    const values = content.config ?? {};
    if (!isMap(values)) {
        throw new StackFileError(`the stack file ${file}: config: must be a map`);
    }
    const config = { ...project.config };
    const encrypted: string[] = [];
    const skippedSecrets: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const qualified = qualifiedKey(key, project.name);
        if (isMap(value) && "secure" in value) {
            (qualified.startsWith(`${project.name}:`) ? encrypted : skippedSecrets).push(qualified);
            continue;
        }
        if (value !== null && value !== undefined) {
            config[qualified] = configString(value);
        }
    }
    if (encrypted.length > 0) {
        throw new StackFileError(`the stack file ${file} has encrypted (secure:) values for ${encrypted.join(", ")}; ` +
            "plan never decrypts secrets, and no setting of this project is one: set the value in plain text " +
            "(pulumi config set without --secret)");
    }
    return { stack: stackNameOfFile(file), file, config, skippedSecrets };
}
