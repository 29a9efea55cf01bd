// Settings a running stack cannot change (or not that way), one rule each: why, and what to do
// instead. Apart from the value rules (rules.ts): a value can be valid and still not be a valid
// change. A change is refused before anything runs, at preview (immutableGuard.ts).
import { kubernetesMinor } from "./rules";
import { ClusterTopology } from "./types";

/**
 * What a guard records of a stack, keyed by the stack config's names. The first five are in the kOps
 * spec (extractImmutableSettings reads them back); the optional ones are recorded only where they
 * are given, and a guard deployed by an older version has none of them.
 */
export interface ImmutableClusterSettings {
    /** kOps cluster name (metadata.name). */
    clusterName: string;
    /** Availability zones of the cluster's subnets, sorted, without duplicates. */
    zones: string[];
    /** The networking provider as the spec names it: the key under spec.networking (`cilium`, `calico`, `amazonvpc`...). */
    networking: string;
    /** `private` when any subnet is of type Private (kOps' private topology, and its IPv6 default), else `public`. */
    topology: ClusterTopology;
    /** Number of control-plane instance groups (role Master/ControlPlane): one per etcd member. */
    controlPlaneCount: number;
    /** The AWS region (`aws:region`) the cluster and its state bucket are in. */
    region?: string;
    /** Kubernetes version: may move by patches or one minor up, never down or past a minor. */
    kubernetesVersion?: string;
    /** Owner uid of the authenticator's files on the control plane and the DaemonSet's runAsUser. */
    authenticatorUid?: number;
    /** Whether the cluster was adopted (destroy leaves it running) or created (destroy deletes it). */
    adoptExistingCluster?: boolean;
    /** The SSH key `kops create cluster` got; "" for none. */
    sshPublicKey?: string;
    /** The extra `kops create cluster` flags. */
    kopsExtraFlags?: string[];
    /** The kOps state store's bucket. */
    stateBucketName?: string;
    /** Whether the stack created the state bucket (and deletes it on destroy) or uses an existing one. */
    createStateBucket?: boolean;
}

/** Why a setting cannot change this way, and what to do instead. */
interface Refusal {
    why: string;
    instead: string;
}

interface ImmutableRule {
    /** The setting's name in messages: the stack config key. */
    label?: string;
    /** The refusal of a change from `before` to `after` (never equal), or undefined when it is allowed. */
    refuse(before: any, after: any, clusterName: string): Refusal | undefined;
    /** How a value reads in the message; JSON, arrays as [a, b], by default. */
    show?(value: any): string;
}

const newCluster = "kOps cannot change it in place; create a new cluster (a new name or stack) instead.";
const always = (why: string, instead: string) => (): Refusal => ({ why, instead });
const kopsThenApply = (clusterName: string, change: string) =>
    `${change}, then \`kops update cluster --yes\` and \`kops rolling-update cluster --yes\` (each with ` +
    `--name ${clusterName} --state <the stack's stateStoreUrl output>)`;

/**
 * The rules, in the order messages come. Every rule's `refuse` is pure and self-contained: the
 * guard's provider is serialized with them (immutableGuard.ts).
 */
export const immutableRules: Record<keyof ImmutableClusterSettings, ImmutableRule> = {
    clusterName: {
        refuse: always("the name is the cluster's identity in the state store and on its AWS resources", newCluster),
    },
    zones: { refuse: always("subnets, instance groups and etcd volumes are created in their zones", newCluster) },
    networking: {
        refuse: always(
            "the networking provider is installed when the cluster is created and kOps has no migration between providers",
            newCluster,
        ),
    },
    topology: { refuse: always("public or private decides the subnet types and routes the cluster was built on", newCluster) },
    controlPlaneCount: {
        refuse: always(
            "control-plane members are etcd members, one instance group each; kOps does not add or remove them by a spec edit",
            newCluster,
        ),
    },
    region: {
        label: "aws:region",
        refuse: always(
            "the cluster's instances, volumes and network, and its state bucket, are in that region, and kOps cannot move a cluster between regions",
            "Keep the region; a cluster in another region is a new stack.",
        ),
    },
    kubernetesVersion: {
        refuse(before: string, after: string) {
            const [from, to] = [kubernetesMinor(before), kubernetesMinor(after)];
            if (from === undefined || to === undefined || to === from || to === from + 1) {
                return undefined;
            }
            if (to < from) {
                return {
                    why: "Kubernetes does not downgrade a running control plane: etcd holds objects the newer version wrote",
                    instead: `Keep 1.${from} (any 1.${from} patch release, or 1.${from + 1}); a cluster at 1.${to} is a new cluster (a new name or stack).`,
                };
            }
            const steps = Array.from({ length: to - from }, (_, i) => `1.${from + 1 + i}`);
            return {
                why: "Kubernetes upgrades the control plane one minor version at a time",
                instead:
                    `Upgrade one minor per pulumi up: set kubernetesVersion to a ${steps[0]} release first, ` +
                    `then ${steps.slice(1).join(", then ")}.`,
            };
        },
    },
    authenticatorUid: {
        refuse: always(
            "on a running cluster the roll deadlocks: new control-plane nodes get the authenticator's files owned by the new " +
                "uid while its DaemonSet still runs as the old one, so cluster validation fails and the rolling update stops " +
                "before the DaemonSet (updated only after the roll) could follow",
            "Keep the uid of the running cluster; a cluster with another uid is a new cluster (a new name or stack).",
        ),
    },
    adoptExistingCluster: {
        refuse: (before: boolean, _after, clusterName) => ({
            why: "it is fixed when the cluster is first deployed: it decides whether pulumi destroy deletes the cluster (false) or leaves it running (true)",
            instead: before
                ? `Keep true; to delete the adopted cluster after pulumi destroy, run \`kops delete cluster --name ${clusterName} --yes\` yourself.`
                : "Keep false; to keep the cluster when the stack goes, remove its spec command (the `<name>-spec` " +
                  "command resource) from the state with `pulumi state delete <its URN>` before pulumi destroy.",
        }),
    },
    sshPublicKey: {
        refuse: (_before, _after, clusterName) => ({
            why: "it counts only when the cluster is created (kops create cluster --ssh-public-key); after that the spec command ignores it, so the change would do nothing",
            instead:
                "Keep the recorded key here and change the key of the running cluster with kOps: " +
                kopsThenApply(clusterName, "`kops delete sshpublickey` and `kops create sshpublickey -i <key file>`") +
                ".",
        }),
        // The key's type, the ends of its blob and its comment: enough to tell two keys apart.
        show: (key: string) => (key === "" ? "(none)" : JSON.stringify(key.replace(/^(\S+ \S{8})\S+(\S{8})/, "$1…$2"))),
    },
    kopsExtraFlags: {
        refuse: (_before, _after, clusterName) => ({
            why: "they count only when the cluster is created (kops create cluster); after that the spec command ignores them, so the change would do nothing",
            instead:
                "Keep the recorded flags here and change the running cluster with kOps: " +
                kopsThenApply(clusterName, "`kops edit cluster` (or `kops edit instancegroup <group>`)") +
                ".",
        }),
    },
    stateBucketName: {
        refuse: always(
            "the bucket holds the cluster's kOps state; in another bucket kops finds no cluster and would create a second cluster of the same name",
            "Keep the bucket; a cluster with its state in another bucket is a new stack.",
        ),
    },
    createStateBucket: {
        refuse: (before: boolean) => ({
            why: before
                ? "false would delete the bucket this stack created, and with it the running cluster's kOps state"
                : "true would create a bucket of the name of the existing one, which this stack does not own",
            instead: "Keep it as it is for the life of the cluster.",
        }),
    },
};

/**
 * One message per setting recorded in both `before` (the deployed stack) and `after` (the wanted
 * one) whose change its rule refuses, naming the setting, both values, why and what to do instead
 * (kops commands name `clusterName`, the running cluster); empty when none is refused. A setting
 * absent from `before` has no record (a guard deployed by an older version) and is accepted; one
 * that is no plain value in `after` is not known yet (an unknown output at preview).
 */
export function describeImmutableChanges(
    before: Partial<ImmutableClusterSettings>,
    after: Partial<ImmutableClusterSettings>,
    clusterName = String(before.clusterName ?? after.clusterName),
): string[] {
    const recorded = (value: unknown) => ["string", "number", "boolean"].includes(typeof value) || Array.isArray(value);
    return (Object.keys(immutableRules) as (keyof ImmutableClusterSettings)[]).flatMap((setting) => {
        const [old, wanted] = [before[setting], after[setting]];
        if (!recorded(old) || !recorded(wanted) || JSON.stringify(old) === JSON.stringify(wanted)) {
            return [];
        }
        const rule = immutableRules[setting];
        const refusal = rule.refuse(old, wanted, clusterName);
        if (refusal === undefined) {
            return [];
        }
        const show = rule.show ?? ((value: unknown) => (Array.isArray(value) ? `[${value.join(", ")}]` : JSON.stringify(value)));
        return [
            `${rule.label ?? setting} cannot change from ${show(old)} to ${show(wanted)}: ${refusal.why}. ${refusal.instead}`,
        ];
    });
}
