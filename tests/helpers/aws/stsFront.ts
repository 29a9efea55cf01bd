// moto_server as the regional STS endpoint, for programs that insist on the real host name:
// aws-iam-authenticator's server only follows pre-signed URLs to sts[.<region>].amazonaws.com
// over HTTPS (pkg/token verifyHost). An HTTPS server on 127.0.0.1:443 with a test certificate for
// that name forwards every request to moto unchanged; the programs reach it through a private
// /etc/hosts (runInHostsNamespace) and trust the certificate through SSL_CERT_FILE.
//
// Two translations, both of form only: a pre-signed URL's SigV4 query fields are passed to moto
// as the equivalent headers (moto routes requests by the Authorization header), and for
// GetCallerIdentity with `Accept: application/json` (what the authenticator sends,
// pkg/token/token.go), where STS answers JSON and moto XML, moto's answer is re-encoded in STS'
// JSON shape, {"GetCallerIdentityResponse":{"GetCallerIdentityResult":{...}}}.
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import { writeSelfSignedCertificate } from "../processes/openssl";

export const stsHost = (region: string) => `sts.${region}.amazonaws.com`;

export interface StsFront {
    /** PEM of the front's certificate: the only root the programs need (SSL_CERT_FILE). */
    caFile: string;
    /** A hosts file that sends the STS names to 127.0.0.1. */
    hostsFile: string;
    stop(): Promise<void>;
}

function xmlField(xml: string, name: string): string | undefined {
    return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/**
 * moto_server picks the service and the caller from the Authorization header; a pre-signed URL
 * carries the same SigV4 fields in its query instead. The same fields, as headers (moto checks
 * no signature; the access key in the credential is what names the caller).
 */
function queryAuthAsHeaders(url: string, headers: http.IncomingHttpHeaders): Record<string, string> {
    const query = new URL(url, "https://sts").searchParams;
    const credential = query.get("X-Amz-Credential");
    if (headers.authorization || !credential) {
        return {};
    }
    return {
        authorization:
            `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${query.get("X-Amz-SignedHeaders") ?? "host"}, ` +
            `Signature=${query.get("X-Amz-Signature") ?? ""}`,
        ...(query.get("X-Amz-Security-Token") ? { "x-amz-security-token": query.get("X-Amz-Security-Token")! } : {}),
        ...(query.get("X-Amz-Date") ? { "x-amz-date": query.get("X-Amz-Date")! } : {}),
    };
}

export async function startStsFront(motoEndpoint: string, region: string, dir: string): Promise<StsFront> {
    const host = stsHost(region);
    const keyFile = path.join(dir, "sts-front.key");
    const caFile = path.join(dir, "sts-front.pem");
    writeSelfSignedCertificate({
        keyFile,
        certFile: caFile,
        commonName: host,
        extensions: [`subjectAltName=DNS:${host},DNS:sts.amazonaws.com`],
    });
    const hostsFile = path.join(dir, "hosts");
    fs.writeFileSync(hostsFile, `127.0.0.1 localhost ${host} sts.amazonaws.com\n`);
    const moto = new URL(motoEndpoint);
    const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(caFile) }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const forward = http.request(
                {
                    host: moto.hostname,
                    port: moto.port,
                    method: req.method,
                    path: req.url,
                    headers: { ...req.headers, ...queryAuthAsHeaders(req.url ?? "/", req.headers), host },
                },
                (answer) => {
                    const parts: Buffer[] = [];
                    answer.on("data", (c) => parts.push(c));
                    answer.on("end", () => {
                        const text = Buffer.concat(parts).toString("utf8");
                        const wantsJson = /application\/json/.test(String(req.headers.accept ?? ""));
                        if (wantsJson && answer.statusCode === 200 && text.includes("<GetCallerIdentityResult>")) {
                            res.writeHead(200, { "content-type": "application/json" });
                            res.end(
                                JSON.stringify({
                                    GetCallerIdentityResponse: {
                                        GetCallerIdentityResult: {
                                            Account: xmlField(text, "Account"),
                                            Arn: xmlField(text, "Arn"),
                                            UserId: xmlField(text, "UserId"),
                                        },
                                        ResponseMetadata: { RequestId: xmlField(text, "RequestId") },
                                    },
                                }),
                            );
                            return;
                        }
                        res.writeHead(answer.statusCode ?? 502, answer.headers);
                        res.end(text);
                    });
                },
            );
            forward.once("error", (err) => {
                res.writeHead(502);
                res.end(String(err));
            });
            forward.end(body);
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(443, "127.0.0.1", () => resolve());
    });
    return {
        caFile,
        hostsFile,
        stop: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/**
 * `command args` in a private mount namespace whose /etc/hosts is `hostsFile` (needs root, which
 * tests/offline.sh keeps): the wrapper for run() or startBackground().
 */
export function inHostsNamespace(hostsFile: string, command: string, args: string[]): [string, string[]] {
    return ["unshare", ["-m", "--", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, command, ...args]];
}
