// Cluster settings that kOps cannot change in place. A change to any of them is refused before
// anything runs (at preview): the way to get it is a new cluster.
import { isControlPlaneRole, instanceGroupRole, metadataName, parseKopsManifest, plainValue, specOf } from "./kopsManifest";

/** Where the cluster's nodes live: public or private subnets (`kops create cluster --topology`). */
export const ClusterTopology = { Public: "public", Private: "private" } as const;
export type ClusterTopology = (typeof ClusterTopology)[keyof typeof ClusterTopology];

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
}

/** The same settings as the stack's config expresses them, before any cluster exists. */
export interface DesiredClusterSettings {
    clusterName: string;
    zones: string[];
    /** `kops create cluster --networking` value (`cilium`, `amazon-vpc-routed-eni`, ...) or the spec key itself. */
    networking: string;
    topology: ClusterTopology;
    controlPlaneCount: number;
}

/** `kops create cluster --networking` values (new_cluster.go setupNetworking) → the v1alpha2 key under spec.networking. */
const networkingFlagToSpecKey: Record<string, string> = {
    "kubenet": "kubenet",
    "external": "external",
    "cni": "cni",
    "kopeio-vxlan": "kopeio",
    "kopeio": "kopeio",
    "flannel": "flannel",
    "flannel-vxlan": "flannel",
    "flannel-udp": "flannel",
    "calico": "calico",
    "kube-router": "kuberouter",
    "kuberouter": "kuberouter",
    "amazonvpc": "amazonvpc",
    "amazon-vpc-routed-eni": "amazonvpc",
    "cilium": "cilium",
    "cilium-etcd": "cilium",
    "cilium-eni": "cilium",
    "gcp": "gce",
    "gce": "gce",
    "kindnet": "kindnet",
};

/** The spec.networking key a `--networking` value produces; throws naming the accepted values. */
export function networkingSpecKey(networking: string): string {
    const key = networkingFlagToSpecKey[networking];
    if (key === undefined) {
        throw new Error(
            `networking ${JSON.stringify(networking)} is not a kOps networking mode; accepted: ` +
                Object.keys(networkingFlagToSpecKey).join(", "),
        );
    }
    return key;
}

/** Reads the immutable settings from kOps YAML (the Cluster and its InstanceGroups). */
export function extractImmutableSettings(kopsYaml: string): ImmutableClusterSettings {
    const { cluster, instanceGroups } = parseKopsManifest(kopsYaml);
    const spec = specOf(cluster)!;
    const subnets = plainValue(spec, "subnets");
    const subnetList = Array.isArray(subnets) ? (subnets as { zone?: unknown; type?: unknown }[]) : [];
    const networking = plainValue(spec, "networking");
    const providers = typeof networking === "object" && networking !== null ? Object.keys(networking) : [];
    if (providers.length !== 1) {
        throw new Error(
            `spec.networking must name exactly one networking provider, found ${providers.length} (${providers.join(", ")})`,
        );
    }
    return {
        clusterName: String(metadataName(cluster)),
        zones: sortedUnique(subnetList.flatMap((subnet) => (typeof subnet.zone === "string" ? [subnet.zone] : []))),
        networking: providers[0],
        topology: subnetList.some((subnet) => subnet.type === "Private") ? "private" : "public",
        controlPlaneCount: instanceGroups.filter((ig) => isControlPlaneRole(instanceGroupRole(ig))).length,
    };
}

/** The settings a configuration asks for, normalized so they compare equal to extractImmutableSettings of its cluster. */
export function immutableSettingsFromConfig(desired: DesiredClusterSettings): ImmutableClusterSettings {
    if (desired.topology !== "public" && desired.topology !== "private") {
        throw new Error(`topology ${JSON.stringify(desired.topology)} is not valid; expected public or private`);
    }
    return {
        clusterName: desired.clusterName,
        zones: sortedUnique(desired.zones),
        networking: networkingSpecKey(desired.networking),
        topology: desired.topology,
        controlPlaneCount: desired.controlPlaneCount,
    };
}

const whyImmutable: Record<keyof ImmutableClusterSettings, string> = {
    clusterName: "the name is the cluster's identity in the state store and on its AWS resources",
    zones: "subnets, instance groups and etcd volumes are created in their zones",
    networking: "the networking provider is installed when the cluster is created and kOps has no migration between providers",
    topology: "public or private decides the subnet types and routes the cluster was built on",
    controlPlaneCount:
        "control-plane members are etcd members, one instance group each; kOps does not add or remove them by a spec edit",
};

/**
 * One message per setting that differs between `before` (the existing cluster) and `after` (the
 * wanted one), naming the setting, both values and why it cannot change; empty when none does.
 */
export function describeImmutableChanges(before: ImmutableClusterSettings, after: ImmutableClusterSettings): string[] {
    return (Object.keys(whyImmutable) as (keyof ImmutableClusterSettings)[])
        .filter((setting) => JSON.stringify(before[setting]) !== JSON.stringify(after[setting]))
        .map(
            (setting) =>
                `${setting} cannot change from ${show(before[setting])} to ${show(after[setting])}: ` +
                `${whyImmutable[setting]}. kOps cannot change it in place; create a new cluster (a new name or stack) instead.`,
        );
}

function show(value: string | string[] | number): string {
    return Array.isArray(value) ? `[${value.join(", ")}]` : JSON.stringify(value);
}

function sortedUnique(values: string[]): string[] {
    return [...new Set(values)].sort();
}
