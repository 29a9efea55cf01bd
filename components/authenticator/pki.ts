// The authenticator's key pair and self-signed certificate, made the way `aws-iam-authenticator init`
// makes them (pkg/config/certs/certs.go), plus the webhook kubeconfig that trusts the certificate.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { renderWebhookKubeconfig } from "./webhookKubeconfig";
import { invalid, Problem, throwProblems } from "../core/problems";

/**
 * What init puts in the certificate, as data: the component builds the tls resources from it, and
 * tests can make the same certificate with openssl and check it against a real server.
 */
export const authenticatorCertificateRequest = {
    keyAlgorithm: "RSA",
    rsaBits: 2048,
    commonName: "aws-iam-authenticator",
    isCaCertificate: true,
    /** init's defaults: the server address and hostname. */
    ipAddresses: ["127.0.0.1"],
    dnsNames: ["localhost"],
    /** KeyEncipherment | DigitalSignature | CertSign, ExtKeyUsage ServerAuth; tls provider names. */
    allowedUses: ["key_encipherment", "digital_signature", "cert_signing", "server_auth"],
    /** init's certLifetime: 100 years. */
    defaultValidityPeriodHours: 876000,
} as const;

/** Renew at most a year early; less for short-lived certificates, so they are not always due. */
function defaultEarlyRenewalHours(validityPeriodHours: number): number {
    return Math.min(8760, Math.floor(validityPeriodHours / 10));
}

export interface AuthenticatorPkiArgs {
    /**
     * Lifetime of the certificate in hours (100 years, as init). The authenticator loads its
     * certificate once, at start: a shorter lifetime means planned control-plane rolls.
     * @default `876000`
     */
    validityPeriodHours?: number;
    /**
     * How many hours before expiry the certificate counts as due for renewal (the next `pulumi up`
     * replaces it). Unset: a tenth of the lifetime, at most 8760 (one year). Must be smaller than
     * the lifetime.
     */
    earlyRenewalHours?: number;
}

/** The authenticator's RSA key, its self-signed CA/server certificate and the webhook kubeconfig. */
export class AuthenticatorPki extends pulumi.ComponentResource {
    /** The certificate, PEM. Public: it is the CA the apiserver trusts. */
    public readonly certPem: pulumi.Output<string>;
    /** The private key, PEM (PKCS#1 `RSA PRIVATE KEY`, as init writes key.pem). Secret. */
    public readonly privateKeyPem: pulumi.Output<string>;
    /** The apiserver's webhook kubeconfig (see renderWebhookKubeconfig). Holds only the certificate. */
    public readonly webhookKubeconfig: pulumi.Output<string>;

    constructor(name: string, args: AuthenticatorPkiArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("kops-iam-auth:index:AuthenticatorPki", name, args, opts);
        const request = authenticatorCertificateRequest;
        const validityPeriodHours = args.validityPeriodHours ?? request.defaultValidityPeriodHours;
        const problems: Problem[] = [];
        if (!Number.isInteger(validityPeriodHours) || validityPeriodHours < 1) {
            problems.push(invalid("validityPeriodHours", validityPeriodHours, "a whole number of hours, at least 1"));
        }
        const earlyRenewalHours = args.earlyRenewalHours ?? defaultEarlyRenewalHours(validityPeriodHours);
        if (!Number.isInteger(earlyRenewalHours) || earlyRenewalHours < 0 || earlyRenewalHours >= validityPeriodHours) {
            problems.push(
                invalid(
                    "earlyRenewalHours",
                    earlyRenewalHours,
                    `a whole number of hours from 0 to less than validityPeriodHours (${validityPeriodHours})`,
                    "or the certificate would be replaced on every update",
                ),
            );
        }
        throwProblems(`AuthenticatorPki ${name}`, problems);

        const key = new tls.PrivateKey(
            `${name}-key`,
            {
                algorithm: request.keyAlgorithm,
                rsaBits: request.rsaBits,
            },
            { parent: this },
        );

        const cert = new tls.SelfSignedCert(
            `${name}-cert`,
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: request.commonName },
                isCaCertificate: request.isCaCertificate,
                ipAddresses: [...request.ipAddresses],
                dnsNames: [...request.dnsNames],
                allowedUses: [...request.allowedUses],
                // Go's x509 adds a subject key identifier to every CA certificate init makes.
                setSubjectKeyId: true,
                validityPeriodHours,
                earlyRenewalHours,
            },
            { parent: this },
        );

        this.certPem = cert.certPem;
        // The tls provider already marks it secret; saying so here keeps that true whatever it does.
        this.privateKeyPem = pulumi.secret(key.privateKeyPem);
        this.webhookKubeconfig = cert.certPem.apply(renderWebhookKubeconfig);

        this.registerOutputs({
            certPem: this.certPem,
            privateKeyPem: this.privateKeyPem,
            webhookKubeconfig: this.webhookKubeconfig,
        });
    }
}
