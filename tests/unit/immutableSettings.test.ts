import * as assert from "assert";
import { refusedWith, said } from "../helpers/data/problems";
import { describeImmutableChanges, ImmutableClusterSettings, immutableRules } from "../../components/core/updateRules";
import {
    extractImmutableSettings,
    immutableSettingsFromConfig,
    networkingSpecKey,
} from "../../components/kops/immutableSettings";
import { kopsCasesWithOptions, readKopsInput, readKopsOptions, requireKopsModule } from "../helpers/data/kopsFixtures";

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

    describe("the rules for settings a running stack records (the guard's check)", () => {
        const running: ImmutableClusterSettings = {
            clusterName: "dev.k8s.local",
            zones: ["eu-west-1a"],
            networking: "cilium",
            topology: "public",
            controlPlaneCount: 1,
            region: "eu-west-1",
            kubernetesVersion: "1.33.4",
            authenticatorUid: 10000,
            adoptExistingCluster: false,
            sshPublicKey: "",
            kopsExtraFlags: [],
            stateBucketName: "kops-state-dev",
            createStateBucket: true,
        };
        const refusals = (change: Partial<ImmutableClusterSettings>) =>
            describeImmutableChanges(running, { ...running, ...change });

        const changes: Array<[string, Partial<ImmutableClusterSettings>, string, RegExp, RegExp]> = [
            [
                "aws:region",
                { region: "us-east-1" },
                '"eu-west-1" to "us-east-1"',
                /kOps cannot move a cluster between regions/,
                /Keep the region/,
            ],
            [
                "stateBucketName",
                { stateBucketName: "kops-state-new" },
                '"kops-state-dev" to "kops-state-new"',
                /would create a second cluster of the same name/,
                /Keep the bucket/,
            ],
            [
                "createStateBucket",
                { createStateBucket: false },
                "true to false",
                /would delete the bucket this stack created, and with it the running cluster's kOps state/,
                /Keep it/,
            ],
            [
                "authenticatorUid",
                { authenticatorUid: 20000 },
                "10000 to 20000",
                /new control-plane nodes get the authenticator's files owned by the new uid while its DaemonSet still runs as the old one/,
                /Keep the uid of the running cluster/,
            ],
            [
                "adoptExistingCluster",
                { adoptExistingCluster: true },
                "false to true",
                /decides whether pulumi destroy deletes the cluster/,
                /`pulumi state delete <its URN>` before pulumi destroy/,
            ],
            [
                "sshPublicKey",
                { sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcN4R8S0Pnq2DAqrW2pSBd4D7cH1QvKqpiqUFOkzvhG me@host" },
                '(none) to "ssh-ed25519 AAAAC3Nz…UFOkzvhG me@host"',
                /counts only when the cluster is created/,
                /`kops create sshpublickey -i <key file>`, then `kops update cluster --yes` .*\(each with --name dev\.k8s\.local /,
            ],
            [
                "kopsExtraFlags",
                { kopsExtraFlags: ["--node-volume-size=64"] },
                "[] to [--node-volume-size=64]",
                /count only when the cluster is created/,
                /`kops edit cluster`/,
            ],
            [
                "kubernetesVersion",
                { kubernetesVersion: "1.35.1" },
                '"1.33.4" to "1.35.1"',
                /upgrades the control plane one minor version at a time/,
                /set kubernetesVersion to a 1\.34 release first, then 1\.35\./,
            ],
            [
                "kubernetesVersion",
                { kubernetesVersion: "1.32.9" },
                '"1.33.4" to "1.32.9"',
                /does not downgrade a running control plane/,
                /Keep 1\.33 \(any 1\.33 patch release, or 1\.34\)/,
            ],
        ];
        for (const [setting, change, values, why, instead] of changes) {
            it(`${setting} ${values}: refused, with both values, why and what to do instead`, () => {
                const messages = refusals(change);
                assert.strictEqual(messages.length, 1, messages.join("\n"));
                assert.ok(messages[0].startsWith(`${setting} cannot change from ${values}: `), messages[0]);
                assert.match(messages[0], why);
                assert.match(messages[0], instead);
            });
        }

        it("createStateBucket false to true: refused too, the bucket is not this stack's", () => {
            const messages = describeImmutableChanges({ ...running, createStateBucket: false }, running);
            assert.match(messages[0], /^createStateBucket cannot change from false to true: true would create a bucket/);
        });

        it("kubernetesVersion: three minors up names each step", () => {
            assert.match(refusals({ kubernetesVersion: "1.36.0" })[0], /a 1\.34 release first, then 1\.35, then 1\.36\.$/);
        });

        it("kubernetesVersion: a patch change (up or down), one minor up, or another spelling passes", () => {
            for (const kubernetesVersion of ["1.33.9", "1.33.0", "1.34.0", "1.34.12", "v1.33.4", "v1.34.1"]) {
                assert.deepStrictEqual(refusals({ kubernetesVersion }), [], kubernetesVersion);
            }
        });

        it("a setting missing from the old record (an older version's guard) or not known yet is accepted", () => {
            const { region, kubernetesVersion, authenticatorUid, stateBucketName, ...older } = running;
            void [region, kubernetesVersion, authenticatorUid, stateBucketName];
            const wanted = {
                ...running,
                region: "us-east-1",
                kubernetesVersion: "1.30.1",
                authenticatorUid: 1,
                stateBucketName: "other",
            };
            assert.deepStrictEqual(describeImmutableChanges(older, wanted), []);
            // At preview an input from another resource can be unknown: not a value to compare.
            assert.deepStrictEqual(describeImmutableChanges(running, { ...running, stateBucketName: {} as never }), []);
        });

        it("has a rule for every recorded setting", () => {
            assert.deepStrictEqual(Object.keys(immutableRules).sort(), Object.keys(running).sort());
        });
    });

    it("maps kops create cluster --networking values to their spec keys, refusing unknown ones", () => {
        assert.strictEqual(networkingSpecKey("kube-router"), "kuberouter");
        assert.strictEqual(networkingSpecKey("flannel-vxlan"), "flannel");
        assert.strictEqual(networkingSpecKey("gcp"), "gce");
        const [problem] = refusedWith(() => networkingSpecKey("weave"), [["networking", "invalid"]]);
        assert.match(said(problem), /^a kOps networking mode: kubenet, external, cni/);
        refusedWith(
            () =>
                immutableSettingsFromConfig({
                    clusterName: "a.example.com",
                    zones: ["us-east-1a"],
                    networking: "weave",
                    topology: "hybrid" as never,
                    controlPlaneCount: 1,
                }),
            [
                ["topology", "invalid"],
                ["networking", "invalid"],
            ],
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
