// The state bucket, checked at preview before anything is created: with createStateBucket true, a
// bucket of that name must not exist yet (else the create fails mid-deploy with the provider's raw
// BucketAlreadyOwnedByYou/BucketAlreadyExists); with createStateBucket false, it must exist and be
// private (all four S3 Block Public Access settings on) and encrypted by default, because it holds
// the cluster's secrets (kOps' PKI, the authenticator's key).
//
// What AWS says about the bucket comes from the Cloud Control API (aws.cloudcontrol.getResource,
// type AWS::S3::Bucket), the one data source of @pulumi/aws 7.48 that reads a bucket's public
// access block and default encryption. Tested here under Pulumi's mocks only (the aws provider
// cannot run on this machine); the not-found error text is matched loosely, and any other lookup
// error (no cloudformation:GetResource permission, say) only warns, never blocks.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { duplicate, invalid, Problem, refuse } from "../core/problems";

/** What the lookup found at the bucket's name. */
export type StateBucketFacts =
    | { found: false }
    | { found: true; publicAccessBlock: Record<string, unknown> | undefined; encryptionRules: unknown[] }
    | { found: "unknown"; error: string };

const publicAccessBlockSettings = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

/** Reads the bucket through Cloud Control; a not-found error is `found: false`. */
export async function lookUpStateBucket(bucketName: string, opts: pulumi.InvokeOptions = {}): Promise<StateBucketFacts> {
    try {
        const result = await aws.cloudcontrol.getResource({ typeName: "AWS::S3::Bucket", identifier: bucketName }, opts);
        const properties = JSON.parse(result.properties || "{}");
        return {
            found: true,
            publicAccessBlock: properties.PublicAccessBlockConfiguration,
            encryptionRules: properties.BucketEncryption?.ServerSideEncryptionConfiguration ?? [],
        };
    } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        if (/ResourceNotFound|NotFound|couldn't find resource|does not exist|NoSuchBucket/i.test(text)) {
            return { found: false };
        }
        return { found: "unknown", error: text };
    }
}

/**
 * The problem with the bucket (stateBucketName), with the fix in its hint; undefined when there is none.
 * `creating`: this update would create the bucket (it is not in the stack's state yet).
 */
export function stateBucketProblem(
    bucketName: string,
    createBucket: boolean,
    creating: boolean,
    facts: StateBucketFacts,
): Problem | undefined {
    if (facts.found === "unknown") {
        return undefined;
    }
    if (createBucket) {
        if (!creating || !facts.found) {
            return undefined;
        }
        return duplicate(
            "stateBucketName",
            bucketName,
            "a bucket name not taken in this AWS account: createStateBucket is true, so the stack would try to create it again",
            "either use it: pulumi config set createStateBucket false (it must be private and encrypted; the stack then " +
                "only adds the authenticator's files to it and never deletes it); or pick a new name: pulumi config set " +
                `stateBucketName <new name>. If this stack created ${bucketName} and lost it from its state, import it instead: ` +
                `pulumi import aws:s3/bucket:Bucket <the bucket's resource name> ${bucketName}`,
        );
    }
    if (!facts.found) {
        return invalid(
            "stateBucketName",
            bucketName,
            "a bucket that exists in this AWS account (and aws:region): createStateBucket is false",
            "create it (private, encrypted, versioned), or let the stack create it: pulumi config set createStateBucket true",
        );
    }
    const fixes: string[] = [];
    const block = facts.publicAccessBlock ?? {};
    const off = publicAccessBlockSettings.filter((setting) => block[setting] !== true);
    if (off.length > 0) {
        fixes.push(
            `its Block Public Access settings ${off.join(", ")} are off; turn all four on: ` +
                `aws s3api put-public-access-block --bucket ${bucketName} --public-access-block-configuration ` +
                "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
        );
    }
    if (facts.encryptionRules.length === 0) {
        fixes.push(
            "it has no default encryption; turn it on: " +
                `aws s3api put-bucket-encryption --bucket ${bucketName} --server-side-encryption-configuration ` +
                '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"},"BucketKeyEnabled":true}]}\'',
        );
    }
    return fixes.length === 0
        ? undefined
        : invalid(
              "stateBucketName",
              bucketName,
              "a private and encrypted bucket: the existing bucket (createStateBucket false) holds the cluster's secrets",
              `${fixes.join("; and ")}. Then run pulumi up again`,
          );
}

/**
 * At preview, looks the bucket up and fails with stateBucketProblem's problem; resolves to the bucket
 * name. `creating` resolves to whether the update creates the bucket. Outside a preview (the update
 * itself, after the preview passed) it looks nothing up.
 */
export function checkedStateBucketName(
    bucketName: string,
    createBucket: boolean,
    creating: Promise<boolean>,
    opts: pulumi.InvokeOptions,
): pulumi.Output<string> {
    if (!pulumi.runtime.isDryRun()) {
        return pulumi.output(bucketName);
    }
    return pulumi.output(
        (async () => {
            const facts = await lookUpStateBucket(bucketName, opts);
            if (facts.found === "unknown") {
                pulumi.log.warn(
                    `Could not check the state bucket ${bucketName} (${facts.error}); make sure it ` +
                        (createBucket ? "does not exist yet" : "is private and encrypted"),
                    opts.parent,
                );
            }
            const problem = stateBucketProblem(bucketName, createBucket, await creating, facts);
            if (problem !== undefined) {
                refuse(`the kOps state store bucket ${bucketName}`, problem);
            }
            return bucketName;
        })(),
    );
}
