// Refuses, at preview, a change kOps cannot make to a running cluster (zones, networking, topology,
// control-plane count, cluster name), before any command runs.
//
// The program cannot read the previous deployment's settings, but a provider can: the engine hands
// a provider's `check` the resource's old inputs. This dynamic resource stores the settings as its
// inputs, and its `check` fails when they changed; the spec command depends on it, so after a
// refusal nothing of the cluster runs. Dynamic providers run in the Pulumi CLI's bundled Node.js
// provider host (pulumi-resource-pulumi-nodejs), so no plugin needs installing. The SDK serializes
// the provider's functions with what they reference (here the two pure functions below and
// describeImmutableChanges), so they must stay small and self-contained: no Pulumi objects, no I/O.
import * as pulumi from "@pulumi/pulumi";
import { describeImmutableChanges, ImmutableClusterSettings } from "./immutableSettings";

const settingKeys: ReadonlyArray<keyof ImmutableClusterSettings> = [
    "clusterName",
    "zones",
    "networking",
    "topology",
    "controlPlaneCount",
];

/**
 * The check the guard's provider runs: no failure on creation (no old inputs), one failure per
 * changed setting otherwise (describeImmutableChanges: the setting, both values, why, what to do).
 * `olds`/`news` are the guard's inputs as the engine passes them; they also hold the serialized
 * provider, which is ignored.
 */
export function immutableSettingsCheckFailures(
    olds: Record<string, any>,
    news: Record<string, any>,
): pulumi.dynamic.CheckFailure[] {
    if (olds === undefined || olds === null || olds.clusterName === undefined) {
        return [];
    }
    const pick = (inputs: Record<string, any>) =>
        Object.fromEntries(settingKeys.map((k) => [k, inputs[k]])) as unknown as ImmutableClusterSettings;
    return describeImmutableChanges(pick(olds), pick(news)).map((change) => ({
        // No property: the engine then prints the reason whole, "... has a problem: <reason>".
        property: "",
        reason: `cluster ${olds.clusterName}: ${change} Nothing was changed; put the setting back to deploy other changes.`,
    }));
}

const immutableGuardProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds, news) {
        return { inputs: news, failures: immutableSettingsCheckFailures(olds, news) };
    },
    async create(inputs) {
        return { id: inputs.clusterName, outs: inputs };
    },
    // Reached only when check passed, i.e. for an equivalent spelling of the same settings or a new
    // version of this provider's code: record the new inputs, nothing else to do.
    async update(_id, _olds, news) {
        return { outs: news };
    },
};

/** The guard for `settings`; give it to the first cluster command as a dependency. */
export class ImmutableSettingsGuard extends pulumi.dynamic.Resource {
    constructor(name: string, settings: ImmutableClusterSettings, opts?: pulumi.CustomResourceOptions) {
        super(immutableGuardProvider, name, { ...settings }, opts, "kops", "ImmutableClusterSettings");
    }
}
