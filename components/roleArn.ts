// aws-iam-authenticator's MountedFile backend compares a mapping's rolearn with the caller's
// canonical ARN, `arn:<partition>:iam::<account>:role/<name>`, which never has an IAM path
// (pkg/arn Canonicalize turns assumed-role/<name>/<session> into role/<name>). A rolearn with a
// path would never match.

const roleArnPattern = /^arn:([a-z0-9-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;

/** The role ARN without its IAM path: `arn:aws:iam::1…:role/team/Dev` → `arn:aws:iam::1…:role/Dev`. */
export function canonicalRoleArn(arn: string): string {
    const match = roleArnPattern.exec(arn);
    if (!match) {
        throw new Error(`role ARN ${JSON.stringify(arn)} is not an IAM role ARN ` +
            "(expected arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>)");
    }
    const [, partition, account, name] = match;
    return `arn:${partition}:iam::${account}:role/${name}`;
}
