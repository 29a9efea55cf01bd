// The kubeconfig kube-apiserver reads (--authentication-token-webhook-config-file) to reach the
// authenticator: the same structure `aws-iam-authenticator init` writes (pkg/config/kubeconfig).
import * as YAML from "yaml";
import { invalid, refuse } from "../core/problems";

/** The authenticator server's TLS port on every control-plane node (server `--port` default). */
export const authenticatorPort = 21362;

/**
 * Where the apiserver posts TokenReviews. 127.0.0.1 rather than init's `localhost`: it is what the
 * 2018 recipe and kOps' own integration use, and it does not depend on the node's resolver; the
 * certificate carries both SANs, so either verifies.
 */
export const authenticatorWebhookUrl = `https://127.0.0.1:${authenticatorPort}/authenticate`;

/** Names inside the webhook kubeconfig, as init writes them. */
export const webhookKubeconfigNames = {
    cluster: "aws-iam-authenticator",
    user: "apiserver",
    context: "webhook",
} as const;

/**
 * Renders the webhook kubeconfig that trusts `certPem` (the authenticator's self-signed CA
 * certificate, PEM) for the authenticator's endpoint. The user has no credentials: the apiserver
 * presents no client certificate, the authenticator authenticates the token, not the caller.
 */
export function renderWebhookKubeconfig(certPem: string): string {
    if (!certPem.includes("-----BEGIN CERTIFICATE-----")) {
        refuse(
            "renderWebhookKubeconfig",
            invalid("certPem", `${certPem.slice(0, 40)}...`, "a PEM certificate (-----BEGIN CERTIFICATE-----)"),
        );
    }
    const kubeconfig = {
        // init writes neither apiVersion nor kind (client-go defaults them to v1 Config); we write
        // them so that every reader, strict or not (kubectl, client-go, a future stricter decoder),
        // takes the file for what it is without relying on that defaulting.
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: webhookKubeconfigNames.cluster,
                cluster: {
                    // The PEM itself, base64-encoded, as init's CertToPEMBase64 does: the apiserver
                    // pod then needs no CA file path.
                    "certificate-authority-data": Buffer.from(certPem, "utf8").toString("base64"),
                    server: authenticatorWebhookUrl,
                },
            },
        ],
        users: [{ name: webhookKubeconfigNames.user }],
        "current-context": webhookKubeconfigNames.context,
        contexts: [
            {
                name: webhookKubeconfigNames.context,
                context: { cluster: webhookKubeconfigNames.cluster, user: webhookKubeconfigNames.user },
            },
        ],
    };
    return YAML.stringify(kubeconfig);
}
