import * as assert from "assert";
import { canonicalizeIdentityMappings } from "../../components/authenticator/configFile";

/** The role ARN config.yaml gets for `roleArn`. */
function canonicalRoleArn(roleArn: string): string {
    return canonicalizeIdentityMappings({ mapRoles: [{ roleArn, username: "u", groups: [] }], mapUsers: [], mapAccounts: [] })
        .mappings.mapRoles[0].roleArn;
}

describe("role ARNs in config.yaml", () => {
    it("keeps a role ARN without a path as it is", () => {
        assert.strictEqual(
            canonicalRoleArn("arn:aws:iam::123456789012:role/KubernetesAdmin"),
            "arn:aws:iam::123456789012:role/KubernetesAdmin",
        );
    });

    it("drops the IAM path, which the authenticator's canonical caller ARN never has", () => {
        assert.strictEqual(
            canonicalRoleArn("arn:aws:iam::123456789012:role/teams/platform/Ops"),
            "arn:aws:iam::123456789012:role/Ops",
        );
        assert.strictEqual(
            canonicalRoleArn("arn:aws-us-gov:iam::123456789012:role/x/Dev"),
            "arn:aws-us-gov:iam::123456789012:role/Dev",
        );
    });

    it("refuses what is not a role ARN, naming it", () => {
        assert.throws(
            () => canonicalRoleArn("arn:aws:iam::123456789012:user/alice"),
            /"arn:aws:iam::123456789012:user\/alice"[^\n]*role\//,
        );
        assert.throws(() => canonicalRoleArn("arn:aws:iam::1234:role/X"), /"arn:aws:iam::1234:role\/X"[^\n]*12 digits/);
    });
});
