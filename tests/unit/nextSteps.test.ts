// renderNextSteps: the commands per role, the wording per token command, and text that a shell
// parses as it reads (bash -n), whatever characters IAM allows in a role name.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NextStepsArgs, renderNextSteps } from "../../components/authenticator/nextSteps";

const base: NextStepsArgs = {
    clusterName: "dev.k8s.local",
    stateStoreUrl: "s3://kops-state-example",
    roles: [
        {
            name: "KubernetesAdmin",
            roleArn: "arn:aws:iam::123456789012:role/KubernetesAdmin",
            username: "kubernetes-admin",
            groups: ["system:masters"],
        },
    ],
    kubeconfigsOutput: "kubeconfigs",
};

/** The command lines, without comments and blank lines. */
const commandsOf = (text: string) => text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));

/**
 * Runs the next steps in bash, in `dir`, with pulumi, jq, kubectl and kops as functions that print
 * the words they got: what a person pasting the text would run.
 */
function runInBash(text: string, dir: string): string[] {
    const stubs = [
        "pulumi() { printf 'pulumi'; printf ' [%s]' \"$@\"; printf '\\n'; }",
        "jq() { cat >/dev/null; printf 'jq'; printf ' [%s]' \"$@\"; printf '\\n'; }",
        "kubectl() { printf 'kubectl KUBECONFIG=[%s]' \"$KUBECONFIG\"; printf ' [%s]' \"$@\"; printf '\\n'; }",
        "kops() { printf 'kops'; printf ' [%s]' \"$@\"; printf '\\n'; }",
    ];
    const output = execFileSync("bash", ["-c", ["set -euo pipefail", ...stubs, text].join("\n")], { cwd: dir, encoding: "utf8" });
    return output.split("\n").filter((line) => line !== "");
}

describe("renderNextSteps", () => {
    it("per role: fetch the kubeconfig from the stack output, whoami, get nodes; then kOps' admin way in", () => {
        assert.deepStrictEqual(commandsOf(renderNextSteps(base)), [
            "pulumi stack output kubeconfigs --json | jq -r '.[\"KubernetesAdmin\"]' > KubernetesAdmin.kubeconfig",
            "KUBECONFIG=KubernetesAdmin.kubeconfig kubectl auth whoami",
            "KUBECONFIG=KubernetesAdmin.kubeconfig kubectl get nodes",
            "kops export kubecfg --name dev.k8s.local --state s3://kops-state-example --admin=1h --kubeconfig dev.k8s.local-admin.kubeconfig",
            "kops validate cluster --name dev.k8s.local --state s3://kops-state-example",
        ]);
    });

    it("says who each role signs in as, and what the token command needs", () => {
        const text = renderNextSteps(base);
        assert.match(
            text,
            /^# KubernetesAdmin \(arn:aws:iam::123456789012:role\/KubernetesAdmin\): Kubernetes user kubernetes-admin, groups system:masters$/m,
        );
        assert.match(text, /aws-iam-authenticator on PATH/);
        const aws = renderNextSteps({ ...base, tokenCommand: "aws", awsProfile: "people" });
        assert.match(aws, /the AWS CLI \(aws eks get-token\) on PATH/);
        assert.match(aws, /the kubeconfigs use AWS profile people/);
        assert.doesNotMatch(aws, /aws-iam-authenticator on PATH/);
    });

    it("the kops commands run with kOps' AWS profile when it has one", () => {
        const kopsLines = commandsOf(renderNextSteps({ ...base, kopsAwsProfile: "deploy" })).filter((l) => l.includes("kops "));
        assert.deepStrictEqual(
            kopsLines.map((l) => l.split(" ").slice(0, 3).join(" ")),
            ["AWS_PROFILE=deploy kops export", "AWS_PROFILE=deploy kops validate"],
        );
    });

    it("each role's next command works for it: get nodes for system:masters, auth can-i --list for any other role", () => {
        // A role bound to view (or edit, admin) is forbidden to list nodes: tests/integration/apiserverSignIn.test.ts
        // runs these very lines against a real kube-apiserver.
        const text = renderNextSteps({
            ...base,
            roles: [
                ...base.roles,
                {
                    name: "KubernetesViewer",
                    roleArn: "arn:aws:iam::123456789012:role/KubernetesViewer",
                    username: "kubernetes-viewer",
                    groups: ["viewers"],
                },
                { name: "Nobody", roleArn: "arn:aws:iam::123456789012:role/Nobody", username: "nobody", groups: [] },
            ],
        });
        assert.deepStrictEqual(
            commandsOf(text).filter((l) => l.startsWith("KUBECONFIG=")),
            [
                "KUBECONFIG=KubernetesAdmin.kubeconfig kubectl auth whoami",
                "KUBECONFIG=KubernetesAdmin.kubeconfig kubectl get nodes",
                "KUBECONFIG=KubernetesViewer.kubeconfig kubectl auth whoami",
                "KUBECONFIG=KubernetesViewer.kubeconfig kubectl auth can-i --list",
                "KUBECONFIG=Nobody.kubeconfig kubectl auth whoami",
                "KUBECONFIG=Nobody.kubeconfig kubectl auth can-i --list",
            ],
        );
        assert.match(text, /^# What RBAC lets it do: only the basics until a \(Cluster\)RoleBinding names its user or a group$/m);
        // Said once per role that is not in system:masters.
        assert.strictEqual(text.split("# What RBAC lets it do").length - 1, 2);
    });

    it("one block per role, in order; a role without groups says so", () => {
        const text = renderNextSteps({
            ...base,
            roles: [
                ...base.roles,
                { name: "Viewer", roleArn: "arn:aws:iam::123456789012:role/Viewer", username: "viewer", groups: [] },
            ],
        });
        assert.deepStrictEqual(
            commandsOf(text)
                .filter((l) => l.startsWith("pulumi"))
                .map((l) => l.split("> ")[1]),
            ["KubernetesAdmin.kubeconfig", "Viewer.kubeconfig"],
        );
        assert.match(text, /^# Viewer \(.*\): Kubernetes user viewer, no groups$/m);
    });

    it("without roles: no sign-in commands, only the kOps admin way in", () => {
        const text = renderNextSteps({ ...base, roles: [] });
        assert.match(text, /No IAM access roles were created/);
        assert.deepStrictEqual(
            commandsOf(text).map((l) => l.split(" ").slice(0, 2).join(" ")),
            ["kops export", "kops validate"],
        );
    });

    it("role names with any character IAM allows reach the shell as one word each", () => {
        const name = "ops+admin=1,team.a@corp_x-y";
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "next-steps-"));
        try {
            const ran = runInBash(
                renderNextSteps({
                    ...base,
                    roles: [{ name, roleArn: `arn:aws:iam::123456789012:role/${name}`, username: "ops", groups: [] }],
                }),
                dir,
            );
            assert.deepStrictEqual(ran, [
                `kubectl KUBECONFIG=[${name}.kubeconfig] [auth] [whoami]`,
                `kubectl KUBECONFIG=[${name}.kubeconfig] [auth] [can-i] [--list]`,
                "kops [export] [kubecfg] [--name] [dev.k8s.local] [--state] [s3://kops-state-example] [--admin=1h] " +
                    "[--kubeconfig] [dev.k8s.local-admin.kubeconfig]",
                "kops [validate] [cluster] [--name] [dev.k8s.local] [--state] [s3://kops-state-example]",
            ]);
            // The pipeline wrote jq's output (the role's kubeconfig) to the file kubectl then reads.
            assert.strictEqual(
                fs.readFileSync(path.join(dir, `${name}.kubeconfig`), "utf8"),
                `jq [-r] [.[${JSON.stringify(name)}]]\n`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
