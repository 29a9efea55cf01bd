// config.yaml, mappings.json, the ConfigMap, the DaemonSet and the ClusterRoleBindings, rendered by the pure
// functions: golden files, round trips, the checksum contract, input checks, and validation of
// every object against the Kubernetes OpenAPI schema (kubernetes-models).
import * as assert from "assert";
import { createHash } from "crypto";
import { isDeepStrictEqual } from "util";
import { ConfigMap } from "kubernetes-models/v1";
import { DaemonSet } from "kubernetes-models/apps/v1";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as YAML from "yaml";
import { parseAuthenticatorConfig, renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import {
    AuthenticatorDaemonSetArgs,
    configChecksum,
    renderAuthenticatorConfigMap,
    renderAuthenticatorDaemonSet,
    renderClusterRoleBindings,
} from "../../components/authenticator/manifests";
import { defaultAuthenticatorImage } from "../../components/core/defaults";
import { IdentityMappings } from "../../components/core/mappings";
import { assertGolden } from "../helpers/data/golden";
import { PathAndKind, problemsOfError, refusedWith, said } from "../helpers/data/problems";

const clusterId = "kops-iam-auth.example.com";
const adminRole = "arn:aws:iam::123456789012:role/KubernetesAdmin";
/** A role with an IAM path: mappings.json must map it as role/KubernetesReadOnly. */
const pathedReaderRole = "arn:aws:iam::123456789012:role/platform/teams/KubernetesReadOnly";
const readerRole = "arn:aws:iam::123456789012:role/KubernetesReadOnly";
const opsUser = "arn:aws:iam::123456789012:user/ops/alice";

function fixtureMappings(): IdentityMappings {
    return {
        mapRoles: [
            { roleArn: adminRole, username: "kubernetes-admin", groups: ["system:masters"] },
            { roleArn: pathedReaderRole, username: "reader:{{SessionName}}", groups: ["kops-iam-auth:readers"] },
        ],
        mapUsers: [{ userArn: opsUser, username: "alice", groups: ["system:masters"] }],
        // A leading zero: a YAML integer would lose it.
        mapAccounts: ["012345678901"],
    };
}
const fixtureBindings = [{ group: "kops-iam-auth:readers", clusterRole: "view" }];

function fixtureConfigYaml(): string {
    return renderAuthenticatorConfig(clusterId, fixtureMappings()).configYaml;
}

function fixtureMappingsJson(): string {
    return renderAuthenticatorConfig(clusterId, fixtureMappings()).mappingsJson;
}

/** The fixture's mappings with one role added, one removed and a user's groups changed. */
function changedFixtureMappings(): IdentityMappings {
    const changed = fixtureMappings();
    changed.mapRoles = [
        changed.mapRoles[0],
        { roleArn: "arn:aws:iam::123456789012:role/KubernetesEditor", username: "editor", groups: ["kops-iam-auth:editors"] },
    ];
    changed.mapUsers[0].groups = ["kops-iam-auth:readers"];
    return changed;
}

/** The ConfigMap and DaemonSet a stack renders for `mappings`, as the component renders them. */
function renderedObjects(mappings: IdentityMappings) {
    const files = renderAuthenticatorConfig(clusterId, mappings);
    return {
        configMap: renderAuthenticatorConfigMap(files),
        daemonSet: renderAuthenticatorDaemonSet({ configChecksum: configChecksum(files.configYaml) }),
    };
}

function fixtureDaemonSet(overrides: Partial<AuthenticatorDaemonSetArgs> = {}) {
    return renderAuthenticatorDaemonSet({ configChecksum: configChecksum(fixtureConfigYaml()), ...overrides });
}

/**
 * Asserts that `fn` is refused with exactly the `expected` [path, kind] pairs, and that each of `facts`
 * is the value of one of the problems or said in one (what is accepted, or the hint).
 */
function assertRefused(fn: () => unknown, expected: PathAndKind[], ...facts: unknown[]): void {
    const problems = refusedWith(fn, expected);
    for (const fact of facts) {
        assert.ok(
            problems.some((problem) => isDeepStrictEqual(problem.value, fact) || said(problem).includes(String(fact))),
            `expected a problem of ${JSON.stringify(fact)}: ${JSON.stringify(problems, null, 2)}`,
        );
    }
}

describe("aws-iam-authenticator config.yaml and mappings.json", () => {
    it("match their golden files", () => {
        assertGolden("authenticator/config.yaml", fixtureConfigYaml());
        assertGolden("authenticator/mappings.json", fixtureMappingsJson());
    });

    it("config.yaml turns on the DynamicFile backend alone, on the mounted mappings.json, and names no mapping", () => {
        const raw = YAML.parse(fixtureConfigYaml());
        assert.deepStrictEqual(raw, {
            clusterID: clusterId,
            server: { backendMode: ["DynamicFile"], dynamicfilepath: "/etc/aws-iam-authenticator/mappings.json" },
        });
        // The same text whatever the mappings: nothing in it changes with them.
        assert.strictEqual(renderAuthenticatorConfig(clusterId, changedFixtureMappings()).configYaml, fixtureConfigYaml());
        assert.strictEqual(
            renderAuthenticatorConfig(clusterId, { mapRoles: [], mapUsers: [], mapAccounts: [] }).configYaml,
            fixtureConfigYaml(),
        );
    });

    it("parse back to the mapping entries, role paths stripped", () => {
        const parsed = parseAuthenticatorConfig({ configYaml: fixtureConfigYaml(), mappingsJson: fixtureMappingsJson() });
        const expected = fixtureMappings();
        expected.mapRoles[1].roleArn = readerRole;
        assert.deepStrictEqual(parsed, { clusterId, mappings: expected });
        // And with a plain JSON reader, under the keys the server reads (DynamicFileData's JSON tags).
        const raw = JSON.parse(fixtureMappingsJson());
        assert.deepStrictEqual(Object.keys(raw), ["mapRoles", "mapUsers", "mapAccounts", "Version", "LastUpdatedDateTime"]);
        assert.deepStrictEqual(Object.keys(raw.mapRoles[0]), ["rolearn", "username", "groups"]);
        assert.deepStrictEqual(Object.keys(raw.mapUsers[0]), ["userarn", "username", "groups"]);
    });

    it("mappings.json: every list present even when empty, account IDs as strings, a LastUpdatedDateTime the server parses", () => {
        const raw = JSON.parse(
            renderAuthenticatorConfig(clusterId, { mapRoles: [], mapUsers: [], mapAccounts: ["012345678901"] }).mappingsJson,
        );
        assert.deepStrictEqual(raw.mapRoles, []);
        assert.deepStrictEqual(raw.mapUsers, []);
        assert.deepStrictEqual(raw.mapAccounts, ["012345678901"]);
        // The server parses it as Unix seconds no later than now (fileutil.CalculateTimeDeltaFromUnixInSeconds).
        assert.match(raw.LastUpdatedDateTime, /^\d+$/);
        assert.ok(Number(raw.LastUpdatedDateTime) <= Date.now() / 1000);
    });

    it("mappings.json's Version and text change with the mappings and only with them", () => {
        const changed = renderAuthenticatorConfig(clusterId, changedFixtureMappings()).mappingsJson;
        assert.notStrictEqual(changed, fixtureMappingsJson());
        assert.notStrictEqual(JSON.parse(changed).Version, JSON.parse(fixtureMappingsJson()).Version);
        assert.match(JSON.parse(changed).Version, /^[0-9a-f]{16}$/);
        assert.strictEqual(renderAuthenticatorConfig("other.example.com", fixtureMappings()).mappingsJson, fixtureMappingsJson());
    });

    it("strips a role's IAM path and says so; keeps a user's path, which the caller ARN carries", () => {
        const { mappingsJson, warnings } = renderAuthenticatorConfig(clusterId, fixtureMappings());
        assert.ok(!mappingsJson.includes("platform/teams"), mappingsJson);
        assert.ok(mappingsJson.includes(`"rolearn": "${readerRole}"`), mappingsJson);
        assert.ok(mappingsJson.includes(`"userarn": "${opsUser}"`), mappingsJson);
        assert.strictEqual(warnings.length, 1);
        assert.ok(
            warnings[0].includes("mapRoles[1].roleArn") &&
                warnings[0].includes(pathedReaderRole) &&
                warnings[0].includes(readerRole),
            warnings[0],
        );
        assert.deepStrictEqual(
            renderAuthenticatorConfig(clusterId, { mapRoles: [fixtureMappings().mapRoles[0]], mapUsers: [], mapAccounts: [] })
                .warnings,
            [],
        );
    });

    it("are the same text for the same input (a repeated up changes nothing)", () => {
        assert.deepStrictEqual(
            renderAuthenticatorConfig(clusterId, fixtureMappings()),
            renderAuthenticatorConfig(clusterId, fixtureMappings()),
        );
    });

    it("refuses an empty or blank clusterID", () => {
        for (const bad of ["", "  ", "two words"]) {
            assertRefused(() => renderAuthenticatorConfig(bad, fixtureMappings()), [["clusterID", "invalid"]], bad);
        }
    });

    it("refuses malformed ARNs, naming the setting, the value and the expected form", () => {
        const cases: Array<[string, string]> = [
            ["arn:aws:iam::123456789012:user/alice", "must start with role/"],
            ["arn:aws:sts::123456789012:assumed-role/Admin/session", "not an IAM role ARN"],
            ["arn:aws:iam::12345:role/Admin", "not 12 digits"],
            ["arn:aws-mars:iam::123456789012:role/Admin", 'partition "aws-mars"'],
            ["arn:aws:iam::123456789012:role/", 'role name ""'],
            ["arn:aws:iam::123456789012:role/team//Admin", "empty segment"],
            ["arn:aws:iam::123456789012:role/Ad min", 'role name "Ad min"'],
            ["KubernetesAdmin", "not an IAM role ARN"],
        ];
        for (const [roleArn, reason] of cases) {
            assertRefused(
                () =>
                    renderAuthenticatorConfig(clusterId, {
                        mapRoles: [{ roleArn, username: "u", groups: [] }],
                        mapUsers: [],
                        mapAccounts: [],
                    }),
                [["mapRoles[0].roleArn", "invalid"]],
                roleArn,
                reason,
                "arn:<partition>:iam::<12-digit account>:role/<name>",
            );
        }
        assertRefused(
            () =>
                renderAuthenticatorConfig(clusterId, {
                    mapRoles: [],
                    mapUsers: [{ userArn: adminRole, username: "u", groups: [] }],
                    mapAccounts: [],
                }),
            [["mapUsers[0].userArn", "invalid"]],
            "must start with user/",
        );
    });

    it("refuses empty usernames and bad groups", () => {
        assertRefused(
            () =>
                renderAuthenticatorConfig(clusterId, {
                    mapRoles: [{ roleArn: adminRole, username: " ", groups: ["ok", ""] }],
                    mapUsers: [],
                    mapAccounts: [],
                }),
            [
                ["mapRoles[0].username", "invalid"],
                ["mapRoles[0].groups", "invalid"],
            ],
            " ",
            ["ok", ""],
        );
    });

    it("refuses the same identity twice, also case-insensitively and after path stripping", () => {
        assertRefused(
            () =>
                renderAuthenticatorConfig(clusterId, {
                    mapRoles: [
                        { roleArn: readerRole, username: "a", groups: [] },
                        { roleArn: pathedReaderRole, username: "b", groups: [] },
                    ],
                    mapUsers: [],
                    mapAccounts: [],
                }),
            [["mapRoles[1].roleArn", "duplicate"]],
            "same identity as mapRoles[0].roleArn",
        );
        assertRefused(
            () =>
                renderAuthenticatorConfig(clusterId, {
                    mapRoles: [],
                    mapUsers: [
                        { userArn: opsUser, username: "a", groups: [] },
                        {
                            userArn: opsUser.toUpperCase().replace("ARN:AWS:IAM", "arn:aws:iam").replace("USER/", "user/"),
                            username: "b",
                            groups: [],
                        },
                    ],
                    mapAccounts: [],
                }),
            [["mapUsers[1].userArn", "duplicate"]],
            "same identity as mapUsers[0].userArn",
        );
        assertRefused(
            () =>
                renderAuthenticatorConfig(clusterId, {
                    mapRoles: [],
                    mapUsers: [],
                    mapAccounts: ["123456789012", "123456789012"],
                }),
            [["mapAccounts[1]", "duplicate"]],
            "same identity as mapAccounts[0]",
        );
    });

    it("refuses account IDs that are not 12-digit strings", () => {
        assertRefused(
            () =>
                renderAuthenticatorConfig(clusterId, {
                    mapRoles: [],
                    mapUsers: [],
                    mapAccounts: [123456789012 as unknown as string, "12345678901"],
                }),
            [
                ["mapAccounts[0]", "invalid"],
                ["mapAccounts[1]", "invalid"],
            ],
            123456789012,
            "12345678901",
            "12-digit AWS account ID as a string",
        );
    });

    it("reports every problem at once", () => {
        assert.throws(
            () =>
                renderAuthenticatorConfig(clusterId, {
                    mapRoles: [{ roleArn: "nope", username: "", groups: [] }],
                    mapUsers: [],
                    mapAccounts: ["1"],
                }),
            (err: Error) => problemsOfError(err).length === 3,
        );
    });
});

describe("aws-iam-authenticator manifests", () => {
    it("ConfigMap matches its golden file and holds config.yaml and mappings.json", () => {
        const { configMap } = renderedObjects(fixtureMappings());
        assertGolden("authenticator/configmap.yaml", YAML.stringify(configMap, { lineWidth: 0 }));
        assert.deepStrictEqual(configMap.metadata, {
            name: "aws-iam-authenticator",
            namespace: "kube-system",
            labels: { "k8s-app": "aws-iam-authenticator" },
        });
        assert.deepStrictEqual(configMap.data, { "config.yaml": fixtureConfigYaml(), "mappings.json": fixtureMappingsJson() });
    });

    it("two stacks that differ only in mappings: different ConfigMaps (golden files), the same DaemonSet", () => {
        const before = renderedObjects(fixtureMappings());
        const after = renderedObjects(changedFixtureMappings());
        assertGolden("authenticator/configmap-changed-mappings.yaml", YAML.stringify(after.configMap, { lineWidth: 0 }));
        assert.notDeepStrictEqual(after.configMap, before.configMap);
        assert.strictEqual(after.configMap.data["config.yaml"], before.configMap.data["config.yaml"]);
        assert.notStrictEqual(after.configMap.data["mappings.json"], before.configMap.data["mappings.json"]);
        // The golden DaemonSet, byte for byte, for both.
        assertGolden("authenticator/daemonset.yaml", YAML.stringify(after.daemonSet, { lineWidth: 0 }));
        assert.deepStrictEqual(after.daemonSet, before.daemonSet);
    });

    it("the DaemonSet mounts the whole ConfigMap (no subPath), not optional, read-only, where config.yaml points", () => {
        const podSpec = fixtureDaemonSet().spec.template.spec;
        const mount = podSpec.containers[0].volumeMounts.find((m) => m.name === "config") as Record<string, unknown>;
        assert.deepStrictEqual(mount, { name: "config", mountPath: "/etc/aws-iam-authenticator/", readOnly: true });
        assert.deepStrictEqual(
            podSpec.volumes.find((v) => v.name === "config"),
            {
                name: "config",
                configMap: { name: "aws-iam-authenticator" },
            },
        );
        assert.ok(podSpec.containers[0].args.includes("--config=/etc/aws-iam-authenticator/config.yaml"));
        assert.ok(YAML.parse(fixtureConfigYaml()).server.dynamicfilepath.startsWith(mount.mountPath as string));
    });

    it("DaemonSet matches its golden file", () => {
        assertGolden("authenticator/daemonset.yaml", YAML.stringify(fixtureDaemonSet(), { lineWidth: 0 }));
    });

    it("ClusterRoleBindings match their golden file", () => {
        const bindings = renderClusterRoleBindings([...fixtureBindings, { group: "kops-iam-auth:editors", clusterRole: "edit" }]);
        assertGolden("authenticator/clusterrolebindings.yaml", bindings.map((b) => YAML.stringify(b)).join("---\n"));
    });

    it("DaemonSet runs the pre-generated-files server on every control-plane node", () => {
        const daemonSet = fixtureDaemonSet();
        assert.strictEqual(daemonSet.apiVersion, "apps/v1");
        assert.deepStrictEqual(daemonSet.metadata, {
            name: "aws-iam-authenticator",
            namespace: "kube-system",
            labels: { "k8s-app": "aws-iam-authenticator" },
        });
        assert.deepStrictEqual(daemonSet.spec.selector.matchLabels, daemonSet.spec.template.metadata.labels);
        assert.deepStrictEqual(daemonSet.spec.updateStrategy, { type: "RollingUpdate" });
        const pod = daemonSet.spec.template.spec;
        assert.strictEqual(pod.hostNetwork, true);
        assert.strictEqual(pod.dnsPolicy, "Default");
        assert.deepStrictEqual(pod.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
        assert.strictEqual(pod.priorityClassName, "system-node-critical");
        assert.deepStrictEqual(pod.tolerations, [
            { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
            { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node.cloudprovider.kubernetes.io/uninitialized", operator: "Equal", value: "true", effect: "NoSchedule" },
        ]);
        const [container] = pod.containers;
        assert.strictEqual(pod.containers.length, 1);
        assert.strictEqual(container.image, defaultAuthenticatorImage);
        assert.deepStrictEqual(container.args, [
            "server",
            "--config=/etc/aws-iam-authenticator/config.yaml",
            "--state-dir=/var/aws-iam-authenticator",
            "--kubeconfig-pregenerated=true",
        ]);
        assert.deepStrictEqual(container.livenessProbe, {
            httpGet: { host: "127.0.0.1", port: 21362, path: "/healthz", scheme: "HTTPS" },
        });
    });

    it("DaemonSet runs unprivileged as the uid that owns the hook's files", () => {
        const defaults = fixtureDaemonSet().spec.template.spec.containers[0].securityContext;
        assert.deepStrictEqual(defaults, {
            runAsUser: 10000,
            runAsGroup: 10000,
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
            readOnlyRootFilesystem: true,
        });
        const custom = fixtureDaemonSet({ uid: 65532 }).spec.template.spec.containers[0].securityContext;
        assert.strictEqual(custom.runAsUser, 65532);
        assert.strictEqual(custom.runAsGroup, 65532);
        assert.strictEqual(fixtureDaemonSet().spec.template.spec.automountServiceAccountToken, false);
    });

    it("DaemonSet mounts the ConfigMap and the hook's directory, both read-only", () => {
        const pod = fixtureDaemonSet().spec.template.spec;
        assert.deepStrictEqual(pod.volumes, [
            { name: "config", configMap: { name: "aws-iam-authenticator" } },
            { name: "state", hostPath: { path: "/srv/kubernetes/aws-iam-authenticator/", type: "Directory" } },
        ]);
        assert.deepStrictEqual(pod.containers[0].volumeMounts, [
            { name: "config", mountPath: "/etc/aws-iam-authenticator/", readOnly: true },
            { name: "state", mountPath: "/var/aws-iam-authenticator/", readOnly: true },
        ]);
    });

    it("DaemonSet resources default to 20Mi/10m requests and 20Mi/100m limits; each can be set", () => {
        assert.deepStrictEqual(fixtureDaemonSet().spec.template.spec.containers[0].resources, {
            requests: { memory: "20Mi", cpu: "10m" },
            limits: { memory: "20Mi", cpu: "100m" },
        });
        assert.deepStrictEqual(
            fixtureDaemonSet({ resources: { limits: { memory: "64Mi", cpu: "1" } } }).spec.template.spec.containers[0].resources,
            {
                requests: { memory: "20Mi", cpu: "10m" },
                limits: { memory: "64Mi", cpu: "1" },
            },
        );
    });

    it("refuses bad images, uids and resources, naming the setting and the value", () => {
        for (const image of [
            "aws-iam-authenticator",
            "example.com:5000/aws-iam-authenticator",
            "repo/aws-iam-authenticator:latest",
            "",
            "a b:1",
        ]) {
            assertRefused(() => fixtureDaemonSet({ image }), [["image", "invalid"]], image, "pinned");
        }
        assert.strictEqual(
            fixtureDaemonSet({ image: "example.com:5000/aws-iam-authenticator:v0.7.18" }).spec.template.spec.containers[0].image,
            "example.com:5000/aws-iam-authenticator:v0.7.18",
        );
        const digest = `repo/aws-iam-authenticator@sha256:${"a".repeat(64)}`;
        assert.strictEqual(fixtureDaemonSet({ image: digest }).spec.template.spec.containers[0].image, digest);
        for (const uid of [0, -1, 1.5, 2 ** 31]) {
            assertRefused(() => fixtureDaemonSet({ uid }), [["uid", "invalid"]], uid, "not root");
        }
        assertRefused(
            () => fixtureDaemonSet({ resources: { requests: { memory: "20 MB" } } }),
            [["resources.requests.memory", "invalid"]],
            "20 MB",
            "Kubernetes quantity",
        );
        assertRefused(
            () => fixtureDaemonSet({ resources: { requests: { cpu: "0" } } }),
            [["resources.requests.cpu", "invalid"]],
            "0",
        );
        assertRefused(
            () => fixtureDaemonSet({ resources: { requests: { memory: "1Gi" } } }),
            [["resources.requests.memory", "invalid"]],
            "1Gi",
            'at most resources.limits.memory ("20Mi")',
        );
    });
});

describe("checksum/config annotation", () => {
    const annotationOf = (daemonSet: ReturnType<typeof fixtureDaemonSet>) =>
        daemonSet.spec.template.metadata.annotations["checksum/config"];

    it("is the sha256 of config.yaml, the file the server reads at start", () => {
        const expected = createHash("sha256").update(fixtureConfigYaml()).digest("hex");
        assert.match(expected, /^[0-9a-f]{64}$/);
        assert.strictEqual(configChecksum(fixtureConfigYaml()), expected);
        assert.strictEqual(annotationOf(fixtureDaemonSet()), expected);
    });

    it("does not change when only the image, uid or resources change", () => {
        const base = annotationOf(fixtureDaemonSet());
        assert.strictEqual(annotationOf(fixtureDaemonSet({ image: "example.com/aws-iam-authenticator:v0.7.18" })), base);
        assert.strictEqual(annotationOf(fixtureDaemonSet({ uid: 65532 })), base);
        assert.strictEqual(annotationOf(fixtureDaemonSet({ resources: { limits: { cpu: "200m" } } })), base);
    });

    it("changes with the cluster ID, never with a mapping or an account (the servers reload mappings.json)", () => {
        const base = annotationOf(fixtureDaemonSet());
        const changedMapping = fixtureMappings();
        changedMapping.mapRoles[0].groups = ["kops-iam-auth:readers"];
        const addedAccount = fixtureMappings();
        addedAccount.mapAccounts.push("123456789012");
        for (const mappings of [changedMapping, addedAccount, changedFixtureMappings()]) {
            assert.strictEqual(annotationOf(renderedObjects(mappings).daemonSet), base);
        }
        const otherCluster = configChecksum(renderAuthenticatorConfig("other.example.com", fixtureMappings()).configYaml);
        assert.notStrictEqual(otherCluster, base);
        assert.notStrictEqual(annotationOf(fixtureDaemonSet({ configChecksum: otherCluster })), base);
    });
});

describe("ClusterRoleBindings for mapped groups", () => {
    it("binds each group to its ClusterRole under a descriptive name", () => {
        assert.deepStrictEqual(renderClusterRoleBindings(fixtureBindings), [
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                metadata: {
                    name: "aws-iam-authenticator:kops-iam-auth:readers:view",
                    labels: { "k8s-app": "aws-iam-authenticator" },
                },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
                subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "kops-iam-auth:readers" }],
            },
        ]);
        assert.deepStrictEqual(renderClusterRoleBindings([]), []);
    });

    it("refuses names Kubernetes refuses and the same binding twice", () => {
        assertRefused(
            () => renderClusterRoleBindings([{ group: "a/b", clusterRole: "view" }]),
            [["clusterRoleBindings[0].group", "invalid"]],
            "a/b",
        );
        assertRefused(
            () => renderClusterRoleBindings([{ group: "readers", clusterRole: "" }]),
            [["clusterRoleBindings[0].clusterRole", "invalid"]],
            "",
        );
        assertRefused(
            () =>
                renderClusterRoleBindings([
                    { group: "readers", clusterRole: "view" },
                    { group: "readers", clusterRole: "view" },
                ]),
            [["clusterRoleBindings[1]", "duplicate"]],
            "group readers is bound to view already",
        );
    });
});

describe("OpenAPI validation of the manifests (kubernetes-models)", () => {
    it("accepts the ConfigMap, the DaemonSet and every ClusterRoleBinding", () => {
        new ConfigMap(renderedObjects(fixtureMappings()).configMap).validate();
        new DaemonSet(fixtureDaemonSet()).validate();
        const bindings = renderClusterRoleBindings([...fixtureBindings, { group: "kops-iam-auth:editors", clusterRole: "edit" }]);
        assert.strictEqual(bindings.length, 2);
        for (const binding of bindings) {
            new ClusterRoleBinding(binding).validate();
        }
    });

    it("catches a broken manifest: a string where an integer is required", () => {
        const broken: any = fixtureDaemonSet();
        broken.spec.template.spec.containers[0].securityContext.runAsUser = "10000";
        assert.throws(() => new DaemonSet(broken).validate(), /securityContext\/runAsUser must be integer/);
    });

    it("catches a broken manifest: a required field missing", () => {
        const broken: any = renderClusterRoleBindings(fixtureBindings)[0];
        delete broken.roleRef.kind;
        assert.throws(() => new ClusterRoleBinding(broken).validate(), /roleRef must have required property kind/);
        const brokenConfigMap: any = renderAuthenticatorConfigMap({ configYaml: 42, mappingsJson: 43 });
        assert.throws(() => new ConfigMap(brokenConfigMap).validate(), /config\.yaml must be string/);
    });
});
