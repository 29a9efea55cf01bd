// A kubeconfig per IAM role: kubectl runs a token command (an exec credential plugin) that signs
// an STS GetCallerIdentity request for the cluster ID as that role, and the authenticator on the
// control plane verifies it. The file holds no secret: the credentials stay in the user's AWS setup.
import * as YAML from "yaml";
import { clusterNameAccepted, isClusterName, isRegion, regionAccepted, roleArnPattern, secretLookalike } from "../core/rules";
import { iamArnParts } from "../core/identityRules";
import { forbidden, invalid, Problem, throwProblems } from "../core/problems";
import { TokenCommand } from "../core/types";

export interface UserKubeconfigArgs {
    /** The kOps cluster name; names the kubeconfig's cluster, user and context. */
    clusterName: string;
    /** The API server URL, `https://...`. */
    server: string;
    /** Base64 of the cluster CA certificate PEM, as in kOps' own kubeconfig. */
    certificateAuthorityData: string;
    /** The authenticator's clusterID (config.yaml): tokens are signed for it. */
    clusterId: string;
    /** The IAM role the token command assumes; its mapping gives the Kubernetes user and groups. */
    roleArn: string;
    /** AWS profile for the token command (AWS_PROFILE). Unset: the user's environment decides. */
    awsProfile?: string;
    /**
     * The token command: `aws-iam-authenticator token`, or `aws eks get-token`.
     * @default `aws-iam-authenticator`
     */
    tokenCommand?: TokenCommand;
    /**
     * Region for STS (`--region`). Recommended: regional STS endpoints are what the authenticator
     * accepts in every partition, and the global one is not valid for opt-in regions.
     */
    region?: string;
}

const execApiVersion = "client.authentication.k8s.io/v1beta1";

/** The exec section: command, args and env for the chosen token command. */
function tokenExecConfig(args: UserKubeconfigArgs) {
    const tokenCommand = args.tokenCommand ?? "aws-iam-authenticator";
    const regionArgs = args.region ? ["--region", args.region] : [];
    const command =
        tokenCommand === "aws"
            ? {
                  command: "aws",
                  // --output json: get-token obeys the user's default output format, and kubectl can only
                  // read JSON (aws eks update-kubeconfig passes it too).
                  args: [
                      "eks",
                      "get-token",
                      "--cluster-name",
                      args.clusterId,
                      "--role-arn",
                      args.roleArn,
                      ...regionArgs,
                      "--output",
                      "json",
                  ],
                  installHint:
                      "This kubeconfig gets its token from the AWS CLI (aws eks get-token): install it, " +
                      "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
              }
            : {
                  command: "aws-iam-authenticator",
                  args: ["token", "-i", args.clusterId, "-r", args.roleArn, ...regionArgs],
                  installHint:
                      "This kubeconfig gets its token from aws-iam-authenticator: install it, " +
                      "https://github.com/kubernetes-sigs/aws-iam-authenticator/releases",
              };
    return {
        apiVersion: execApiVersion,
        command: command.command,
        args: command.args,
        // Omitted rather than null when there is no profile: the token command then uses the
        // user's own AWS environment, as any AWS tool would.
        ...(args.awsProfile ? { env: [{ name: "AWS_PROFILE", value: args.awsProfile }] } : {}),
        // Assuming a role may prompt for an MFA code on stdin.
        interactiveMode: "IfAvailable",
        provideClusterInfo: false,
        installHint: command.installHint,
    };
}

/** The name of the role in its ARN (`arn:...:role/path/Admin` → `Admin`), or undefined if not a role ARN. */
function roleNameOf(roleArn: string): string | undefined {
    return roleArnPattern.test(roleArn) ? iamArnParts(roleArn)?.name : undefined;
}

/** Every problem with the arguments, as one ProblemsError naming each argument and what is accepted. */
function checkUserKubeconfigArgs(args: UserKubeconfigArgs): void {
    const problems: Problem[] = [];
    if (!isClusterName(args.clusterName)) {
        problems.push(invalid("clusterName", args.clusterName, `the kOps cluster name, ${clusterNameAccepted}`));
    }
    if (typeof args.server !== "string" || !/^https:\/\/[^\s/]+/.test(args.server)) {
        problems.push(invalid("server", args.server, "the API server's https:// URL"));
    }
    const caPem =
        typeof args.certificateAuthorityData === "string" && /^[A-Za-z0-9+/]+=*$/.test(args.certificateAuthorityData)
            ? Buffer.from(args.certificateAuthorityData, "base64").toString("utf8")
            : "";
    if (!caPem.includes("-----BEGIN CERTIFICATE-----")) {
        problems.push(
            invalid(
                "certificateAuthorityData",
                `${String(args.certificateAuthorityData).slice(0, 40)}...`,
                "the base64 of the cluster CA certificate PEM (kubeconfig certificate-authority-data)",
            ),
        );
    }
    if (typeof args.clusterId !== "string" || args.clusterId.trim() === "" || /\s/.test(args.clusterId)) {
        problems.push(invalid("clusterId", args.clusterId, "the authenticator's clusterID (no whitespace)"));
    }
    if (typeof args.roleArn !== "string" || roleNameOf(args.roleArn) === undefined) {
        problems.push(invalid("roleArn", args.roleArn, "an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/<name>"));
    }
    if (args.awsProfile !== undefined && (typeof args.awsProfile !== "string" || args.awsProfile.trim() === "")) {
        problems.push(invalid("awsProfile", args.awsProfile, "a profile name, or left unset"));
    } else if (typeof args.awsProfile === "string" && secretLookalike(args.awsProfile) !== undefined) {
        // The kubeconfig names the profile in plain text: a key pasted here would be written out with it.
        problems.push(
            forbidden(
                "awsProfile",
                args.awsProfile,
                "a profile name (from ~/.aws/config), not a credential, which the kubeconfig would hold in plain text",
                `it looks like ${secretLookalike(args.awsProfile)}`,
            ),
        );
    }
    if (args.tokenCommand !== undefined && !(Object.values(TokenCommand) as unknown[]).includes(args.tokenCommand)) {
        problems.push(invalid("tokenCommand", args.tokenCommand, '"aws-iam-authenticator" or "aws"'));
    }
    if (args.region !== undefined && !isRegion(args.region)) {
        problems.push(invalid("region", args.region, `${regionAccepted}, or left unset`));
    }
    throwProblems("user kubeconfig settings", problems);
}

/**
 * Renders the kubeconfig for one role: one cluster, one user `<clusterName>-<roleName>` whose
 * token comes from the exec plugin, one context of the same name, and that context current.
 */
export function renderUserKubeconfig(args: UserKubeconfigArgs): string {
    checkUserKubeconfigArgs(args);
    const userName = `${args.clusterName}-${roleNameOf(args.roleArn)}`;
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: args.clusterName,
                cluster: { server: args.server, "certificate-authority-data": args.certificateAuthorityData },
            },
        ],
        users: [{ name: userName, user: { exec: tokenExecConfig(args) } }],
        contexts: [{ name: userName, context: { cluster: args.clusterName, user: userName } }],
        "current-context": userName,
    };
    // lineWidth 0: never fold the long base64 scalar.
    return YAML.stringify(kubeconfig, { lineWidth: 0 });
}
