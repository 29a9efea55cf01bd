// IamAuthenticator under Pulumi mocks: which objects it registers, with which provider, parent and
// dependencies, and that their inputs are exactly what the pure renderers make.
//
// The mock monitor never runs resource transforms (MockResourceArgs.transforms: "The mock monitor
// does not run them"), so a transform cannot observe dependsOn here. Instead the mock monitor's
// registerResource is wrapped to record what the engine would receive: parent, provider reference,
// dependencies and deleteBeforeReplace of every registration.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IamAuthenticator } from "../../components/authenticator/iamAuthenticator";
import { renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import {
    configChecksum,
    renderAuthenticatorConfigMap,
    renderAuthenticatorDaemonSet,
    renderClusterRoleBindings,
} from "../../components/authenticator/manifests";
import { IdentityMappings } from "../../components/core/mappings";
import { installMocks, MockRecorder, settle, valueOf } from "../helpers/mocks/pulumiMocks";
import { refusedWith, rejectedWith, said } from "../helpers/data/problems";

interface Registration {
    type: string;
    name: string;
    parent: string;
    provider: string;
    dependencies: string[];
    deleteBeforeReplace: boolean;
}

/** Records every RegisterResource request the mock monitor gets (call after installMocks). */
function recordRegistrations(): Registration[] {
    const registrations: Registration[] = [];
    const monitor = pulumi.runtime.getMonitor() as any;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        registrations.push({
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            provider: req.getProvider(),
            dependencies: req.getDependenciesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
        });
        return registerResource(req, callback);
    };
    return registrations;
}

const configMapType = "kubernetes:core/v1:ConfigMap";
const daemonSetType = "kubernetes:apps/v1:DaemonSet";
const bindingType = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const componentType = "kops-iam-auth:index:IamAuthenticator";

const clusterId = "component.example.com";
const mappings: IdentityMappings = {
    mapRoles: [
        { roleArn: "arn:aws:iam::123456789012:role/KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
    ],
    mapUsers: [],
    mapAccounts: ["123456789012"],
};
const bindings = [
    { group: "readers", clusterRole: "view" },
    { group: "editors", clusterRole: "edit" },
];

describe("IamAuthenticator", () => {
    let mocks: MockRecorder;
    let registrations: Registration[];
    let authenticator: IamAuthenticator;
    let provider: k8s.Provider;

    before(async () => {
        mocks = await installMocks();
        registrations = recordRegistrations();
        provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
        authenticator = new IamAuthenticator("auth", {
            provider,
            // Computed values, as the ARNs of roles created in the same program are.
            clusterId: pulumi.output(clusterId),
            mappings: pulumi.output({
                ...mappings,
                mapRoles: [{ ...mappings.mapRoles[0], roleArn: pulumi.output(mappings.mapRoles[0].roleArn) }],
            }),
            image: "example.com/aws-iam-authenticator:v0.7.18",
            uid: 65532,
            resources: { limits: { cpu: "200m" } },
            clusterRoleBindings: bindings,
        });
        await valueOf(authenticator.daemonSetName);
        await settle();
    });

    const registration = (type: string, name?: string) => {
        const found = registrations.filter((r) => r.type === type && (name === undefined || r.name === name));
        assert.strictEqual(
            found.length,
            1,
            `one ${type} ${name ?? ""}: ${registrations.map((r) => `${r.type}/${r.name}`).join(", ")}`,
        );
        return found[0];
    };

    it("registers a ConfigMap, a DaemonSet and one ClusterRoleBinding per binding, as its children", () => {
        assert.deepStrictEqual(
            mocks.resources.map((r) => `${r.type}/${r.name}`).sort(),
            [
                `${componentType}/auth`,
                `${daemonSetType}/auth-daemonset`,
                `${configMapType}/auth-config`,
                `${bindingType}/auth-aws-iam-authenticator:editors:edit`,
                `${bindingType}/auth-aws-iam-authenticator:readers:view`,
                "pulumi:providers:kubernetes/cluster-k8s",
            ].sort(),
        );
        const component = registration(componentType, "auth");
        for (const child of registrations.filter((r) => r.type.startsWith("kubernetes:"))) {
            assert.ok(child.parent.endsWith(`::${componentType}::auth`), `${child.type}/${child.name}: parent ${child.parent}`);
        }
        assert.strictEqual(component.provider, "");
    });

    it("registers every object with the given provider, never the default one", () => {
        const kubernetesObjects = registrations.filter((r) => r.type.startsWith("kubernetes:"));
        assert.strictEqual(kubernetesObjects.length, 4);
        for (const object of kubernetesObjects) {
            assert.match(
                object.provider,
                /::pulumi:providers:kubernetes::cluster-k8s::cluster-k8s-id$/,
                `${object.type}/${object.name}`,
            );
        }
    });

    it("makes the DaemonSet depend on the ConfigMap, and nothing on the DaemonSet", () => {
        const daemonSet = registration(daemonSetType);
        assert.ok(
            daemonSet.dependencies.some((urn) => urn.endsWith(`$${configMapType}::auth-config`)),
            daemonSet.dependencies.join(", "),
        );
        for (const other of registrations.filter((r) => r.type !== daemonSetType)) {
            assert.ok(!other.dependencies.some((urn) => urn.includes(daemonSetType)), `${other.type} depends on the DaemonSet`);
        }
        assert.deepStrictEqual(
            registration(configMapType).dependencies.filter((urn) => urn.includes("kubernetes:")),
            [],
        );
    });

    it("deletes before replacing: the objects' names are fixed", () => {
        for (const object of registrations.filter((r) => r.type.startsWith("kubernetes:"))) {
            assert.strictEqual(object.deleteBeforeReplace, true, `${object.type}/${object.name}`);
        }
    });

    it("gives each object exactly the pure renderers' output", () => {
        const { configYaml, mappingsJson } = renderAuthenticatorConfig(clusterId, mappings);
        assert.deepStrictEqual(mocks.one(configMapType).plainInputs, renderAuthenticatorConfigMap({ configYaml, mappingsJson }));
        assert.deepStrictEqual(
            mocks.one(daemonSetType).plainInputs,
            renderAuthenticatorDaemonSet({
                configChecksum: configChecksum(configYaml),
                image: "example.com/aws-iam-authenticator:v0.7.18",
                uid: 65532,
                resources: { limits: { cpu: "200m" } },
            }),
        );
        const rendered = renderClusterRoleBindings(bindings);
        for (const binding of rendered) {
            assert.deepStrictEqual(mocks.one(bindingType, `auth-${binding.metadata.name}`).plainInputs, binding);
        }
    });

    it("outputs the object names, config.yaml and mappings.json", async () => {
        assert.strictEqual(await valueOf(authenticator.configMapName), "aws-iam-authenticator");
        assert.strictEqual(await valueOf(authenticator.daemonSetName), "aws-iam-authenticator");
        assert.strictEqual(await valueOf(authenticator.configYaml), renderAuthenticatorConfig(clusterId, mappings).configYaml);
        assert.strictEqual(
            await valueOf(authenticator.mappingsJson),
            renderAuthenticatorConfig(clusterId, mappings).mappingsJson,
        );
    });

    it("rolls the pods only through config.yaml, which holds no mapping: the annotation is its checksum", () => {
        const annotations = mocks.one(daemonSetType).plainInputs.spec.template.metadata.annotations;
        assert.deepStrictEqual(annotations, {
            "checksum/config": configChecksum(renderAuthenticatorConfig(clusterId, mappings).configYaml),
        });
    });
});

describe("IamAuthenticator with a role ARN that has an IAM path", () => {
    it("maps the role without its path and warns about it, on the component", async () => {
        await installMocks();
        const warnings: Array<{ message: string; resource?: pulumi.Resource }> = [];
        const warn = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string, resource?: pulumi.Resource) => {
            warnings.push({ message, resource });
        };
        try {
            const provider = new k8s.Provider("path-k8s", { kubeconfig: "{}" });
            const authenticator = new IamAuthenticator("pathed", {
                provider,
                clusterId,
                mappings: {
                    mapRoles: [{ roleArn: "arn:aws:iam::123456789012:role/team/Reader", username: "reader", groups: [] }],
                    mapUsers: [],
                    mapAccounts: [],
                },
            });
            const mappingsJson = await valueOf(authenticator.mappingsJson);
            assert.deepStrictEqual(
                JSON.parse(mappingsJson).mapRoles.map((m: any) => m.rolearn),
                ["arn:aws:iam::123456789012:role/Reader"],
            );
            assert.strictEqual(warnings.length, 1);
            assert.match(
                warnings[0].message,
                /mapRoles\[0\]\.roleArn arn:aws:iam::123456789012:role\/team\/Reader has an IAM path/,
            );
            assert.strictEqual(warnings[0].resource, authenticator);
        } finally {
            (pulumi.log as any).warn = warn;
        }
    });
});

describe("IamAuthenticator refuses bad settings", () => {
    let mocks: MockRecorder;
    let provider: k8s.Provider;

    before(async () => {
        mocks = await installMocks();
        provider = new k8s.Provider("refusals-k8s", { kubeconfig: "{}" });
    });

    const objectsNamed = (prefix: string) =>
        mocks.resources.filter((r) => r.type.startsWith("kubernetes:") && r.name.startsWith(prefix));

    it("without a provider", async () => {
        refusedWith(() => new IamAuthenticator("no-provider", { clusterId, mappings } as any), [["provider", "required"]]);
        await settle();
        assert.deepStrictEqual(objectsNamed("no-provider"), []);
    });

    it("with an unpinned image, a root uid or a bad binding", async () => {
        const [image] = refusedWith(
            () => new IamAuthenticator("bad-image", { provider, clusterId, mappings, image: "aws-iam-authenticator" }),
            [["image", "invalid"]],
        );
        assert.match(said(image), /^a pinned image reference/);
        refusedWith(() => new IamAuthenticator("bad-uid", { provider, clusterId, mappings, uid: 0 }), [["uid", "invalid"]]);
        refusedWith(
            () =>
                new IamAuthenticator("bad-binding", {
                    provider,
                    clusterId,
                    mappings,
                    clusterRoleBindings: [{ group: "a/b", clusterRole: "view" }],
                }),
            [["clusterRoleBindings[0].group", "invalid"]],
        );
        await settle();
        assert.deepStrictEqual([...objectsNamed("bad-image"), ...objectsNamed("bad-uid"), ...objectsNamed("bad-binding")], []);
    });

    it("with bad mappings, once they are known, naming the entry (mappings may be computed)", async () => {
        const authenticator = new IamAuthenticator("bad-mappings", {
            provider,
            clusterId,
            mappings: {
                mapRoles: [{ roleArn: "KubernetesAdmin", username: "admin", groups: [] }],
                mapUsers: [],
                mapAccounts: [],
            },
        });
        await rejectedWith((authenticator.configYaml as any).promise(), [["mapRoles[0].roleArn", "invalid"]]);
        await settle();
        assert.deepStrictEqual(
            objectsNamed("bad-mappings").map((r) => r.type),
            [],
            "no object reaches the engine",
        );
    });
});

describe("IamAuthenticator with a binding to a ClusterRole that is not a Kubernetes built-in (issue 17)", () => {
    it("binds it, and warns on the component naming the role and the group (another program may create the role)", async () => {
        await installMocks();
        const warnings: Array<{ message: string; resource?: pulumi.Resource }> = [];
        const warn = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string, resource?: pulumi.Resource) => {
            warnings.push({ message, resource });
        };
        try {
            const provider = new k8s.Provider("custom-k8s", { kubeconfig: "{}" });
            const authenticator = new IamAuthenticator("custom", {
                provider,
                clusterId,
                mappings,
                clusterRoleBindings: [
                    { group: "readers", clusterRole: "view" },
                    { group: "deployers", clusterRole: "deployer" },
                    { group: "nodes", clusterRole: "system:node" },
                ],
            });
            await valueOf(authenticator.configYaml);
            await settle();
            assert.strictEqual(warnings.length, 1, warnings.map((w) => w.message).join("\n"));
            assert.match(
                warnings[0].message,
                /clusterRoleBindings\[1\] binds the group deployers to the ClusterRole deployer, which is not a Kubernetes built-in/,
            );
            assert.match(warnings[0].message, /kubectl get clusterrole deployer/);
            assert.strictEqual(warnings[0].resource, authenticator);
        } finally {
            (pulumi.log as any).warn = warn;
        }
    });
});
