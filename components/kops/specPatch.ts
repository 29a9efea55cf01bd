// The kOps cluster-spec patch that wires aws-iam-authenticator into the control plane, as a pure
// function over kOps' multi-document YAML. kOps field facts: docs/kops.md §2.
import { Document, isMap, isSeq, parse, YAMLMap, YAMLSeq } from "yaml";
import {
    bucketNameAccepted,
    clusterNameAccepted,
    instanceTypeShapeAccepted,
    isAuthenticatorUid,
    isBucketName,
    isClusterName,
    isGoDuration,
    isInstanceTypeShape,
    isNodeCount,
    isControlPlaneCount,
    controlPlaneCountAccepted,
    isDurationWithin,
    isSupportedKubernetesVersion,
    kopsDurationRules,
    kubernetesVersionAccepted,
    isPinnedImage,
    isRegion,
    nodeCountAccepted,
    pinnedImageAccepted,
    regionAccepted,
} from "../config/rules";
import { kopsClusterDefaults } from "./defaults";
import { authenticatorCertDir } from "../authenticator/manifests";
import { renderCertFetchScript, renderCertFetchServiceSection } from "./certFetchHook";
import {
    instanceGroupRole,
    isControlPlaneRole,
    metadataName,
    parseKopsManifest,
    plainValue,
    serializeKopsManifest,
    setKeySorted,
    specOf,
} from "./kopsManifest";

/** Where the apiserver reads the webhook kubeconfig: since kOps 1.22 only this directory of /srv/kubernetes is mounted. */
export const webhookKubeconfigPath = "/srv/kubernetes/kube-apiserver/aws-iam-authenticator-webhook.yaml";
/** Name of the fileAsset we own in spec.fileAssets. */
export const webhookFileAssetName = "aws-iam-authenticator-webhook";
/** Name of the hook we own in spec.hooks (kOps uses it as the systemd unit name). */
export const certFetchHookName = "aws-iam-authenticator-certs.service";

export const HookRunner = { Container: "container", Host: "host" } as const;
export type HookRunner = (typeof HookRunner)[keyof typeof HookRunner];

export interface SpecPatchOptions {
    /** kOps cluster name; must equal the Cluster document's metadata.name. */
    clusterName: string;
    /** State-store bucket name (no `s3://`): the hook downloads from `s3://<bucket>/<cluster>/addons/authenticator/`. */
    stateBucket: string;
    /** Region of the state-store bucket, passed to `aws --region`; optional (the aws CLI finds it otherwise). */
    stateBucketRegion?: string;
    /** Contents (YAML text) of the authenticator's webhook kubeconfig; holds the CA certificate, never a key. */
    webhookKubeconfig: string;
    /** kube-apiserver's `--authentication-token-webhook-cache-ttl`, a Go duration (`5m`, `5m0s`); written as Go prints it. */
    webhookCacheTtl: string;
    /** `container`: an execContainer hook with `hookImage` (default); `host`: a oneshot unit running the host's `aws` (the blog's). */
    hookRunner: HookRunner;
    /** aws-cli image for the container runner, pinned to a tag or digest (not `latest`). */
    hookImage: string;
    /** Owner (uid and gid) of cert.pem and key.pem on the host: the DaemonSet's runAsUser, e.g. 10000. */
    authenticatorUid: number;
    /** spec.kubernetesVersion, e.g. `1.34.10` or `v1.34.10`; an equal version already in the spec keeps its spelling. */
    kubernetesVersion: string;
    /** Total nodes, spread over the role-Node instance groups as `kops create cluster --node-count` does. */
    nodeCount: number;
    /** machineType of every role-Node instance group. */
    nodeSize: string;
    /** Number of control-plane instance groups the spec must already have (one per member); never changed here. */
    controlPlaneCount: number;
    /** machineType of every control-plane instance group. */
    controlPlaneSize: string;
}

const optionTypes: Record<keyof SpecPatchOptions, "string" | "number"> = {
    clusterName: "string",
    stateBucket: "string",
    stateBucketRegion: "string",
    webhookKubeconfig: "string",
    webhookCacheTtl: "string",
    hookRunner: "string",
    hookImage: "string",
    authenticatorUid: "number",
    kubernetesVersion: "string",
    nodeCount: "number",
    nodeSize: "string",
    controlPlaneCount: "number",
    controlPlaneSize: "string",
};

/** Parses the JSON the CLI gets in SPEC_PATCH into validated options; throws naming every problem. */
export function parseSpecPatchOptions(json: string): SpecPatchOptions {
    let value: unknown;
    try {
        value = JSON.parse(json);
    } catch (e) {
        throw new Error(`the spec patch options are not JSON: ${(e as Error).message}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error("the spec patch options must be a JSON object");
    }
    const problems: string[] = [];
    for (const [key, field] of Object.entries(value)) {
        const expected = optionTypes[key as keyof SpecPatchOptions];
        if (expected === undefined) {
            problems.push(`${key}: unknown option (accepted: ${Object.keys(optionTypes).join(", ")})`);
        } else if (typeof field !== expected) {
            problems.push(`${key}: must be a ${expected}, got ${JSON.stringify(field)}`);
        }
    }
    for (const key of Object.keys(optionTypes) as (keyof SpecPatchOptions)[]) {
        if (key !== "stateBucketRegion" && !(key in value)) {
            problems.push(`${key}: missing`);
        }
    }
    throwProblems(problems);
    return validateSpecPatchOptions(value as SpecPatchOptions);
}

/** Checks every option and returns them with webhookCacheTtl in Go's canonical form; throws naming every problem. */
export function validateSpecPatchOptions(options: SpecPatchOptions): SpecPatchOptions {
    const problems: string[] = [];
    const check = (ok: boolean, key: keyof SpecPatchOptions, accepted: string) => {
        if (!ok) {
            problems.push(`${key}: ${JSON.stringify(options[key])} is not valid; expected ${accepted}`);
        }
    };
    // The cluster name, bucket, region and instance type rules are ../config/rules.ts, the stack config's own.
    check(isClusterName(options.clusterName), "clusterName", clusterNameAccepted);
    check(isBucketName(options.stateBucket), "stateBucket", `${bucketNameAccepted} (no s3:// prefix)`);
    check(
        options.stateBucketRegion === undefined || isRegion(options.stateBucketRegion),
        "stateBucketRegion",
        `${regionAccepted}, or no value`,
    );
    check(
        isWebhookKubeconfig(options.webhookKubeconfig),
        "webhookKubeconfig",
        "the webhook kubeconfig as YAML text with clusters and no private key",
    );
    const ttl = canonicalGoDuration(options.webhookCacheTtl);
    check(
        ttl !== undefined && isDurationWithin(options.webhookCacheTtl, kopsDurationRules.webhookCacheTtl),
        "webhookCacheTtl",
        kopsDurationRules.webhookCacheTtl.accepted,
    );
    check(options.hookRunner === "container" || options.hookRunner === "host", "hookRunner", "container or host");
    check(
        options.hookRunner !== "container" || isPinnedImage(options.hookImage),
        "hookImage",
        `${pinnedImageAccepted}, like ${kopsClusterDefaults.hookImage}`,
    );
    check(
        isAuthenticatorUid(options.authenticatorUid),
        "authenticatorUid",
        "a uid from 1 to 2147483647 (the authenticator does not run as root)",
    );
    check(isSupportedKubernetesVersion(options.kubernetesVersion), "kubernetesVersion", kubernetesVersionAccepted);
    check(isNodeCount(options.nodeCount), "nodeCount", nodeCountAccepted);
    check(isControlPlaneCount(options.controlPlaneCount), "controlPlaneCount", controlPlaneCountAccepted);
    // The shape only: a spec may carry a type newer than the stack config's list (extraInstanceTypes).
    check(isInstanceTypeShape(options.nodeSize), "nodeSize", instanceTypeShapeAccepted);
    check(isInstanceTypeShape(options.controlPlaneSize), "controlPlaneSize", instanceTypeShapeAccepted);
    throwProblems(problems);
    return { ...options, webhookCacheTtl: ttl! };
}

/**
 * Applies the authenticator wiring and the sizes from `options` to kOps YAML (one Cluster, its
 * InstanceGroups, any other documents) and returns the patched YAML. Idempotent; everything it
 * does not own is kept as it was. Throws, saying why, on a spec it must not or cannot patch.
 */
export function patchClusterSpec(kopsYaml: string, options: SpecPatchOptions): string {
    const valid = validateSpecPatchOptions(options);
    const manifest = parseKopsManifest(kopsYaml);
    const { cluster } = manifest;
    const spec = specOf(cluster)!;
    const name = metadataName(cluster);
    if (name !== valid.clusterName) {
        throw new Error(
            `the spec is for cluster ${JSON.stringify(name)}, but clusterName is ${JSON.stringify(valid.clusterName)}`,
        );
    }
    refuseUnpatchableSpec(spec, manifest.instanceGroups);

    patchKubernetesVersion(cluster, spec, valid.kubernetesVersion);
    upsertNamed(cluster, spec, "fileAssets", webhookFileAssetName, {
        content: valid.webhookKubeconfig,
        name: webhookFileAssetName,
        path: webhookKubeconfigPath,
        // Exactly ControlPlane: fileAssets get no Master→ControlPlane conversion, `Master` is silently dropped (kOps ≥ 1.26).
        roles: ["ControlPlane"],
    });
    const kubeAPIServer = collectionEntry(cluster, spec, "kubeAPIServer", isMap, () => new YAMLMap());
    setKeySorted(cluster, kubeAPIServer, "authenticationTokenWebhookCacheTtl", valid.webhookCacheTtl);
    setKeySorted(cluster, kubeAPIServer, "authenticationTokenWebhookConfigFile", webhookKubeconfigPath);
    upsertNamed(cluster, spec, "hooks", certFetchHookName, certFetchHook(valid));
    patchInstanceGroups(manifest.instanceGroups, valid);
    return serializeKopsManifest(manifest.documents);
}

function refuseUnpatchableSpec(spec: YAMLMap, instanceGroups: Document[]): void {
    const authentication = plainValue(spec, "authentication") as Record<string, unknown> | undefined;
    for (const builtIn of ["aws", "kopeio"]) {
        if (authentication?.[builtIn] !== undefined) {
            throw new Error(
                `spec.authentication.${builtIn} is set: with kOps' built-in authentication nodeup overwrites ` +
                    "kube-apiserver's authenticationTokenWebhookConfigFile with /etc/kubernetes/authn.config (kops#6321), " +
                    `so this project's authenticator cannot be wired in. Remove spec.authentication.${builtIn} ` +
                    "(and kOps' own aws-iam-authenticator DaemonSet) or keep managing this cluster's authentication with kOps.",
            );
        }
    }
    const kubeAPIServer = plainValue(spec, "kubeAPIServer") as Record<string, unknown> | undefined;
    const existing = kubeAPIServer?.authenticationTokenWebhookConfigFile;
    if (existing !== undefined && existing !== webhookKubeconfigPath) {
        throw new Error(
            `spec.kubeAPIServer.authenticationTokenWebhookConfigFile is already ${JSON.stringify(existing)}: ` +
                "kube-apiserver takes one token webhook, so the existing one would be replaced. Remove it from the spec " +
                `first if the aws-iam-authenticator webhook (${webhookKubeconfigPath}) should take its place.`,
        );
    }
    const fileAssets = plainValue(spec, "fileAssets");
    for (const asset of Array.isArray(fileAssets) ? fileAssets : []) {
        if (asset?.path === webhookKubeconfigPath && asset?.name !== webhookFileAssetName) {
            throw new Error(`spec.fileAssets entry ${JSON.stringify(asset.name)} already writes ${webhookKubeconfigPath}`);
        }
    }
    for (const ig of instanceGroups) {
        const igSpec = specOf(ig);
        const hooks = igSpec ? plainValue(igSpec, "hooks") : undefined;
        if (Array.isArray(hooks) && hooks.some((hook) => hook?.name === certFetchHookName)) {
            throw new Error(
                `InstanceGroup ${JSON.stringify(metadataName(ig))} has a hook named ${certFetchHookName}, ` +
                    "which would override the cluster's hook of that name; rename or remove it",
            );
        }
    }
}

function certFetchHook(options: SpecPatchOptions): Record<string, unknown> {
    const source = {
        stateBucket: options.stateBucket,
        clusterName: options.clusterName,
        stateBucketRegion: options.stateBucketRegion,
        authenticatorUid: options.authenticatorUid,
    };
    const runner =
        options.hookRunner === "container"
            ? {
                  execContainer: {
                      command: [
                          "/bin/sh",
                          "-c",
                          renderCertFetchScript(source, { targetDir: `/rootfs${authenticatorCertDir}`, awsCommand: "aws" }),
                      ],
                      image: options.hookImage,
                  },
              }
            : { manifest: renderCertFetchServiceSection(source) };
    // Keys in kOps' print order (alphabetical); `Master` is how kOps prints the hook role (it converts both ways).
    return { before: ["kubelet.service"], ...runner, name: certFetchHookName, roles: ["Master"] };
}

/** Keeps the spec's spelling when the version is the same (`v1.34.10` = `1.34.10`), so a no-op stays a no-op. */
function patchKubernetesVersion(cluster: Document, spec: YAMLMap, version: string): void {
    const current = plainValue(spec, "kubernetesVersion");
    if (typeof current === "string" && current.replace(/^v/, "") === version.replace(/^v/, "")) {
        return;
    }
    setKeySorted(cluster, spec, "kubernetesVersion", version);
}

/** Replaces the entry named `name` in the list `spec[listKey]` in place (dropping duplicates), or appends it. */
function upsertNamed(cluster: Document, spec: YAMLMap, listKey: string, name: string, entry: Record<string, unknown>): void {
    const seq = collectionEntry(cluster, spec, listKey, isSeq, () => new YAMLSeq());
    const node = cluster.createNode(entry);
    const ours = seq.items.flatMap((item, index) => (isMap(item) && item.get("name") === name ? [index] : []));
    if (ours.length === 0) {
        seq.items.push(node);
        return;
    }
    seq.items[ours[0]] = node;
    for (const index of ours.slice(1).reverse()) {
        seq.items.splice(index, 1);
    }
}

/** The map or list at `spec[key]`, created (in kOps' key order) when absent; block style, as kOps prints. */
function collectionEntry<T extends YAMLMap | YAMLSeq>(
    cluster: Document,
    spec: YAMLMap,
    key: string,
    is: (node: unknown) => node is T,
    create: () => T,
): T {
    const existing: unknown = spec.get(key, true);
    const collection = is(existing) ? existing : create();
    if (collection !== existing) {
        setKeySorted(cluster, spec, key, collection);
    }
    collection.flow = false;
    return collection;
}

/**
 * Node groups share nodeCount the way `kops create cluster` splits --node-count over zones:
 * each gets floor(n / groups), the first (n mod groups) one more, in document order. A group
 * managed by Karpenter gets only minSize, as kOps creates it. Control-plane groups get their size;
 * their number is fixed (one group per etcd member), so a different count is refused.
 */
function patchInstanceGroups(instanceGroups: Document[], options: SpecPatchOptions): void {
    const controlPlane = instanceGroups.filter((ig) => isControlPlaneRole(instanceGroupRole(ig)));
    if (controlPlane.length !== options.controlPlaneCount) {
        throw new Error(
            `controlPlaneCount is ${options.controlPlaneCount} but the spec has ${controlPlane.length} control-plane ` +
                `instance group(s) (${controlPlane.map((ig) => metadataName(ig)).join(", ") || "none"}): kOps makes one per member ` +
                "and cannot change the control-plane count by a spec edit; create a new cluster to change it",
        );
    }
    const nodes = instanceGroups.filter((ig) => instanceGroupRole(ig) === "Node");
    if (nodes.length === 0 && options.nodeCount > 0) {
        throw new Error(`nodeCount is ${options.nodeCount} but the spec has no InstanceGroup with role Node to hold nodes`);
    }
    for (const ig of controlPlane) {
        setKeySorted(ig, specOf(ig)!, "machineType", options.controlPlaneSize);
    }
    nodes.forEach((ig, index) => {
        const count = Math.floor(options.nodeCount / nodes.length) + (index < options.nodeCount % nodes.length ? 1 : 0);
        const igSpec = specOf(ig)!;
        setKeySorted(ig, igSpec, "machineType", options.nodeSize);
        if (igSpec.get("manager") !== "Karpenter") {
            setKeySorted(ig, igSpec, "maxSize", count);
        }
        setKeySorted(ig, igSpec, "minSize", count);
    });
}

function isWebhookKubeconfig(text: unknown): boolean {
    if (typeof text !== "string" || /PRIVATE KEY/.test(text)) {
        return false;
    }
    try {
        const value = parse(text);
        return typeof value === "object" && value !== null && Array.isArray(value.clusters);
    } catch {
        return false;
    }
}

const nanosecondsPerUnit: Record<string, bigint> = {
    ns: 1n,
    us: 1_000n,
    "µs": 1_000n,
    "μs": 1_000n,
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
};

/** A Go duration (`5m`, `1h30m`, `1.5s`) in the form Go's Duration.String() prints (`5m0s`), as kOps stores it; undefined if invalid. */
export function canonicalGoDuration(text: unknown): string | undefined {
    if (!isGoDuration(text)) {
        return undefined;
    }
    let total = 0n;
    for (const [, number, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
        const [whole, fraction = ""] = number.split(".");
        const scale = nanosecondsPerUnit[unit];
        total += BigInt(whole || "0") * scale + (BigInt(fraction.padEnd(18, "0").slice(0, 18)) * scale) / 10n ** 18n;
    }
    return formatGoDuration(total);
}

function formatGoDuration(total: bigint): string {
    const decimal = (value: bigint, unit: bigint, digits: number) => {
        const fraction = (value % unit).toString().padStart(digits, "0").replace(/0+$/, "");
        return `${value / unit}${fraction ? "." + fraction : ""}`;
    };
    if (total === 0n) {
        return "0s";
    }
    if (total < 1_000n) {
        return `${total}ns`;
    }
    if (total < 1_000_000n) {
        return `${decimal(total, 1_000n, 3)}µs`;
    }
    if (total < 1_000_000_000n) {
        return `${decimal(total, 1_000_000n, 6)}ms`;
    }
    const hours = total / nanosecondsPerUnit.h;
    const minutes = (total % nanosecondsPerUnit.h) / nanosecondsPerUnit.m;
    const seconds = decimal(total % nanosecondsPerUnit.m, nanosecondsPerUnit.s, 9);
    return `${hours > 0n ? `${hours}h` : ""}${hours > 0n || minutes > 0n ? `${minutes}m` : ""}${seconds}s`;
}

function throwProblems(problems: string[]): void {
    if (problems.length > 0) {
        throw new Error(`invalid spec patch options:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
}
