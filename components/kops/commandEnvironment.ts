// The command lines and environments of KopsCluster's three kOps commands, as plain data.
//
// A `local.Command` re-runs exactly when one of its own inputs changes, so what goes into each
// environment below *is* the lifecycle contract (docs/lifecycle.md): the spec gets every setting that shapes
// the cluster spec and nothing else, the apply step gets a fingerprint of the spec command and the
// revision of the spec it last wrote (withSpecRevision), and the kubeconfig export gets only what
// the export needs (plus, in admin mode, the credential's renewal id: ./adminCredential.ts). Values
// travel only through the environment; command lines are fixed strings (see
// components/kops/scripts/*.sh for the variables they read).
import { createHash } from "crypto";
import { canonicalJson } from "./canonicalJson";
import { SpecPatchOptions, validateSpecPatchOptions } from "./specPatchOptions";
import { invalid, ProblemsError, refuse } from "../core/problems";
import { KubeconfigMode } from "../core/types";
import { kopsBaseEnvironment, kopsCommandLines } from "../core/kopsCommandLines";

/** Everything the three commands need, resolved to plain values. */
export interface KopsCommandSettings {
    kopsBinary: string;
    clusterName: string;
    /** Which stack and component owns the cluster (clusterOwnerMarker): the marker the spec writes and the scripts check. */
    clusterOwner: string;
    /** `s3://<bucket>`. */
    stateStoreUrl: string;
    region: string;
    awsProfile?: string;
    zones: string[];
    nodeCount: number;
    nodeSize: string;
    controlPlaneCount: number;
    controlPlaneSize: string;
    kubernetesVersion: string;
    networking: string;
    topology: string;
    sshPublicKey?: string;
    extraFlags: string[];
    adoptExisting: boolean;
    /** Create the cluster again when an update finds it missing from the state store; false or unset: refused. */
    recreateMissingCluster?: boolean;
    validateTimeout: string;
    kubeconfigMode: KubeconfigMode;
    adminTtl: string;
    webhookKubeconfig: string;
    webhookCacheTtl: string;
    hookRunner: SpecPatchOptions["hookRunner"];
    hookImage: string;
    authenticatorUid: number;
}

/** `s3://<bucket>` → `<bucket>`; anything else is refused, naming the value. */
export function stateBucketName(stateStoreUrl: string): string {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/.exec(stateStoreUrl);
    if (!match) {
        refuse(
            "the kOps state store",
            invalid(
                "stateStoreUrl",
                stateStoreUrl,
                "s3://<bucket name>",
                "the bucket itself, no key prefix: the authenticator's files live at <bucket>/<cluster>/addons/authenticator/",
            ),
        );
    }
    return match[1];
}

/** The patch the spec command applies to kOps' YAML (SPEC_PATCH, JSON). */
export function specPatchOptions(s: KopsCommandSettings): SpecPatchOptions {
    return {
        clusterName: s.clusterName,
        stateBucket: stateBucketName(s.stateStoreUrl),
        webhookKubeconfig: s.webhookKubeconfig,
        webhookCacheTtl: s.webhookCacheTtl,
        hookRunner: s.hookRunner,
        hookImage: s.hookImage,
        authenticatorUid: s.authenticatorUid,
        kubernetesVersion: s.kubernetesVersion,
        nodeCount: s.nodeCount,
        nodeSize: s.nodeSize,
        controlPlaneCount: s.controlPlaneCount,
        controlPlaneSize: s.controlPlaneSize,
    };
}

/**
 * Checks the settings with the spec patch's own rules (so a bad value fails the preview, not the
 * script halfway through) and returns them with the cache TTL in Go's canonical spelling. Throws,
 * naming `component` and every problem.
 */
export function checkedCommandSettings(component: string, s: KopsCommandSettings): KopsCommandSettings {
    try {
        return { ...s, webhookCacheTtl: validateSpecPatchOptions(specPatchOptions(s)).webhookCacheTtl };
    } catch (err) {
        // The same problems, headed by the component they are the settings of.
        throw err instanceof ProblemsError ? new ProblemsError(err.problems, `${component}: ${err.heading}`) : err;
    }
}

/** The spec command's environment (upsert-spec.sh): exactly the settings that shape the spec. */
export function specEnvironment(s: KopsCommandSettings): Record<string, string> {
    return {
        ...kopsBaseEnvironment(s),
        CLUSTER_OWNER: s.clusterOwner,
        ZONES: s.zones.join(","),
        NODE_COUNT: String(s.nodeCount),
        NODE_SIZE: s.nodeSize,
        CONTROL_PLANE_COUNT: String(s.controlPlaneCount),
        CONTROL_PLANE_SIZE: s.controlPlaneSize,
        KUBERNETES_VERSION: s.kubernetesVersion,
        NETWORKING: s.networking,
        TOPOLOGY: s.topology,
        ...(s.sshPublicKey ? { SSH_PUBLIC_KEY: s.sshPublicKey } : {}),
        KOPS_EXTRA_FLAGS: JSON.stringify(s.extraFlags),
        ADOPT_EXISTING: String(s.adoptExisting),
        // Only when on: stacks deployed before the setting existed see no input change.
        ...(s.recreateMissingCluster ? { RECREATE_MISSING_CLUSTER: "true" } : {}),
        SPEC_PATCH: JSON.stringify(specPatchOptions(s)),
    };
}

/** A stable sha256 (hex) of a JSON value: object keys sorted, so key order never counts as a change. */
export function fingerprint(value: unknown): string {
    return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/**
 * The environment variables that only say how kops runs (which binary, which AWS profile, how long
 * validate waits), never what the cluster is. A change of only these re-runs the commands (they
 * need the new values, and destroy runs with the last recorded ones), and every re-run is
 * read-only: upsert-spec.sh finds the spec unchanged and replaces nothing, apply.sh's dry runs find
 * nothing to update or roll (kops decides, so a roll an earlier failed run owed still happens).
 * `npm run plan -- --compare` reports such a change as read-only checks.
 */
export const toolOnlyEnvironment: readonly string[] = ["KOPS_BIN", "AWS_PROFILE", "VALIDATE_TIMEOUT", "RECREATE_MISSING_CLUSTER"];

/**
 * The apply command's environment (apply.sh). SPEC_FINGERPRINT is the fingerprint of the spec
 * command's inputs, so apply re-runs exactly when the spec command did (and when VALIDATE_TIMEOUT
 * changes); apply.sh then asks kops what is left to update and roll. KopsCluster adds
 * SPEC_REVISION (withSpecRevision) once the spec command has run.
 */
export function applyEnvironment(s: KopsCommandSettings, specFingerprint: string): Record<string, string> {
    return {
        ...kopsBaseEnvironment(s),
        VALIDATE_TIMEOUT: s.validateTimeout,
        SPEC_FINGERPRINT: specFingerprint,
    };
}

/** What upsert-spec.sh prints before the spec's revision on stdout. */
export const specRevisionPrefix = "spec revision: ";

/** The last spec revision upsert-spec.sh printed on `stdout`; undefined when it printed none. */
export function parseSpecRevision(stdout: string | undefined): string | undefined {
    const lines = (stdout ?? "").split("\n").filter((line) => line.startsWith(specRevisionPrefix));
    return lines.length > 0 ? lines[lines.length - 1].slice(specRevisionPrefix.length).trim() || undefined : undefined;
}

/**
 * The apply command's environment with SPEC_REVISION, the revision the spec command's last
 * successful run reported (its stdout). The revision is new each time upsert-spec.sh writes the
 * spec to the state store and the same when it finds the spec unchanged, so apply re-runs after
 * every write, also one that puts back the settings apply last succeeded with (a change whose
 * roll failed, then reverted: SPEC_FINGERPRINT is then the same as recorded, the cloud is not).
 */
export function withSpecRevision(apply: Record<string, string>, specStdout: string | undefined): Record<string, string> {
    const revision = parseSpecRevision(specStdout);
    return revision === undefined ? apply : { ...apply, SPEC_REVISION: revision };
}

/** The three commands' environments, as KopsCluster sets them. */
export interface KopsCommandEnvironments {
    spec: Record<string, string>;
    apply: Record<string, string>;
    kubeconfig: Record<string, string>;
}

/**
 * Each command's environment. The apply command's SPEC_FINGERPRINT covers the spec command's lines
 * and environment: whatever re-runs the spec command re-runs apply after it, except the owner
 * marker, which changes only the annotation (stacks from before it get it without an apply).
 */
export function kopsCommandEnvironments(s: KopsCommandSettings): KopsCommandEnvironments {
    const lines = kopsCommandLines(s.adoptExisting);
    const spec = specEnvironment(s);
    const { CLUSTER_OWNER: _owner, ...specWithoutOwner } = spec;
    return {
        spec,
        apply: applyEnvironment(
            s,
            fingerprint({ create: lines.spec.create, update: lines.spec.update, environment: specWithoutOwner }),
        ),
        kubeconfig: kubeconfigEnvironment(s),
    };
}

/** The kubeconfig command's environment (kubeconfig.sh). ADMIN_TTL only counts in admin mode. */
export function kubeconfigEnvironment(s: KopsCommandSettings): Record<string, string> {
    return {
        ...kopsBaseEnvironment(s),
        KUBECONFIG_MODE: s.kubeconfigMode,
        ...(s.kubeconfigMode === "admin" ? { ADMIN_TTL: s.adminTtl } : {}),
    };
}
