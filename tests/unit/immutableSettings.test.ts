import * as assert from "assert";
import {
    describeImmutableChanges,
    extractImmutableSettings,
    ImmutableClusterSettings,
    immutableSettingsFromConfig,
    networkingSpecKey,
} from "../../components/kops/immutableSettings";
import { kopsCasesWithOptions, readKopsInput, readKopsOptions, requireKopsModule } from "../helpers/kopsFixtures";

const settingsOf = (caseName: string) => extractImmutableSettings(readKopsInput(caseName));

describe("immutable cluster settings", () => {
    // kOps' outputs and flags, from the kOps module.
    before(function () {
        requireKopsModule(this);
    });

    it("reads name, zones, networking, topology and control-plane count from kOps YAML", () => {
        const expected: Record<string, ImmutableClusterSettings> = {
            "create-cluster-complex-private": {
                clusterName: "complex.example.com",
                zones: ["us-test-1a", "us-test-1b", "us-test-1c"],
                networking: "cni",
                topology: "private",
                controlPlaneCount: 3,
            },
            "create-cluster-ha_shared_zones": {
                clusterName: "ha.example.com",
                zones: ["us-test-1a", "us-test-1b"],
                networking: "cni",
                topology: "public",
                controlPlaneCount: 5,
            },
            "create-cluster-ipv6": {
                clusterName: "ipv6.example.com",
                zones: ["us-test-1a"],
                networking: "calico",
                topology: "private",
                controlPlaneCount: 1,
            },
            "existing-conversion-aws-hooks-fileassets": {
                clusterName: "minimal.example.com",
                zones: ["us-test-1a"],
                networking: "amazonvpc",
                topology: "public",
                controlPlaneCount: 1,
            },
            "existing-complex": {
                clusterName: "complex.example.com",
                zones: ["us-test-1a"],
                networking: "cni",
                topology: "private",
                controlPlaneCount: 1,
            },
        };
        for (const [name, settings] of Object.entries(expected)) {
            assert.deepStrictEqual(settingsOf(name), settings, name);
        }
    });

    describe("from the stack's desired values, equal to what kops create cluster made of the same flags", () => {
        // Each create-cluster case comes with the flags that produced it (kOps' options.yaml).
        const cases = kopsCasesWithOptions;
        it("has cases", () => assert.ok(cases.length >= 10));
        for (const caseName of cases) {
            it(caseName, () => {
                const flags = readKopsOptions(caseName)!;
                const desired = immutableSettingsFromConfig({
                    clusterName: flags.ClusterName,
                    zones: [...flags.Zones].reverse(),
                    networking: flags.Networking,
                    // kops' defaults: private for IPv6, public otherwise; one control-plane member per --control-plane-zones entry.
                    topology: flags.Topology ?? (flags.IPv6 ? "private" : "public"),
                    controlPlaneCount: flags.ControlPlaneCount ?? flags.ControlPlaneZones?.length ?? 1,
                });
                const actual = settingsOf(caseName);
                assert.deepStrictEqual(desired, actual);
                assert.deepStrictEqual(describeImmutableChanges(actual, desired), []);
            });
        }
    });

    describe("describeImmutableChanges", () => {
        it("finds nothing to refuse between specs that differ only in mutable settings", () => {
            assert.deepStrictEqual(
                describeImmutableChanges(settingsOf("create-cluster-minimal-1.32"), settingsOf("create-cluster-minimal-1.36")),
                [],
            );
        });

        it("names zones and the control-plane count, with both values and why", () => {
            const messages = describeImmutableChanges(
                settingsOf("create-cluster-ha"),
                settingsOf("create-cluster-ha_shared_zones"),
            );
            assert.deepStrictEqual(messages, [
                "zones cannot change from [us-test-1a, us-test-1b, us-test-1c] to [us-test-1a, us-test-1b]: subnets, instance " +
                    "groups and etcd volumes are created in their zones. kOps cannot change it in place; create a new cluster " +
                    "(a new name or stack) instead.",
                "controlPlaneCount cannot change from 3 to 5: control-plane members are etcd members, one instance group " +
                    "each; kOps does not add or remove them by a spec edit. kOps cannot change it in place; create a new " +
                    "cluster (a new name or stack) instead.",
            ]);
        });

        it("names the cluster name, networking and topology", () => {
            const messages = describeImmutableChanges(
                settingsOf("create-cluster-minimal-1.36"),
                settingsOf("create-cluster-ipv6"),
            );
            assert.strictEqual(messages.length, 3);
            assert.match(
                messages[0],
                /^clusterName cannot change from "minimal.example.com" to "ipv6.example.com": .*kOps cannot change it in place; create a new cluster/,
            );
            assert.match(messages[1], /^networking cannot change from "cni" to "calico": /);
            assert.match(messages[2], /^topology cannot change from "public" to "private": /);
        });

        it("compares two stack configurations without YAML", () => {
            const config = {
                clusterName: "dev.k8s.local",
                zones: ["eu-west-1a", "eu-west-1b"],
                networking: "cilium",
                topology: "public" as const,
                controlPlaneCount: 1,
            };
            const same = immutableSettingsFromConfig({
                ...config,
                zones: ["eu-west-1b", "eu-west-1a", "eu-west-1a"],
                networking: "cilium-eni",
            });
            assert.deepStrictEqual(describeImmutableChanges(immutableSettingsFromConfig(config), same), []);
            const changed = immutableSettingsFromConfig({ ...config, networking: "amazon-vpc-routed-eni", topology: "private" });
            assert.deepStrictEqual(
                describeImmutableChanges(immutableSettingsFromConfig(config), changed).map((message) => message.split(":")[0]),
                ['networking cannot change from "cilium" to "amazonvpc"', 'topology cannot change from "public" to "private"'],
            );
        });
    });

    it("maps kops create cluster --networking values to their spec keys, refusing unknown ones", () => {
        assert.strictEqual(networkingSpecKey("kube-router"), "kuberouter");
        assert.strictEqual(networkingSpecKey("flannel-vxlan"), "flannel");
        assert.strictEqual(networkingSpecKey("gcp"), "gce");
        assert.throws(
            () => networkingSpecKey("weave"),
            /networking "weave" is not a kOps networking mode; accepted: kubenet, external, cni/,
        );
        assert.throws(
            () =>
                immutableSettingsFromConfig({
                    clusterName: "a.example.com",
                    zones: ["us-east-1a"],
                    networking: "cilium",
                    topology: "hybrid" as never,
                    controlPlaneCount: 1,
                }),
            /topology "hybrid" is not valid; expected public or private/,
        );
    });

    it("refuses a spec without exactly one networking provider", () => {
        const yaml = readKopsInput("create-cluster-minimal-1.36").replace("    cni: {}\n", "    cni: {}\n    calico: {}\n");
        assert.throws(
            () => extractImmutableSettings(yaml),
            /spec.networking must name exactly one networking provider, found 2 \(cni, calico\)/,
        );
    });
});
