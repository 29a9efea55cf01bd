// A stand-in for the @pulumi/tls provider in mock runs: it makes the real key and certificate with
// openssl (tests/helpers/processes/openssl.ts), from exactly the inputs the component gave the tls
// resources, so that integration tests can run real servers and clients on what the component asked
// for. Inputs it does not understand make it fail, so that a new certificate parameter cannot be
// silently left out of the test.
import { publicKeyPem, rsaPrivateKeyPem, selfSignedCertificatePem } from "../processes/openssl";
import { secretValue, unwrapSecrets } from "./pulumiMocks";

export const privateKeyType = "tls:index/privateKey:PrivateKey";
export const selfSignedCertType = "tls:index/selfSignedCert:SelfSignedCert";

/** terraform-provider-tls allowed_uses → openssl extension values (x509 KeyUsage / ExtKeyUsage). */
const keyUsages: Record<string, string> = {
    digital_signature: "digitalSignature",
    content_commitment: "nonRepudiation",
    key_encipherment: "keyEncipherment",
    data_encipherment: "dataEncipherment",
    key_agreement: "keyAgreement",
    cert_signing: "keyCertSign",
    crl_signing: "cRLSign",
    encipher_only: "encipherOnly",
    decipher_only: "decipherOnly",
};
const extKeyUsages: Record<string, string> = {
    any_extended: "anyExtendedKeyUsage",
    server_auth: "serverAuth",
    client_auth: "clientAuth",
    code_signing: "codeSigning",
    email_protection: "emailProtection",
    timestamping: "timeStamping",
    ocsp_signing: "OCSPSigning",
};

function makePrivateKey(inputs: Record<string, any>): Record<string, any> {
    const known = new Set(["algorithm", "rsaBits"]);
    const unknown = Object.keys(inputs).filter((k) => !known.has(k));
    if (unknown.length > 0 || inputs.algorithm !== "RSA" || !Number.isInteger(inputs.rsaBits)) {
        throw new Error(
            `opensslTlsProvider: cannot make a PrivateKey from ${JSON.stringify(inputs)} (only algorithm RSA with rsaBits)`,
        );
    }
    // PKCS#1 ("RSA PRIVATE KEY"), the tls provider's privateKeyPem format for RSA.
    const pem = rsaPrivateKeyPem(inputs.rsaBits);
    return { privateKeyPem: secretValue(pem), publicKeyPem: publicKeyPem(pem) };
}

/** The openssl req config for the certificate the SelfSignedCert inputs describe. */
export function selfSignedCertConfig(inputs: Record<string, any>): { config: string; days: number } {
    const known = new Set([
        "privateKeyPem",
        "subject",
        "isCaCertificate",
        "ipAddresses",
        "dnsNames",
        "allowedUses",
        "setSubjectKeyId",
        "validityPeriodHours",
        "earlyRenewalHours",
    ]);
    const unknown = Object.keys(inputs).filter((k) => !known.has(k));
    if (unknown.length > 0) {
        throw new Error(`opensslTlsProvider: SelfSignedCert input(s) ${unknown.join(", ")} are not modelled here; add them`);
    }
    const subjectKeys = Object.keys(inputs.subject ?? {});
    if (subjectKeys.length !== 1 || subjectKeys[0] !== "commonName") {
        throw new Error(
            `opensslTlsProvider: only a subject with commonName alone is modelled, got ${JSON.stringify(inputs.subject)}`,
        );
    }
    const hours = inputs.validityPeriodHours;
    if (!Number.isInteger(hours) || hours % 24 !== 0) {
        throw new Error(`opensslTlsProvider: validityPeriodHours ${hours} is not whole days, which openssl req -days needs`);
    }
    const uses: string[] = inputs.allowedUses ?? [];
    const unknownUses = uses.filter((u) => !(u in keyUsages) && !(u in extKeyUsages));
    if (unknownUses.length > 0) {
        throw new Error(`opensslTlsProvider: allowed use(s) ${unknownUses.join(", ")} are not modelled`);
    }
    const ku = uses.filter((u) => u in keyUsages).map((u) => keyUsages[u]);
    const eku = uses.filter((u) => u in extKeyUsages).map((u) => extKeyUsages[u]);
    const sans = [
        ...(inputs.ipAddresses ?? []).map((ip: string) => `IP:${ip}`),
        ...(inputs.dnsNames ?? []).map((d: string) => `DNS:${d}`),
    ];
    // Go's x509 (the provider) marks basicConstraints and keyUsage critical, the rest not.
    const extensions = [
        `basicConstraints = critical,CA:${inputs.isCaCertificate ? "TRUE" : "FALSE"}`,
        ...(ku.length > 0 ? [`keyUsage = critical,${ku.join(",")}`] : []),
        ...(eku.length > 0 ? [`extendedKeyUsage = ${eku.join(",")}`] : []),
        ...(sans.length > 0 ? [`subjectAltName = ${sans.join(",")}`] : []),
        `subjectKeyIdentifier = ${inputs.setSubjectKeyId ? "hash" : "none"}`,
    ];
    const commonName = String(inputs.subject.commonName);
    if (/[\n\\/=]/.test(commonName)) {
        throw new Error(
            `opensslTlsProvider: commonName ${JSON.stringify(commonName)} has characters this double does not escape`,
        );
    }
    const config =
        [
            "[req]",
            "distinguished_name = dn",
            "prompt = no",
            "x509_extensions = ext",
            "[dn]",
            `CN = ${commonName}`,
            "[ext]",
            ...extensions,
        ].join("\n") + "\n";
    return { config, days: hours / 24 };
}

function makeSelfSignedCert(rawInputs: Record<string, any>): Record<string, any> {
    const inputs = unwrapSecrets(rawInputs);
    const { config, days } = selfSignedCertConfig(inputs);
    return { certPem: selfSignedCertificatePem({ privateKeyPem: inputs.privateKeyPem, config, days }) };
}

/**
 * For installMocks' extraState: real outputs for tls PrivateKey and SelfSignedCert resources,
 * undefined for every other type.
 */
export function opensslTlsState(type: string, _name: string, inputs: Record<string, any>): Record<string, any> | undefined {
    switch (type) {
        case privateKeyType:
            return makePrivateKey(unwrapSecrets(inputs));
        case selfSignedCertType:
            return makeSelfSignedCert(inputs);
        default:
            return undefined;
    }
}
