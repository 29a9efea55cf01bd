// index.ts, the stack program, under Pulumi's mocks with the config `pulumi up` would give it:
// Pulumi.dev.yaml's values as the CLI passes them (strings; structured values as JSON). The program
// reads its config when it is imported, so each case clears it from the require cache first.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { ConfigError } from "../../components/settings";
import { pathsAndKinds } from "../helpers/data/problems";
import {
    fakeAccountId,
    installMocks,
    MockRecorder,
    secretValue,
    settle,
    unwrapSecrets,
    valueOf,
} from "../helpers/mocks/pulumiMocks";
import { registeredOutputs } from "../helpers/mocks/registeredOutputs";
import { runRecordingStack } from "../helpers/mocks/resourceGraph";
import { plainStringsContaining } from "../helpers/mocks/secretScan";

const projectDir = path.join(__dirname, "..", "..");
const programPath = require.resolve(path.join(projectDir, "index"));

/** A stack file's config as the CLI hands it to the program: every value a string. */
function stackConfig(stackFile: string): Record<string, string> {
    const { config } = YAML.parse(fs.readFileSync(path.join(projectDir, stackFile), "utf8"));
    return Object.fromEntries(
        Object.entries(config as Record<string, unknown>).map(([key, value]) => [
            key,
            typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value),
        ]),
    );
}

/** A credential in the fake export: it must not reach a plain input or output, stack outputs included. */
const adminToken = "stack-program-admin-token-9e1f";

/** What kubeconfig.sh prints: a kOps export, here with a static credential. */
function exportedKubeconfig(clusterName: string): string {
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: clusterName,
                cluster: {
                    server: `https://api.${clusterName}`,
                    "certificate-authority-data": Buffer.from(
                        "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
                    ).toString("base64"),
                },
            },
        ],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{ name: clusterName, user: { token: adminToken } }],
    });
}

type Program = typeof import("../../index");

async function mocksWithConfig(config: Record<string, string>): Promise<MockRecorder> {
    const mocks = await installMocks({
        extraState: (type, name, inputs) =>
            type === "command:local:Command" && name.endsWith("-kops-kubeconfig")
                ? { stdout: secretValue(exportedKubeconfig(unwrapSecrets(inputs).environment.CLUSTER_NAME)) }
                : undefined,
    });
    pulumi.runtime.setAllConfig(config);
    delete require.cache[programPath];
    return mocks;
}

describe("index.ts with Pulumi.dev.yaml", () => {
    let mocks: MockRecorder;
    let program: Program;

    before(async () => {
        mocks = await mocksWithConfig(stackConfig("Pulumi.dev.yaml"));
        ({ result: program } = await runRecordingStack(() => require(programPath) as Program, { exportResult: true }));
        await valueOf(program.kubeconfigs);
        await valueOf(program.nextSteps);
        await settle();
    });

    it("registers one KopsIamCluster and all its parts", () => {
        const counts: Record<string, number> = {};
        for (const resource of mocks.resources) {
            counts[resource.type] = (counts[resource.type] ?? 0) + 1;
        }
        assert.deepStrictEqual(counts, {
            "pulumi:pulumi:Stack": 1,
            "kops-iam-auth:index:KopsIamCluster": 1,
            "kops-iam-auth:index:AuthenticatorPki": 1,
            "tls:index/privateKey:PrivateKey": 1,
            "tls:index/selfSignedCert:SelfSignedCert": 1,
            "kops-iam-auth:index:KopsStateStore": 1,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketVersioning:BucketVersioning": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:s3/bucketObjectv2:BucketObjectv2": 3,
            "kops-iam-auth:index:AccessRoles": 1,
            "aws:iam/role:Role": 2,
            "kops-iam-auth:index:KopsCluster": 1,
            // The cluster's guard, its creation settings' guard, the state store's guard.
            "pulumi-nodejs:dynamic/kops:ImmutableClusterSettings": 3,
            "command:local:Command": 5, // the claim, the three kOps commands and the destroy-time purge of <cluster>/ (aws/statePurge.ts)
            "pulumi:providers:kubernetes": 1,
            "kops-iam-auth:index:IamAuthenticator": 1,
            "kubernetes:core/v1:ConfigMap": 1,
            "kubernetes:apps/v1:DaemonSet": 1,
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": 1,
        });
    });

    it("exports the cluster name, state store URL, role ARNs, per-role kubeconfigs and next steps", async () => {
        assert.deepStrictEqual(Object.keys(program).sort(), [
            "clusterName",
            "kubeconfigs",
            "nextSteps",
            "roleArns",
            "stateStoreUrl",
        ]);
        assert.strictEqual(await valueOf(program.clusterName), "dev.k8s.local");
        assert.strictEqual(await valueOf(program.stateStoreUrl), "s3://kops-iam-auth-dev-state-example");
        assert.deepStrictEqual(await valueOf(program.roleArns), {
            KubernetesAdmin: `arn:aws:iam::${fakeAccountId}:role/KubernetesAdmin`,
            KubernetesViewer: `arn:aws:iam::${fakeAccountId}:role/KubernetesViewer`,
        });
        const kubeconfigs = await valueOf(program.kubeconfigs);
        assert.deepStrictEqual(Object.keys(kubeconfigs), ["KubernetesAdmin", "KubernetesViewer"]);
        assert.deepStrictEqual(YAML.parse(kubeconfigs.KubernetesViewer).users[0].user.exec.args, [
            "token",
            "-i",
            "dev.k8s.local",
            "-r",
            `arn:aws:iam::${fakeAccountId}:role/KubernetesViewer`,
            "--region",
            "eu-west-1",
        ]);
        // The next steps fetch from the output the program really exports.
        assert.match(
            await valueOf(program.nextSteps),
            /^pulumi stack output kubeconfigs --json \| jq -r '\.\["KubernetesViewer"\]' > KubernetesViewer\.kubeconfig$/m,
        );
    });

    it("the stack's outputs are exactly the exports", () => {
        const stack = registeredOutputs().find((r) => r.type === "outputs of pulumi:pulumi:Stack");
        assert.deepStrictEqual(Object.keys(stack?.inputs ?? {}).sort(), [
            "clusterName",
            "kubeconfigs",
            "nextSteps",
            "roleArns",
            "stateStoreUrl",
        ]);
    });

    it("no plain input or output, stack outputs included, holds the private key or the admin credential", async () => {
        const everything = [...mocks.resources, ...registeredOutputs()];
        const exports = program as unknown as Record<string, pulumi.Output<unknown>>;
        for (const needle of ["PRIVATE KEY", adminToken]) {
            assert.deepStrictEqual(await plainStringsContaining(needle, everything, exports), [], needle);
        }
        // The credential is there, inside the provider's secret kubeconfig.
        assert.match(mocks.one("pulumi:providers:kubernetes").plainInputs.kubeconfig, new RegExp(adminToken));
    });

    it("the stack file's mappings, bindings and tags reach their resources", () => {
        const mappings = JSON.parse(mocks.one("kubernetes:core/v1:ConfigMap").plainInputs.data["mappings.json"]);
        // Only the roles the stack creates, in its own account: the example stack maps no one else.
        assert.deepStrictEqual(
            mappings.mapRoles.map((m: { rolearn: string }) => m.rolearn),
            ["KubernetesAdmin", "KubernetesViewer"].map((name) => `arn:aws:iam::${fakeAccountId}:role/${name}`),
        );
        assert.deepStrictEqual(mappings.mapUsers, []);
        assert.deepStrictEqual(mappings.mapAccounts, []);
        const binding = mocks.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").plainInputs;
        assert.deepStrictEqual([binding.roleRef.name, binding.subjects.map((s: any) => s.name)], ["view", ["viewers"]]);
        assert.deepStrictEqual(mocks.one("aws:s3/bucket:Bucket").plainInputs.tags, { environment: "dev" });
        for (const role of mocks.byType("aws:iam/role:Role")) {
            assert.deepStrictEqual(role.plainInputs.tags, { environment: "dev" }, role.name);
        }
        const spec = mocks.resources.find((r) => r.name.endsWith("-kops-spec"))!.plainInputs.environment;
        assert.deepStrictEqual([spec.CLUSTER_NAME, spec.AWS_REGION, spec.ZONES], ["dev.k8s.local", "eu-west-1", "eu-west-1a"]);
    });
});

describe("index.ts with a bad config", () => {
    it("throws the ConfigError, naming every problem, before registering any resource", async () => {
        const config = {
            ...stackConfig("Pulumi.dev.yaml"),
            "kops-iam-auth:nodeCount": "0",
            "kops-iam-auth:nodecount": "3",
            "kops-iam-auth:clusterName": "Dev",
        };
        const mocks = await mocksWithConfig(config);
        assert.throws(
            () => require(programPath),
            (err: unknown) => {
                assert.ok(err instanceof ConfigError, `not a ConfigError: ${err}`);
                assert.deepStrictEqual(pathsAndKinds(err.problems), [
                    ["kops-iam-auth:nodecount", "unknown"],
                    ["kops-iam-auth:clusterName", "invalid"],
                    ["kops-iam-auth:nodeCount", "invalid"],
                ]);
                return true;
            },
        );
        await settle();
        assert.deepStrictEqual(
            mocks.resources.map((r) => `${r.type}/${r.name}`),
            [],
        );
    });

    it("the same harness registers resources once the config is good (the check above can fail)", async () => {
        const mocks = await mocksWithConfig(stackConfig("Pulumi.dev.yaml"));
        const program = require(programPath) as Program;
        await valueOf(program.clusterName);
        await settle();
        assert.ok(mocks.byType("kops-iam-auth:index:KopsIamCluster").length === 1);
    });
});
