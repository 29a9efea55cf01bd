import * as assert from "assert";
import { canonicalizeIdentityMappings } from "../../components/authenticator/configFile";
import { refusedWith, said } from "../helpers/data/problems";

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
        const [user] = refusedWith(
            () => canonicalRoleArn("arn:aws:iam::123456789012:user/alice"),
            [["mapRoles[0].roleArn", "invalid"]],
        );
        assert.strictEqual(user.value, "arn:aws:iam::123456789012:user/alice");
        assert.match(said(user), /role\//);
        const [account] = refusedWith(() => canonicalRoleArn("arn:aws:iam::1234:role/X"), [["mapRoles[0].roleArn", "invalid"]]);
        assert.match(said(account), /12 digits/);
    });
});
