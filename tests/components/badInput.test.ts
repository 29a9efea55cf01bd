// Bad input reaching the components (issue 12), under Pulumi's mocks: KopsCluster's extra flags and
// region, and a mapRoles entry repeating a role AccessRoles creates (the state bucket: stateBucketCheck.test.ts).
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AccessRoles } from "../../components/aws/accessRoles";
import { parseStackSettings } from "../../components/settings";
import { KopsIamCluster } from "../../components/kopsIamCluster";
import { KopsCluster, KopsClusterArgs } from "../../components/kops/cluster";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { fakeAccountId, fakeCertPem, installMocks, settle, valueOf } from "../helpers/mocks/pulumiMocks";
import { pathsAndKinds, problemsOfError, refusedWith, rejectedWith, said } from "../helpers/data/problems";

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
        const flags = ["--node-volume-size=64", "--cloud=gce", "--dns=public", "--v=10", "--config=/tmp/kops.yaml"];
        const problems = refusedWith(
            () => new KopsCluster("flags", { ...baseArgs, extraFlags: flags }),
            [
                ["extraFlags[1]", "forbidden"],
                ["extraFlags[2]", "forbidden"],
                ["extraFlags[3]", "forbidden"],
                ["extraFlags[4]", "forbidden"],
            ],
        );
        assert.deepStrictEqual(
            problems.map((problem) => problem.value),
            flags.slice(1),
        );
        assert.throws(
            () => new KopsCluster("flags", { ...baseArgs, extraFlags: flags }),
            /^ProblemsError: KopsCluster flags of cluster dev\.example\.com \(4 problems\):/,
        );
        await settle();
        assert.deepStrictEqual(
            mocks.resources.filter((r) => r.custom).map((r) => r.name),
            [],
        );
    });

    it("refuses a value in an item of its own (kops would read it as an argument, or the next flag as the value)", async () => {
        await installMocks();
        const [image, ami] = refusedWith(
            () => new KopsCluster("split", { ...baseArgs, extraFlags: ["--image", "ami-0123456789abcdef0"] }),
            [
                ["extraFlags[0]", "invalid"],
                ["extraFlags[1]", "invalid"],
            ],
        );
        assert.match(said(image), /flag --image needs a value in the same item/);
        assert.match(said(ami), /^a flag; write each flag as one item --flag=value/);
    });

    it("accepts allowed flags", async () => {
        await installMocks();
        assert.doesNotThrow(() => new KopsCluster("ok", { ...baseArgs, extraFlags: ["--node-volume-size=64", "--bastion"] }));
        await settle();
    });

    it("checks the region by the config's rule: eusc-de-east-1 passes, a malformed one is refused", async () => {
        await installMocks();
        assert.doesNotThrow(() => new KopsCluster("eusc", { ...baseArgs, region: "eusc-de-east-1", zones: ["eusc-de-east-1a"] }));
        refusedWith(
            () => new KopsCluster("badregion", { ...baseArgs, region: "EU-West-1", zones: ["EU-West-1a"] }),
            [["region", "invalid"]],
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
            const [problem] = await rejectedWith(outcome(roles.mappings), [["mapRoles[1].roleArn", "duplicate"]]);
            assert.strictEqual(problem.value, roleArn);
            assert.match(said(problem), /the same identity as accessRoles\[0\] \(the role KubernetesAdmin this stack creates\)/);
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
                    assert.match(error.message, /^KopsIamCluster dup: its args have 1 problem:\n/);
                    assert.deepStrictEqual(pathsAndKinds(problemsOfError(error)), [["mapRoles[0].roleArn", "duplicate"]]);
                    assert.match(said(problemsOfError(error)[0]), /accessRoles\[0\] creates the role KubernetesAdmin/);
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
