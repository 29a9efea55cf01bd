// KopsIamCluster's args that take Outputs (issue 22), under Pulumi's mocks: an Output is checked by
// the stack config's rule once it resolves and refused naming the argument; one unknown at preview is
// not refused; a secret one stays secret where it lands; resolved values reach the parts as plain
// ones do.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { KopsIamCluster } from "../../components/kopsIamCluster";
import { checkedKopsIamClusterArgs } from "../../components/settings/programArgs";
import { ConfigError } from "../../components/settings";
import { formatProblem } from "../../components/core/problems";
import { pathsAndKinds, rejectedWith, said } from "../helpers/data/problems";
import { installMocks, isSecretValue, settle, unwrapSecrets } from "../helpers/mocks/pulumiMocks";

const region = "eu-west-1";
const commandType = "command:local:Command";
const configMapType = "kubernetes:core/v1:ConfigMap";
const roleType = "aws:iam/role:Role";
const required = { clusterName: "dev.example.com", stateBucketName: "kops-state-example", region };
const deployer = "arn:aws:iam::210987654321:role/Deployer";
const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq0Ve2pDdfdD2zjWKahMBTq8rFxXgSCNT0fXvC1pHk0 ci@example";

/** An Output's value or its error: Output.promise() is the SDK's own (internal), and the only way to see a rejected Output. */
function outcome<T>(input: pulumi.Input<T>): Promise<T> {
    return (pulumi.output(input) as unknown as { promise(): Promise<T> }).promise();
}

/** An Output that is unknown, as a preview has one of a resource not created yet. */
function unknownOutput<T>(): pulumi.Output<T> {
    return pulumi.output(pulumi.unknown) as unknown as pulumi.Output<T>;
}

describe("KopsIamCluster: args that are Outputs", () => {
    it("resolved values reach the state store, the spec command and the ConfigMap as plain ones do", async () => {
        const mocks = await installMocks();
        new KopsIamCluster("dev", {
            ...required,
            stateBucketName: pulumi.output("kops-state-example"),
            sshPublicKey: pulumi.output(sshKey),
            mapRoles: [{ roleArn: pulumi.output(deployer), username: "ci-deployer", groups: pulumi.output(["deployers"]) }],
            mapAccounts: pulumi.output(["210987654321"]),
            tags: { team: pulumi.output("platform") },
            accessRoles: [
                {
                    name: "KubernetesAdmin",
                    username: "kubernetes-admin",
                    groups: ["system:masters"],
                    trustedPrincipals: [pulumi.output("arn:aws:iam::210987654321:role/Ops")],
                },
            ],
        });
        await settle();
        const spec = mocks.one(commandType, "dev-kops-spec").plainInputs.environment;
        assert.strictEqual(spec.SSH_PUBLIC_KEY, sshKey);
        assert.strictEqual(JSON.parse(spec.SPEC_PATCH).stateBucket, "kops-state-example");
        const mappings = JSON.parse(mocks.one(configMapType, "dev-authenticator-config").plainInputs.data["mappings.json"]);
        assert.deepStrictEqual(
            mappings.mapRoles.find((m: { rolearn: string }) => m.rolearn === deployer),
            { rolearn: deployer, username: "ci-deployer", groups: ["deployers"] },
        );
        assert.deepStrictEqual(mappings.mapAccounts, ["210987654321"]);
        const role = mocks.one(roleType, "dev-roles-KubernetesAdmin").plainInputs;
        assert.deepStrictEqual(role.tags, { team: "platform" });
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy).Statement[0].Principal, {
            AWS: "arn:aws:iam::210987654321:role/Ops",
        });
    });

    it("a bad resolved value is refused by the same rule, naming the argument and what is accepted", async () => {
        await installMocks();
        const user = "arn:aws:iam::210987654321:user/alice";
        const settings = checkedKopsIamClusterArgs(
            "dev",
            {
                ...required,
                mapRoles: [{ roleArn: pulumi.output(user), username: "alice", groups: ["deployers"] }],
                sshPublicKey: pulumi.output("not a key"),
            },
            undefined,
        );
        await assert.rejects(outcome(settings.mapRoles), (error: Error) => {
            assert.ok(error instanceof ConfigError, String(error));
            // The stack config's own problem for the same value (tests/unit/validate.test.ts).
            assert.match(error.message, /^KopsIamCluster dev: its args have 1 problem:/);
            assert.deepStrictEqual(pathsAndKinds(error.problems), [["mapRoles[0].roleArn", "invalid"]]);
            assert.strictEqual(error.problems[0].value, user);
            assert.match(said(error.problems[0]), /this is an IAM user ARN: map users in mapUsers/);
            return true;
        });
        await rejectedWith(outcome(settings.sshPublicKey), [["sshPublicKey", "invalid"]]);
        // The plain values were checked at once and are plain.
        assert.strictEqual(settings.nodeCount, 2);
    });

    it("the component fails with that problem where the value lands (the ConfigMap's mappings, getKubeconfig)", async () => {
        await installMocks();
        const cluster = new KopsIamCluster("dev", {
            ...required,
            mapRoles: [{ roleArn: pulumi.output("Deployer"), username: "ci-deployer", groups: ["deployers"] }],
        });
        await rejectedWith(outcome(cluster.getKubeconfig({ roleArn: deployer })), [["mapRoles[0].roleArn", "invalid"]]);
        await settle().catch(() => undefined);
    });

    it("checks across mappings once they resolve: a created role mapped again, nobody mapped", async () => {
        await installMocks();
        const repeated = checkedKopsIamClusterArgs(
            "dev",
            {
                ...required,
                mapRoles: pulumi.output([
                    { roleArn: "arn:aws:iam::210987654321:role/KubernetesAdmin", username: "a", groups: ["x"] },
                ]),
            },
            undefined,
        );
        const [repeat] = await rejectedWith(outcome(repeated.mapRoles), [["mapRoles[0].roleArn", "duplicate"]]);
        assert.match(said(repeat), /accessRoles\[0\]/);
        const nobody = checkedKopsIamClusterArgs(
            "dev",
            { ...required, accessRoles: [], mapRoles: pulumi.output([]), mapUsers: [], mapAccounts: pulumi.output([]) },
            undefined,
        );
        const [none] = await rejectedWith(outcome(nobody.mapAccounts), [["accessRoles", "invalid"]]);
        assert.match(said(none), /no accessRoles, mapRoles/);
    });

    it("at preview, a bad value already known is refused, as the preview then fails", async () => {
        await installMocks({ preview: true });
        const settings = checkedKopsIamClusterArgs("dev", { ...required, mapAccounts: [pulumi.output("12345")] }, undefined);
        const [problem] = await rejectedWith(outcome(settings.mapAccounts), [["mapAccounts[0]", "invalid"]]);
        assert.strictEqual(problem.value, "12345");
    });

    it("at preview, a value still unknown is not refused, and the program registers", async () => {
        const mocks = await installMocks({ preview: true });
        const settings = checkedKopsIamClusterArgs(
            "dev",
            { ...required, mapRoles: [{ roleArn: unknownOutput<string>(), username: "ci", groups: ["deployers"] }] },
            undefined,
        );
        const output = pulumi.output(settings.mapRoles);
        assert.strictEqual(await (output as unknown as { isKnown: Promise<boolean> }).isKnown, false);
        await outcome(output);
        new KopsIamCluster("dev", {
            ...required,
            stateBucketName: unknownOutput<string>(),
            mapRoles: [{ roleArn: unknownOutput<string>(), username: "ci", groups: ["deployers"] }],
        });
        await settle();
        assert.ok(mocks.one(configMapType, "dev-authenticator-config"));
        assert.ok(mocks.one(commandType, "dev-kops-spec"));
    });

    it("a secret Output stays secret in the ConfigMap, the spec command and the guard; a bad one is not shown", async () => {
        const mocks = await installMocks();
        new KopsIamCluster("dev", {
            ...required,
            sshPublicKey: pulumi.secret(sshKey),
            mapRoles: [{ roleArn: pulumi.secret(deployer), username: "ci-deployer", groups: ["deployers"] }],
        });
        await settle();
        const configMap = mocks.one(configMapType, "dev-authenticator-config");
        assert.ok(isSecretValue(configMap.inputs.data) || isSecretValue(configMap.inputs.data["mappings.json"]));
        assert.match(unwrapSecrets(configMap.inputs).data["mappings.json"], /210987654321:role\/Deployer/);
        const spec = mocks.one(commandType, "dev-kops-spec");
        assert.ok(isSecretValue(spec.inputs.environment), "the spec command's environment is not secret");
        const guard = mocks.resources.find((r) => r.name === "dev-kops-creation-settings")!;
        assert.ok(isSecretValue(guard.inputs.sshPublicKey), "the creation-settings guard records the key in plain text");
        // Nothing else carries them in plain text.
        for (const resource of mocks.resources) {
            const hidden = JSON.stringify(resource.inputs, (_, v) => (isSecretValue(v) ? "[secret]" : v));
            assert.ok(!hidden.includes("210987654321"), `${resource.type}/${resource.name} shows the secret role ARN`);
            assert.ok(!hidden.includes("AAAAC3NzaC1lZDI1NTE5"), `${resource.type}/${resource.name} shows the secret key`);
        }

        await installMocks();
        const bad = checkedKopsIamClusterArgs(
            "dev",
            {
                ...required,
                mapRoles: [{ roleArn: pulumi.secret("arn:aws:iam::210987654321:user/alice"), username: "a", groups: [] }],
            },
            undefined,
        );
        const [secret] = await rejectedWith(outcome(bad.mapRoles), [["mapRoles[0].roleArn", "invalid"]]);
        // The record holds no part of the value, and the text shows none.
        assert.strictEqual(secret.secret, true);
        assert.doesNotMatch(JSON.stringify(secret), /alice|210987654321/);
        assert.match(formatProblem(secret), /\[secret\]/);
    });

    it("an Output where only a plain value is accepted is refused before anything is registered", async () => {
        const mocks = await installMocks();
        assert.throws(
            () =>
                new KopsIamCluster("dev", {
                    ...required,
                    nodeCount: pulumi.output(3) as unknown as number,
                    accessRoles: [
                        { name: pulumi.output("Admin") as unknown as string, username: "a", groups: ["system:masters"] },
                    ],
                }),
            (error: Error) => {
                assert.ok(error instanceof ConfigError, String(error));
                assert.deepStrictEqual(pathsAndKinds(error.problems), [
                    ["nodeCount", "forbidden"],
                    ["accessRoles[0].name", "forbidden"],
                ]);
                assert.match(said(error.problems[0]), /^a plain value, known when the program runs/);
                return true;
            },
        );
        await settle();
        assert.deepStrictEqual(mocks.resources, []);
    });
});
