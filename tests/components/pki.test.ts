import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { AuthenticatorPki, authenticatorCertificateRequest } from "../../components/authenticator/pki";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import {
    fakeCertPem,
    fakePrivateKeyPem,
    installMocks,
    isSecretValue,
    MockRecorder,
    settle,
    valueOf,
} from "../helpers/mocks/pulumiMocks";
import { plainStringsContaining } from "../helpers/mocks/secretScan";
import { refusedWith, said } from "../helpers/data/problems";

describe("AuthenticatorPki", () => {
    let mocks: MockRecorder;
    let pki: AuthenticatorPki;

    before(async () => {
        mocks = await installMocks();
        pki = new AuthenticatorPki("auth");
        await valueOf(pki.webhookKubeconfig);
        await settle();
    });

    it("is a kops-iam-auth component parenting its resources", () => {
        const component = mocks.one("kops-iam-auth:index:AuthenticatorPki", "auth");
        assert.strictEqual(component.custom, false);
        assert.deepStrictEqual(mocks.resources.map((r) => `${r.type}/${r.name}`).sort(), [
            "kops-iam-auth:index:AuthenticatorPki/auth",
            "tls:index/privateKey:PrivateKey/auth-key",
            "tls:index/selfSignedCert:SelfSignedCert/auth-cert",
        ]);
    });

    it("makes an RSA-2048 key, as init does", () => {
        const key = mocks.one("tls:index/privateKey:PrivateKey");
        assert.deepStrictEqual(key.plainInputs, { algorithm: "RSA", rsaBits: 2048 });
    });

    it("makes the self-signed CA certificate init makes", () => {
        const cert = mocks.one("tls:index/selfSignedCert:SelfSignedCert");
        assert.deepStrictEqual(cert.plainInputs, {
            privateKeyPem: fakePrivateKeyPem,
            subject: { commonName: "aws-iam-authenticator" },
            isCaCertificate: true,
            ipAddresses: ["127.0.0.1"],
            dnsNames: ["localhost"],
            allowedUses: ["key_encipherment", "digital_signature", "cert_signing", "server_auth"],
            setSubjectKeyId: true,
            validityPeriodHours: 876000,
            earlyRenewalHours: 8760,
        });
        assert.ok(isSecretValue(cert.inputs.privateKeyPem), "the certificate's key input must stay secret");
    });

    it("exports the certificate request as data that matches the resources", () => {
        assert.deepStrictEqual(authenticatorCertificateRequest, {
            keyAlgorithm: "RSA",
            rsaBits: 2048,
            commonName: "aws-iam-authenticator",
            isCaCertificate: true,
            ipAddresses: ["127.0.0.1"],
            dnsNames: ["localhost"],
            allowedUses: ["key_encipherment", "digital_signature", "cert_signing", "server_auth"],
            defaultValidityPeriodHours: 876000,
        });
    });

    it("outputs the certificate and the webhook kubeconfig that trusts it", async () => {
        assert.strictEqual(await valueOf(pki.certPem), fakeCertPem);
        const kubeconfig = await valueOf(pki.webhookKubeconfig);
        assert.strictEqual(kubeconfig, renderWebhookKubeconfig(fakeCertPem));
        const data = YAML.parse(kubeconfig).clusters[0].cluster["certificate-authority-data"];
        assert.strictEqual(Buffer.from(data, "base64").toString("utf8"), fakeCertPem);
        assert.strictEqual(await pulumi.isSecret(pki.webhookKubeconfig), false, "the kubeconfig holds no secret");
    });

    it("outputs the private key as a secret", async () => {
        assert.strictEqual(await pulumi.isSecret(pki.privateKeyPem), true);
        assert.strictEqual(await valueOf(pki.privateKeyPem), fakePrivateKeyPem);
    });

    it("shows no private key in any plain input or output", async () => {
        const outputs = { certPem: pki.certPem, privateKeyPem: pki.privateKeyPem, webhookKubeconfig: pki.webhookKubeconfig };
        assert.deepStrictEqual(await plainStringsContaining("PRIVATE KEY", mocks.resources, outputs), []);
    });
});

describe("AuthenticatorPki validity", () => {
    it("takes the lifetime from its arguments and renews a tenth of it early", async () => {
        const mocks = await installMocks();
        const pki = new AuthenticatorPki("short", { validityPeriodHours: 720 });
        await valueOf(pki.certPem);
        await settle();
        const cert = mocks.one("tls:index/selfSignedCert:SelfSignedCert");
        assert.strictEqual(cert.plainInputs.validityPeriodHours, 720);
        assert.strictEqual(cert.plainInputs.earlyRenewalHours, 72);
    });

    it("takes an explicit early renewal", async () => {
        const mocks = await installMocks();
        const pki = new AuthenticatorPki("explicit", { validityPeriodHours: 87600, earlyRenewalHours: 24 });
        await valueOf(pki.certPem);
        await settle();
        assert.strictEqual(mocks.one("tls:index/selfSignedCert:SelfSignedCert").plainInputs.earlyRenewalHours, 24);
    });

    it("refuses a lifetime that is not a positive whole number of hours", async () => {
        await installMocks();
        // 0 hours also leaves no early renewal below it.
        refusedWith(
            () => new AuthenticatorPki("bad", { validityPeriodHours: 0 }),
            [
                ["validityPeriodHours", "invalid"],
                ["earlyRenewalHours", "invalid"],
            ],
        );
        refusedWith(() => new AuthenticatorPki("bad2", { validityPeriodHours: 1.5 }), [["validityPeriodHours", "invalid"]]);
    });

    it("refuses an early renewal as long as the lifetime", async () => {
        await installMocks();
        const [problem] = refusedWith(
            () => new AuthenticatorPki("bad", { validityPeriodHours: 100, earlyRenewalHours: 100 }),
            [["earlyRenewalHours", "invalid"]],
        );
        assert.match(said(problem), /less than validityPeriodHours \(100\)/);
    });
});
