// kubectl running each user kubeconfig's token command for real: a local HTTPS server stands in
// for the apiserver and moto for STS. The bearer token kubectl sends must be a presigned STS
// GetCallerIdentity request, signed with the x-k8s-aws-id header, made with a session of the
// kubeconfig's role: what the authenticator verifies and maps.
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { renderUserKubeconfig } from "../../components/authenticator/userKubeconfig";
import { startMoto } from "../helpers/aws/moto";
import { writeSelfSignedCertificate } from "../helpers/processes/openssl";
import { requireTool, toolCacheBin } from "../helpers/processes/tools";

function run(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = execFile(binary, args, { env, timeout: 60000 }, (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end();
    });
}

describe("kubectl runs each kubeconfig's token command (moto as STS, openssl, local HTTPS server)", () => {
    const roleArn = "arn:aws:iam::123456789012:role/KubernetesAdmin";
    const clusterId = "e2e.example.com";
    let dir: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-kubeconfig-e2e-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A self-signed certificate for 127.0.0.1, made by openssl. */
    function makeServerCertificate(): { certPem: string; keyPem: string } {
        const cert = path.join(dir, "cert.pem");
        const key = path.join(dir, "key.pem");
        writeSelfSignedCertificate({
            keyFile: key,
            certFile: cert,
            commonName: "e2e-apiserver",
            extensions: ["subjectAltName=IP:127.0.0.1"],
        });
        return { certPem: fs.readFileSync(cert, "utf8"), keyPem: fs.readFileSync(key, "utf8") };
    }

    /**
     * Serves /healthz through the kubeconfig for `tokenCommand` and returns the bearer token kubectl
     * sent, plus the identity moto knows for the access key in it.
     */
    async function tokenThroughKubeconfig(ctx: Mocha.Context, tokenCommand: "aws-iam-authenticator" | "aws") {
        const kubectl = requireTool(ctx, "kubectl", "install kubectl, https://kubernetes.io/docs/tasks/tools/");
        requireTool(ctx, "openssl", "apt-get install openssl");
        const aws = requireTool(ctx, "aws", "pip install awscli");
        const motoServer = requireTool(ctx, "moto_server", "pip install 'moto[server]'");
        const tokenBinary = requireTool(
            ctx,
            tokenCommand,
            tokenCommand === "aws" ? "pip install awscli" : "bash tests/setup/install-tools.sh",
        );

        const { certPem, keyPem } = makeServerCertificate();
        const authorizations: string[] = [];
        const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
            authorizations.push(req.headers.authorization ?? "");
            res.end("ok");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const moto = await startMoto(motoServer);
        try {
            const kubeconfig = path.join(dir, "kubeconfig.yaml");
            fs.writeFileSync(
                kubeconfig,
                renderUserKubeconfig({
                    clusterName: "e2e.example.com",
                    server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
                    certificateAuthorityData: Buffer.from(certPem).toString("base64"),
                    clusterId,
                    roleArn,
                    tokenCommand,
                    region: "us-west-2",
                }),
            );
            // The token command finds its binary on PATH, as on a user's machine.
            const env = {
                ...moto.env,
                HOME: dir,
                PATH: [path.dirname(tokenBinary), toolCacheBin, process.env.PATH ?? ""].join(path.delimiter),
            };
            const result = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/healthz"], env);
            assert.strictEqual(result.code, 0, `kubectl failed: ${result.stderr}`);
            assert.strictEqual(result.stdout, "ok");
            assert.strictEqual(authorizations.length >= 1, true);
            const token = authorizations[0].replace(/^Bearer /, "");
            assert.match(token, /^k8s-aws-v1\.[A-Za-z0-9_-]+$/, "an aws-iam-authenticator token, unpadded base64url");
            const presigned = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString("utf8"));
            const accessKeyId = (presigned.searchParams.get("X-Amz-Credential") ?? "").split("/")[0];
            const identity = await run(aws, ["sts", "get-caller-identity", "--output", "json"], {
                ...moto.env,
                AWS_ACCESS_KEY_ID: accessKeyId,
                AWS_SECRET_ACCESS_KEY: "moto-does-not-check",
                HOME: dir,
            });
            assert.strictEqual(identity.code, 0, identity.stderr);
            return { presigned, callerArn: JSON.parse(identity.stdout).Arn as string };
        } finally {
            await moto.stop();
            server.close();
        }
    }

    function assertTokenForRole(presigned: URL, callerArn: string) {
        assert.strictEqual(presigned.searchParams.get("Action"), "GetCallerIdentity");
        // The cluster ID travels as a signed header; the authenticator sends its own clusterID in
        // it when it replays the request, so a token for another cluster fails STS' signature check.
        assert.deepStrictEqual(presigned.searchParams.get("X-Amz-SignedHeaders")?.split(";"), ["host", "x-k8s-aws-id"]);
        assert.match(
            presigned.searchParams.get("X-Amz-Credential") ?? "",
            /\/us-west-2\/sts\/aws4_request$/,
            "signed for the regional STS",
        );
        // The session is the role's, so the authenticator's canonical ARN is the mapped roleArn.
        assert.match(callerArn, /^arn:aws:sts::123456789012:assumed-role\/KubernetesAdmin\/[^/]+$/);
    }

    it("aws form: kubectl runs `aws eks get-token` and sends a token for a session of the role", async function () {
        const { presigned, callerArn } = await tokenThroughKubeconfig(this, "aws");
        assertTokenForRole(presigned, callerArn);
    });

    it("aws-iam-authenticator form: kubectl runs `aws-iam-authenticator token` and sends a token for a session of the role", async function () {
        const { presigned, callerArn } = await tokenThroughKubeconfig(this, "aws-iam-authenticator");
        assertTokenForRole(presigned, callerArn);
    });
});
