// The kOps cluster-spec patch that wires aws-iam-authenticator into the control plane, as a pure
// function over kOps' multi-document YAML. kOps field facts: docs/kops.md §2.
import { Document, isMap, isSeq, YAMLMap, YAMLSeq } from "yaml";
import { authenticatorCertDir } from "../core/hostLayout";
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
import { SpecPatchOptions, validateSpecPatchOptions } from "./specPatchOptions";

/** Where the apiserver reads the webhook kubeconfig: since kOps 1.22 only this directory of /srv/kubernetes is mounted. */
export const webhookKubeconfigPath = "/srv/kubernetes/kube-apiserver/aws-iam-authenticator-webhook.yaml";
/** Name of the fileAsset we own in spec.fileAssets. */
export const webhookFileAssetName = "aws-iam-authenticator-webhook";
/** Name of the hook we own in spec.hooks (kOps uses it as the systemd unit name). */
export const certFetchHookName = "aws-iam-authenticator-certs.service";

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
