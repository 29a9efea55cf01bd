// The values only AWS and the providers know, stood in for by visible placeholders that still pass
// the renderers' checks (a 12-digit account ID, PEM framing, an https:// URL). PLACEHOLDERS.md in
// the plan's output lists them, and the files that carry one say so in a header comment.
import * as YAML from "yaml";

/** Stands for the AWS account ID (getCallerIdentity); 12 digits, so role ARNs stay valid. */
export const placeholderAccountId = "000000000000";

/** Stands for the authenticator's certificate that @pulumi/tls makes at `pulumi up`. */
export const placeholderCertPem =
    "-----BEGIN CERTIFICATE-----\nPLACEHOLDER-AUTHENTICATOR-CERTIFICATE-MADE-AT-PULUMI-UP\n-----END CERTIFICATE-----\n";

/**
 * Stands for the authenticator's private key. It reaches only secret inputs; plan writes no secret,
 * and checks every file it writes for this text before finishing.
 */
/** A tls.PrivateKey's publicKeyOpenssh: an ED25519 key line of the right shape (a blob of 32 bytes 0x07). */
export const placeholderPublicKeyOpenssh =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH placeholder";

export const placeholderPrivateKeyPem =
    "-----BEGIN RSA PRIVATE KEY-----\nPLAN-FAKE-PRIVATE-KEY-NEVER-WRITTEN\n-----END RSA PRIVATE KEY-----\n";

/** Stands for the cluster CA that kOps creates. */
export const placeholderClusterCaPem =
    "-----BEGIN CERTIFICATE-----\nPLACEHOLDER-KOPS-CLUSTER-CA-MADE-AT-PULUMI-UP\n-----END CERTIFICATE-----\n";

/** Stands for the API server's URL (kOps' API load balancer); `.invalid` never resolves (RFC 6761). */
export function placeholderApiServer(clusterName: string): string {
    return `https://api.${clusterName}.placeholder.invalid`;
}

/** What a placeholder stands for and how to spot it, for PLACEHOLDERS.md. */
export interface PlaceholderNote {
    placeholder: string;
    standsFor: string;
}

export const placeholderNotes: PlaceholderNote[] = [
    { placeholder: `\`${placeholderAccountId}\``, standsFor: "the AWS account ID, in every IAM ARN of the stack's account and in the trust policies" },
    { placeholder: "`https://api.<cluster name>.placeholder.invalid`", standsFor: "the API server URL kOps exports (its API load balancer)" },
    {
        placeholder: "base64 of a PEM reading `PLACEHOLDER-KOPS-CLUSTER-CA-MADE-AT-PULUMI-UP`",
        standsFor: "the cluster CA kOps creates: certificate-authority-data of the user kubeconfigs",
    },
    {
        placeholder: "a PEM reading `PLACEHOLDER-AUTHENTICATOR-CERTIFICATE-MADE-AT-PULUMI-UP` (base64 inside kubeconfigs)",
        standsFor: "the authenticator's self-signed certificate: cert.pem in S3, certificate-authority-data of the webhook kubeconfig",
    },
];

/** The kubeconfig `kops export kubecfg --auth-plugin` prints, with placeholder server and CA. */
export function placeholderExportedKubeconfig(clusterName: string): string {
    return YAML.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{
            name: clusterName,
            cluster: {
                "certificate-authority-data": Buffer.from(placeholderClusterCaPem).toString("base64"),
                server: placeholderApiServer(clusterName),
            },
        }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{
            name: clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "kops",
                    args: ["helpers", "kubectl-auth", `--cluster=${clusterName}`],
                },
            },
        }],
    });
}
