import * as assert from "assert";
import { refusedWith } from "../helpers/data/problems";
import * as YAML from "yaml";
import {
    authenticatorPort,
    authenticatorWebhookUrl,
    renderWebhookKubeconfig,
} from "../../components/authenticator/webhookKubeconfig";

const certPem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIQTESTCERT\n-----END CERTIFICATE-----\n";

describe("renderWebhookKubeconfig", () => {
    it("has exactly the structure aws-iam-authenticator init writes, plus apiVersion and kind", () => {
        const parsed = YAML.parse(renderWebhookKubeconfig(certPem));
        assert.deepStrictEqual(parsed, {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name: "aws-iam-authenticator",
                    cluster: {
                        "certificate-authority-data": Buffer.from(certPem).toString("base64"),
                        server: "https://127.0.0.1:21362/authenticate",
                    },
                },
            ],
            users: [{ name: "apiserver" }],
            "current-context": "webhook",
            contexts: [{ name: "webhook", context: { cluster: "aws-iam-authenticator", user: "apiserver" } }],
        });
    });

    it("embeds the certificate so that it decodes back to the same PEM", () => {
        const parsed = YAML.parse(renderWebhookKubeconfig(certPem));
        const data: string = parsed.clusters[0].cluster["certificate-authority-data"];
        assert.strictEqual(Buffer.from(data, "base64").toString("utf8"), certPem);
    });

    it("exports the endpoint it points at", () => {
        assert.strictEqual(authenticatorPort, 21362);
        assert.strictEqual(authenticatorWebhookUrl, "https://127.0.0.1:21362/authenticate");
    });

    it("refuses something that is not a PEM certificate, saying what it got (a private key redacted)", () => {
        const [problem] = refusedWith(() => renderWebhookKubeconfig("not a certificate"), [["certPem", "invalid"]]);
        assert.strictEqual(problem.value, "not a certificate...");
        assert.throws(
            () => renderWebhookKubeconfig("-----BEGIN RSA PRIVATE KEY-----\nX\n"),
            (error: Error) => /\[redacted: it looks like a private key/.test(error.message) && !error.message.includes("\nX\n"),
        );
    });
});
