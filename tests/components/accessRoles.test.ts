import * as assert from "assert";
import { AccessRoles } from "../../components/aws/accessRoles";
import { parseAuthenticatorConfig, renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import { fakeAccountId, installMocks, MockRecorder, settle, valueOf } from "../helpers/mocks/pulumiMocks";
import { pathsAndKinds, problemsOfError } from "../helpers/data/problems";

const roleType = "aws:iam/role:Role";

const rootTrust = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${fakeAccountId}:root` }, Action: "sts:AssumeRole" }],
};

describe("AccessRoles by default", () => {
    let mocks: MockRecorder;
    let roles: AccessRoles;

    before(async () => {
        mocks = await installMocks();
        roles = new AccessRoles("access", {
            mapRoles: [{ roleArn: "arn:aws:iam::111122223333:role/Existing", username: "existing", groups: ["viewers"] }],
            mapUsers: [{ userArn: "arn:aws:iam::111122223333:user/alice", username: "alice", groups: ["system:masters"] }],
            mapAccounts: ["111122223333"],
            tags: { project: "kops-iam-auth" },
        });
        await valueOf(roles.mappings);
        await settle();
    });

    it("creates the 2018 recipe's KubernetesAdmin role, trusting the account root, with no permissions", () => {
        assert.deepStrictEqual(mocks.resources.map((r) => `${r.type}/${r.name}`).sort(), [
            "aws:iam/role:Role/access-KubernetesAdmin",
            "kops-iam-auth:index:AccessRoles/access",
        ]);
        const role = mocks.one(roleType).plainInputs;
        assert.deepStrictEqual(
            { ...role, assumeRolePolicy: JSON.parse(role.assumeRolePolicy) },
            {
                name: "KubernetesAdmin",
                path: "/",
                assumeRolePolicy: rootTrust,
                tags: { project: "kops-iam-auth" },
            },
        );
    });

    it("maps the created role first, then the pass-through roles, users and accounts", async () => {
        assert.deepStrictEqual(await valueOf(roles.mappings), {
            mapRoles: [
                {
                    roleArn: "arn:aws:iam::123456789012:role/KubernetesAdmin",
                    username: "kubernetes-admin",
                    groups: ["system:masters"],
                },
                { roleArn: "arn:aws:iam::111122223333:role/Existing", username: "existing", groups: ["viewers"] },
            ],
            mapUsers: [{ userArn: "arn:aws:iam::111122223333:user/alice", username: "alice", groups: ["system:masters"] }],
            mapAccounts: ["111122223333"],
        });
    });

    it("outputs the created roles' ARNs by name", async () => {
        assert.deepStrictEqual(await valueOf(roles.roleArns), {
            KubernetesAdmin: "arn:aws:iam::123456789012:role/KubernetesAdmin",
        });
    });
});

describe("AccessRoles configured", () => {
    let mocks: MockRecorder;
    let roles: AccessRoles;

    before(async () => {
        mocks = await installMocks();
        roles = new AccessRoles("team", {
            roles: [
                {
                    name: "ClusterOps",
                    username: "ops",
                    groups: ["ops", "system:masters"],
                    requireMfa: true,
                    maxSessionDurationSeconds: 7200,
                },
                {
                    name: "ClusterViewer",
                    username: "viewer:{{SessionName}}",
                    groups: ["viewers"],
                    trustedPrincipals: ["arn:aws:iam::111122223333:role/Dev", "arn:aws:iam::111122223333:user/bob"],
                },
            ],
            mapRoles: [{ roleArn: "arn:aws:iam::111122223333:role/teams/platform/Legacy", username: "legacy", groups: [] }],
        });
        await valueOf(roles.mappings);
        await settle();
    });

    it("creates one role per entry, with fixed names", () => {
        assert.deepStrictEqual(
            mocks
                .byType(roleType)
                .map((r) => [r.name, r.plainInputs.name])
                .sort(),
            [
                ["team-ClusterOps", "ClusterOps"],
                ["team-ClusterViewer", "ClusterViewer"],
            ],
        );
    });

    it("requires MFA and sets the session length where asked", () => {
        const ops = mocks.one(roleType, "team-ClusterOps").plainInputs;
        assert.strictEqual(ops.maxSessionDuration, 7200);
        assert.deepStrictEqual(JSON.parse(ops.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${fakeAccountId}:root` },
                    Action: "sts:AssumeRole",
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                },
            ],
        });
    });

    it("trusts only the listed principals where given", () => {
        const viewer = mocks.one(roleType, "team-ClusterViewer").plainInputs;
        assert.strictEqual(viewer.maxSessionDuration, undefined);
        assert.deepStrictEqual(JSON.parse(viewer.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: ["arn:aws:iam::111122223333:role/Dev", "arn:aws:iam::111122223333:user/bob"] },
                    Action: "sts:AssumeRole",
                },
            ],
        });
    });

    it("maps the roles in order; the mappings.json made from them has every role ARN without its IAM path", async () => {
        const mappings = await valueOf(roles.mappings);
        assert.deepStrictEqual(parseAuthenticatorConfig(renderAuthenticatorConfig("team.k8s.local", mappings)).mappings, {
            mapRoles: [
                { roleArn: "arn:aws:iam::123456789012:role/ClusterOps", username: "ops", groups: ["ops", "system:masters"] },
                {
                    roleArn: "arn:aws:iam::123456789012:role/ClusterViewer",
                    username: "viewer:{{SessionName}}",
                    groups: ["viewers"],
                },
                { roleArn: "arn:aws:iam::111122223333:role/Legacy", username: "legacy", groups: [] },
            ],
            mapUsers: [],
            mapAccounts: [],
        });
    });
});

describe("AccessRoles edge cases", () => {
    it("creates nothing for an empty role list and passes the mappings through", async () => {
        const mocks = await installMocks();
        const roles = new AccessRoles("none", { roles: [], mapAccounts: ["111122223333"] });
        assert.deepStrictEqual(await valueOf(roles.mappings), { mapRoles: [], mapUsers: [], mapAccounts: ["111122223333"] });
        assert.deepStrictEqual(await valueOf(roles.roleArns), {});
        await settle();
        assert.deepStrictEqual(mocks.byType(roleType), []);
    });

    it("refuses a role name given twice, naming it", async () => {
        await installMocks();
        assert.throws(
            () =>
                new AccessRoles("dup", {
                    roles: [
                        { name: "Admin", username: "a", groups: [] },
                        { name: "admin", username: "b", groups: [] },
                    ],
                }),
            (error: unknown) => {
                assert.deepStrictEqual(pathsAndKinds(problemsOfError(error)), [["roles[1].name", "duplicate"]]);
                return true;
            },
        );
    });
});
