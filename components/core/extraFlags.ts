// Which extra flags may reach `kops create cluster`: an ALLOW-list, defined once and used by both the
// stack config (kopsExtraFlags, components/settings/table.ts) and the KopsCluster component (its extraFlags).
//
// Source: cmd/kops/create_cluster.go and cmd/kops/root.go of kubernetes/kops at v1.36.2
// (f336152672adaa587e543387d01f8c5da04ebbe9). The allowed flags are the AWS ones that only add to
// the spec the scripts generate (machine images, volumes, a shared VPC, security groups, access
// CIDRs, tags, a bastion, the API load balancer...). Everything else is refused, which covers in
// particular:
// - the flags the scripts or other settings set (--name, --state, --cloud, --dns, --zones, sizes,
//   counts, --networking, --topology, --ssh-public-key, --dry-run, -o, --target, --yes, --out);
// - the root command's flags (root.go): --config (another kops config file), --state, --name, and
//   klog's -v/--v, --vmodule, --log_dir... (verbose kops logs land in the command output, which
//   Pulumi stores in the state);
// - --set/--unset/--override, which can change any field of the spec, including the ones the spec
//   patch owns (authentication, the apiserver's webhook flags, fileAssets, hooks);
// - --authorization (AlwaysAllow would let every signed-in identity do anything), --ipv6,
//   --control-plane-zones, --instance-manager and --etcd-clusters, which change what the
//   immutable-setting guard and the spec patch rely on;
// - other clouds' flags (--project, --gce-service-account, --os-*, --azure-*, --spotinst-*) and
//   feature-flagged ones (--add, --config-base, --discovery-service, --api-server-count...).
// A flag not listed here that you need: add it to allowedKopsExtraFlags with a test, after checking
// that it only adds to the spec.
import { Problem, problemAt, Refusal } from "./problems";

/** How a flag takes its value: `--flag` or `--flag=true|false` for a bool, `--flag=value` otherwise. */
export type KopsFlagKind = "bool" | "string" | "int" | "list";

/** `kops create cluster` flags (v1.36.2) that only add to the spec, with their value kind. */
export const allowedKopsExtraFlags: Readonly<Record<string, KopsFlagKind>> = {
    "--admin-access": "list",
    "--api-loadbalancer-type": "string",
    "--associate-public-ip": "bool",
    "--bastion": "bool",
    "--bastion-image": "string",
    "--channel": "string",
    "--cloud-labels": "string",
    "--control-plane-image": "string",
    "--control-plane-security-groups": "list",
    "--control-plane-tenancy": "string",
    "--control-plane-volume-size": "int",
    "--control-plane-volume-type": "string",
    "--disable-subnet-tags": "bool",
    "--discovery-store": "string",
    "--encrypt-etcd-storage": "bool",
    "--etcd-storage-type": "string",
    "--image": "string",
    "--kubernetes-feature-gates": "list",
    "--network-cidr": "list",
    "--network-id": "string",
    "--node-image": "string",
    "--node-security-groups": "list",
    "--node-tenancy": "string",
    "--node-volume-size": "int",
    "--node-volume-type": "string",
    "--ssh-access": "list",
    "--subnets": "list",
    "--utility-subnets": "list",
};

/**
 * Flags this project sets itself (kops/scripts/upsert-spec.sh) or from another setting: the setting
 * to use instead.
 */
const managedFlags: Readonly<Record<string, string>> = {
    "--name": "clusterName",
    "--state": "stateBucketName",
    "--cloud": "none: this project runs kOps on AWS only (the scripts pass --cloud aws)",
    "--dns": "none: the scripts pass --dns none (gossip-free, DNS-less clusters whose API is reached through its load balancer)",
    "--dns-zone": "none: the scripts pass --dns none, so no DNS zone is used",
    "--zones": "zones",
    "--node-count": "nodeCount",
    "--node-size": "nodeSize",
    "--control-plane-count": "controlPlaneCount",
    "--control-plane-size": "controlPlaneSize",
    "--master-count": "controlPlaneCount",
    "--master-size": "controlPlaneSize",
    "--kubernetes-version": "kubernetesVersion",
    "--networking": "networking",
    "--topology": "topology",
    "-t": "topology",
    "--ssh-public-key": "sshPublicKey",
    "--dry-run": "none: the scripts generate the spec with --dry-run -o yaml themselves",
    "--output": "none: the scripts generate the spec with --dry-run -o yaml themselves",
    "-o": "none: the scripts generate the spec with --dry-run -o yaml themselves",
    "--out": "none: the scripts write no local output",
    "--target": "none: the scripts apply the spec with kops update cluster --yes",
    "--yes": "none: the scripts apply the spec with kops update cluster --yes",
    "-y": "none: the scripts apply the spec with kops update cluster --yes",
};

/** Deprecated spellings (MarkDeprecated in create_cluster.go): the name to use. */
const renamedFlags: Readonly<Record<string, string>> = {
    "--master-image": "--control-plane-image",
    "--master-security-groups": "--control-plane-security-groups",
    "--master-tenancy": "--control-plane-tenancy",
    "--master-volume-size": "--control-plane-volume-size",
    "--vpc": "--network-id",
};

/** Why some notable flags are refused. */
const refusedFlags: Readonly<Record<string, string>> = {
    "--config": "it makes kops read another config file, which can point it at another state store or cluster",
    // pflag reads `-v=10` and `--v=10` alike for a one-letter name (klog's verbosity): both are listed.
    "-v": "verbose kops logs land in the command output, which Pulumi stores unencrypted in the state",
    "--v": "verbose kops logs land in the command output, which Pulumi stores unencrypted in the state",
    "--vmodule": "verbose kops logs land in the command output, which Pulumi stores unencrypted in the state",
    "--set":
        "it can change any field of the spec, including those the spec patch owns (authentication, " +
        "the apiserver's webhook settings, fileAssets, hooks); change the spec with kops edit cluster after creation",
    "--unset": "it can remove any field of the spec, including those the spec patch owns",
    "--override": "it can change any field of the spec, including those the spec patch owns",
    "--authorization":
        "the authenticator's groups only mean something with RBAC, kOps' default; AlwaysAllow " +
        "would let every signed-in identity do anything",
    "--ipv6": "it changes the cluster's network family, which the immutable-setting guard does not track",
    "--control-plane-zones": "the control plane follows zones and controlPlaneCount",
    "--master-zones": "the control plane follows zones and controlPlaneCount",
    "--instance-manager": "the spec patch sizes the cloud instance groups kOps creates by default",
    "--etcd-clusters": "the etcd clusters are fixed at creation and the immutable-setting guard does not track them",
    "--api-public-name": "with --dns none the cluster's API is reached through its load balancer's own name",
    "--master-public-name": "with --dns none the cluster's API is reached through its load balancer's own name",
    "--container-runtime": "containerd is kOps' only runtime",
    "--api-ssl-certificate":
        "with an ACM certificate on the API load balancer kOps exports no cluster CA, " + "which the user kubeconfigs need",
};

const allowedList = () => Object.keys(allowedKopsExtraFlags).join(", ");

/** What the stack config's reference and every refusal say is accepted. */
export const kopsExtraFlagsAccepted =
    "flags written --flag=value (or --flag for an on/off flag), one per item, " +
    "from the kops create cluster flags that only add to the spec: " +
    allowedList();

/**
 * Why `flag` (one item of the extra flags) is refused, naming it, its value and what is accepted; or
 * undefined when it is allowed. Forbidden: a flag this project sets or refuses; unknown: a flag not in
 * the allow-list; invalid: a malformed item or value.
 */
export function kopsExtraFlagProblem(flag: unknown): Refusal | undefined {
    if (typeof flag !== "string") {
        return { kind: "invalid", accepted: `a string; ${kopsExtraFlagsAccepted}` };
    }
    const match = /^(--?[A-Za-z0-9][A-Za-z0-9_-]*)(?:=([\s\S]*))?$/.exec(flag);
    if (!match) {
        return {
            kind: "invalid",
            accepted: "a flag; write each flag as one item --flag=value",
            hint: "a value in an item of its own would be read by kops as an argument",
        };
    }
    const [, name, value] = match;
    const shown = value === undefined ? `flag ${name}` : `flag ${name} (value ${JSON.stringify(value)})`;
    if (name in managedFlags) {
        const instead = managedFlags[name];
        return {
            kind: "forbidden",
            accepted:
                `${shown} is set by this project: ` +
                (instead.startsWith("none: ")
                    ? `${instead.slice("none: ".length)}; remove it`
                    : `use the ${instead} setting instead`),
        };
    }
    if (name in renamedFlags) {
        return { kind: "invalid", accepted: `${shown} is deprecated in kOps; write ${renamedFlags[name]} instead` };
    }
    if (name in refusedFlags) {
        return {
            kind: "forbidden",
            accepted: `no ${name} flag: ${refusedFlags[name]}`,
            hint: `accepted: ${kopsExtraFlagsAccepted}`,
        };
    }
    const kind = allowedKopsExtraFlags[name];
    if (kind === undefined) {
        return {
            kind: "unknown",
            accepted: `${shown} is not one of the kops create cluster flags allowed here (flags that only add to the spec): ${allowedList()}`,
        };
    }
    if (kind === "bool") {
        return value === undefined || value === "true" || value === "false"
            ? undefined
            : { kind: "invalid", accepted: `${shown} is an on/off flag: write ${name}, ${name}=true or ${name}=false` };
    }
    if (value === undefined || value === "") {
        return { kind: "invalid", accepted: `${shown} needs a value in the same item: write ${name}=<value>` };
    }
    if (kind === "int" && !/^\d+$/.test(value)) {
        return { kind: "invalid", accepted: `${shown} takes a whole number: write ${name}=<number>` };
    }
    return undefined;
}

/** Every problem with a list of extra flags (the setting `path`), each at its index, with the flag as its value. */
export function kopsExtraFlagsProblems(flags: readonly unknown[], path = "extraFlags"): Problem[] {
    return flags.flatMap((flag, index) => {
        const refusal = kopsExtraFlagProblem(flag);
        return refusal === undefined ? [] : [problemAt(`${path}[${index}]`, flag, refusal)];
    });
}
