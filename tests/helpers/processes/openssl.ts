// Real keys and certificates made with the openssl CLI, for the test servers, the test CA and the
// mock runtime's stand-in for the tls provider (tests/helpers/mocks/opensslTlsProvider.ts). Nothing
// here loads Pulumi, so a test that only needs a certificate does not start the mock runtime.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

function openssl(args: string[], input?: string): string {
    return execFileSync("openssl", args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

/**
 * A throw-away RSA-2048 key (unencrypted) and a one-day self-signed certificate for `/CN=<commonName>`
 * with the given `-addext` extensions (subjectAltName, basicConstraints, ...), written to `keyFile`
 * and `certFile`: the test servers' certificates and the test CA.
 */
export function writeSelfSignedCertificate(options: {
    keyFile: string;
    certFile: string;
    commonName: string;
    extensions: string[];
}): void {
    openssl([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-keyout",
        options.keyFile,
        "-out",
        options.certFile,
        "-subj",
        `/CN=${options.commonName}`,
        ...options.extensions.flatMap((extension) => ["-addext", extension]),
    ]);
}

/** A new unencrypted RSA key of `bits` bits, PEM in PKCS#1 ("RSA PRIVATE KEY"). */
export function rsaPrivateKeyPem(bits: number): string {
    return openssl(["genrsa", "-traditional", String(bits)]);
}

/** The PEM public key of `privateKeyPem`. */
export function publicKeyPem(privateKeyPem: string): string {
    return openssl(["rsa", "-pubout"], privateKeyPem);
}

/**
 * The PEM certificate `openssl req -x509` signs with `privateKeyPem` for `days` days, subject and
 * extensions from the req config `config` (its `[req]` section names them).
 */
export function selfSignedCertificatePem(options: { privateKeyPem: string; config: string; days: number }): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kops-iam-auth-openssl-"));
    try {
        fs.writeFileSync(path.join(dir, "req.cnf"), options.config);
        fs.writeFileSync(path.join(dir, "key.pem"), options.privateKeyPem, { mode: 0o600 });
        return openssl([
            "req",
            "-x509",
            "-new",
            "-sha256",
            "-key",
            path.join(dir, "key.pem"),
            "-config",
            path.join(dir, "req.cnf"),
            "-days",
            String(options.days),
        ]);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
