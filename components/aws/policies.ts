// IAM and S3 policy documents, built as data and serialized by the components with JSON.stringify.

/** One statement of an IAM policy document (the subset these policies use). */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal: "*" | { AWS: string | string[] };
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export interface TrustPolicyOptions {
    /** The account whose root is trusted when no principals are listed (12 digits). */
    accountId: string;
    /**
     * The AWS partition of that account.
     * @default `aws`
     */
    partition?: string;
    /** Principal ARNs allowed to assume the role; empty or absent: the account root. */
    trustedPrincipals?: string[];
    /** Only sessions signed in with MFA may assume the role. */
    requireMfa?: boolean;
}

/**
 * The assume-role (trust) policy of an access role. Trusting the account root, as the 2018 recipe
 * does, delegates the decision to the account's IAM policies: any principal there that is allowed
 * sts:AssumeRole on the role may take it.
 */
export function renderTrustPolicy(options: TrustPolicyOptions): PolicyDocument {
    const principals =
        options.trustedPrincipals && options.trustedPrincipals.length > 0
            ? options.trustedPrincipals
            : [`arn:${options.partition ?? "aws"}:iam::${options.accountId}:root`];
    const statement: PolicyStatement = {
        Effect: "Allow",
        // One principal as a string, several as a list: the forms IAM itself returns.
        Principal: { AWS: principals.length === 1 ? principals[0] : [...principals] },
        Action: "sts:AssumeRole",
    };
    if (options.requireMfa) {
        statement.Condition = { Bool: { "aws:MultiFactorAuthPresent": "true" } };
    }
    return { Version: "2012-10-17", Statement: [statement] };
}

/**
 * The state store's bucket policy: every request not made over TLS is denied, whoever makes it.
 * The bucket holds the authenticator's private key and kOps' cluster secrets.
 */
export function renderTlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
