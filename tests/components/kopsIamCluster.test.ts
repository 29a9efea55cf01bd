// KopsIamCluster under Pulumi's mocks: the resource graph (parents, creation order, and the destroy
// order that follows from it), the secrets, the per-role kubeconfigs and next steps, the settings
// reaching the parts, and three instances in one program. The kubeconfig command "prints" a fake
// kOps export carrying recognizable admin credentials, which must stay inside secrets.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { parseStackSettings } from "../../components/settings";
import { ResolvedKopsIamClusterArgs, KopsIamClusterArgs } from "../../components/settings/args";
import { KopsIamCluster } from "../../components/kopsIamCluster";
import { kopsCommandLines } from "../../components/core/kopsCommandLines";
import {
    fakeAccountId,
    fakePrivateKeyPem,
    installMocks,
    isSecretValue,
    MockRecorder,
    RecordedResource,
    secretValue,
    settle,
    unwrapSecrets,
    valueOf,
} from "../helpers/mocks/pulumiMocks";
import { registeredOutputs } from "../helpers/mocks/registeredOutputs";
import { creationOrder, dependsOn, ResourceGraph, resourceGraph, runRecordingStack } from "../helpers/mocks/resourceGraph";
import { plainStringsContaining } from "../helpers/mocks/secretScan";
import { pathsAndKinds, problemsOfError, refusedWith, rejectedWith, said } from "../helpers/data/problems";

const region = "eu-west-1";
const componentType = "kops-iam-auth:index:KopsIamCluster";
const commandType = "command:local:Command";
const objectType = "aws:s3/bucketObjectv2:BucketObjectv2";
const bucketType = "aws:s3/bucket:Bucket";
const roleType = "aws:iam/role:Role";
const providerType = "pulumi:providers:kubernetes";
const configMapType = "kubernetes:core/v1:ConfigMap";
const daemonSetType = "kubernetes:apps/v1:DaemonSet";
const bindingType = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const k8sObjectTypes = [configMapType, daemonSetType, bindingType];

// Recognizable admin credentials in the fake kOps export: found anywhere outside a secret, they leaked.
const adminClientKeyPem = "-----BEGIN RSA PRIVATE KEY-----\nFAKEADMINCLIENTKEY\n-----END RSA PRIVATE KEY-----\n";
const adminClientKeyData = Buffer.from(adminClientKeyPem).toString("base64");
const adminToken = "fake-admin-bearer-token-5b0d1e";
const leakNeedles = ["PRIVATE KEY", fakePrivateKeyPem, "FAKEKEYMATERIAL", adminClientKeyData, adminToken];

const serverOf = (clusterName: string) => `https://api-${clusterName.replace(/\./g, "-")}-0a1b2c.elb.${region}.amazonaws.com`;
const caDataOf = (clusterName: string) =>
    Buffer.from(`-----BEGIN CERTIFICATE-----\nFAKECA-${clusterName}\n-----END CERTIFICATE-----\n`).toString("base64");

/** What kubeconfig.sh prints for a cluster: kOps' export, here with a static admin credential. */
function exportedKubeconfig(clusterName: string): string {
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: clusterName,
                cluster: { "certificate-authority-data": caDataOf(clusterName), server: serverOf(clusterName) },
            },
        ],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [
            {
                name: clusterName,
                user: {
                    "client-certificate-data": Buffer.from(
                        "-----BEGIN CERTIFICATE-----\nADMIN\n-----END CERTIFICATE-----\n",
                    ).toString("base64"),
                    "client-key-data": adminClientKeyData,
                    token: adminToken,
                },
            },
        ],
    });
}

/** Settings as the stack config would give them: config keys, defaults applied and checked. */
function settings(raw: Record<string, unknown>): ResolvedKopsIamClusterArgs {
    return parseStackSettings(raw, region);
}

const defaultSettings = settings({ clusterName: "dev.example.com", stateBucketName: "kops-state-example" });

interface Rendering {
    mocks: MockRecorder;
    clusters: KopsIamCluster[];
    graph: ResourceGraph;
    /** The one resource of `type` whose name is `name`. */
    one(type: string, name: string): RecordedResource;
}

/**
 * Runs a program of KopsIamClusters under fresh mocks, the kubeconfig commands printing their
 * cluster's fake export. The engine marks the command's stdout secret (additionalSecretOutputs,
 * which the mocks do not apply), so the fake stdout comes back secret; the KopsCluster tests check
 * the option itself.
 */
async function render(instances: Array<{ name: string; args: KopsIamClusterArgs }>): Promise<Rendering> {
    const mocks = await installMocks({
        extraState: (type, name, inputs) =>
            type === commandType && name.endsWith("-kops-kubeconfig")
                ? {
                      stdout: secretValue(exportedKubeconfig(unwrapSecrets(inputs).environment.CLUSTER_NAME)),
                      stderr: secretValue(""),
                  }
                : undefined,
    });
    const { result: clusters, transforms } = await runRecordingStack(() =>
        instances.map(({ name, args }) => new KopsIamCluster(name, args)),
    );
    for (const cluster of clusters) {
        await valueOf(cluster.kubeconfigs);
        await valueOf(cluster.nextSteps);
    }
    await settle();
    const graph = await resourceGraph(mocks, transforms);
    return { mocks, clusters, graph, one: (type, name) => mocks.one(type, name) };
}

/** The public outputs of a KopsIamCluster, for the secret scan. */
function outputsOf(cluster: KopsIamCluster): Record<string, pulumi.Output<unknown>> {
    return {
        clusterName: cluster.clusterName,
        stateStoreUrl: cluster.stateStoreUrl,
        apiServerUrl: cluster.apiServerUrl,
        roleArns: cluster.roleArns,
        kubeconfigs: cluster.kubeconfigs,
        nextSteps: cluster.nextSteps,
        kubeconfig: cluster.kubeconfig,
    };
}

describe("KopsIamCluster with only the required args", () => {
    let savedConfig: Record<string, string>;
    beforeEach(() => {
        savedConfig = pulumi.runtime.allConfig();
    });
    afterEach(() => {
        pulumi.runtime.setAllConfig(savedConfig);
    });

    /**
     * Every resource but the component itself (its recorded inputs are the args as given): type, name,
     * inputs, options, in URN order (outputs resolve, and so resources register, in no fixed order).
     */
    const registered = (r: Rendering) =>
        r.mocks.resources
            .filter((x) => x.type !== componentType)
            .map((x) => ({ type: x.type, name: x.name, urn: x.urn, inputs: x.inputs, options: x.options }))
            .sort((a, b) => a.urn.localeCompare(b.urn));

    it("registers exactly what a stack with only clusterName and stateBucketName registers, the region from aws:region", async () => {
        const required = { clusterName: "dev.example.com", stateBucketName: "kops-state-example" };
        pulumi.runtime.setAllConfig({ ...savedConfig, "aws:region": region });
        const fromArgs = await render([{ name: "dev", args: required }]);
        const fromStackConfig = await render([{ name: "dev", args: parseStackSettings(required, region) }]);
        assert.ok(registered(fromArgs).length > 20, `only ${registered(fromArgs).length} resources`);
        // As the engine would receive them: JSON has no undefined, and neither does the wire.
        assert.deepStrictEqual(
            JSON.parse(JSON.stringify(registered(fromArgs))),
            JSON.parse(JSON.stringify(registered(fromStackConfig))),
        );
    });

    it("without region and without aws:region, is refused naming the setting, with nothing registered", async () => {
        const { "aws:region": _region, ...withoutRegion } = savedConfig;
        pulumi.runtime.setAllConfig(withoutRegion);
        const mocks = await installMocks({});
        const [problem] = refusedWith(
            () => new KopsIamCluster("dev", { clusterName: "dev.example.com", stateBucketName: "kops-state-example" }),
            [["region", "required"]],
        );
        assert.match(said(problem), /pass region, or set the stack's aws:region/);
        await settle();
        assert.deepStrictEqual(mocks.resources, []);
    });
});

describe("KopsIamCluster: the resource graph", () => {
    // A viewer role bound to `view`, so that a ClusterRoleBinding is in the graph too.
    const args = settings({
        clusterName: "dev.example.com",
        stateBucketName: "kops-state-example",
        accessRoles: [
            { name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
            { name: "KubernetesViewer", username: "kubernetes-viewer", groups: ["viewers"] },
        ],
        clusterRoleBindings: [{ group: "viewers", clusterRole: "view" }],
    });
    let r: Rendering;
    let component: RecordedResource;
    let objects: RecordedResource[];
    let bucket: RecordedResource;
    let spec: RecordedResource;
    let apply: RecordedResource;
    let kubeconfig: RecordedResource;
    let provider: RecordedResource;
    let configMap: RecordedResource;
    let daemonSet: RecordedResource;
    let binding: RecordedResource;

    before(async () => {
        r = await render([{ name: "dev", args }]);
        component = r.one(componentType, "dev");
        objects = r.mocks.byType(objectType);
        bucket = r.one(bucketType, "dev-state-bucket");
        spec = r.one(commandType, "dev-kops-spec");
        apply = r.one(commandType, "dev-kops-apply");
        kubeconfig = r.one(commandType, "dev-kops-kubeconfig");
        provider = r.one(providerType, "dev-k8s");
        configMap = r.one(configMapType, "dev-authenticator-config");
        daemonSet = r.one(daemonSetType, "dev-authenticator-daemonset");
        binding = r.one(bindingType, "dev-authenticator-aws-iam-authenticator:viewers:view");
    });

    const name = (urn: string) => urn.split("::").pop();

    it("the parts are the component's children, and every resource is under the component", () => {
        const children = r.mocks.resources.filter((x) => x.options.parent === component.urn);
        assert.deepStrictEqual(children.map((x) => `${x.type}/${x.name}`).sort(), [
            "kops-iam-auth:index:AccessRoles/dev-roles",
            "kops-iam-auth:index:AuthenticatorPki/dev-pki",
            "kops-iam-auth:index:IamAuthenticator/dev-authenticator",
            "kops-iam-auth:index:KopsCluster/dev-kops",
            "kops-iam-auth:index:KopsStateStore/dev-state",
            `${providerType}/dev-k8s`,
        ]);
        // The stack transform saw the same parents as the engine got.
        for (const child of children) {
            const record = r.graph.transforms.find((t) => t.urn === child.urn);
            assert.strictEqual(record?.parentUrn, component.urn, `${child.name}: the transform saw another parent`);
        }
        const stackUrn = component.options.parent;
        for (const resource of r.mocks.resources) {
            if (resource.urn === component.urn || resource.urn === stackUrn) {
                continue;
            }
            let parent = resource.options.parent;
            while (parent && parent !== component.urn) {
                parent = r.graph.resources.get(parent)?.options.parent ?? "";
            }
            assert.strictEqual(parent, component.urn, `${resource.type}/${resource.name} is not under the component`);
        }
    });

    it("the state store objects come before the kOps spec command, which waits for all of them", () => {
        assert.strictEqual(objects.length, 3);
        const specRecord = r.graph.transforms.find((t) => t.urn === spec.urn)!;
        const stateStore = r.one("kops-iam-auth:index:KopsStateStore", "dev-state");
        assert.ok(specRecord.dependsOnUrns.includes(stateStore.urn), "the spec's dependsOn lacks the state store");
        for (const object of objects) {
            assert.ok(spec.options.dependencies.includes(object.urn), `the spec does not wait for ${object.name}`);
            assert.ok(dependsOn(r.graph, object.urn, bucket.urn), `${object.name} does not wait for the bucket`);
        }
    });

    it("the cluster apply and kubeconfig export come before the provider, the provider before the objects on it", () => {
        assert.ok(apply.options.dependencies.includes(spec.urn));
        assert.ok(kubeconfig.options.dependencies.includes(apply.urn));
        assert.ok(provider.options.dependencies.includes(kubeconfig.urn), "the provider does not wait for the kubeconfig");
        for (const object of [configMap, daemonSet, binding]) {
            const record = r.graph.transforms.find((t) => t.urn === object.urn)!;
            assert.strictEqual(record.providerUrn, provider.urn, `${object.name} does not use the cluster's provider`);
        }
        assert.strictEqual(r.mocks.resources.filter((x) => k8sObjectTypes.includes(x.type)).length, 3);
    });

    it("the ConfigMap comes before the DaemonSet", () => {
        const record = r.graph.transforms.find((t) => t.urn === daemonSet.urn)!;
        assert.deepStrictEqual(record.dependsOnUrns, [configMap.urn]);
        assert.ok(daemonSet.options.dependencies.includes(configMap.urn));
    });

    it("the exposed provider is the one the objects use", async () => {
        assert.strictEqual(await valueOf(r.clusters[0].provider.urn), provider.urn);
    });

    it("destroy runs backwards: Kubernetes objects, kops delete (the spec command), objects, bucket", () => {
        // What runs `kops delete cluster` is the spec command's delete.
        assert.strictEqual(spec.plainInputs.delete, kopsCommandLines(false).spec.delete);
        // Every destroy order keeps this sequence: each step depends, through the graph, on the next.
        const chain = [daemonSet, configMap, provider, kubeconfig, apply, spec];
        for (let i = 0; i + 1 < chain.length; i++) {
            assert.ok(
                dependsOn(r.graph, chain[i].urn, chain[i + 1].urn),
                `${chain[i].name} does not depend on ${chain[i + 1].name}`,
            );
        }
        assert.ok(dependsOn(r.graph, binding.urn, spec.urn), "the ClusterRoleBinding would outlive the cluster");
        for (const object of objects) {
            assert.ok(dependsOn(r.graph, spec.urn, object.urn));
            assert.ok(dependsOn(r.graph, object.urn, bucket.urn));
        }
        // And one destroy order, computed: the reverse of a creation order.
        const destroyOrder = creationOrder(r.graph).reverse();
        const position = (x: RecordedResource) => destroyOrder.indexOf(x.urn);
        const sequence = [[daemonSet, binding], [configMap], [spec], objects, [bucket]];
        for (let i = 0; i + 1 < sequence.length; i++) {
            const last = Math.max(...sequence[i].map(position));
            const next = Math.min(...sequence[i + 1].map(position));
            assert.ok(
                last < next,
                `destroy order ${destroyOrder.map(name).join(", ")}: ` +
                    `${sequence[i].map((x) => x.name).join(", ")} must go before ${sequence[i + 1].map((x) => x.name).join(", ")}`,
            );
        }
    });

    it("the provider: kOps' kubeconfig as a secret, the cluster name as identifier, ConfigMaps updated in place", () => {
        assert.ok(isSecretValue(provider.inputs.kubeconfig), "the provider's kubeconfig is not secret");
        assert.strictEqual(provider.plainInputs.kubeconfig, exportedKubeconfig("dev.example.com"));
        assert.strictEqual(provider.plainInputs.clusterIdentifier, "dev.example.com");
        assert.strictEqual(provider.plainInputs.enableConfigMapMutable, "true");
        // Destroy finishes when the cluster is gone or unreachable (the objects go with the cluster).
        assert.strictEqual(provider.plainInputs.deleteUnreachable, "true");
    });

    it("the ConfigMap waits for the IAM roles it maps", () => {
        for (const role of r.mocks.byType(roleType)) {
            assert.ok(dependsOn(r.graph, configMap.urn, role.urn), `the ConfigMap does not wait for ${role.name}`);
        }
    });
});

describe("KopsIamCluster: secrets", () => {
    let r: Rendering;
    before(async () => {
        r = await render([{ name: "dev", args: defaultSettings }]);
    });

    it("the private key and the admin credentials are somewhere in the program (so the scan can find them)", () => {
        const strings: string[] = [];
        const collect = (value: unknown): void => {
            if (typeof value === "string") {
                strings.push(value);
            } else if (typeof value === "object" && value !== null) {
                Object.values(value).forEach(collect);
            }
        };
        collect(r.mocks.resources.map((x) => x.plainInputs));
        for (const needle of leakNeedles) {
            assert.ok(
                strings.some((s) => s.includes(needle)),
                `${needle} is nowhere: the scan below would prove nothing`,
            );
        }
    });

    it("no registered input or output, and no output of the component, holds them outside a secret", async () => {
        const outputs = outputsOf(r.clusters[0]);
        const everything = [...r.mocks.resources, ...registeredOutputs()];
        for (const needle of leakNeedles) {
            assert.deepStrictEqual(await plainStringsContaining(needle, everything, outputs), [], `${needle} leaked`);
        }
        assert.strictEqual(await pulumi.isSecret(r.clusters[0].kubeconfig), true);
    });

    it("the component's own recorded inputs are its settings, with nothing secret in them", () => {
        const component = r.one(componentType, "dev");
        assert.deepStrictEqual(component.plainInputs, JSON.parse(JSON.stringify(defaultSettings)));
    });
});

describe("KopsIamCluster: outputs for people", () => {
    let r: Rendering;
    let cluster: KopsIamCluster;
    const adminArn = `arn:aws:iam::${fakeAccountId}:role/KubernetesAdmin`;

    before(async () => {
        r = await render([{ name: "dev", args: defaultSettings }]);
        cluster = r.clusters[0];
    });

    it("cluster name, state store URL, API server and role ARNs", async () => {
        assert.strictEqual(await valueOf(cluster.clusterName), "dev.example.com");
        assert.strictEqual(await valueOf(cluster.stateStoreUrl), "s3://kops-state-example");
        assert.strictEqual(await valueOf(cluster.apiServerUrl), serverOf("dev.example.com"));
        assert.deepStrictEqual(await valueOf(cluster.roleArns), { KubernetesAdmin: adminArn });
    });

    it("the default config gives one kubeconfig, KubernetesAdmin's, whose exec runs aws-iam-authenticator token for the cluster and role", async () => {
        const kubeconfigs = await valueOf(cluster.kubeconfigs);
        assert.deepStrictEqual(Object.keys(kubeconfigs), ["KubernetesAdmin"]);
        assert.strictEqual(await pulumi.isSecret(cluster.kubeconfigs), false);
        const config = YAML.parse(kubeconfigs.KubernetesAdmin);
        assert.deepStrictEqual(config.clusters, [
            {
                name: "dev.example.com",
                cluster: { server: serverOf("dev.example.com"), "certificate-authority-data": caDataOf("dev.example.com") },
            },
        ]);
        assert.strictEqual(config.users.length, 1);
        // Nothing but the exec plugin: no certificate, key or token of kOps' export.
        assert.deepStrictEqual(Object.keys(config.users[0].user), ["exec"]);
        const exec = config.users[0].user.exec;
        assert.strictEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
        assert.strictEqual(exec.command, "aws-iam-authenticator");
        assert.deepStrictEqual(exec.args, ["token", "-i", "dev.example.com", "-r", adminArn, "--region", region]);
        assert.strictEqual(exec.interactiveMode, "IfAvailable");
        assert.strictEqual(exec.env, undefined);
        assert.strictEqual(config["current-context"], config.contexts[0].name);
    });

    it("next steps: fetch the role's kubeconfig from the stack output and use it with kubectl", async () => {
        const nextSteps = await valueOf(cluster.nextSteps);
        const commands = nextSteps.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
        assert.deepStrictEqual(commands, [
            "pulumi stack output kubeconfigs --json | jq -r '.[\"KubernetesAdmin\"]' > KubernetesAdmin.kubeconfig",
            "KUBECONFIG=KubernetesAdmin.kubeconfig kubectl auth whoami",
            "KUBECONFIG=KubernetesAdmin.kubeconfig kubectl get nodes",
            "kops export kubecfg --name dev.example.com --state s3://kops-state-example --admin=1h --kubeconfig dev.example.com-admin.kubeconfig",
            "kops validate cluster --name dev.example.com --state s3://kops-state-example",
        ]);
        assert.match(
            nextSteps,
            new RegExp(`# KubernetesAdmin \\(${adminArn}\\): Kubernetes user kubernetes-admin, groups system:masters`),
        );
        assert.strictEqual(await pulumi.isSecret(cluster.nextSteps), false);
    });
});

describe("KopsIamCluster in a preview", () => {
    it("registers every resource while the cluster and its kubeconfig are still unknown", async () => {
        const full = await render([{ name: "dev", args: defaultSettings }]);
        const mocks = await installMocks({ preview: true });
        new KopsIamCluster("dev", defaultSettings);
        await settle();
        const names = (resources: RecordedResource[]) =>
            resources
                .filter((x) => x.type !== "pulumi:pulumi:Stack")
                .map((x) => `${x.type}/${x.name}`)
                .sort();
        assert.deepStrictEqual(names(mocks.resources), names(full.mocks.resources));
        assert.ok(names(mocks.resources).includes(`${daemonSetType}/dev-authenticator-daemonset`));
    });
});

describe("KopsIamCluster: a kOps export without a cluster CA", () => {
    it("fails the kubeconfigs output with an error naming the cluster and the reason", async () => {
        // kOps leaves the CA out when the API load balancer has its own certificate
        // (--api-ssl-certificate); renderUserKubeconfig needs one.
        const withoutCa = YAML.parse(exportedKubeconfig("dev.example.com"));
        delete withoutCa.clusters[0].cluster["certificate-authority-data"];
        await installMocks({
            extraState: (type, name) =>
                type === commandType && name.endsWith("-kops-kubeconfig")
                    ? { stdout: secretValue(YAML.stringify(withoutCa)) }
                    : undefined,
        });
        const cluster = new KopsIamCluster("dev", defaultSettings);
        // Output.promise() is internal to the SDK, and the only way to see a rejected Output.
        await assert.rejects(
            (cluster.kubeconfigs as unknown as { promise(): Promise<unknown> }).promise(),
            /KopsIamCluster dev: kOps exported no cluster CA for dev\.example\.com \(an API load balancer with its own certificate\)/,
        );
        await settle();
    });
});

describe("KopsIamCluster: durations, one rule for the config, the component and the scripts", () => {
    it("validateTimeout .5h and adminCredentialTtl 90000ms, accepted by the config, register and reach the commands", async () => {
        const args = settings({
            clusterName: "dev.example.com",
            stateBucketName: "kops-state-example",
            validateTimeout: ".5h",
            adminCredentialTtl: "90000ms",
        });
        const r = await render([{ name: "dev", args }]);
        assert.strictEqual(r.one(commandType, "dev-kops-apply").plainInputs.environment.VALIDATE_TIMEOUT, ".5h");
        assert.strictEqual(r.one(commandType, "dev-kops-kubeconfig").plainInputs.environment.ADMIN_TTL, "90000ms");
    });

    it("a validateTimeout outside the rule is refused naming the setting, the value and what is accepted, with nothing registered", async () => {
        const mocks = await installMocks({});
        const args = { ...defaultSettings, validateTimeout: "3h" };
        const [problem] = refusedWith(() => new KopsIamCluster("dev", args), [["validateTimeout", "invalid"]]);
        assert.strictEqual(problem.value, "3h");
        assert.match(said(problem), /^a Go duration from 1m to 2h/);
        await settle();
        assert.deepStrictEqual(
            mocks.resources.map((x) => `${x.type}/${x.name}`),
            [],
        );
    });
});

describe("KopsIamCluster: settings reach the parts", () => {
    const args: KopsIamClusterArgs = {
        ...settings({
            clusterName: "ops.example.com",
            stateBucketName: "ops-state",
            stateBucketForceDestroy: "true",
            authenticatorUid: "20000",
            authenticatorImage: "registry.example.com/aws-iam-authenticator:v0.7.9",
            authenticatorCpuRequest: "50m",
            webhookCacheTtl: "30s",
            hookRunner: "host",
            certValidityHours: "8760",
            kubeconfigTokenCommand: "aws",
            kubeconfigAwsProfile: "people",
            adminCredentialTtl: "2h",
            accessRoles: [{ name: "OpsAdmin", username: "ops-admin", groups: ["system:masters"] }],
            mapUsers: [{ userArn: "arn:aws:iam::210987654321:user/alice", username: "alice", groups: ["viewers"] }],
            mapAccounts: ["310987654321"],
            tags: { team: "platform" },
        }),
        awsProfile: "deploy",
        adminCredentialTtl: "2h",
    };
    let r: Rendering;
    let cluster: KopsIamCluster;
    let specPatch: Record<string, unknown>;
    let container: any;

    before(async () => {
        r = await render([{ name: "ops", args }]);
        cluster = r.clusters[0];
        specPatch = JSON.parse(r.one(commandType, "ops-kops-spec").plainInputs.environment.SPEC_PATCH);
        container = r.one(daemonSetType, "ops-authenticator-daemonset").plainInputs.spec.template.spec.containers[0];
    });

    it("the authenticator uid goes to both the DaemonSet and the hook that owns the files", () => {
        assert.strictEqual(container.securityContext.runAsUser, 20000);
        assert.strictEqual(specPatch.authenticatorUid, 20000);
    });

    it("image and resources reach the DaemonSet; cache TTL and hook runner reach the spec", () => {
        assert.strictEqual(container.image, "registry.example.com/aws-iam-authenticator:v0.7.9");
        assert.strictEqual(container.resources.requests.cpu, "50m");
        assert.strictEqual(specPatch.webhookCacheTtl, "30s");
        assert.strictEqual(specPatch.hookRunner, "host");
    });

    it("mapped users and accounts reach the authenticator's config.yaml and mappings.json", () => {
        const data = r.one(configMapType, "ops-authenticator-config").plainInputs.data;
        assert.strictEqual(YAML.parse(data["config.yaml"]).clusterID, "ops.example.com");
        const mappings = JSON.parse(data["mappings.json"]);
        assert.deepStrictEqual(mappings.mapUsers, [
            { userarn: "arn:aws:iam::210987654321:user/alice", username: "alice", groups: ["viewers"] },
        ]);
        assert.deepStrictEqual(mappings.mapAccounts, ["310987654321"]);
        assert.deepStrictEqual(
            mappings.mapRoles.map((m: any) => m.rolearn),
            [`arn:aws:iam::${fakeAccountId}:role/OpsAdmin`],
        );
    });

    it("kOps runs with the AWS profile; the provider's kubeconfig is the admin export with its TTL", () => {
        for (const step of ["spec", "apply", "kubeconfig"]) {
            assert.strictEqual(r.one(commandType, `ops-kops-${step}`).plainInputs.environment.AWS_PROFILE, "deploy", step);
        }
        const environment = r.one(commandType, "ops-kops-kubeconfig").plainInputs.environment;
        assert.strictEqual(environment.KUBECONFIG_MODE, "admin");
        assert.strictEqual(environment.ADMIN_TTL, "2h");
    });

    it("bucket force-destroy, certificate lifetime and tags reach their resources", () => {
        const bucket = r.one(bucketType, "ops-state-bucket").plainInputs;
        assert.strictEqual(bucket.forceDestroy, true);
        assert.deepStrictEqual(bucket.tags, { team: "platform" });
        assert.deepStrictEqual(r.one(roleType, "ops-roles-OpsAdmin").plainInputs.tags, { team: "platform" });
        assert.strictEqual(
            r.one("tls:index/selfSignedCert:SelfSignedCert", "ops-pki-cert").plainInputs.validityPeriodHours,
            8760,
        );
    });

    it("the kubeconfigs use aws eks get-token with the people's profile, and the next steps say so", async () => {
        const kubeconfigs = await valueOf(cluster.kubeconfigs);
        const exec = YAML.parse(kubeconfigs.OpsAdmin).users[0].user.exec;
        assert.strictEqual(exec.command, "aws");
        assert.deepStrictEqual(exec.args, [
            "eks",
            "get-token",
            "--cluster-name",
            "ops.example.com",
            "--role-arn",
            `arn:aws:iam::${fakeAccountId}:role/OpsAdmin`,
            "--region",
            region,
            "--output",
            "json",
        ]);
        assert.deepStrictEqual(exec.env, [{ name: "AWS_PROFILE", value: "people" }]);
        const nextSteps = await valueOf(cluster.nextSteps);
        assert.match(nextSteps, /the AWS CLI \(aws eks get-token\)/);
        assert.match(nextSteps, /the kubeconfigs use AWS profile people/);
        assert.match(nextSteps, /^AWS_PROFILE=deploy kops export kubecfg --name ops\.example\.com /m);
    });

    it("the default provider kubeconfig is kOps' auth plugin, not an expiring admin certificate", async () => {
        const d = await render([{ name: "dev", args: defaultSettings }]);
        const environment = d.one(commandType, "dev-kops-kubeconfig").plainInputs.environment;
        assert.strictEqual(environment.KUBECONFIG_MODE, "auth-plugin");
        assert.ok(!("ADMIN_TTL" in environment));
    });
});

describe("KopsIamCluster: three instances in one program", () => {
    // alpha creates its bucket; beta and gamma share one existing bucket. Role names differ: IAM
    // role names are global in the account.
    const instances = [
        {
            name: "alpha",
            args: settings({
                clusterName: "alpha.k8s.local",
                stateBucketName: "alpha-state",
                accessRoles: [{ name: "AlphaAdmin", username: "alpha-admin", groups: ["system:masters"] }],
            }),
        },
        {
            name: "beta",
            args: settings({
                clusterName: "beta.k8s.local",
                stateBucketName: "shared-state",
                createStateBucket: "false",
                accessRoles: [
                    { name: "BetaAdmin", username: "beta-admin", groups: ["system:masters"] },
                    { name: "BetaViewer", username: "beta-viewer", groups: ["viewers"] },
                ],
                clusterRoleBindings: [{ group: "viewers", clusterRole: "view" }],
            }),
        },
        {
            name: "gamma",
            args: settings({
                clusterName: "gamma.example.com",
                stateBucketName: "shared-state",
                createStateBucket: "false",
                accessRoles: [{ name: "GammaAdmin", username: "gamma-admin", groups: ["system:masters"] }],
            }),
        },
    ];
    let r: Rendering;

    before(async () => {
        r = await render(instances);
    });

    function assertUnique(values: string[], what: string): void {
        const duplicates = values.filter((v, i) => values.indexOf(v) !== i);
        assert.deepStrictEqual(duplicates, [], `${what} collide`);
    }

    it("each registers its own full set of resources, and no two URNs are the same", () => {
        assertUnique(
            r.mocks.resources.map((x) => x.urn),
            "URNs",
        );
        for (const { name } of instances) {
            const component = r.one(componentType, name);
            const commands = r.mocks.byType(commandType).filter((c) => c.name.startsWith(`${name}-`));
            // The claim, the three kOps commands, and the destroy-time purge where the instance created its bucket.
            assert.strictEqual(commands.length, name === "alpha" ? 5 : 4, name);
            assert.ok(
                r.mocks.byType(providerType).some((p) => p.options.parent === component.urn),
                name,
            );
        }
        assert.strictEqual(r.mocks.byType(bucketType).length, 1, "only alpha creates a bucket");
    });

    it("S3 object keys do not collide, not even in the shared bucket", () => {
        const objects = r.mocks.byType(objectType).map((o) => o.plainInputs);
        assert.strictEqual(objects.length, 9);
        assertUnique(
            objects.map((o) => `${o.bucket}/${o.key}`),
            "bucket objects",
        );
        for (const { args } of instances) {
            const own = objects.filter((o) => o.key.startsWith(`${args.clusterName}/addons/authenticator/`));
            assert.deepStrictEqual(
                own.map((o) => o.bucket),
                [args.stateBucketName, args.stateBucketName, args.stateBucketName],
            );
        }
    });

    it("kOps cluster names and state paths do not collide; each spec names its own bucket", () => {
        const specs = r.mocks
            .byType(commandType)
            .filter((c) => c.name.endsWith("-kops-spec"))
            .map((c) => c.plainInputs.environment);
        assertUnique(
            specs.map((e) => `${e.STATE_STORE}/${e.CLUSTER_NAME}`),
            "kOps state paths",
        );
        assert.deepStrictEqual(
            specs.map((e) => [e.CLUSTER_NAME, e.STATE_STORE]).sort(),
            instances.map(({ args }) => [args.clusterName, `s3://${args.stateBucketName}`]).sort(),
        );
        for (const env of specs) {
            assert.strictEqual(JSON.parse(env.SPEC_PATCH).clusterName, env.CLUSTER_NAME);
        }
    });

    it("IAM role names do not collide, and each cluster maps only its own roles", () => {
        assertUnique(
            r.mocks.byType(roleType).map((x) => x.plainInputs.name),
            "IAM role names",
        );
        for (const { name, args } of instances) {
            const data = r.one(configMapType, `${name}-authenticator-config`).plainInputs.data;
            assert.strictEqual(YAML.parse(data["config.yaml"]).clusterID, args.clusterName);
            assert.deepStrictEqual(
                JSON.parse(data["mappings.json"]).mapRoles.map((m: any) => m.rolearn),
                args.accessRoles.map((role) => `arn:aws:iam::${fakeAccountId}:role/${role.name}`),
            );
        }
    });

    it("each cluster's Kubernetes objects go through its own provider, whose kubeconfig is its own cluster's", () => {
        for (const { name, args } of instances) {
            const provider = r.one(providerType, `${name}-k8s`);
            assert.strictEqual(provider.plainInputs.clusterIdentifier, args.clusterName);
            assert.strictEqual(provider.plainInputs.kubeconfig, exportedKubeconfig(args.clusterName));
            const objects = r.graph.transforms.filter((t) => k8sObjectTypes.includes(t.type) && t.name.startsWith(`${name}-`));
            assert.ok(objects.length >= 2, name);
            for (const object of objects) {
                assert.strictEqual(object.providerUrn, provider.urn, `${object.name} uses another cluster's provider`);
            }
        }
    });

    it("each cluster's kubeconfigs point at its own server with its own cluster ID", async () => {
        for (const [i, { args }] of instances.entries()) {
            const kubeconfigs = await valueOf(r.clusters[i].kubeconfigs);
            assert.deepStrictEqual(
                Object.keys(kubeconfigs),
                args.accessRoles.map((role) => role.name),
            );
            for (const text of Object.values(kubeconfigs)) {
                const config = YAML.parse(text);
                assert.strictEqual(config.clusters[0].cluster.server, serverOf(args.clusterName));
                assert.strictEqual(config.users[0].user.exec.args[2], args.clusterName);
            }
        }
    });
});

describe("KopsIamCluster.getKubeconfig", () => {
    const args = settings({
        clusterName: "dev.example.com",
        stateBucketName: "kops-state-example",
        mapRoles: [{ roleArn: "arn:aws:iam::210987654321:role/ci/Deployer", username: "ci-deployer", groups: ["deployers"] }],
        kubeconfigTokenCommand: "aws",
    });
    let cluster: KopsIamCluster;
    before(async () => {
        cluster = (await render([{ name: "dev", args }])).clusters[0];
    });

    it("for a created role: the same kubeconfig as `kubeconfigs` has for it", async () => {
        const roleArn = (await valueOf(cluster.roleArns)).KubernetesAdmin;
        assert.strictEqual(
            await valueOf(cluster.getKubeconfig({ roleArn })),
            (await valueOf(cluster.kubeconfigs)).KubernetesAdmin,
        );
    });

    it("for a mapRoles role the stack does not create (its IAM path and case do not count), with a profile and a token command", async () => {
        const text = await valueOf(
            cluster.getKubeconfig({
                roleArn: "arn:aws:iam::210987654321:role/deployer",
                profileName: "ci",
                tokenCommand: "aws-iam-authenticator",
            }),
        );
        const exec = YAML.parse(text).users[0].user.exec;
        assert.strictEqual(exec.command, "aws-iam-authenticator");
        assert.deepStrictEqual(exec.args.slice(0, 6), [
            "token",
            "-i",
            "dev.example.com",
            "-r",
            "arn:aws:iam::210987654321:role/deployer",
            "--region",
        ]);
        assert.deepStrictEqual(exec.env, [{ name: "AWS_PROFILE", value: "ci" }]);
        assert.strictEqual(YAML.parse(text).clusters[0].cluster.server, serverOf("dev.example.com"));
    });

    it("defaults to the stack's token command; refuses a role that is not mapped, naming the mapped ones", async () => {
        const roleArn = "arn:aws:iam::210987654321:role/ci/Deployer";
        assert.strictEqual(YAML.parse(await valueOf(cluster.getKubeconfig({ roleArn }))).users[0].user.exec.command, "aws");
        // Output.promise() (the SDK's own, internal) rejects with the apply's error; valueOf would wait forever.
        const refused = (cluster.getKubeconfig({ roleArn: "arn:aws:iam::210987654321:role/Stranger" }) as any).promise();
        const [problem] = await rejectedWith(refused, [["roleArn", "invalid"]]);
        assert.match(said(problem), /^a mapped role: one of .*role\/ci\/Deployer/);
    });
});

describe("KopsIamCluster: who can still sign in (issue 17)", () => {
    /** Constructs a KopsIamCluster under fresh mocks, recording pulumi.log.warn calls. */
    async function construct(args: KopsIamClusterArgs): Promise<{ warnings: string[]; mocks: MockRecorder }> {
        const mocks = await installMocks();
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string) => {
            warnings.push(message);
        };
        try {
            new KopsIamCluster("dev", args);
            await settle();
        } finally {
            (pulumi.log as any).warn = warn;
        }
        return { warnings, mocks };
    }
    const none = { accessRoles: [], mapRoles: [], mapUsers: [], mapAccounts: [], clusterRoleBindings: [] };

    it("no mapping at all is refused before anything is registered, naming kOps' admin way in and the opt-out", async () => {
        const mocks = await installMocks();
        assert.throws(
            () => new KopsIamCluster("locked", { ...defaultSettings, ...none }),
            (error: Error) => {
                assert.match(error.message, /^KopsIamCluster locked: its args have 1 problem:\n/);
                const problems = problemsOfError(error);
                assert.deepStrictEqual(pathsAndKinds(problems), [["accessRoles", "invalid"]]);
                assert.match(said(problems[0]), /no accessRoles, mapRoles, mapUsers or mapAccounts entry/);
                assert.match(said(problems[0]), /kops export kubecfg --admin/);
                assert.match(said(problems[0]), /allowNoIamSignIn/);
                return true;
            },
        );
        await settle();
        assert.deepStrictEqual(mocks.resources, []);
    });

    it("with allowNoIamSignIn it is built, with a warning saying nobody signs in through IAM", async () => {
        const { warnings, mocks } = await construct({ ...defaultSettings, ...none, allowNoIamSignIn: true });
        assert.strictEqual(mocks.byType(configMapType).length, 1);
        assert.strictEqual(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /no IAM identity is mapped/);
        assert.match(warnings[0], /kops export kubecfg --admin/);
    });

    it("mappings into groups nothing binds: a warning naming the groups, the consequence and kOps' admin way in", async () => {
        const { warnings } = await construct({
            ...defaultSettings,
            accessRoles: [{ name: "KubernetesReader", username: "reader", groups: ["readers"] }],
            mapAccounts: ["210987654321"],
        });
        assert.strictEqual(warnings.length, 1, warnings.join("\n"));
        assert.match(
            warnings[0],
            /no mapped identity is in system:masters or in a group clusterRoleBindings binds \(mapped groups: readers; bound groups: none\)/,
        );
        assert.match(warnings[0], /kops export kubecfg --admin/);
    });

    it("a binding to a ClusterRole that is not a Kubernetes built-in: a warning naming the role and the group", async () => {
        const { warnings } = await construct({
            ...defaultSettings,
            accessRoles: [
                ...defaultSettings.accessRoles,
                { name: "KubernetesOperator", username: "operator", groups: ["operators"] },
            ],
            clusterRoleBindings: [
                { group: "operators", clusterRole: "operator-role" },
                { group: "operators", clusterRole: "system:aggregate-to-view" },
            ],
        });
        assert.strictEqual(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /clusterRoleBindings\[0\] binds the group operators to the ClusterRole operator-role/);
        assert.match(warnings[0], /not a Kubernetes built-in/);
    });

    it("the default settings warn about nothing", async () => {
        const { warnings } = await construct(defaultSettings);
        assert.deepStrictEqual(warnings, []);
    });

    // The authenticator gets the created roles first: the user's mapRoles[0] is its mapRoles[2] here.
    const pathedMapRoles = {
        accessRoles: [...defaultSettings.accessRoles, { name: "KubernetesViewer", username: "viewer", groups: ["viewers"] }],
        mapRoles: [{ roleArn: "arn:aws:iam::210987654321:role/team/Deployer", username: "deployer", groups: ["deployers"] }],
    };

    it("a mapRoles ARN with an IAM path: one warning, naming the entry as the user wrote it", async () => {
        const { warnings, mocks } = await construct({ ...defaultSettings, ...pathedMapRoles });
        assert.deepStrictEqual(warnings, [
            "mapRoles[0].roleArn arn:aws:iam::210987654321:role/team/Deployer has an IAM path; mappings.json maps " +
                "arn:aws:iam::210987654321:role/Deployer, because the authenticator matches role sessions by role " +
                "name only (their ARN has no path)",
        ]);
        const mappings = JSON.parse(mocks.byType(configMapType)[0].plainInputs.data["mappings.json"]);
        assert.deepStrictEqual(
            mappings.mapRoles.map((m: { rolearn: string }) => m.rolearn.replace(/^.*:role\//, "")),
            ["KubernetesAdmin", "KubernetesViewer", "Deployer"],
        );
    });

    it("a secret mapRoles with an IAM path: the warning names the entry, not the ARN", async () => {
        const { warnings } = await construct({
            ...defaultSettings,
            ...pathedMapRoles,
            mapRoles: pulumi.secret(pathedMapRoles.mapRoles),
        });
        assert.strictEqual(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /^mapRoles\[0\]\.roleArn \(a secret\) has an IAM path/);
        assert.ok(!warnings[0].includes("Deployer"), warnings[0]);
    });
});
