// The files a plan writes, taken from what the program registered (the inputs the providers would
// get, the outputs it exports) rather than re-rendered: the spec patch, the authenticator's objects,
// the IAM trust policies, the kubeconfigs, the state store's object keys and the stack outputs.
// Secret values are never taken, and checkNoSecrets refuses a file that holds any secret of the rendering.
import * as YAML from "yaml";
import { patchClusterSpec } from "../../components/kops/specPatch";
import { SpecPatchOptions } from "../../components/kops/specPatchOptions";
import { commandScript, isSecretValue, mapSecrets } from "./fakeProviders";
import { topLevelAncestor } from "./graph";
import type { RecordedResource, ProgramRendering } from "./mockRuntime";
import { placeholderNotes, placeholderPrivateKeyPem } from "./placeholders";

/** A file to write, relative to the plan's output directory. */
export interface PlanFile {
    path: string;
    content: string;
}

const placeholderHeader = "Placeholders (see PLACEHOLDERS.md) stand for what only AWS and kOps know.";

/** Inputs with every secret replaced by a marker: what may be shown or written. */
export function redactedInputs(resource: RecordedResource): Record<string, any> {
    return mapSecrets(resource.inputs, () => "[secret]") as Record<string, any>;
}

/** YAML text with a comment header; long strings (certificate data) stay on one line. */
function yamlFile(header: string[], documents: unknown[]): string {
    const comment = header.map((line) => `# ${line}`).join("\n");
    return `${comment}\n${documents.map((document) => YAML.stringify(document, { lineWidth: 0 })).join("---\n")}`;
}

function jsonFile(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

/** A Kubernetes object from its recorded inputs, in the usual key order. */
function kubernetesObject(resource: RecordedResource): Record<string, unknown> {
    const { apiVersion, kind, metadata, ...rest } = redactedInputs(resource);
    return { apiVersion, kind, metadata, ...rest };
}

/** The first command resource running `script`, among `resources`. */
function commandRunning(resources: RecordedResource[], script: string): RecordedResource | undefined {
    return resources.find((r) => r.type === "command:local:Command" && commandScript(r.inputs.create) === script);
}

/** The spec patch options the spec command gets (SPEC_PATCH), or undefined without a spec command. */
export function specPatchOptionsOf(resources: RecordedResource[]): SpecPatchOptions | undefined {
    const spec = commandRunning(resources, "upsert-spec.sh");
    const environment = spec ? redactedInputs(spec).environment : undefined;
    return typeof environment?.SPEC_PATCH === "string" ? JSON.parse(environment.SPEC_PATCH) : undefined;
}

/** A string that is a kubeconfig (YAML with kind Config), parsed; undefined otherwise. */
function asKubeconfig(text: unknown): Record<string, any> | undefined {
    if (typeof text !== "string" || !text.includes("kind: Config")) {
        return undefined;
    }
    try {
        const parsed = YAML.parse(text);
        return parsed?.kind === "Config" ? parsed : undefined;
    } catch {
        return undefined;
    }
}

/** Kubeconfigs in a component's registered outputs, by their key (`kubeconfigs.KubernetesAdmin` → `KubernetesAdmin`); secret ones skipped. */
function userKubeconfigs(outputs: Record<string, unknown>): Array<{ name: string; text: string }> {
    const found: Array<{ name: string; text: string }> = [];
    const walk = (value: unknown, key: string) => {
        if (isSecretValue(value)) {
            return;
        }
        if (asKubeconfig(value)) {
            found.push({ name: key, text: value as string });
        } else if (typeof value === "object" && value !== null) {
            for (const [k, v] of Object.entries(value)) {
                walk(v, k);
            }
        }
    };
    walk(outputs, "");
    return found;
}

/** A safe file name for a resource or role name (IAM names may hold `=,@+`; Kubernetes names `:`). */
function fileName(name: string): string {
    return name.replace(/[^\w.@+=,-]/g, "_");
}

/** The files of one group (one top-level component, such as a KopsIamCluster), under `dir`. */
function groupFiles(dir: string, top: RecordedResource, resources: RecordedResource[], kopsSpec?: string): PlanFile[] {
    const files: PlanFile[] = [];
    const at = (name: string) => (dir ? `${dir}/${name}` : name);
    const ofType = (type: string) => resources.filter((r) => r.type === type);

    const patchOptions = specPatchOptionsOf(resources);
    if (patchOptions) {
        files.push({ path: at("spec-patch.json"), content: jsonFile(patchOptions) });
        if (kopsSpec !== undefined) {
            files.push({
                path: at("kops-spec.patched.yaml"),
                content: `# The kOps spec given with --kops-spec, patched as the spec command patches it.\n# ${placeholderHeader}\n` +
                    patchClusterSpec(kopsSpec, patchOptions),
            });
        }
    }

    const configMaps = ofType("kubernetes:core/v1:ConfigMap");
    const daemonSets = ofType("kubernetes:apps/v1:DaemonSet");
    const bindings = ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
    if (configMaps.length > 0) {
        files.push({ path: at("authenticator/configmap.yaml"), content: yamlFile(
            ["The authenticator's ConfigMap as the Kubernetes provider gets it.", placeholderHeader],
            configMaps.map(kubernetesObject)) });
    }
    if (daemonSets.length > 0) {
        files.push({ path: at("authenticator/daemonset.yaml"), content: yamlFile(
            ["The authenticator's DaemonSet as the Kubernetes provider gets it.",
                "checksum/config is that of the ConfigMap's config.yaml, which holds no mapping: the real stack's is the same."],
            daemonSets.map(kubernetesObject)) });
    }
    if (bindings.length > 0) {
        files.push({ path: at("authenticator/clusterrolebindings.yaml"), content: yamlFile(
            ["ClusterRoleBindings for mapped groups, as the Kubernetes provider gets them."], bindings.map(kubernetesObject)) });
    }

    for (const role of ofType("aws:iam/role:Role")) {
        const inputs = redactedInputs(role);
        if (typeof inputs.assumeRolePolicy === "string") {
            files.push({
                path: at(`iam/${fileName(inputs.name ?? role.name)}.trust-policy.json`),
                content: jsonFile(JSON.parse(inputs.assumeRolePolicy)),
            });
        }
    }

    const objects = ofType("aws:s3/bucketObjectv2:BucketObjectv2").map(redactedInputs);
    const webhook = objects.find((o) => asKubeconfig(o.content));
    if (webhook) {
        files.push({ path: at("kubeconfigs/webhook.yaml"), content: yamlFile(
            [`kube-apiserver's webhook kubeconfig (s3://${webhook.bucket}/${webhook.key}, and a fileAsset in the spec).`,
                placeholderHeader],
            [YAML.parse(webhook.content)]) });
    }
    for (const kubeconfig of userKubeconfigs(top.outputs)) {
        files.push({ path: at(`kubeconfigs/${fileName(kubeconfig.name)}.yaml`), content: yamlFile(
            [`The kubeconfig for IAM role ${kubeconfig.name} (an output of ${top.name}).`, placeholderHeader],
            [YAML.parse(kubeconfig.text)]) });
    }

    if (objects.length > 0) {
        const buckets = ofType("aws:s3/bucket:Bucket").map(redactedInputs);
        files.push({
            path: at("state-store.json"),
            content: jsonFile({
                bucket: objects[0].bucket,
                createdByStack: buckets.some((b) => b.bucket === objects[0].bucket),
                objects: objects.map((o) => ({
                    key: o.key,
                    contentType: o.contentType,
                    serverSideEncryption: o.serverSideEncryption,
                    secret: o.content === "[secret]",
                })),
            }),
        });
    }
    return files;
}

/**
 * The plan's files. Resources are grouped by their top-level component (a KopsIamCluster): one group
 * writes its files at the top, several each get a directory named after their component.
 * `kopsSpec` (kOps YAML) is patched by the group whose cluster it names.
 */
export function planFiles(rendering: ProgramRendering, report: string, kopsSpec?: string): PlanFile[] {
    const byTop = new Map<RecordedResource, RecordedResource[]>();
    for (const resource of rendering.resources) {
        const top = topLevelAncestor(resource, rendering.resources);
        if (top) {
            byTop.set(top, [...(byTop.get(top) ?? []), resource]);
        }
    }
    // Only groups with something to write count: a bare resource beside a KopsIamCluster adds no directory.
    const groups = [...byTop].filter(([top, resources]) => groupFiles("", top, resources).length > 0);
    const clusterOf = (resources: RecordedResource[]) => specPatchOptionsOf(resources)?.clusterName;
    const specCluster = kopsSpec === undefined ? undefined : clusterNameOfSpec(kopsSpec);
    if (kopsSpec !== undefined && !groups.some(([, resources]) => clusterOf(resources) === specCluster)) {
        const clusters = groups.map(([, resources]) => clusterOf(resources)).filter(Boolean);
        throw new Error(`--kops-spec: the spec is for cluster ${JSON.stringify(specCluster)}, but the program's ` +
            `cluster${clusters.length === 1 ? " is" : "s are"} ${clusters.join(", ") || "none"}`);
    }
    const files: PlanFile[] = [
        { path: "plan.txt", content: report },
        { path: "PLACEHOLDERS.md", content: renderPlaceholdersReadme(rendering) },
        // What `pulumi stack output --json` would print; secret outputs as "[secret]".
        { path: "stack-outputs.json", content: jsonFile(mapSecrets(rendering.outputs, () => "[secret]")) },
    ];
    for (const [top, resources] of groups) {
        const dir = groups.length === 1 ? "" : fileName(top.name);
        files.push(...groupFiles(dir, top, resources, clusterOf(resources) === specCluster ? kopsSpec : undefined));
    }
    checkNoSecrets(files, rendering);
    return files;
}

function clusterNameOfSpec(kopsSpec: string): string | undefined {
    const cluster = YAML.parseAllDocuments(kopsSpec).map((document) => document.toJS()).find((object) => object?.kind === "Cluster");
    return cluster?.metadata?.name;
}

function renderPlaceholdersReadme(rendering: ProgramRendering): string {
    return [
        `# Plan of stack ${rendering.stack}: placeholders`,
        "",
        "`npm run plan` renders the program offline, under Pulumi's mock runtime, so values that only AWS or",
        "the providers know at `pulumi up` are stand-ins. They are chosen to pass the same checks as real",
        "values, so look for them before using any file here:",
        "",
        "| Placeholder | Stands for |",
        "| --- | --- |",
        ...placeholderNotes.map((note) => `| ${note.placeholder} | ${note.standsFor} |`),
        "",
        "Secrets (the authenticator's private key, the kubeconfig kOps exports for the deployment) are never",
        "written here.",
        "",
    ].join("\n");
}

/** Every secret string of the rendering (inputs, component and stack outputs), long enough to be told apart. */
function secretStrings(rendering: ProgramRendering): string[] {
    const found = new Set<string>([placeholderPrivateKeyPem]);
    const collect = (value: unknown, inSecret: boolean) => {
        if (isSecretValue(value)) {
            collect(value.value, true);
        } else if (typeof value === "string") {
            if (inSecret && value.length >= 16) {
                found.add(value);
            }
        } else if (typeof value === "object" && value !== null) {
            Object.values(value).forEach((v) => collect(v, inSecret));
        }
    };
    for (const resource of rendering.resources) {
        collect(resource.inputs, false);
        collect(resource.outputs, false);
    }
    collect(rendering.outputs, false);
    return [...found];
}

/** Throws naming the file if any file holds a secret value or a private key. */
export function checkNoSecrets(files: PlanFile[], rendering: ProgramRendering): void {
    const secrets = secretStrings(rendering);
    for (const file of files) {
        if (/PRIVATE KEY/.test(file.content) || secrets.some((secret) => file.content.includes(secret))) {
            throw new Error(`internal error: ${file.path} would hold a secret value; nothing was written`);
        }
    }
}
