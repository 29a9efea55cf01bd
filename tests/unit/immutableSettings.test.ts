import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import {
    describeImmutableChanges, extractImmutableSettings, ImmutableClusterSettings, immutableSettingsFromConfig, networkingSpecKey,
} from "../../components/kops/immutableSettings";

// The fixtures sit beside the repository (../shared), locally and in CI.
const fixtureDir = path.join(__dirname, "../../../shared/fixtures/kops");
const settingsOf = (name: string) => extractImmutableSettings(fs.readFileSync(path.join(fixtureDir, name), "utf8"));

describe("immutable cluster settings", () => {
    it("reads name, zones, networking, topology and control-plane count from kOps YAML", () => {
        const expected: Record<string, ImmutableClusterSettings> = {
            "create-cluster-complex-private.yaml": {
                clusterName: "complex.example.com", zones: ["us-test-1a", "us-test-1b", "us-test-1c"],
                networking: "cni", topology: "private", controlPlaneCount: 3,
            },
            "create-cluster-ha_shared_zones.yaml": {
                clusterName: "ha.example.com", zones: ["us-test-1a", "us-test-1b"],
                networking: "cni", topology: "public", controlPlaneCount: 5,
            },
            "create-cluster-ipv6.yaml": {
                clusterName: "ipv6.example.com", zones: ["us-test-1a"], networking: "calico", topology: "private", controlPlaneCount: 1,
            },
            "existing-conversion-aws-hooks-fileassets.yaml": {
                clusterName: "minimal.example.com", zones: ["us-test-1a"], networking: "amazonvpc", topology: "public", controlPlaneCount: 1,
            },
            "existing-complex.yaml": {
                clusterName: "complex.example.com", zones: ["us-test-1a"], networking: "cni", topology: "private", controlPlaneCount: 1,
            },
        };
        for (const [name, settings] of Object.entries(expected)) {
            assert.deepStrictEqual(settingsOf(name), settings, name);
        }
    });

    describe("from the stack's desired values, equal to what kops create cluster made of the same flags", () => {
        // Each create-cluster fixture comes with the flags that produced it (<case>.options.yaml).
        const cases = fs.readdirSync(fixtureDir).filter(name => name.endsWith(".options.yaml"));
        it("has cases", () => assert.ok(cases.length >= 10));
        for (const optionsFile of cases) {
            it(optionsFile.replace(".options.yaml", ""), () => {
                const flags = YAML.parse(fs.readFileSync(path.join(fixtureDir, optionsFile), "utf8"));
                const desired = immutableSettingsFromConfig({
                    clusterName: flags.ClusterName,
                    zones: [...flags.Zones].reverse(),
                    networking: flags.Networking,
                    // kops' defaults: private for IPv6, public otherwise; one control-plane member per --control-plane-zones entry.
                    topology: flags.Topology ?? (flags.IPv6 ? "private" : "public"),
                    controlPlaneCount: flags.ControlPlaneCount ?? flags.ControlPlaneZones?.length ?? 1,
                });
                const actual = settingsOf(optionsFile.replace(".options.yaml", ".yaml"));
                assert.deepStrictEqual(desired, actual);
                assert.deepStrictEqual(describeImmutableChanges(actual, desired), []);
            });
        }
    });

    describe("describeImmutableChanges", () => {
        it("finds nothing to refuse between specs that differ only in mutable settings", () => {
            assert.deepStrictEqual(describeImmutableChanges(
                settingsOf("create-cluster-minimal-1.32.yaml"), settingsOf("create-cluster-minimal-1.36.yaml")), []);
        });

        it("names zones and the control-plane count, with both values and why", () => {
            const messages = describeImmutableChanges(settingsOf("create-cluster-ha.yaml"), settingsOf("create-cluster-ha_shared_zones.yaml"));
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
            const messages = describeImmutableChanges(settingsOf("create-cluster-minimal-1.36.yaml"), settingsOf("create-cluster-ipv6.yaml"));
            assert.strictEqual(messages.length, 3);
            assert.match(messages[0], /^clusterName cannot change from "minimal.example.com" to "ipv6.example.com": .*kOps cannot change it in place; create a new cluster/);
            assert.match(messages[1], /^networking cannot change from "cni" to "calico": /);
            assert.match(messages[2], /^topology cannot change from "public" to "private": /);
        });

        it("compares two stack configurations without YAML", () => {
            const config = { clusterName: "dev.k8s.local", zones: ["eu-west-1a", "eu-west-1b"], networking: "cilium", topology: "public" as const, controlPlaneCount: 1 };
            const same = immutableSettingsFromConfig({ ...config, zones: ["eu-west-1b", "eu-west-1a", "eu-west-1a"], networking: "cilium-eni" });
            assert.deepStrictEqual(describeImmutableChanges(immutableSettingsFromConfig(config), same), []);
            const changed = immutableSettingsFromConfig({ ...config, networking: "amazon-vpc-routed-eni", topology: "private" });
            assert.deepStrictEqual(describeImmutableChanges(immutableSettingsFromConfig(config), changed).map(message => message.split(":")[0]), [
                "networking cannot change from \"cilium\" to \"amazonvpc\"",
                "topology cannot change from \"public\" to \"private\"",
            ]);
        });
    });

    it("maps kops create cluster --networking values to their spec keys, refusing unknown ones", () => {
        assert.strictEqual(networkingSpecKey("kube-router"), "kuberouter");
        assert.strictEqual(networkingSpecKey("flannel-vxlan"), "flannel");
        assert.strictEqual(networkingSpecKey("gcp"), "gce");
        assert.throws(() => networkingSpecKey("weave"), /networking "weave" is not a kOps networking mode; accepted: kubenet, external, cni/);
        assert.throws(() => immutableSettingsFromConfig({
            clusterName: "a.example.com", zones: ["us-east-1a"], networking: "cilium", topology: "hybrid" as never, controlPlaneCount: 1,
        }), /topology "hybrid" is not valid; expected public or private/);
    });

    it("refuses a spec without exactly one networking provider", () => {
        const yaml = fs.readFileSync(path.join(fixtureDir, "create-cluster-minimal-1.36.yaml"), "utf8").replace("    cni: {}\n", "    cni: {}\n    calico: {}\n");
        assert.throws(() => extractImmutableSettings(yaml), /spec.networking must name exactly one networking provider, found 2 \(cni, calico\)/);
    });
});
