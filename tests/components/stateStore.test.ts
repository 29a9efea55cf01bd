import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { ClusterClaimArgs, KopsStateStore, KopsStateStoreArgs } from "../../components/aws/stateStore";
import {
    fakeCertPem,
    fakePrivateKeyPem,
    installMocks,
    isSecretValue,
    MockRecorder,
    settle,
    valueOf,
} from "../helpers/mocks/pulumiMocks";
import { plainStringsContaining } from "../helpers/mocks/secretScan";
import { pathsAndKinds, problemsOfError } from "../helpers/data/problems";

const clusterName = "k8s.example.com";
const webhookKubeconfig = "apiVersion: v1\nkind: Config\n";
const bucketTypes = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
];
const objectType = "aws:s3/bucketObjectv2:BucketObjectv2";

/** A state store's args over the fake PKI values; the key arrives as a secret, as AuthenticatorPki gives it. */
function storeArgs(createBucket: boolean): KopsStateStoreArgs {
    return {
        clusterName,
        bucketName: "kops-state-example",
        createBucket,
        certPem: fakeCertPem,
        privateKeyPem: pulumi.secret(fakePrivateKeyPem),
        webhookKubeconfig,
        tags: { project: "kops-iam-auth" },
    };
}

function newStateStore(name: string, createBucket: boolean, extra: { forceDestroy?: boolean } = {}): KopsStateStore {
    return new KopsStateStore(name, { ...storeArgs(createBucket), ...extra });
}

async function settled(store: KopsStateStore): Promise<void> {
    await valueOf(store.stateStoreUrl);
    await settle();
}

describe("KopsStateStore with a new bucket", () => {
    let mocks: MockRecorder;
    let store: KopsStateStore;

    before(async () => {
        mocks = await installMocks();
        store = newStateStore("state", true);
        await settled(store);
    });

    it("registers the bucket, its settings and the three objects under the component", () => {
        assert.deepStrictEqual(mocks.resources.map((r) => `${r.type}/${r.name}`).sort(), [
            "aws:s3/bucket:Bucket/state-bucket",
            "aws:s3/bucketObjectv2:BucketObjectv2/state-cert-pem",
            "aws:s3/bucketObjectv2:BucketObjectv2/state-key-pem",
            "aws:s3/bucketObjectv2:BucketObjectv2/state-kubeconfig",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls/state-ownership",
            "aws:s3/bucketPolicy:BucketPolicy/state-tls-only",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock/state-public-access-block",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration/state-encryption",
            "aws:s3/bucketVersioning:BucketVersioning/state-versioning",
            "command:local:Command/state-purge-versions",
            "kops-iam-auth:index:KopsStateStore/state",
            "pulumi-nodejs:dynamic/kops:ImmutableClusterSettings/state-immutable",
        ]);
    });

    it("names the bucket, tags it, and keeps forceDestroy off by default", () => {
        assert.deepStrictEqual(mocks.one("aws:s3/bucket:Bucket").plainInputs, {
            bucket: "kops-state-example",
            forceDestroy: false,
            tags: { project: "kops-iam-auth" },
        });
    });

    it("turns versioning on", () => {
        assert.deepStrictEqual(mocks.one("aws:s3/bucketVersioning:BucketVersioning").plainInputs, {
            bucket: "kops-state-example",
            versioningConfiguration: { status: "Enabled" },
        });
    });

    it("encrypts by default with S3-managed keys and a bucket key", () => {
        assert.deepStrictEqual(
            mocks.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").plainInputs,
            {
                bucket: "kops-state-example",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
            },
        );
    });

    it("blocks all four kinds of public access", () => {
        assert.deepStrictEqual(mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").plainInputs, {
            bucket: "kops-state-example",
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
    });

    it("enforces bucket-owner object ownership (ACLs off)", () => {
        assert.deepStrictEqual(mocks.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").plainInputs, {
            bucket: "kops-state-example",
            rule: { objectOwnership: "BucketOwnerEnforced" },
        });
    });

    it("attaches the TLS-only policy for this bucket's ARN", () => {
        const policy = mocks.one("aws:s3/bucketPolicy:BucketPolicy").plainInputs;
        assert.strictEqual(policy.bucket, "kops-state-example");
        assert.deepStrictEqual(JSON.parse(policy.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::kops-state-example", "arn:aws:s3:::kops-state-example/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });

    it("writes the three files at the recipe's keys, encrypted, with their contents", () => {
        const objects = Object.fromEntries(mocks.byType(objectType).map((r) => [r.plainInputs.key, r.plainInputs]));
        assert.deepStrictEqual(objects, {
            "k8s.example.com/addons/authenticator/cert.pem": {
                bucket: "kops-state-example",
                key: "k8s.example.com/addons/authenticator/cert.pem",
                content: fakeCertPem,
                contentType: "application/x-pem-file",
                serverSideEncryption: "AES256",
            },
            "k8s.example.com/addons/authenticator/key.pem": {
                bucket: "kops-state-example",
                key: "k8s.example.com/addons/authenticator/key.pem",
                content: fakePrivateKeyPem,
                contentType: "application/x-pem-file",
                serverSideEncryption: "AES256",
            },
            "k8s.example.com/addons/authenticator/kubeconfig.yaml": {
                bucket: "kops-state-example",
                key: "k8s.example.com/addons/authenticator/kubeconfig.yaml",
                content: webhookKubeconfig,
                contentType: "application/yaml",
                serverSideEncryption: "AES256",
            },
        });
    });

    it("keeps key.pem's content secret, and only key.pem's, in its inputs and in the state", () => {
        const secretContents = mocks
            .byType(objectType)
            .filter((r) => isSecretValue(r.inputs.content))
            .map((r) => r.name);
        assert.deepStrictEqual(secretContents, ["state-key-pem"]);
        assert.deepStrictEqual(mocks.one(objectType, "state-key-pem").options.additionalSecretOutputs, ["content"]);
    });

    it("outputs the bucket, its ARN, the state store URL and the object keys", async () => {
        assert.strictEqual(await valueOf(store.bucketName), "kops-state-example");
        assert.strictEqual(await valueOf(store.bucketArn), "arn:aws:s3:::kops-state-example");
        assert.strictEqual(await valueOf(store.stateStoreUrl), "s3://kops-state-example");
        assert.deepStrictEqual(await valueOf(store.objectKeys), {
            certPem: "k8s.example.com/addons/authenticator/cert.pem",
            keyPem: "k8s.example.com/addons/authenticator/key.pem",
            kubeconfig: "k8s.example.com/addons/authenticator/kubeconfig.yaml",
        });
    });

    it("shows no private key in any plain input or output", async () => {
        const outputs = {
            bucketName: store.bucketName,
            bucketArn: store.bucketArn,
            stateStoreUrl: store.stateStoreUrl,
            objectKeys: store.objectKeys,
        };
        assert.deepStrictEqual(await plainStringsContaining("PRIVATE KEY", mocks.resources, outputs), []);
    });
});

describe("KopsStateStore ordering", () => {
    /** Each child's name → the names of the resources it explicitly depends on. */
    async function dependsOnByName(createBucket: boolean, claim?: ClusterClaimArgs): Promise<Record<string, string[]>> {
        await installMocks();
        const recorded: Array<{ name: string; dependsOn: pulumi.Resource[] }> = [];
        const record: pulumi.ResourceTransformation = ({ name, opts }) => {
            // The component passes plain arrays of resources; anything else shows up as a missing dependency.
            recorded.push({ name, dependsOn: Array.isArray(opts.dependsOn) ? (opts.dependsOn as pulumi.Resource[]) : [] });
            return undefined;
        };
        const store = new KopsStateStore(
            "order",
            {
                clusterName,
                bucketName: "kops-state-example",
                createBucket,
                certPem: fakeCertPem,
                privateKeyPem: pulumi.secret(fakePrivateKeyPem),
                webhookKubeconfig,
                region: "eu-west-1",
                claim,
            },
            { transformations: [record] },
        );
        await settled(store);
        const nameOf = async (r: pulumi.Resource) => (await valueOf(r.urn)).split("::").pop()!;
        return Object.fromEntries(
            await Promise.all(recorded.map(async (r) => [r.name, (await Promise.all(r.dependsOn.map(nameOf))).sort()] as const)),
        );
    }

    it("applies the bucket policy after the public access block, and writes no object before every protection", async () => {
        // The objects also wait for the purge command, so destroy deletes them before it runs (components/aws/statePurge.ts).
        const protections = [
            "order-encryption",
            "order-immutable",
            "order-ownership",
            "order-public-access-block",
            "order-purge-versions",
            "order-tls-only",
            "order-versioning",
        ];
        assert.deepStrictEqual(await dependsOnByName(true), {
            order: [],
            "order-immutable": [],
            "order-bucket": ["order-immutable"],
            "order-versioning": [],
            "order-encryption": [],
            "order-public-access-block": [],
            "order-ownership": [],
            "order-tls-only": ["order-public-access-block"],
            "order-purge-versions": ["order-bucket", "order-versioning"],
            "order-cert-pem": protections,
            "order-key-pem": protections,
            "order-kubeconfig": protections,
        });
    });

    it("with a claim: it runs after every protection and the objects wait for it (another stack's cluster is refused before any upload)", async () => {
        const protections = [
            "order-encryption",
            "order-immutable",
            "order-ownership",
            "order-public-access-block",
            "order-purge-versions",
            "order-tls-only",
            "order-versioning",
        ];
        const order = await dependsOnByName(true, { owner: "acme/kops-iam-auth/dev/dev-kops" });
        assert.deepStrictEqual(order["order-claim"], protections);
        for (const object of ["order-cert-pem", "order-key-pem", "order-kubeconfig"]) {
            assert.deepStrictEqual(order[object], [...protections, "order-claim"].sort(), object);
        }
        const existing = await dependsOnByName(false, { owner: "acme/kops-iam-auth/dev/dev-kops" });
        assert.deepStrictEqual(existing["order-claim"], ["order-immutable"]);
        assert.deepStrictEqual(existing["order-cert-pem"], ["order-claim", "order-immutable"]);
    });

    it("writes the objects into an existing bucket after the guard's check only", async () => {
        assert.deepStrictEqual(await dependsOnByName(false), {
            order: [],
            "order-immutable": [],
            "order-cert-pem": ["order-immutable"],
            "order-key-pem": ["order-immutable"],
            "order-kubeconfig": ["order-immutable"],
        });
    });
});

describe("KopsStateStore with an existing bucket", () => {
    let mocks: MockRecorder;
    let store: KopsStateStore;

    before(async () => {
        mocks = await installMocks();
        store = newStateStore("existing", false);
        await settled(store);
    });

    it("creates no bucket and no bucket settings", () => {
        for (const type of bucketTypes) {
            assert.deepStrictEqual(
                mocks.byType(type).map((r) => r.name),
                [],
                `${type} must not be created`,
            );
        }
    });

    it("creates only the three objects, in the named bucket, key.pem secret", () => {
        const objects = mocks.byType(objectType);
        assert.deepStrictEqual(objects.map((r) => [r.plainInputs.bucket, r.plainInputs.key]).sort(), [
            ["kops-state-example", "k8s.example.com/addons/authenticator/cert.pem"],
            ["kops-state-example", "k8s.example.com/addons/authenticator/key.pem"],
            ["kops-state-example", "k8s.example.com/addons/authenticator/kubeconfig.yaml"],
        ]);
        assert.ok(objects.every((r) => r.plainInputs.serverSideEncryption === "AES256"));
        assert.ok(isSecretValue(mocks.one(objectType, "existing-key-pem").inputs.content));
        assert.strictEqual(mocks.resources.length, 5, "the component, its guard and its three objects");
    });

    it("outputs the state store URL and no ARN", async () => {
        assert.strictEqual(await valueOf(store.stateStoreUrl), "s3://kops-state-example");
        assert.strictEqual(await valueOf(store.bucketArn), undefined);
    });
});

describe("KopsStateStore forceDestroy and secrecy", () => {
    it("passes forceDestroy through when asked", async () => {
        const mocks = await installMocks();
        await settled(newStateStore("forced", true, { forceDestroy: true }));
        assert.strictEqual(mocks.one("aws:s3/bucket:Bucket").plainInputs.forceDestroy, true);
    });

    // The engine deletes a resource that leaves the program, and deleting the purge command runs its
    // delete script: a forceDestroy flip on a running stack must neither drop it nor replace it.
    it("registers the same resources, the purge command with the same inputs, whether forceDestroy is on or off", async () => {
        const render = async (forceDestroy: boolean) => {
            const mocks = await installMocks();
            await settled(newStateStore("state", true, { forceDestroy }));
            return mocks;
        };
        const off = await render(false);
        const on = await render(true);
        const urns = (mocks: MockRecorder) => mocks.resources.map((r) => r.urn).sort();
        assert.deepStrictEqual(urns(on), urns(off));
        const purge = (mocks: MockRecorder) => mocks.one("command:local:Command", "state-purge-versions");
        assert.deepStrictEqual(purge(on).plainInputs, purge(off).plainInputs);
        assert.strictEqual(
            purge(on).plainInputs.triggers,
            undefined,
            "triggers would replace it (the command provider's only replacing input)",
        );
    });

    it("makes key.pem secret even when handed a plain key", async () => {
        const mocks = await installMocks();
        const store = new KopsStateStore("plain-key", {
            clusterName,
            bucketName: "kops-state-example",
            createBucket: false,
            certPem: fakeCertPem,
            privateKeyPem: fakePrivateKeyPem,
            webhookKubeconfig,
        });
        await settled(store);
        assert.ok(isSecretValue(mocks.one(objectType, "plain-key-key-pem").inputs.content));
        assert.deepStrictEqual(await plainStringsContaining("PRIVATE KEY", mocks.resources, {}), []);
    });
});

describe("KopsStateStore's guard", () => {
    const guardType = "pulumi-nodejs:dynamic/kops:ImmutableClusterSettings";

    /** The guard's inputs as the state store records them, and its provider as the engine loads it. */
    async function guardOf(bucketName: string, createBucket: boolean) {
        const mocks = await installMocks();
        await settled(new KopsStateStore("state", { ...storeArgs(createBucket), bucketName }));
        const guard = mocks.one(guardType, "state-immutable");
        const requireFromString = require(
            require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }),
        );
        const provider: pulumi.dynamic.ResourceProvider = requireFromString(guard.plainInputs.__provider).handler();
        return { inputs: guard.plainInputs, provider };
    }

    it("records the bucket and whether the stack created it, under the cluster's name", async () => {
        const { __provider, ...recorded } = (await guardOf("kops-state-example", true)).inputs;
        assert.strictEqual(typeof __provider, "string");
        assert.deepStrictEqual(recorded, {
            cluster: clusterName,
            stateBucketName: "kops-state-example",
            createStateBucket: true,
        });
    });

    for (const [setting, bucketName, createBucket, values] of [
        ["stateBucketName", "kops-state-other", true, '"kops-state-example" to "kops-state-other"'],
        ["createStateBucket", "kops-state-example", false, "true to false"],
    ] as const) {
        it(`refuses a ${setting} change at preview (${values}), naming both values, why and what to do instead`, async () => {
            const before = await guardOf("kops-state-example", true);
            const after = await guardOf(bucketName, createBucket);
            const refused = await after.provider.check!(before.inputs, after.inputs);
            assert.strictEqual(refused.failures?.length, 1, JSON.stringify(refused.failures));
            assert.match(
                refused.failures![0].reason,
                new RegExp(
                    `^cluster k8s\\.example\\.com: ${setting} cannot change from ${values}: .+\\. Keep .+ Nothing was changed`,
                ),
            );
            assert.deepStrictEqual((await after.provider.check!({}, after.inputs)).failures, []);
            assert.deepStrictEqual((await after.provider.check!(after.inputs, after.inputs)).failures, []);
        });
    }

    it("the bucket and every object wait for the guard", async () => {
        const mocks = await installMocks();
        await settled(newStateStore("state", true));
        const guardUrn = mocks.one(guardType, "state-immutable").urn;
        for (const resource of [mocks.one("aws:s3/bucket:Bucket"), ...mocks.byType(objectType)]) {
            assert.ok(resource.options.dependencies.includes(guardUrn), `${resource.name} does not wait for the guard`);
        }
    });
});

describe("KopsStateStore claim", () => {
    it("a read-only kops command: claim.sh create/update, no delete, the cluster, its owner and adoption in its environment", async () => {
        const mocks = await installMocks();
        await settled(
            new KopsStateStore("claimed", {
                clusterName,
                bucketName: "kops-state-example",
                createBucket: false,
                certPem: fakeCertPem,
                privateKeyPem: pulumi.secret(fakePrivateKeyPem),
                webhookKubeconfig,
                region: "eu-west-1",
                awsProfile: "ops",
                claim: { owner: "acme/kops-iam-auth/dev/dev-kops", kopsBinary: "/opt/kops", adoptExisting: true },
            }),
        );
        const claim = mocks.one("command:local:Command", "claimed-claim");
        const run = (script: string) =>
            `node -e 'require("kops-iam-auth/kops-helper").main(process.argv.slice(1))' run ${script}`;
        assert.deepStrictEqual(claim.plainInputs, {
            create: run("claim.sh create"),
            update: run("claim.sh update"),
            environment: {
                KOPS_BIN: "/opt/kops",
                CLUSTER_NAME: clusterName,
                STATE_STORE: "s3://kops-state-example",
                AWS_REGION: "eu-west-1",
                AWS_PROFILE: "ops",
                CLUSTER_OWNER: "acme/kops-iam-auth/dev/dev-kops",
                ADOPT_EXISTING: "true",
            },
            addPreviousOutputInEnv: false,
        });
    });

    it("refuses a claim without a region", () => {
        assert.throws(
            () =>
                new KopsStateStore("no-region", {
                    clusterName,
                    bucketName: "kops-state-example",
                    createBucket: false,
                    certPem: fakeCertPem,
                    privateKeyPem: fakePrivateKeyPem,
                    webhookKubeconfig,
                    claim: { owner: "acme/kops-iam-auth/dev/dev-kops" },
                }),
            (error: unknown) => {
                assert.deepStrictEqual(pathsAndKinds(problemsOfError(error)), [["region", "required"]]);
                return true;
            },
        );
    });
});
