// Per-role user kubeconfigs: golden files, structure, input checks, and the real kubectl reading
// every variant (`kubectl config view`). tests/integration/userKubeconfig.test.ts runs them.
import * as assert from "assert";
import { PathAndKind, refusedWith } from "../helpers/data/problems";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { renderUserKubeconfig, UserKubeconfigArgs } from "../../components/authenticator/userKubeconfig";
import { assertGolden } from "../helpers/data/golden";
import { requireTool } from "../helpers/processes/tools";

const caPem = "-----BEGIN CERTIFICATE-----\nFAKECLUSTERCA\n-----END CERTIFICATE-----\n";
const baseArgs: UserKubeconfigArgs = {
    clusterName: "kops-iam-auth.example.com",
    server: "https://api.kops-iam-auth.example.com",
    certificateAuthorityData: Buffer.from(caPem).toString("base64"),
    clusterId: "kops-iam-auth.example.com",
    roleArn: "arn:aws:iam::123456789012:role/KubernetesAdmin",
};

/** Every combination a user can ask for: both token commands, with and without profile and region. */
const variants: Array<{ label: string; args: UserKubeconfigArgs }> = [
    { label: "aws-iam-authenticator", args: baseArgs },
    { label: "aws-iam-authenticator, profile and region", args: { ...baseArgs, awsProfile: "ops", region: "eu-west-1" } },
    { label: "aws", args: { ...baseArgs, tokenCommand: "aws" } },
    { label: "aws, profile and region", args: { ...baseArgs, tokenCommand: "aws", awsProfile: "ops", region: "eu-west-1" } },
];

/** What the exec section must hold for `args`. */
function expectedExec(args: UserKubeconfigArgs) {
    const region = args.region ? ["--region", args.region] : [];
    const aws = args.tokenCommand === "aws";
    return {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: aws ? "aws" : "aws-iam-authenticator",
        args: aws
            ? ["eks", "get-token", "--cluster-name", args.clusterId, "--role-arn", args.roleArn, ...region, "--output", "json"]
            : ["token", "-i", args.clusterId, "-r", args.roleArn, ...region],
        env: args.awsProfile ? [{ name: "AWS_PROFILE", value: args.awsProfile }] : undefined,
        interactiveMode: "IfAvailable",
        provideClusterInfo: false,
    };
}

function run(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = execFile(binary, args, { env, timeout: 60000 }, (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end();
    });
}

describe("user kubeconfigs", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-kubeconfig-"));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("match their golden files", () => {
        assertGolden("kubeconfig/aws-iam-authenticator.yaml", renderUserKubeconfig(variants[0].args));
        assertGolden("kubeconfig/aws-cli-profile-region.yaml", renderUserKubeconfig(variants[3].args));
    });

    for (const { label, args } of variants) {
        it(`${label}: one cluster, user and context, current, with the token command as exec`, () => {
            const kubeconfig = YAML.parse(renderUserKubeconfig(args));
            const name = "kops-iam-auth.example.com-KubernetesAdmin";
            assert.strictEqual(kubeconfig.apiVersion, "v1");
            assert.strictEqual(kubeconfig.kind, "Config");
            assert.deepStrictEqual(kubeconfig.clusters, [
                {
                    name: "kops-iam-auth.example.com",
                    cluster: { server: baseArgs.server, "certificate-authority-data": baseArgs.certificateAuthorityData },
                },
            ]);
            assert.deepStrictEqual(kubeconfig.contexts, [
                { name, context: { cluster: "kops-iam-auth.example.com", user: name } },
            ]);
            assert.strictEqual(kubeconfig["current-context"], name);
            assert.strictEqual(kubeconfig.users.length, 1);
            assert.strictEqual(kubeconfig.users[0].name, name);
            const { installHint, ...exec } = kubeconfig.users[0].user.exec;
            assert.deepStrictEqual(exec, JSON.parse(JSON.stringify(expectedExec(args))));
            assert.match(installHint, args.tokenCommand === "aws" ? /AWS CLI/ : /aws-iam-authenticator/);
        });
    }

    it("names the user after the role without its IAM path", () => {
        const kubeconfig = YAML.parse(
            renderUserKubeconfig({ ...baseArgs, roleArn: "arn:aws:iam::123456789012:role/platform/Reader" }),
        );
        assert.strictEqual(kubeconfig.users[0].name, "kops-iam-auth.example.com-Reader");
        assert.deepStrictEqual(kubeconfig.users[0].user.exec.args.slice(3), [
            "-r",
            "arn:aws:iam::123456789012:role/platform/Reader",
        ]);
    });

    it("refuses bad settings, naming each one and its value", () => {
        const bad = {
            clusterName: "",
            server: "http://api",
            certificateAuthorityData: "bm90IGEgY2VydA==",
            clusterId: "a b",
            roleArn: "arn:aws:iam::123456789012:user/alice",
            awsProfile: " ",
            tokenCommand: "kubectl" as any,
            region: "mars",
        };
        const problems = refusedWith(
            () => renderUserKubeconfig(bad),
            Object.keys(bad).map((key): PathAndKind => [key, "invalid"]),
        );
        assert.deepStrictEqual(
            Object.fromEntries(problems.map((problem) => [problem.path, problem.value])),
            // The CA data is shown cut to 40 characters.
            { ...bad, certificateAuthorityData: "bm90IGEgY2VydA==..." },
        );
    });

    for (const { label, args } of variants) {
        it(`${label}: kubectl config view reads the exec plugin as written`, async function () {
            const kubectl = requireTool(this, "kubectl", "install kubectl, https://kubernetes.io/docs/tasks/tools/");
            const file = path.join(dir, `${label.replace(/[^a-z-]+/g, "_")}.yaml`);
            fs.writeFileSync(file, renderUserKubeconfig(args));
            const env = { PATH: process.env.PATH ?? "", HOME: dir };

            const view = await run(kubectl, ["config", "view", "--kubeconfig", file, "-o", "json"], env);
            assert.strictEqual(view.code, 0, view.stderr);
            const json = JSON.parse(view.stdout);
            const name = "kops-iam-auth.example.com-KubernetesAdmin";
            assert.strictEqual(json["current-context"], name);
            assert.deepStrictEqual(
                json.users.map((u: any) => u.name),
                [name],
            );
            const exec = json.users[0].user.exec;
            const expected = expectedExec(args);
            assert.strictEqual(exec.apiVersion, expected.apiVersion);
            assert.strictEqual(exec.command, expected.command);
            assert.deepStrictEqual(exec.args, expected.args);
            assert.strictEqual(exec.interactiveMode, "IfAvailable");
            assert.strictEqual(exec.provideClusterInfo, false);
            // kubectl prints a missing env as null.
            assert.deepStrictEqual(exec.env, expected.env ?? null);
            // Without --raw kubectl redacts the CA: it did read it as data.
            assert.strictEqual(json.clusters[0].cluster["certificate-authority-data"], "DATA+OMITTED");

            const minified = await run(kubectl, ["config", "view", "--kubeconfig", file, "--minify", "--raw", "-o", "json"], env);
            assert.strictEqual(minified.code, 0, minified.stderr);
            const raw = JSON.parse(minified.stdout);
            assert.strictEqual(raw.clusters[0].cluster.server, baseArgs.server);
            assert.strictEqual(raw.clusters[0].cluster["certificate-authority-data"], baseArgs.certificateAuthorityData);
            assert.deepStrictEqual(raw.users[0].user.exec.args, expected.args);
        });
    }
});
