// Settings a running stack cannot change (or not that way), one rule each: why, and what to do
// instead. A change is refused before anything runs, at preview (immutableGuard.ts).
import { isControlPlaneRole, instanceGroupRole, metadataName, parseKopsManifest, plainValue, specOf } from "./kopsManifest";
import { ImmutableClusterSettings } from "../core/updateRules";
import { invalid, Problem, throwProblems } from "../core/problems";

/** The same settings as the stack's config expresses them, before any cluster exists. */
export interface DesiredClusterSettings extends Omit<ImmutableClusterSettings, "networking"> {
    /** `kops create cluster --networking` value (`cilium`, `amazon-vpc-routed-eni`, ...) or the spec key itself. */
    networking: string;
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
    throwProblems("the cluster settings", networkingProblems(networking));
    return networkingFlagToSpecKey[networking];
}

function networkingProblems(networking: string): Problem[] {
    return networkingFlagToSpecKey[networking] === undefined
        ? [invalid("networking", networking, `a kOps networking mode: ${Object.keys(networkingFlagToSpecKey).join(", ")}`)]
        : [];
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
    throwProblems("the cluster settings", [
        ...(desired.topology === "public" || desired.topology === "private"
            ? []
            : [invalid("topology", desired.topology, "public or private")]),
        ...networkingProblems(desired.networking),
    ]);
    return {
        ...desired,
        zones: sortedUnique(desired.zones),
        networking: networkingSpecKey(desired.networking),
    };
}

function sortedUnique(values: string[]): string[] {
    return [...new Set(values)].sort();
}
