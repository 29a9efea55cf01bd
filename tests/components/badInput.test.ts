// Bad input reaching the components (issue 12), under Pulumi's mocks: KopsCluster's extra flags and
// region, and a mapRoles entry repeating a role AccessRoles creates (the state bucket: stateBucketCheck.test.ts).
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AccessRoles } from "../../components/aws/accessRoles";
import { parseStackSettings } from "../../components/settings/validate";
import { KopsIamCluster } from "../../components/kopsIamCluster";
import { KopsCluster, KopsClusterArgs } from "../../components/kops/cluster";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { fakeAccountId, fakeCertPem, installMocks, settle, valueOf } from "../helpers/mocks/pulumiMocks";

/** An output's value, or its error (valueOf waits forever on a failed output). */
function outcome<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as any).promise();
}

const baseArgs: KopsClusterArgs = {
    clusterName: "dev.example.com",
    stateStoreUrl: pulumi.output("s3://kops-state-example"),
    region: "eu-west-1",
    zones: ["eu-west-1a"],
    kubernetesVersion: "1.34.10",
    webhookKubeconfig: pulumi.output(renderWebhookKubeconfig(fakeCertPem)),
};

describe("KopsCluster checks its extraFlags with the stack config's allow-list", () => {
    it("refuses --cloud=gce, --dns=public, --v=10 and --config=..., naming each, before registering any command", async () => {
        const mocks = await installMocks();
        assert.throws(
            () =>
                new KopsCluster("flags", {
                    ...baseArgs,
                    extraFlags: ["--node-volume-size=64", "--cloud=gce", "--dns=public", "--v=10", "--config=/tmp/kops.yaml"],
                }),
            (error: Error) => {
                assert.match(error.message, /^KopsCluster flags \(cluster dev\.example\.com\): /);
                assert.match(error.message, /extraFlags\[1\]: flag --cloud \(value "gce"\) is set by this project/);
                assert.match(error.message, /extraFlags\[2\]: flag --dns \(value "public"\)/);
                assert.match(error.message, /extraFlags\[3\]: flag --v \(value "10"\) is not allowed/);
                assert.match(error.message, /extraFlags\[4\]: flag --config \(value "\/tmp\/kops.yaml"\) is not allowed/);
                assert.doesNotMatch(error.message, /extraFlags\[0\]/);
                return true;
            },
        );
        await settle();
        assert.deepStrictEqual(
            mocks.resources.filter((r) => r.custom).map((r) => r.name),
            [],
        );
    });

    it("refuses a value in an item of its own (kops would read it as an argument, or the next flag as the value)", async () => {
        await installMocks();
        assert.throws(
            () => new KopsCluster("split", { ...baseArgs, extraFlags: ["--image", "ami-0123456789abcdef0"] }),
            /extraFlags\[0\]: flag --image needs a value in the same item.*extraFlags\[1\]: "ami-0123456789abcdef0" is not a flag/,
        );
    });

    it("accepts allowed flags", async () => {
        await installMocks();
        assert.doesNotThrow(() => new KopsCluster("ok", { ...baseArgs, extraFlags: ["--node-volume-size=64", "--bastion"] }));
        await settle();
    });

    it("checks the region by the config's rule: eusc-de-east-1 passes, a malformed one is refused", async () => {
        await installMocks();
        assert.doesNotThrow(() => new KopsCluster("eusc", { ...baseArgs, region: "eusc-de-east-1", zones: ["eusc-de-east-1a"] }));
        assert.throws(
            () => new KopsCluster("badregion", { ...baseArgs, region: "EU-West-1", zones: ["EU-West-1a"] }),
            /region is "EU-West-1"; expected an AWS region name like eu-west-1/,
        );
        await settle();
    });
});

describe("AccessRoles refuses a mapRoles entry that repeats a role it creates", () => {
    for (const [what, roleArn] of [
        ["the same ARN", `arn:aws:iam::${fakeAccountId}:role/KubernetesAdmin`],
        ["another letter case and an IAM path", `arn:aws:iam::${fakeAccountId}:role/people/kubernetesadmin`],
    ]) {
        it(`${what}: named as mapRoles[1].roleArn and accessRoles[0], before the ConfigMap could render`, async () => {
            await installMocks();
            const roles = new AccessRoles("dup", {
                mapRoles: [
                    { roleArn: "arn:aws:iam::210987654321:role/Other", username: "other", groups: [] },
                    { roleArn, username: "admin-again", groups: ["system:masters"] },
                ],
            });
            await assert.rejects(outcome(roles.mappings), (error: Error) => {
                assert.match(
                    error.message,
                    new RegExp(
                        `^AccessRoles dup: mapRoles\\[1\\]\\.roleArn is "${roleArn.replace(/[/.]/g, "\\$&")}", ` +
                            "the same identity as accessRoles\\[0\\] \\(the role KubernetesAdmin this stack creates\\)",
                    ),
                );
                return true;
            });
            await settle().catch(() => undefined);
        });
    }

    it("a role of the same name in another account is another identity", async () => {
        await installMocks();
        const roles = new AccessRoles("other", {
            mapRoles: [{ roleArn: "arn:aws:iam::210987654321:role/KubernetesAdmin", username: "theirs", groups: [] }],
        });
        const mappings = await valueOf(roles.mappings);
        assert.strictEqual(mappings.mapRoles.length, 2);
        await settle();
    });
});

describe("KopsIamCluster refuses a mapRoles entry repeating a created role before registering anything (issue 17)", () => {
    // Settings made by hand (a program that skips parseStackSettings): the component checks them itself.
    // The mocks' account is AWS documentation's 123456789012: allowed, so that only the repeat is refused.
    const settings = parseStackSettings(
        { clusterName: "dev.example.com", stateBucketName: "kops-state-example", allowExampleAccounts: true },
        "eu-west-1",
    );
    for (const [what, roleArn] of [
        ["the created role's ARN", `arn:aws:iam::${fakeAccountId}:role/KubernetesAdmin`],
        ["another letter case and an IAM path", `arn:aws:iam::${fakeAccountId}:role/people/kubernetesadmin`],
    ]) {
        it(`${what}: a plain refusal from the constructor, and no resource registered`, async () => {
            const mocks = await installMocks();
            assert.throws(
                () =>
                    new KopsIamCluster("dup", {
                        ...settings,
                        mapRoles: [{ roleArn, username: "admin-again", groups: ["system:masters"] }],
                    }),
                (error: Error) => {
                    assert.match(
                        error.message,
                        new RegExp(
                            "^KopsIamCluster dup: its args have 1 problem:\\n {2}- " +
                                `mapRoles\\[0\\]\\.roleArn: "${roleArn.replace(/[/.]/g, "\\$&")}" is not allowed: ` +
                                "accessRoles\\[0\\] creates the role KubernetesAdmin",
                        ),
                    );
                    assert.doesNotMatch(error.message, /serializ/);
                    return true;
                },
            );
            await settle();
            assert.deepStrictEqual(
                mocks.resources.map((r) => `${r.type} ${r.name}`),
                [],
            );
        });
    }
});
