// The commands a person runs after `pulumi up`: fetch a role's kubeconfig from the stack outputs,
// reach the cluster with it, and the kOps admin way in when IAM sign-in is not working.
import type { TokenCommand } from "../core/types";

/** One IAM role people sign in with, as KopsIamCluster created it. */
export interface SignInRole {
    /** The IAM role name: the key of the role's kubeconfig in the `kubeconfigs` output. */
    name: string;
    roleArn: string;
    /** The Kubernetes username and groups its sessions get. */
    username: string;
    groups: string[];
}

export interface NextStepsArgs {
    clusterName: string;
    /** `s3://<bucket>`. */
    stateStoreUrl: string;
    roles: SignInRole[];
    /** The stack output holding the per-role kubeconfigs (index.ts exports `kubeconfigs`). */
    kubeconfigsOutput: string;
    /**
     * The token command the kubeconfigs run.
     * @default `aws-iam-authenticator`
     */
    tokenCommand?: TokenCommand;
    /** The AWS profile the kubeconfigs set for the token command, if any. */
    awsProfile?: string;
    /** The AWS profile kOps runs with (aws:profile), if any: the kops commands need it too. */
    kopsAwsProfile?: string;
}

/** Quotes a word for a POSIX shell when it needs it (IAM role names may hold `=`, `,`, `@`, `+`). */
function shellWord(value: string): string {
    return /^[\w@%+=:,./-]+$/.test(value) && !value.startsWith("=") ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** The group whose members kube-apiserver allows everything, without any binding. */
const superuserGroup = "system:masters";

/**
 * Renders the next steps as shell lines with `#` comments, one block per role, so the text can be
 * read on the terminal and pasted. Role names are used as file names: IAM allows only letters,
 * digits and `+=,.@_-` in them.
 */
export function renderNextSteps(args: NextStepsArgs): string {
    const tokenTool =
        (args.tokenCommand ?? "aws-iam-authenticator") === "aws"
            ? "the AWS CLI (aws eks get-token) on PATH"
            : "aws-iam-authenticator on PATH (https://github.com/kubernetes-sigs/aws-iam-authenticator/releases)";
    const profile = args.awsProfile ? ` (the kubeconfigs use AWS profile ${args.awsProfile})` : "";
    const lines: string[] = [];
    if (args.roles.length === 0) {
        lines.push(
            "# No IAM access roles were created (accessRoles is empty). Mapped roles and users sign in",
            "# with a kubeconfig from renderUserKubeconfig; the kOps admin way in is below.",
        );
    } else {
        lines.push(
            `# Sign in to ${args.clusterName} with an IAM role: needs AWS credentials that may assume it${profile},`,
            `# and ${tokenTool}.`,
        );
    }
    for (const role of args.roles) {
        const file = `${role.name}.kubeconfig`;
        // jq's .["name"] form takes any key; .name would choke on a `-` or `.` in the role name.
        const jqFilter = shellWord(`.[${JSON.stringify(role.name)}]`);
        // Commands that work for the role as soon as it signs in. `kubectl auth whoami` works for every
        // signed-in user (system:basic-user), so it comes first for all. Then: `get nodes` for a
        // system:masters role; for any other role `auth can-i --list`, which every signed-in user may
        // run and which shows what its RBAC bindings allow. Not `get nodes`: a role bound to view, edit
        // or admin is forbidden to list nodes (the real kube-apiserver says so), and bindings made
        // outside this stack are unknown here.
        const superuser = role.groups.includes(superuserGroup);
        lines.push(
            "",
            `# ${role.name} (${role.roleArn}): Kubernetes user ${role.username}` +
                (role.groups.length > 0 ? `, groups ${role.groups.join(", ")}` : ", no groups"),
            `pulumi stack output ${shellWord(args.kubeconfigsOutput)} --json | jq -r ${jqFilter} > ${shellWord(file)}`,
            `KUBECONFIG=${shellWord(file)} kubectl auth whoami`,
            ...(superuser
                ? []
                : [
                      "# What RBAC lets it do: only the basics until a (Cluster)RoleBinding names its user or a group",
                      "# (clusterRoleBindings); listing nodes is not among what view, edit or admin allow.",
                  ]),
            `KUBECONFIG=${shellWord(file)} kubectl ${superuser ? "get nodes" : "auth can-i --list"}`,
        );
    }
    const kops = `${args.kopsAwsProfile ? `AWS_PROFILE=${shellWord(args.kopsAwsProfile)} ` : ""}kops`;
    const kopsFlags = `--name ${shellWord(args.clusterName)} --state ${shellWord(args.stateStoreUrl)}`;
    lines.push(
        "",
        "# Without IAM sign-in (break glass): a short-lived admin certificate from the kOps state store.",
        `${kops} export kubecfg ${kopsFlags} --admin=1h --kubeconfig ${shellWord(`${args.clusterName}-admin.kubeconfig`)}`,
        `${kops} validate cluster ${kopsFlags}`,
    );
    return `${lines.join("\n")}\n`;
}
