// readStackSettings: a stack's config (the project's keys, aws:region, aws:profile) as the Pulumi CLI
// passes it to the program, read into KopsIamCluster's args and checked.
import * as assert from "assert";
import { pathsAndKinds } from "../helpers/data/problems";
import * as pulumi from "@pulumi/pulumi";
import { readStackSettings } from "../../components/config/stackConfig";
import { ConfigError } from "../../components/settings";
import { installMocks } from "../helpers/mocks/pulumiMocks";

describe("readStackSettings", () => {
    let savedConfig: Record<string, string>;
    beforeEach(() => {
        savedConfig = pulumi.runtime.allConfig();
    });
    afterEach(() => {
        pulumi.runtime.setAllConfig(savedConfig);
    });

    it("reads the project's keys (strings, objects as JSON text), aws:region and aws:profile", async () => {
        const recorder = await installMocks();
        pulumi.runtime.setAllConfig({
            "aws:region": "us-east-2",
            "aws:profile": "ops",
            "kops-iam-auth:clusterName": "prod.example.com",
            "kops-iam-auth:stateBucketName": "prod-kops-state",
            "kops-iam-auth:zones": '["us-east-2a","us-east-2b","us-east-2c"]',
            "kops-iam-auth:nodeCount": "3",
            "kops-iam-auth:controlPlaneCount": "3",
            "kops-iam-auth:createStateBucket": "false",
            "kops-iam-auth:kopsExtraFlags": '["--node-volume-size=64"]',
            "kops-iam-auth:accessRoles": JSON.stringify([{ name: "Ops", username: "ops", groups: ["ops"], requireMfa: true }]),
            "kops-iam-auth:mapAccounts": '["310987654321"]',
            "kops-iam-auth:clusterRoleBindings": JSON.stringify([{ group: "ops", clusterRole: "admin" }]),
            "kops-iam-auth:tags": '{"env":"prod"}',
            "other-project:nodeCount": "not ours",
        });
        const settings = readStackSettings();
        assert.strictEqual(settings.region, "us-east-2");
        assert.strictEqual(settings.clusterName, "prod.example.com");
        assert.deepStrictEqual(settings.zones, ["us-east-2a", "us-east-2b", "us-east-2c"]);
        assert.strictEqual(settings.nodeCount, 3);
        assert.strictEqual(settings.controlPlaneCount, 3);
        assert.deepStrictEqual(
            [settings.stateBucketName, settings.createStateBucket, settings.stateBucketForceDestroy],
            ["prod-kops-state", false, false],
        );
        assert.deepStrictEqual(settings.kopsExtraFlags, ["--node-volume-size=64"]);
        assert.strictEqual(settings.awsProfile, "ops");
        assert.deepStrictEqual(settings.accessRoles, [{ name: "Ops", username: "ops", groups: ["ops"], requireMfa: true }]);
        assert.deepStrictEqual(settings.mapAccounts, ["310987654321"]);
        assert.deepStrictEqual(settings.clusterRoleBindings, [{ group: "ops", clusterRole: "admin" }]);
        assert.deepStrictEqual(settings.tags, { env: "prod" });
        assert.strictEqual(settings.nodeSize, "t3.medium", "unset keys take their defaults");
        assert.strictEqual(recorder.resources.length, 0, "reading the config registers nothing");
    });

    it("reports every problem at once, including a typo'd key and text that is not JSON", async () => {
        await installMocks();
        pulumi.runtime.setAllConfig({
            "kops-iam-auth:clusterName": "prod",
            "kops-iam-auth:nodeCount": "many",
            "kops-iam-auth:nodecount": "3",
            "kops-iam-auth:accessRoles": "KubernetesAdmin",
            "kops-iam-auth:mapAccounts": "[123456789012]",
        });
        assert.throws(
            () => readStackSettings(),
            (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.deepStrictEqual(
                    pathsAndKinds(error.problems),
                    [
                        ["kops-iam-auth:nodecount", "unknown"],
                        ["aws:region", "required"],
                        ["kops-iam-auth:clusterName", "invalid"],
                        ["kops-iam-auth:nodeCount", "invalid"],
                        ["kops-iam-auth:stateBucketName", "required"],
                        ["kops-iam-auth:accessRoles", "invalid"],
                        ["kops-iam-auth:mapAccounts[0]", "invalid"],
                    ],
                    error.message,
                );
                // What pulumi config gives is read as it would be: strings, and JSON for the structured settings.
                assert.deepStrictEqual(
                    error.problems.map((problem) => problem.value),
                    ["3", undefined, "prod", "many", undefined, "KubernetesAdmin", 123456789012],
                );
                return true;
            },
        );
    });
});
