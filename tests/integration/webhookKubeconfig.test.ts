// The apiserver reads the webhook kubeconfig with client-go and verifies the authenticator's
// certificate with Go's TLS. kubectl does both the same way: a certificate made with init's
// parameters (authenticatorCertificateRequest, here by openssl) must be accepted for 127.0.0.1
// through the kubeconfig we render, and one without the IP SAN refused.
import * as assert from "assert";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { authenticatorCertificateRequest } from "../../components/authenticator/pki";
import { authenticatorWebhookUrl, renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { requireTool } from "../helpers/processes/tools";

/** tls provider allowedUses → openssl extension names: key usages and extended key usages. */
const opensslKeyUsage: Record<string, string> = {
    key_encipherment: "keyEncipherment",
    digital_signature: "digitalSignature",
    cert_signing: "keyCertSign",
};
const opensslExtendedKeyUsage: Record<string, string> = { server_auth: "serverAuth" };

/** An openssl req config for the request; `withIpSan: false` leaves out the IP SANs. */
function opensslConfig(withIpSan: boolean): string {
    const request = authenticatorCertificateRequest;
    const unknown = request.allowedUses.filter((u) => !(u in opensslKeyUsage) && !(u in opensslExtendedKeyUsage));
    assert.deepStrictEqual(unknown, [], "every allowed use must have an openssl name in this test");
    const sans = [
        ...(withIpSan ? request.ipAddresses.map((ip) => `IP:${ip}`) : []),
        ...request.dnsNames.map((dns) => `DNS:${dns}`),
    ];
    return [
        "[req]",
        "distinguished_name = dn",
        "prompt = no",
        "x509_extensions = ext",
        "[dn]",
        `CN = ${request.commonName}`,
        "[ext]",
        `basicConstraints = critical, CA:${request.isCaCertificate ? "TRUE" : "FALSE"}`,
        `keyUsage = critical, ${request.allowedUses
            .filter((u) => u in opensslKeyUsage)
            .map((u) => opensslKeyUsage[u])
            .join(", ")}`,
        `extendedKeyUsage = ${request.allowedUses
            .filter((u) => u in opensslExtendedKeyUsage)
            .map((u) => opensslExtendedKeyUsage[u])
            .join(", ")}`,
        `subjectAltName = ${sans.join(", ")}`,
        "subjectKeyIdentifier = hash",
        "",
    ].join("\n");
}

function makeCertificate(openssl: string, dir: string, withIpSan: boolean): { certPem: string; keyPem: string } {
    const config = path.join(dir, "req.cnf");
    fs.writeFileSync(config, opensslConfig(withIpSan));
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    execFileSync(
        openssl,
        [
            "req",
            "-x509",
            "-config",
            config,
            "-newkey",
            `rsa:${authenticatorCertificateRequest.rsaBits}`,
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "1",
        ],
        { stdio: "pipe" },
    );
    return { certPem: fs.readFileSync(cert, "utf8"), keyPem: fs.readFileSync(key, "utf8") };
}

/** Runs kubectl without blocking the event loop (the test's HTTPS server answers it). */
function kubectl(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = execFile(
            binary,
            args,
            { env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir() }, timeout: 30000 },
            (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end();
    });
}

describe("webhook kubeconfig with a real certificate (kubectl, openssl)", () => {
    let dir: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webhook-kubeconfig-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Serves `/healthz` over TLS with the certificate on 127.0.0.1 and asks kubectl for it through the kubeconfig. */
    async function healthzThroughKubeconfig(kubectlPath: string, openssl: string, withIpSan: boolean) {
        const { certPem, keyPem } = makeCertificate(openssl, dir, withIpSan);
        const kubeconfig = path.join(dir, "kubeconfig.yaml");
        fs.writeFileSync(kubeconfig, renderWebhookKubeconfig(certPem));
        const server = https.createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end("ok"));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const port = (server.address() as AddressInfo).port;
            // Only the port differs from the kubeconfig's server: 21362 may be taken on this machine.
            // The token only stops kubectl prompting for a username, as it does for a user without
            // credentials (the apiserver's client is non-interactive); the TLS checks are unchanged.
            return await kubectl(kubectlPath, [
                "--kubeconfig",
                kubeconfig,
                "--server",
                `https://127.0.0.1:${port}`,
                "--token",
                "unused",
                "get",
                "--raw",
                "/healthz",
            ]);
        } finally {
            server.close();
        }
    }

    it("is read by kubectl as the structure we wrote", async function () {
        const kubectlPath = requireTool(this, "kubectl", "tests/setup/install-tools.sh");
        const openssl = requireTool(this, "openssl", "apt-get install -y openssl");
        const { certPem } = makeCertificate(openssl, dir, true);
        const kubeconfig = path.join(dir, "kubeconfig.yaml");
        fs.writeFileSync(kubeconfig, renderWebhookKubeconfig(certPem));
        const result = await kubectl(kubectlPath, ["config", "view", "--raw", "-o", "json", "--kubeconfig", kubeconfig]);
        assert.strictEqual(result.code, 0, result.stderr);
        const viewed = JSON.parse(result.stdout);
        assert.strictEqual(viewed["current-context"], "webhook");
        assert.deepStrictEqual(viewed.contexts, [
            { name: "webhook", context: { cluster: "aws-iam-authenticator", user: "apiserver" } },
        ]);
        assert.strictEqual(viewed.clusters[0].cluster.server, authenticatorWebhookUrl);
        assert.strictEqual(Buffer.from(viewed.clusters[0].cluster["certificate-authority-data"], "base64").toString(), certPem);
        assert.deepStrictEqual(viewed.users, [{ name: "apiserver", user: {} }]);
        assert.deepStrictEqual(YAML.parse(fs.readFileSync(kubeconfig, "utf8")).users, [{ name: "apiserver" }]);
    });

    it("lets Go's TLS client trust the authenticator at 127.0.0.1", async function () {
        const kubectlPath = requireTool(this, "kubectl", "tests/setup/install-tools.sh");
        const openssl = requireTool(this, "openssl", "apt-get install -y openssl");
        const result = await healthzThroughKubeconfig(kubectlPath, openssl, true);
        assert.strictEqual(result.code, 0, result.stderr);
        assert.strictEqual(result.stdout, "ok");
    });

    it("is refused by Go's TLS client when the certificate lacks the 127.0.0.1 SAN (the check is real)", async function () {
        const kubectlPath = requireTool(this, "kubectl", "tests/setup/install-tools.sh");
        const openssl = requireTool(this, "openssl", "apt-get install -y openssl");
        const result = await healthzThroughKubeconfig(kubectlPath, openssl, false);
        assert.notStrictEqual(result.code, 0);
        assert.match(result.stderr, /x509: cannot validate certificate for 127\.0\.0\.1 because it doesn't contain any IP SANs/);
    });
});
