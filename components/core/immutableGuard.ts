// Refuses, at preview, a change a running stack cannot take (immutableSettings.ts' rules: the
// cluster's identity, region, state bucket, create-time settings, a Kubernetes version skip or
// downgrade), before any command runs.
//
// The program cannot read the previous deployment's settings, but a provider can: the engine hands
// a provider's `check` the resource's old inputs. This dynamic resource stores the settings as its
// inputs, and its `check` fails when a rule refuses their change. A refused preview runs nothing;
// the resources a guard protects also depend on it (KopsCluster's spec command on
// `<name>-immutable`, KopsStateStore's bucket and objects on its own), so nothing of them runs after
// a refusal either. KopsCluster's `<name>-creation-settings` guard depends on the spec command
// instead: it records the settings that count only at creation once the cluster exists. Dynamic
// providers run in the Pulumi CLI's bundled Node.js provider host (pulumi-resource-pulumi-nodejs),
// so no plugin needs installing. The SDK serializes the provider's functions with what they
// reference (here the pure function below, describeImmutableChanges and its rules), so they must
// stay small and self-contained: no Pulumi objects, no I/O.
import * as pulumi from "@pulumi/pulumi";
import { describeImmutableChanges, ImmutableClusterSettings } from "./updateRules";

/**
 * The check the guard's provider runs: one failure per recorded setting whose change its rule
 * refuses (describeImmutableChanges: the setting, both values, why, what to do instead). No old
 * inputs (creation), or a setting the old inputs lack (a guard an older version deployed), refuse
 * nothing. `olds`/`news` are the guard's inputs as the engine passes them; they also hold the
 * serialized provider, which is ignored.
 */
export function immutableSettingsCheckFailures(
    olds: Record<string, any> | undefined,
    news: Record<string, any>,
): pulumi.dynamic.CheckFailure[] {
    // The running cluster's name: the new one, when it changed, is what gets refused.
    const clusterName = String(olds?.clusterName ?? olds?.cluster ?? news.clusterName ?? news.cluster);
    return describeImmutableChanges(olds ?? {}, news, clusterName).map((change) => ({
        // No property: the engine then prints the reason whole, "... has a problem: <reason>".
        property: "",
        reason: `cluster ${clusterName}: ${change} Nothing was changed; put the setting back to deploy other changes.`,
    }));
}

const immutableGuardProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds, news) {
        return { inputs: news, failures: immutableSettingsCheckFailures(olds, news) };
    },
    async create(inputs) {
        return { id: String(inputs.clusterName ?? inputs.cluster), outs: inputs };
    },
    // Reached only when check passed (an allowed version step, a setting recorded for the first time,
    // a new version of this provider's code): record the new inputs, nothing else to do.
    async update(_id, _olds, news) {
        return { outs: news };
    },
};

/**
 * What a guard records: the settings it guards, and the cluster they belong to, as `clusterName`
 * when the name is one of them, else as `cluster` (named in messages, never compared).
 */
export type GuardedSettings = Partial<ImmutableClusterSettings> & { cluster?: string };

/** The guard for `settings`; give it to the resources that act on them as a dependency. */
export class ImmutableSettingsGuard extends pulumi.dynamic.Resource {
    constructor(
        name: string,
        settings: { [K in keyof GuardedSettings]: pulumi.Input<GuardedSettings[K]> },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(immutableGuardProvider, name, { ...settings }, opts, "kops", "ImmutableClusterSettings");
    }
}
