// KopsCluster under Pulumi's mocks: the command resources, their inputs and options, the secrets,
// and the lifecycle table of docs/lifecycle.md, checked by rendering two configurations per row and
// comparing what each command gets (a command re-runs exactly when its inputs change).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { simpleSettings } from "../../components/settings/table";
import { KopsCluster, KopsClusterArgs } from "../../components/kops/cluster";
import { kopsClusterDefaults } from "../../components/core/defaults";
import { leaveAdoptedClusterRunning, parseKopsCommandLine } from "../../components/core/kopsCommandLines";
import { fingerprint } from "../../components/kops/commandEnvironment";
import { diffCommandInputs, InputChange, RenderedResource } from "../../tools/plan/inputDiff";
import { parseSpecPatchOptions } from "../../components/kops/specPatchOptions";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import {
    fakeCertPem,
    fakePrivateKeyPem,
    installMocks,
    isSecretValue,
    MockRecorder,
    RecordedResource,
    settle,
    valueOf,
} from "../helpers/mocks/pulumiMocks";
import { plainStringsContaining } from "../helpers/mocks/secretScan";
import { refusedWith, said } from "../helpers/data/problems";

const commandType = "command:local:Command";
const guardType = "pulumi-nodejs:dynamic/kops:ImmutableClusterSettings";
const renewalType = "pulumi-nodejs:dynamic/kops:AdminCredentialRenewal";
/** The command line that runs a kOps script through the package's helper (kopsCommandLines). */
const run = (script: string) => `node -e 'require("kops-iam-auth/kops-helper").main(process.argv.slice(1))' run ${script}`;
const clusterName = "dev.example.com";
const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKcN4R8S0Pnq2DAqrW2pSBd4D7cH1QvKqpiqUFOkzvhG admin@example.com";
const apiServer = "https://api-dev-example-com-abc123.elb.eu-west-1.amazonaws.com";
const caData = Buffer.from("-----BEGIN CERTIFICATE-----\nKOPSCA\n-----END CERTIFICATE-----\n").toString("base64");

/** What kubeconfig.sh prints in auth-plugin mode: kOps' export with the exec user. */
const exportedKubeconfig = YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { "certificate-authority-data": caData, server: apiServer } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
        {
            name: clusterName,
            user: {
                exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "kops", args: ["helpers", "kubectl-auth"] },
            },
        },
    ],
});

const baseArgs: KopsClusterArgs = {
    clusterName,
    stateStoreUrl: pulumi.output("s3://kops-state-example"),
    region: "eu-west-1",
    zones: ["eu-west-1a"],
    kubernetesVersion: "1.34.10",
    webhookKubeconfig: pulumi.output(renderWebhookKubeconfig(fakeCertPem)),
};

interface Rendering {
    mocks: MockRecorder;
    cluster: KopsCluster;
    component: RecordedResource;
    guard: RecordedResource;
    /** The guard of the settings that count only at creation, recorded after the spec command. */
    creationGuard: RecordedResource;
    spec: RecordedResource;
    apply: RecordedResource;
    kubeconfig: RecordedResource;
    /** The commands as the lifecycle diff takes them. */
    commands: RenderedResource[];
}

/**
 * Renders a KopsCluster named "kops" under fresh mocks, the kubeconfig command printing
 * `exportedKubeconfig`, and waits until every resource is registered. `before` registers other
 * resources first (for dependencies).
 */
async function render(
    args: KopsClusterArgs,
    before?: () => pulumi.Resource[],
    outputs: { specStdout?: string; renewal?: string } = {},
): Promise<Rendering> {
    const stdout: Record<string, string | undefined> = { "kops-kubeconfig": exportedKubeconfig, "kops-spec": outputs.specStdout };
    const mocks = await installMocks({
        extraState: (type, name) =>
            type === commandType && stdout[name] !== undefined
                ? { stdout: stdout[name], stderr: "" }
                : type === renewalType && outputs.renewal !== undefined
                  ? { renewal: outputs.renewal }
                  : undefined,
    });
    const dependencies = before?.() ?? [];
    const cluster = new KopsCluster("kops", { ...args, stateStoreObjects: args.stateStoreObjects ?? dependencies });
    await valueOf(cluster.kubeconfig);
    await settle();
    const commands = mocks.byType(commandType);
    return {
        mocks,
        cluster,
        component: mocks.one("kops-iam-auth:index:KopsCluster", "kops"),
        guard: mocks.one(guardType, "kops-immutable"),
        creationGuard: mocks.one(guardType, "kops-creation-settings"),
        spec: mocks.one(commandType, "kops-spec"),
        apply: mocks.one(commandType, "kops-apply"),
        kubeconfig: mocks.one(commandType, "kops-kubeconfig"),
        commands: commands.map((c) => ({ name: c.name, inputs: c.inputs })),
    };
}

/** The dynamic provider as Pulumi's Node.js provider host loads it from the resource's `__provider` input. */
function loadSerializedProvider(guard: RecordedResource): pulumi.dynamic.ResourceProvider {
    const requireFromString = require(
        require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }),
    );
    return requireFromString(guard.plainInputs.__provider).handler();
}

/** Stands for a state store object the cluster must wait for. */
class StateObject extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:StateObject", name, {});
    }
}

describe("KopsCluster", () => {
    let r: Rendering;
    const stateObject = () => [new StateObject("state-object")];

    before(async () => {
        r = await render(baseArgs, stateObject);
    });

    it("registers the immutable-settings guard and the three commands under the component", () => {
        assert.deepStrictEqual(r.mocks.resources.map((x) => `${x.type}/${x.name}`).sort(), [
            `${commandType}/kops-apply`,
            `${commandType}/kops-kubeconfig`,
            `${commandType}/kops-spec`,
            "kops-iam-auth:index:KopsCluster/kops",
            `${guardType}/kops-creation-settings`,
            `${guardType}/kops-immutable`,
            "test:index:StateObject/state-object",
        ]);
        for (const child of [r.guard, r.spec, r.apply, r.kubeconfig]) {
            assert.strictEqual(child.options.parent, r.component.urn, `${child.name} is not a child of the component`);
        }
    });

    it("spec: upserts with create/update, deletes the cluster, the spec settings in its environment", () => {
        const { environment, ...rest } = r.spec.plainInputs;
        assert.deepStrictEqual(rest, {
            create: run("upsert-spec.sh create"),
            update: run("upsert-spec.sh update"),
            delete: run("delete.sh"),
            // Its last revision, reported again when the spec is unchanged.
            addPreviousOutputInEnv: true,
        });
        const { SPEC_PATCH, ...values } = environment;
        assert.deepStrictEqual(values, {
            KOPS_BIN: "kops",
            CLUSTER_NAME: clusterName,
            // organization/project/stack of the mock runtime, and the KopsCluster's name.
            CLUSTER_OWNER: "organization/kops-iam-auth/test/kops",
            STATE_STORE: "s3://kops-state-example",
            AWS_REGION: "eu-west-1",
            ZONES: "eu-west-1a",
            NODE_COUNT: "2",
            NODE_SIZE: "t3.medium",
            CONTROL_PLANE_COUNT: "1",
            CONTROL_PLANE_SIZE: "t3.medium",
            KUBERNETES_VERSION: "1.34.10",
            NETWORKING: "cilium",
            TOPOLOGY: "public",
            KOPS_EXTRA_FLAGS: "[]",
            ADOPT_EXISTING: "false",
        });
        assert.deepStrictEqual(parseSpecPatchOptions(SPEC_PATCH), {
            clusterName,
            stateBucket: "kops-state-example",
            webhookKubeconfig: renderWebhookKubeconfig(fakeCertPem),
            webhookCacheTtl: "5m0s",
            hookRunner: "container",
            hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
            authenticatorUid: 10000,
            kubernetesVersion: "1.34.10",
            nodeCount: 2,
            nodeSize: "t3.medium",
            controlPlaneCount: 1,
            controlPlaneSize: "t3.medium",
        });
    });

    it("spec: deleted before a replacement is created, after the guard and the state store objects", () => {
        assert.strictEqual(r.spec.options.deleteBeforeReplace, true);
        const stateObjectUrn = r.mocks.one("test:index:StateObject").urn;
        assert.deepStrictEqual([...r.spec.options.dependencies].sort(), [r.guard.urn, stateObjectUrn].sort());
    });

    it("apply: create, then update (which rolls) on a change; no delete; after the spec", () => {
        const { environment, ...rest } = r.apply.plainInputs;
        assert.deepStrictEqual(rest, {
            create: run("apply.sh create"),
            update: run("apply.sh update"),
            addPreviousOutputInEnv: false,
        });
        assert.deepStrictEqual(environment, {
            KOPS_BIN: "kops",
            CLUSTER_NAME: clusterName,
            STATE_STORE: "s3://kops-state-example",
            AWS_REGION: "eu-west-1",
            VALIDATE_TIMEOUT: "15m",
            // Everything of the spec command but the owner marker (which changes only the annotation).
            SPEC_FINGERPRINT: fingerprint({
                create: r.spec.plainInputs.create,
                update: r.spec.plainInputs.update,
                environment: { ...r.spec.plainInputs.environment, CLUSTER_OWNER: undefined },
            }),
        });
        assert.deepStrictEqual(r.apply.options.dependencies, [r.spec.urn]);
    });

    it("kubeconfig: exported after apply, never logged, stdout and stderr secret", () => {
        assert.deepStrictEqual(r.kubeconfig.plainInputs, {
            create: run("kubeconfig.sh"),
            update: run("kubeconfig.sh"),
            environment: {
                KOPS_BIN: "kops",
                CLUSTER_NAME: clusterName,
                STATE_STORE: "s3://kops-state-example",
                AWS_REGION: "eu-west-1",
                KUBECONFIG_MODE: "auth-plugin",
            },
            addPreviousOutputInEnv: false,
            logging: "none",
        });
        assert.deepStrictEqual([...r.kubeconfig.options.additionalSecretOutputs].sort(), ["stderr", "stdout"]);
        assert.deepStrictEqual(r.kubeconfig.options.dependencies, [r.apply.urn]);
    });

    it("every command has timeouts, none uses triggers (they always replace)", () => {
        for (const c of [r.spec, r.apply, r.kubeconfig]) {
            assert.deepStrictEqual(c.options.customTimeouts, { create: "60m", update: "120m", delete: "30m" }, c.name);
            assert.ok(!("triggers" in c.inputs), `${c.name} has triggers`);
            assert.ok(c.plainInputs.update, `${c.name} has no update: a change would run create`);
        }
    });

    it("every command line names a script the package ships; no path of this machine is an input", () => {
        for (const c of [r.spec, r.apply, r.kubeconfig]) {
            for (const step of ["create", "update", "delete"]) {
                const line: string | undefined = c.plainInputs[step];
                if (line === undefined) {
                    continue;
                }
                const script = parseKopsCommandLine(line)?.script;
                assert.ok(script, `${c.name}.${step} does not run a kOps script: ${line}`);
                assert.ok(
                    fs.existsSync(path.join(__dirname, "../../components/kops/scripts", script)),
                    `${c.name}.${step}: no ${script}`,
                );
            }
            assert.ok(
                !JSON.stringify(c.plainInputs).includes(path.join(__dirname, "..", "..")),
                `${c.name} has the checkout's path in its inputs`,
            );
        }
    });

    it("outputs: the cluster name, the kubeconfig as a secret, the API server and CA as plain values", async () => {
        assert.strictEqual(await valueOf(r.cluster.clusterName), clusterName);
        assert.strictEqual(await valueOf(r.cluster.kubeconfig), exportedKubeconfig);
        assert.strictEqual(await pulumi.isSecret(r.cluster.kubeconfig), true);
        assert.strictEqual(await valueOf(r.cluster.apiServerUrl), apiServer);
        assert.strictEqual(await pulumi.isSecret(r.cluster.apiServerUrl), false);
        assert.strictEqual(await valueOf(r.cluster.certificateAuthorityData), caData);
        assert.strictEqual(await pulumi.isSecret(r.cluster.certificateAuthorityData), false);
    });

    it("no command input is a secret, and none carries a key or the kubeconfig", async () => {
        for (const c of [r.spec, r.apply, r.kubeconfig]) {
            for (const [name, value] of Object.entries(c.inputs.environment)) {
                assert.ok(!isSecretValue(value), `${c.name} environment ${name} is secret`);
            }
        }
        const plainOutputs = {
            apiServerUrl: r.cluster.apiServerUrl,
            certificateAuthorityData: r.cluster.certificateAuthorityData,
        };
        assert.deepStrictEqual(await plainStringsContaining("PRIVATE KEY", r.mocks.resources, plainOutputs), []);
        assert.deepStrictEqual(await plainStringsContaining(fakePrivateKeyPem, r.mocks.resources, plainOutputs), []);
        assert.deepStrictEqual(await plainStringsContaining("kubectl-auth", r.mocks.resources, plainOutputs), []);
    });

    it("the guard holds the immutable settings, normalized as the spec names them", () => {
        const { __provider, ...settings } = r.guard.plainInputs;
        assert.strictEqual(typeof __provider, "string");
        assert.deepStrictEqual(settings, {
            clusterName,
            zones: ["eu-west-1a"],
            networking: "cilium",
            topology: "public",
            controlPlaneCount: 1,
            region: "eu-west-1",
            kubernetesVersion: "1.34.10",
            authenticatorUid: 10000,
        });
        const { __provider: _, ...creationSettings } = r.creationGuard.plainInputs;
        assert.deepStrictEqual(creationSettings, {
            cluster: clusterName,
            adoptExistingCluster: false,
            sshPublicKey: "",
            kopsExtraFlags: [],
        });
    });
});

describe("KopsCluster options", () => {
    it("runs kops with the stack's AWS profile and region", async () => {
        const r = await render({ ...baseArgs, awsProfile: "ops" });
        for (const c of [r.spec, r.apply, r.kubeconfig]) {
            assert.strictEqual(c.plainInputs.environment.AWS_PROFILE, "ops", c.name);
            assert.strictEqual(c.plainInputs.environment.AWS_REGION, "eu-west-1", c.name);
        }
    });

    it("adopting an existing cluster: ADOPT_EXISTING, a first apply that rolls, a delete that leaves it running", async () => {
        const r = await render({ ...baseArgs, adoptExisting: true });
        assert.strictEqual(r.spec.plainInputs.environment.ADOPT_EXISTING, "true");
        assert.strictEqual(r.spec.plainInputs.delete, leaveAdoptedClusterRunning);
        assert.strictEqual(r.apply.plainInputs.create, run("apply.sh update"));
        assert.strictEqual(r.apply.plainInputs.update, run("apply.sh update"));
    });

    it("recreateMissingCluster: RECREATE_MISSING_CLUSTER in the spec's environment only when on (stacks from before it see no change)", async () => {
        assert.strictEqual((await render(baseArgs)).spec.plainInputs.environment.RECREATE_MISSING_CLUSTER, undefined);
        assert.strictEqual(
            (await render({ ...baseArgs, recreateMissingCluster: false })).spec.plainInputs.environment.RECREATE_MISSING_CLUSTER,
            undefined,
        );
        const on = await render({ ...baseArgs, recreateMissingCluster: true });
        assert.strictEqual(on.spec.plainInputs.environment.RECREATE_MISSING_CLUSTER, "true");
        assert.strictEqual(on.apply.plainInputs.environment.RECREATE_MISSING_CLUSTER, undefined);
    });

    it("admin kubeconfig mode passes the TTL; custom timeouts reach every command", async () => {
        const r = await render({ ...baseArgs, kubeconfigMode: "admin", adminTtl: "2h", timeouts: { update: "3h" } });
        assert.strictEqual(r.kubeconfig.plainInputs.environment.KUBECONFIG_MODE, "admin");
        assert.strictEqual(r.kubeconfig.plainInputs.environment.ADMIN_TTL, "2h");
        for (const c of [r.spec, r.apply, r.kubeconfig]) {
            assert.deepStrictEqual(c.options.customTimeouts, { create: "60m", update: "3h", delete: "30m" }, c.name);
        }
    });

    it("admin mode: an up after half the credential's lifetime exports a new one (the renewal's diff; its id reaches the kubeconfig command)", async () => {
        const admin: KopsClusterArgs = { ...baseArgs, kubeconfigMode: "admin", adminTtl: "2h" };
        const a = await render(admin, undefined, { renewal: "first" });
        const renewal = a.mocks.resources.find((x) => x.type === renewalType);
        assert.ok(
            renewal,
            "nothing in the program notices that the admin credential expires: the kubeconfig command's inputs are " +
                "the same at every up, so an up after adminTtl keeps the expired credential",
        );
        assert.strictEqual(a.kubeconfig.plainInputs.environment.ADMIN_CREDENTIAL_RENEWAL, "first");
        const { __provider, ...inputs } = renewal.plainInputs;
        assert.deepStrictEqual(inputs, { clusterName, ttlSeconds: 7200 });

        // The provider as the engine runs it: a new credential now, due once less than half its lifetime is left.
        const provider = loadSerializedProvider(renewal);
        const created = await provider.create!(inputs);
        assert.match(created.outs.renewal, /^[0-9a-f-]{36}$/);
        assert.ok(Math.abs(Date.parse(created.outs.expiresAt) - (Date.now() + 7200_000)) < 60_000);
        assert.strictEqual((await provider.diff!(created.id, created.outs, inputs)).changes, false, "a fresh credential");
        const issuedAnHourAgo = { ...created.outs, expiresAt: new Date(Date.now() + 3590_000).toISOString() };
        assert.strictEqual((await provider.diff!(created.id, issuedAnHourAgo, inputs)).changes, true, "half its lifetime gone");
        const expired = { ...created.outs, expiresAt: new Date(Date.now() - 1000).toISOString() };
        assert.strictEqual((await provider.diff!(created.id, expired, inputs)).changes, true, "expired");
        const renewed = await provider.update!(created.id, expired, inputs);
        assert.notStrictEqual(renewed.outs!.renewal, created.outs.renewal);

        // A new renewal id re-runs the kubeconfig command, and nothing else.
        const b = await render(admin, undefined, { renewal: "second" });
        assert.deepStrictEqual(diffCommandInputs(a.commands, b.commands), [
            { name: "kops-kubeconfig", change: "changed", changedInputs: ["environment.ADMIN_CREDENTIAL_RENEWAL"] },
        ]);
        // The auth plugin's kubeconfig holds no credential: nothing to renew.
        assert.strictEqual((await render(baseArgs)).mocks.resources.filter((x) => x.type === renewalType).length, 0);
    });

    it("defaults to what the stack config defaults to", () => {
        assert.deepStrictEqual(
            { ...kopsClusterDefaults, kubeconfigMode: undefined, adminTtl: undefined },
            {
                nodeCount: simpleSettings.nodeCount.default,
                nodeSize: simpleSettings.nodeSize.default,
                controlPlaneCount: simpleSettings.controlPlaneCount.default,
                controlPlaneSize: simpleSettings.controlPlaneSize.default,
                networking: simpleSettings.networking.default,
                topology: simpleSettings.topology.default,
                extraFlags: simpleSettings.kopsExtraFlags.default,
                adoptExisting: simpleSettings.adoptExistingCluster.default,
                recreateMissingCluster: simpleSettings.recreateMissingCluster.default,
                validateTimeout: simpleSettings.validateTimeout.default,
                // The stack config has no kubeconfig mode: an empty adminCredentialTtl (its default) means
                // the auth plugin, and the component's adminTtl default counts only in admin mode.
                kubeconfigMode: undefined,
                adminTtl: simpleSettings.adminCredentialTtl.default || undefined,
                kopsBinary: simpleSettings.kopsBinary.default,
                webhookCacheTtl: simpleSettings.webhookCacheTtl.default,
                hookRunner: simpleSettings.hookRunner.default,
                hookImage: simpleSettings.hookImage.default,
                authenticatorUid: simpleSettings.authenticatorUid.default,
            },
        );
    });

    it("refuses bad settings before registering any command, naming each", async () => {
        const mocks = await installMocks();
        const [zone] = refusedWith(
            () => new KopsCluster("bad", { ...baseArgs, zones: ["us-east-1a", "eu-west-1b"] }),
            [["zones[0]", "invalid"]],
        );
        assert.strictEqual(zone.value, "us-east-1a");
        assert.match(said(zone), /^an availability zone of eu-west-1/);
        assert.throws(
            () => new KopsCluster("bad", { ...baseArgs, zones: ["us-east-1a"] }),
            /^ProblemsError: KopsCluster bad of cluster dev\.example\.com \(1 problem\):/,
        );
        refusedWith(() => new KopsCluster("bad", { ...baseArgs, zones: [] }), [["zones", "invalid"]]);
        refusedWith(
            () => new KopsCluster("bad", { ...baseArgs, zones: ["eu-west-1a", "eu-west-1b", "eu-west-1a"] }),
            [["zones[2]", "duplicate"]],
        );
        refusedWith(
            () => new KopsCluster("bad", { ...baseArgs, kubeconfigMode: "token" as any }),
            [["kubeconfigMode", "invalid"]],
        );
        refusedWith(
            () => new KopsCluster("bad", { ...baseArgs, validateTimeout: "soon", adminTtl: "1 day" }),
            [
                ["validateTimeout", "invalid"],
                ["adminTtl", "invalid"],
            ],
        );
        await settle();
        assert.deepStrictEqual(
            mocks.resources.filter((x) => x.custom).map((x) => x.name),
            [],
        );
    });
});

// ---------------------------------------------------------------------------------------------
// The lifecycle table (docs/lifecycle.md): per row, the commands whose inputs change between two renderings
// ---------------------------------------------------------------------------------------------

/**
 * The commands that re-run, with the inputs that changed. Also checks that the guards let the
 * change through: these rows are the ones they accept.
 */
async function rerunsBetween(before: KopsClusterArgs, after: KopsClusterArgs): Promise<InputChange[]> {
    const a = await render(before);
    const b = await render(after);
    for (const guard of ["guard", "creationGuard"] as const) {
        const check = await loadSerializedProvider(b[guard]).check!(a[guard].plainInputs, b[guard].plainInputs);
        assert.deepStrictEqual(check.failures, [], `the ${guard} refuses the change`);
    }
    return diffCommandInputs(a.commands, b.commands);
}

/** Compile-time: these settings are no input of KopsCluster, so they cannot reach a kOps command. */
type NotAnInput<K extends string> = K extends keyof KopsClusterArgs ? never : K;
const notKopsClusterInputs: NotAnInput<
    "mapRoles" | "mapUsers" | "mapAccounts" | "authenticatorImage" | "authenticatorResources"
>[] = ["mapRoles", "mapUsers", "mapAccounts", "authenticatorImage", "authenticatorResources"];

describe("the lifecycle table", () => {
    it("pulumi up with nothing changed: no command input changes", async () => {
        assert.deepStrictEqual(await rerunsBetween(baseArgs, { ...baseArgs }), []);
    });

    it(`a mapping or authenticator change (${notKopsClusterInputs.join(", ")}): no kOps command, those are not KopsCluster inputs`, async () => {
        // The stack builds KopsCluster from the same args whatever the mappings and the
        // authenticator's image and resources are (the type check above keeps them out of
        // KopsClusterArgs), and the same args render the same commands.
        const sameArgs = { ...baseArgs, nodeCount: 3 };
        assert.deepStrictEqual(await rerunsBetween(sameArgs, { ...sameArgs }), []);
    });

    it("the spec written again with unchanged settings (a change whose roll failed, then reverted): apply re-runs", async () => {
        const specRun = (revision: string) =>
            `replaced the spec of cluster ${clusterName} in s3://kops-state-example\nspec revision: ${revision}\n`;
        const a = await render(baseArgs, undefined, { specStdout: specRun("0a1b-first") });
        const b = await render(baseArgs, undefined, { specStdout: specRun("0a1b-second") });
        assert.strictEqual(b.apply.plainInputs.environment.SPEC_REVISION, "0a1b-second");
        assert.deepStrictEqual(diffCommandInputs(a.commands, b.commands), [
            { name: "kops-apply", change: "changed", changedInputs: ["environment.SPEC_REVISION"] },
        ]);
        // The spec found unchanged reports its last revision again: nothing re-runs.
        const c = await render(baseArgs, undefined, { specStdout: "spec unchanged\nspec revision: 0a1b-second\n" });
        assert.deepStrictEqual(diffCommandInputs(b.commands, c.commands), []);
    });

    const resizes: Array<[string, Partial<KopsClusterArgs>, string]> = [
        ["node count", { nodeCount: 5 }, "environment.NODE_COUNT"],
        ["node size", { nodeSize: "m7i.large" }, "environment.NODE_SIZE"],
        ["control-plane size", { controlPlaneSize: "m7i.large" }, "environment.CONTROL_PLANE_SIZE"],
        ["Kubernetes version", { kubernetesVersion: "1.35.2" }, "environment.KUBERNETES_VERSION"],
    ];
    for (const [row, change, variable] of resizes) {
        it(`${row} change: spec upsert and apply (update, rolling-update, validate) re-run; the kubeconfig does not`, async () => {
            assert.deepStrictEqual(await rerunsBetween(baseArgs, { ...baseArgs, ...change }), [
                { name: "kops-apply", change: "changed", changedInputs: ["environment.SPEC_FINGERPRINT"] },
                { name: "kops-spec", change: "changed", changedInputs: [variable, "environment.SPEC_PATCH"].sort() },
            ]);
        });
    }

    const immutables: Array<[string, Partial<KopsClusterArgs>, "guard" | "creationGuard", string]> = [
        ["zones", { zones: ["eu-west-1a", "eu-west-1b"] }, "guard", "[eu-west-1a] to [eu-west-1a, eu-west-1b]"],
        ["networking", { networking: "calico" }, "guard", '"cilium" to "calico"'],
        ["topology", { topology: "private" }, "guard", '"public" to "private"'],
        ["controlPlaneCount", { controlPlaneCount: 3 }, "guard", "1 to 3"],
        ["clusterName", { clusterName: "prod.example.com" }, "guard", '"dev.example.com" to "prod.example.com"'],
        ["aws:region", { region: "eu-central-1", zones: ["eu-central-1a"] }, "guard", '"eu-west-1" to "eu-central-1"'],
        ["authenticatorUid", { authenticatorUid: 10001 }, "guard", "10000 to 10001"],
        ["kubernetesVersion", { kubernetesVersion: "1.36.1" }, "guard", '"1.34.10" to "1.36.1"'],
        ["kubernetesVersion", { kubernetesVersion: "1.33.9" }, "guard", '"1.34.10" to "1.33.9"'],
        ["adoptExistingCluster", { adoptExisting: true }, "creationGuard", "false to true"],
        [
            "sshPublicKey",
            { sshPublicKey: sshKey },
            "creationGuard",
            '(none) to "ssh-ed25519 AAAAC3Nz…UFOkzvhG admin@example.com"',
        ],
        ["kopsExtraFlags", { extraFlags: ["--node-volume-size=64"] }, "creationGuard", "[] to [--node-volume-size=64]"],
    ];
    for (const [setting, change, which, values] of immutables) {
        it(`${setting} change (${values}): refused at preview by the ${which === "guard" ? "" : "creation "}guard's check, naming the setting`, async () => {
            const a = await render(baseArgs);
            const b = await render({ ...baseArgs, ...change });
            // The engine calls check(old inputs, new inputs) on the provider serialized into the
            // new inputs; the failure stops the deployment at preview.
            const provider = loadSerializedProvider(b[which]);
            const refused = await provider.check!(a[which].plainInputs, b[which].plainInputs);
            const reasons = refused.failures!.map((f) => f.reason);
            const reason = reasons.find((r) => r.startsWith(`cluster ${clusterName}: ${setting} cannot change from ${values}`));
            assert.ok(reason, `no refusal of ${setting} ${values}: ${JSON.stringify(reasons, null, 2)}`);
            assert.match(reason, /: .+\. .+\. Nothing was changed; put the setting back to deploy other changes\.$/);
            if (which === "guard") {
                assert.ok(b.spec.options.dependencies.includes(b.guard.urn), "the spec does not wait for the guard");
            } else {
                assert.ok(
                    b.creationGuard.options.dependencies.includes(b.spec.urn),
                    "the creation guard records before the spec ran",
                );
            }
            // Creation and an unchanged deployment pass.
            assert.deepStrictEqual((await provider.check!({}, b[which].plainInputs)).failures, []);
            assert.deepStrictEqual((await provider.check!(b[which].plainInputs, b[which].plainInputs)).failures, []);
        });
    }

    it("a guard an older version deployed (no region, uid or version recorded) accepts their first record", async () => {
        const a = await render(baseArgs);
        const b = await render({
            ...baseArgs,
            region: "eu-central-1",
            zones: ["eu-central-1a"],
            authenticatorUid: 10001,
            kubernetesVersion: "1.36.1",
        });
        const { region, authenticatorUid, kubernetesVersion, ...olderRecord } = a.guard.plainInputs;
        assert.deepStrictEqual([region, authenticatorUid, kubernetesVersion], ["eu-west-1", 10000, "1.34.10"]);
        // Same zones on both sides: only the settings the older record lacks differ.
        const refused = await loadSerializedProvider(b.guard).check!(
            { ...olderRecord, zones: ["eu-central-1a"] },
            b.guard.plainInputs,
        );
        assert.deepStrictEqual(refused.failures, []);
    });

    for (const [from, to] of [
        ["1.34.10", "1.34.2"],
        ["1.34.10", "1.35.0"],
        ["1.34.10", "v1.35.3"],
    ]) {
        it(`kubernetesVersion ${from} → ${to}: passes the guard (a patch change, or one minor up)`, async () => {
            const a = await render({ ...baseArgs, kubernetesVersion: from });
            const b = await render({ ...baseArgs, kubernetesVersion: to });
            const refused = await loadSerializedProvider(b.guard).check!(a.guard.plainInputs, b.guard.plainInputs);
            assert.deepStrictEqual(refused.failures, []);
        });
    }

    it("the serialized guard provider records its inputs on create and update", async () => {
        const r = await render(baseArgs);
        const provider = loadSerializedProvider(r.guard);
        assert.deepStrictEqual(await provider.create!(r.guard.plainInputs), { id: clusterName, outs: r.guard.plainInputs });
        assert.deepStrictEqual(await provider.update!(clusterName, r.guard.plainInputs, r.guard.plainInputs), {
            outs: r.guard.plainInputs,
        });
    });
});
