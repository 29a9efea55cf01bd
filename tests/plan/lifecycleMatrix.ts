// The lifecycle contract: what changing each setting on a running stack costs. One row per setting
// (kubernetesVersion has one per kind of version change): the changed value, from the example stack
// Pulumi.dev.yaml, and the outcome. tests/plan/transitionMatrix.test.ts runs every row through the
// plan tool's comparison, and docs/lifecycle.md's "Changing a setting on a running stack" table is
// rendered from these rows (renderLifecycleTable; the test fails when the file differs, UPDATE_GOLDEN=1
// rewrites it).
import type { Comparison } from "../../tools/plan/compare";

/** The outcomes of a change, in the table's order. The kOps ones are the plan tool's impact words (kopsImpact). */
export const Outcome = {
    Refused: "refused at preview",
    SpecUpdateRoll: "spec + update + rolling-update",
    ReadOnlyChecks: "read-only kops checks",
    KubeconfigExport: "kubeconfig re-export",
    ConfigMapOnly: "ConfigMap only, no pod restart",
    KubernetesObjects: "Kubernetes objects only",
    IamRolesAndKubernetesObjects: "IAM roles + Kubernetes objects",
    NoCloudOperation: "no cloud operation",
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** What runs, per outcome: the table's second column. */
export const whatRuns: Record<Outcome, string> = {
    [Outcome.Refused]:
        "nothing: `pulumi preview` (and `up`) stops with a message naming the setting, the old and new values, why, " +
        "and what to do instead; no resource is touched",
    [Outcome.SpecUpdateRoll]:
        "spec upsert, `update` dry run then `--yes`, `rolling-update` dry run then `--yes`, `validate` " +
        "(plan: `spec + update + rolling-update + validate`)",
    [Outcome.ReadOnlyChecks]:
        "no kOps operation that changes the cloud or the state store: the commands re-run because they carry the values, " +
        "read-only (spec re-read, no replace; `update` and `rolling-update` dry runs find nothing; `validate`; the kubeconfig " +
        "re-exported for a new binary or profile; plan: `check + validate [+ kubeconfig]`). A `kopsBinary` that is another " +
        "kOps version can find changes of its own: that is a kOps upgrade, applied and rolled as kOps prescribes",
    [Outcome.KubeconfigExport]: "`kops export kubecfg` only (plan: `kubeconfig`); the Kubernetes provider gets the new kubeconfig",
    [Outcome.ConfigMapOnly]:
        "no kOps operation: the authenticator's ConfigMap updated in place (`mappings.json`); the running servers reload it " +
        "once kubelet has projected it (up to about a minute), with no restart and no failed sign-in",
    [Outcome.KubernetesObjects]:
        "no kOps operation: the authenticator's DaemonSet (its pods roll) or RBAC objects",
    [Outcome.IamRolesAndKubernetesObjects]:
        "no kOps operation: the IAM roles, and the authenticator's ConfigMap updated in place (no pod restart)",
    [Outcome.NoCloudOperation]:
        "no kOps operation and no Kubernetes object: the state, the stack outputs, or the bucket's and roles' tags and attributes " +
        "(`stateBucketForceDestroy` is the bucket's attribute only: the purge command stays in the program)",
};

export interface MatrixRow {
    /** The setting: a key of the settings tables (components/settings/table.ts), or aws:region, aws:profile. */
    setting: string;
    /** Which change of the setting, when it has rows for several (kubernetesVersion). */
    when?: string;
    /** The new value, as the stack file would hold it. */
    value: unknown;
    outcome: Outcome;
    /** Putting the old value back costs what the change cost, unless this says otherwise. */
    revertOutcome?: Outcome;
}

/** The example stack's Kubernetes version (the default): each version row moves from it. */
const baseKubernetesVersion = "1.34.10";

/** A syntactically valid ssh-ed25519 public key line (the key type, then 32 bytes of key). */
function sshEd25519Key(comment: string): string {
    const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
    const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(Buffer.alloc(32, 7))]);
    return `ssh-ed25519 ${blob.toString("base64")} ${comment}`;
}

const image = (tag: string) => `public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:${tag}`;

/**
 * The matrix. A minor version going down is refused, so reverting a minor upgrade is refused too:
 * that row says so (revertOutcome). A patch release may go either way within its minor.
 */
export const matrixRows: MatrixRow[] = [
    // Refused: kOps cannot change these on a running cluster, or they count only at creation.
    { setting: "clusterName", value: "other.k8s.local", outcome: Outcome.Refused },
    { setting: "zones", value: ["eu-west-1a", "eu-west-1b"], outcome: Outcome.Refused },
    { setting: "networking", value: "calico", outcome: Outcome.Refused },
    { setting: "topology", value: "private", outcome: Outcome.Refused },
    { setting: "controlPlaneCount", value: 3, outcome: Outcome.Refused },
    { setting: "aws:region", value: "eu-central-1", outcome: Outcome.Refused },
    { setting: "stateBucketName", value: "kops-iam-auth-dev-state-other", outcome: Outcome.Refused },
    { setting: "createStateBucket", value: false, outcome: Outcome.Refused },
    { setting: "authenticatorUid", value: 10001, outcome: Outcome.Refused },
    { setting: "adoptExistingCluster", value: true, outcome: Outcome.Refused },
    { setting: "sshPublicKey", value: sshEd25519Key("matrix@example"), outcome: Outcome.Refused },
    { setting: "kopsExtraFlags", value: ["--node-volume-size=64"], outcome: Outcome.Refused },
    { setting: "kubernetesVersion", when: "a minor down", value: "1.33.7", outcome: Outcome.Refused },
    { setting: "kubernetesVersion", when: "skipping a minor", value: "1.36.0", outcome: Outcome.Refused },
    // Spec, update and rolling update.
    { setting: "nodeCount", value: 3, outcome: Outcome.SpecUpdateRoll },
    { setting: "nodeSize", value: "t3.large", outcome: Outcome.SpecUpdateRoll },
    { setting: "controlPlaneSize", value: "t3.large", outcome: Outcome.SpecUpdateRoll },
    {
        setting: "kubernetesVersion",
        when: "a patch",
        value: "1.34.11",
        outcome: Outcome.SpecUpdateRoll,
    },
    {
        setting: "kubernetesVersion",
        when: "the next minor",
        value: "1.35.0",
        outcome: Outcome.SpecUpdateRoll,
        revertOutcome: Outcome.Refused,
    },
    { setting: "webhookCacheTtl", value: "1m0s", outcome: Outcome.SpecUpdateRoll },
    { setting: "hookRunner", value: "host", outcome: Outcome.SpecUpdateRoll },
    { setting: "hookImage", value: "public.ecr.aws/aws-cli/aws-cli:2.31.24", outcome: Outcome.SpecUpdateRoll },
    { setting: "certValidityHours", value: 8760, outcome: Outcome.SpecUpdateRoll },
    // How kops runs, not what it builds.
    { setting: "kopsBinary", value: "/usr/local/bin/kops", outcome: Outcome.ReadOnlyChecks },
    { setting: "validateTimeout", value: "30m", outcome: Outcome.ReadOnlyChecks },
    { setting: "aws:profile", value: "platform", outcome: Outcome.ReadOnlyChecks },
    // Read only, unless the cluster is missing from its state store: then the spec step creates it again.
    { setting: "recreateMissingCluster", value: true, outcome: Outcome.ReadOnlyChecks },
    { setting: "adminCredentialTtl", value: "1h", outcome: Outcome.KubeconfigExport },
    // The authenticator's objects on the cluster.
    {
        setting: "mapRoles",
        value: [{ roleArn: "arn:aws:iam::210987654321:role/ci/Deployer", username: "ci-deployer", groups: ["viewers"] }],
        outcome: Outcome.ConfigMapOnly,
    },
    {
        setting: "mapUsers",
        value: [
            { userArn: "arn:aws:iam::210987654321:user/alice", username: "alice", groups: ["viewers"] },
            { userArn: "arn:aws:iam::210987654321:user/bob", username: "bob", groups: ["viewers"] },
        ],
        outcome: Outcome.ConfigMapOnly,
    },
    { setting: "mapAccounts", value: ["210987654321", "310987654321"], outcome: Outcome.ConfigMapOnly },
    {
        setting: "clusterRoleBindings",
        value: [
            { group: "viewers", clusterRole: "view" },
            { group: "system:masters", clusterRole: "cluster-admin" },
        ],
        outcome: Outcome.KubernetesObjects,
    },
    { setting: "authenticatorImage", value: image("v0.6.29-eks-1-31-9"), outcome: Outcome.KubernetesObjects },
    { setting: "authenticatorCpuRequest", value: "20m", outcome: Outcome.KubernetesObjects },
    { setting: "authenticatorMemoryRequest", value: "16Mi", outcome: Outcome.KubernetesObjects },
    { setting: "authenticatorCpuLimit", value: "200m", outcome: Outcome.KubernetesObjects },
    { setting: "authenticatorMemoryLimit", value: "64Mi", outcome: Outcome.KubernetesObjects },
    {
        setting: "accessRoles",
        value: [
            { name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
            { name: "KubernetesViewer", username: "kubernetes-viewer", groups: ["viewers"] },
            { name: "KubernetesAuditor", username: "kubernetes-auditor", groups: ["viewers"] },
        ],
        outcome: Outcome.IamRolesAndKubernetesObjects,
    },
    // Nothing on the cloud beyond tags and attributes.
    { setting: "stateBucketForceDestroy", value: true, outcome: Outcome.NoCloudOperation },
    { setting: "tags", value: { environment: "dev", team: "platform" }, outcome: Outcome.NoCloudOperation },
    { setting: "kubeconfigTokenCommand", value: "aws", outcome: Outcome.NoCloudOperation },
    { setting: "kubeconfigAwsProfile", value: "platform", outcome: Outcome.NoCloudOperation },
    { setting: "extraInstanceTypes", value: ["m8a.large"], outcome: Outcome.NoCloudOperation },
    // Only lets a stack map nobody; the example stack maps identities, so nothing else changes.
    { setting: "allowNoIamSignIn", value: true, outcome: Outcome.NoCloudOperation },
    // Only lets a stack map AWS documentation's example accounts; the example stack maps none.
    { setting: "allowExampleAccounts", value: true, outcome: Outcome.NoCloudOperation },
];

/** `kubernetesVersion (the next minor)`: the row's name in test titles and the table. */
export function rowLabel(row: MatrixRow): string {
    return row.when === undefined ? row.setting : `${row.setting} (${row.when})`;
}

export { baseKubernetesVersion };

/**
 * The outcome a comparison shows. `refused` and the kOps impacts come from the plan tool; a change
 * without a kOps operation is told apart by the custom resources it changes.
 */
export function observedOutcome(comparison: Comparison): string {
    if (comparison.impact === "refused") {
        return Outcome.Refused;
    }
    const kinds = new Set(comparison.impact === "none" ? [] : comparison.impact.split(" + "));
    const only = (...allowed: string[]) => [...kinds].every((k) => allowed.includes(k));
    if (kinds.has("spec") && kinds.has("update") && kinds.has("rolling-update") && only("spec", "update", "rolling-update", "validate", "kubeconfig")) {
        return Outcome.SpecUpdateRoll;
    }
    if (kinds.has("check") && only("check", "validate", "kubeconfig")) {
        return Outcome.ReadOnlyChecks;
    }
    if (kinds.size === 1 && kinds.has("kubeconfig")) {
        return Outcome.KubeconfigExport;
    }
    if (kinds.size > 0) {
        return `kOps: ${comparison.impact}`;
    }
    const customChanges = comparison.resourceChanges.filter((c) => c.custom);
    const types = new Set(customChanges.map((c) => c.type));
    const kubernetes = [...types].some((t) => t.startsWith("kubernetes:"));
    const iamRoles = types.has("aws:iam/role:Role");
    // The ConfigMap changed in place and no other Kubernetes object: the DaemonSet's pods keep running.
    const configMapInPlace = customChanges
        .filter((c) => c.type.startsWith("kubernetes:"))
        .every((c) => c.type === "kubernetes:core/v1:ConfigMap" && c.change === "changed");
    if (kubernetes && [...types].every((t) => t.startsWith("kubernetes:"))) {
        return configMapInPlace ? Outcome.ConfigMapOnly : Outcome.KubernetesObjects;
    }
    if (kubernetes && iamRoles && configMapInPlace && [...types].every((t) => t.startsWith("kubernetes:") || t.startsWith("aws:iam/"))) {
        return Outcome.IamRolesAndKubernetesObjects;
    }
    if (!kubernetes && comparison.operations.length === 0) {
        return Outcome.NoCloudOperation;
    }
    return `other: ${[...types].join(", ")}; kOps operations: ${comparison.operations.map((o) => `${o.resource} ${o.step}`).join(", ")}`;
}

/** docs/lifecycle.md's table of changes, rendered from the rows: one line per outcome, naming its settings. */
export function renderLifecycleTable(rows: MatrixRow[] = matrixRows): string {
    const lines = ["| Change on a running stack | What runs | Settings |", "| --- | --- | --- |"];
    for (const outcome of Object.values(Outcome)) {
        const settings = rows.filter((r) => r.outcome === outcome).map((r) => `\`${r.setting}\`${r.when ? ` (${r.when})` : ""}`);
        if (settings.length > 0) {
            lines.push(`| ${outcome} | ${whatRuns[outcome]} | ${settings.join(", ")} |`);
        }
    }
    return `${lines.join("\n")}\n`;
}
