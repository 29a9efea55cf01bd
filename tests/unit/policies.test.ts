import * as assert from "assert";
import { renderTlsOnlyBucketPolicy, renderTrustPolicy } from "../../components/aws/policies";

// The components store JSON.stringify of these documents; compare that JSON's parse, as AWS reads it.
const asAwsReadsIt = (document: unknown) => JSON.parse(JSON.stringify(document));

describe("renderTrustPolicy", () => {
    it("trusts the account root by default (the 2018 recipe)", () => {
        assert.deepStrictEqual(asAwsReadsIt(renderTrustPolicy({ accountId: "123456789012" })), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::123456789012:root" },
                    Action: "sts:AssumeRole",
                },
            ],
        });
    });

    it("uses the account's partition", () => {
        const policy = renderTrustPolicy({ accountId: "123456789012", partition: "aws-cn" });
        assert.deepStrictEqual(policy.Statement[0].Principal, { AWS: "arn:aws-cn:iam::123456789012:root" });
    });

    it("treats an empty principal list as the default", () => {
        const policy = renderTrustPolicy({ accountId: "123456789012", trustedPrincipals: [] });
        assert.deepStrictEqual(policy.Statement[0].Principal, { AWS: "arn:aws:iam::123456789012:root" });
    });

    it("trusts only the listed principals when given", () => {
        const principals = ["arn:aws:iam::111122223333:role/Ops", "arn:aws:iam::111122223333:user/alice"];
        assert.deepStrictEqual(asAwsReadsIt(renderTrustPolicy({ accountId: "123456789012", trustedPrincipals: principals })), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: principals },
                    Action: "sts:AssumeRole",
                },
            ],
        });
    });

    it("writes a single listed principal as a string, as IAM returns it", () => {
        const policy = renderTrustPolicy({
            accountId: "123456789012",
            trustedPrincipals: ["arn:aws:iam::111122223333:role/Ops"],
        });
        assert.deepStrictEqual(policy.Statement[0].Principal, { AWS: "arn:aws:iam::111122223333:role/Ops" });
    });

    it("adds the MFA condition when required", () => {
        assert.deepStrictEqual(asAwsReadsIt(renderTrustPolicy({ accountId: "123456789012", requireMfa: true })), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::123456789012:root" },
                    Action: "sts:AssumeRole",
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                },
            ],
        });
    });
});

describe("renderTlsOnlyBucketPolicy", () => {
    it("denies every S3 action over plain HTTP on the bucket and its objects", () => {
        assert.deepStrictEqual(asAwsReadsIt(renderTlsOnlyBucketPolicy("arn:aws:s3:::kops-state")), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::kops-state", "arn:aws:s3:::kops-state/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });
});
