// The state bucket checked at preview (issue 12), under Pulumi's mocks: Cloud Control's answers are
// mocked, since the aws provider cannot run here (components/aws/stateBucketCheck.ts says what is real).
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { StateBucketFacts, stateBucketProblem } from "../../components/aws/stateBucketCheck";
import { KopsStateStore } from "../../components/aws/stateStore";
import { fakeCertPem, fakePrivateKeyPem, installMocks, settle, valueOf } from "../helpers/mocks/pulumiMocks";

/** An output's value, or its error (valueOf waits forever on a failed output). */
function outcome<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as any).promise();
}

const ccToken = "aws:cloudcontrol/getResource:getResource";
const privateEncrypted = JSON.stringify({
    BucketName: "kops-state-example",
    PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
    },
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
});
/** The engine hands a provider's error to the program as the message of the gRPC error (its `details`). */
const notFound = () => {
    const message = "reading Cloud Control API (AWS::S3::Bucket) Resource (kops-state-example): couldn't find resource";
    throw Object.assign(new Error(message), { details: message });
};

/** A KopsStateStore under preview mocks where Cloud Control answers `lookup`; the bucket is new unless `inState`. */
async function previewStore(createBucket: boolean, lookup: () => Record<string, any>, inState = false) {
    const calls: string[] = [];
    await installMocks({
        preview: true,
        call: (args) => {
            if (args.token !== ccToken) {
                return undefined;
            }
            calls.push(`${args.inputs.typeName} ${args.inputs.identifier}`);
            return lookup();
        },
        // At preview a bucket not yet in the state has an unknown ARN.
        extraState: (type) => (type === "aws:s3/bucket:Bucket" && !inState ? { arn: pulumi.runtime.unknownValue } : undefined),
    });
    const store = new KopsStateStore("state", {
        clusterName: "dev.example.com",
        bucketName: "kops-state-example",
        createBucket,
        certPem: fakeCertPem,
        privateKeyPem: pulumi.secret(fakePrivateKeyPem),
        webhookKubeconfig: "apiVersion: v1\nkind: Config\n",
    });
    return { store, calls };
}

/** The error the preview fails with, or undefined. */
async function previewError(store: KopsStateStore): Promise<string | undefined> {
    try {
        await outcome(store.stateStoreUrl);
        await settle();
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}

describe("KopsStateStore checks the bucket at preview, with the fix in the message", () => {
    it("createStateBucket true, the bucket already exists: refused before the provider's raw error, saying what to set", async () => {
        const { store, calls } = await previewStore(true, () => ({
            typeName: "AWS::S3::Bucket",
            identifier: "kops-state-example",
            properties: privateEncrypted,
        }));
        const error = await previewError(store);
        assert.deepStrictEqual(calls, ["AWS::S3::Bucket kops-state-example"]);
        // The refusal reaches the test inside the mock engine's serialization error: its text is what the user reads.
        assert.match(
            error ?? "",
            /stateBucketName: "kops-state-example" is not allowed: a bucket name not taken in this AWS account/,
        );
        assert.match(error ?? "", /createStateBucket is true/);
        assert.match(error ?? "", /pulumi config set createStateBucket false/);
        assert.match(error ?? "", /pulumi config set stateBucketName <new name>/);
    });

    it("createStateBucket true, no such bucket: passes", async () => {
        const { store } = await previewStore(true, notFound);
        assert.strictEqual(await previewError(store), undefined);
    });

    it("createStateBucket true, the bucket is this stack's own (in its state): passes", async () => {
        const { store } = await previewStore(true, () => ({ properties: privateEncrypted }), true);
        assert.strictEqual(await previewError(store), undefined);
    });

    it("createStateBucket false, the bucket is public and unencrypted: refused, with the two aws s3api commands that fix it", async () => {
        const { store } = await previewStore(false, () => ({
            properties: JSON.stringify({
                PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false },
            }),
        }));
        const error = (await previewError(store)) ?? "";
        assert.match(error, /stateBucketName: "kops-state-example" is not allowed: a private and encrypted bucket/);
        assert.match(error, /the existing bucket \(createStateBucket false\) holds the cluster's secrets/);
        assert.match(error, /Block Public Access settings BlockPublicPolicy, RestrictPublicBuckets are off/);
        assert.match(error, /aws s3api put-public-access-block --bucket kops-state-example/);
        assert.match(error, /aws s3api put-bucket-encryption --bucket kops-state-example/);
    });

    it("createStateBucket false, the bucket does not exist: refused, saying to create it or set createStateBucket true", async () => {
        const { store } = await previewStore(false, notFound);
        assert.match(
            (await previewError(store)) ?? "",
            /stateBucketName: "kops-state-example" is not allowed: a bucket that exists in this AWS account .*pulumi config set createStateBucket true/,
        );
    });

    it("createStateBucket false, private and encrypted: passes", async () => {
        const { store } = await previewStore(false, () => ({ properties: privateEncrypted }));
        assert.strictEqual(await previewError(store), undefined);
    });

    it("each refusal is a problem of stateBucketName: taken (duplicate), missing or open (invalid)", () => {
        const kindOf = (createBucket: boolean, creating: boolean, facts: StateBucketFacts) => {
            const problem = stateBucketProblem("b", createBucket, creating, facts);
            return problem && [problem.path, problem.kind, problem.value];
        };
        const open: StateBucketFacts = { found: true, publicAccessBlock: {}, encryptionRules: [] };
        assert.deepStrictEqual(kindOf(true, true, open), ["stateBucketName", "duplicate", "b"]);
        assert.deepStrictEqual(kindOf(false, false, { found: false }), ["stateBucketName", "invalid", "b"]);
        assert.deepStrictEqual(kindOf(false, false, open), ["stateBucketName", "invalid", "b"]);
        assert.strictEqual(kindOf(true, false, open), undefined);
    });

    it("a lookup that fails for another reason (no permission) warns and does not block", () => {
        assert.strictEqual(stateBucketProblem("b", false, false, { found: "unknown", error: "AccessDenied" }), undefined);
        assert.strictEqual(stateBucketProblem("b", true, true, { found: "unknown", error: "AccessDenied" }), undefined);
    });

    it("outside a preview (the update itself) it looks nothing up", async () => {
        const calls: string[] = [];
        await installMocks({
            call: (args) => {
                if (args.token === ccToken) {
                    calls.push(args.token);
                }
                return undefined;
            },
        });
        const store = new KopsStateStore("state", {
            clusterName: "dev.example.com",
            bucketName: "kops-state-example",
            createBucket: false,
            certPem: fakeCertPem,
            privateKeyPem: pulumi.secret(fakePrivateKeyPem),
            webhookKubeconfig: "apiVersion: v1\nkind: Config\n",
        });
        await valueOf(store.stateStoreUrl);
        await settle();
        assert.deepStrictEqual(calls, []);
    });
});
