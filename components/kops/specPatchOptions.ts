// The options of the spec patch (SPEC_PATCH, JSON, as the spec command passes them to the helper
// program) and their validation: every value is checked with the ground floor's rules, so a value
// the stack config accepts is never refused here, after the cluster exists.
import { parse } from "yaml";
import { kopsClusterDefaults } from "../core/defaults";
import { canonicalGoDuration, isDurationWithin, kopsDurationRules } from "../core/durations";
import {
    bucketNameAccepted,
    clusterNameAccepted,
    controlPlaneCountAccepted,
    instanceTypeShapeAccepted,
    isAuthenticatorUid,
    isBucketName,
    isClusterName,
    isControlPlaneCount,
    isInstanceTypeShape,
    isNodeCount,
    isPinnedImage,
    isRegion,
    isSupportedKubernetesVersion,
    kubernetesVersionAccepted,
    nodeCountAccepted,
    pinnedImageAccepted,
    regionAccepted,
} from "../core/rules";
import { HookRunner } from "../core/types";
import { invalid, Problem, refuse, required, throwProblems, unknownKey } from "../core/problems";

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
    /** `container`: an execContainer hook with `hookImage`; `host`: a oneshot unit running the host's `aws` (the blog's). */
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

/** Who is refused: the options, as the helper program reads them (SPEC_PATCH) or a component checks them. */
const subject = "the spec patch options";

/** Parses the JSON the CLI gets in SPEC_PATCH into validated options; throws naming every problem. */
export function parseSpecPatchOptions(json: string): SpecPatchOptions {
    let value: unknown;
    try {
        value = JSON.parse(json);
    } catch (e) {
        refuse(subject, invalid("SPEC_PATCH", json, "a JSON object of the options", `it is not JSON: ${(e as Error).message}`));
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        refuse(subject, invalid("SPEC_PATCH", value, "a JSON object of the options"));
    }
    const problems: Problem[] = [];
    for (const [key, field] of Object.entries(value)) {
        const expected = optionTypes[key as keyof SpecPatchOptions];
        if (expected === undefined) {
            problems.push(unknownKey(key, field, `an option: ${Object.keys(optionTypes).join(", ")}`));
        } else if (typeof field !== expected) {
            problems.push(invalid(key, field, `a ${expected}`));
        }
    }
    for (const key of Object.keys(optionTypes) as (keyof SpecPatchOptions)[]) {
        if (key !== "stateBucketRegion" && !(key in value)) {
            problems.push(required(key, `a ${optionTypes[key]}`));
        }
    }
    throwProblems(subject, problems);
    return validateSpecPatchOptions(value as SpecPatchOptions);
}

/** Checks every option and returns them with webhookCacheTtl in Go's canonical form; throws naming every problem. */
export function validateSpecPatchOptions(options: SpecPatchOptions): SpecPatchOptions {
    const problems: Problem[] = [];
    const check = (ok: boolean, key: keyof SpecPatchOptions, accepted: string) => {
        if (!ok) {
            problems.push(invalid(key, options[key], accepted));
        }
    };
    // The cluster name, bucket, region and instance type rules are the stack config's own (../core/rules.ts).
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
    throwProblems(subject, problems);
    return { ...options, webhookCacheTtl: ttl! };
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
