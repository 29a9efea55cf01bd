// Stage 1 of the real-tools loop: the real aws-iam-authenticator server (the pinned build from
// tests/setup/install-tools.sh), on what our code generates, reached by the real kubectl.
//
// - Key and certificate: AuthenticatorPki under Pulumi mocks, with openssl standing in for the tls
//   provider (tests/helpers/mocks/opensslTlsProvider.ts): it makes them from exactly the inputs the component
//   gave the tls resources. The webhook kubeconfig is the component's own output for that cert.
// - Files on the node: cert.pem and key.pem uploaded to a moto_server S3 state store at the keys
//   the state store uses, then fetched by the control-plane hook's own steps (certFetchSteps, real
//   aws CLI) into <root>/srv/kubernetes/aws-iam-authenticator; config.yaml and mappings.json
//   projected from our ConfigMap as the kubelet does.
// - The server: the DaemonSet's container args with paths remapped through its volume mounts,
//   run as its runAsUser/runAsGroup with no_new_privs and no capabilities (setpriv).
// - STS: moto_server, reached by the server and the token commands at the real host name
//   sts.us-east-1.amazonaws.com through tests/helpers/aws/stsFront.ts (a private /etc/hosts, a test
//   certificate in SSL_CERT_FILE, and two translations of form only, described there). So a real
//   token for a mapped role goes the whole way: token command → TokenReview → server → STS →
//   our mapping → Kubernetes user and groups.
// Everything listens on 127.0.0.1 (the server's plain-HTTP health port 21363 binds every
// interface, which inside tests/offline.sh's namespace is loopback only; the STS front takes
// 127.0.0.1:443). Servers are stopped in after hooks; every wait is bounded.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { RenderedAuthenticatorConfig, renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import {
    configChecksum,
    renderAuthenticatorConfigMap,
    renderAuthenticatorDaemonSet,
} from "../../components/authenticator/manifests";
import { authenticatorCertDir } from "../../components/core/hostLayout";
import { certFetchSteps } from "../../components/kops/certFetchHook";
import { renderUserKubeconfig } from "../../components/authenticator/userKubeconfig";
import { TokenCommand } from "../../components/core/types";
import { IdentityMappings } from "../../components/core/mappings";
import { AuthenticatorPki } from "../../components/authenticator/pki";
import { authenticatorPort } from "../../components/authenticator/webhookKubeconfig";
import {
    authenticatorContainer,
    requireAnyUid,
    DaemonSetLike,
    hostPathOf,
    httpsRequest,
    Mount,
    projectVolumes,
} from "../helpers/kube/authenticatorPod";
import { Moto, testRegion } from "../helpers/aws/moto";
import { execCredentialToken, startAuthenticatorServer, startSignInAws } from "../helpers/aws/signInAws";
import { opensslTlsState, privateKeyType, selfSignedCertType } from "../helpers/mocks/opensslTlsProvider";
import { BackgroundProcess, describeExit, run, runOk } from "../helpers/processes/processes";
import { StsFront } from "../helpers/aws/stsFront";
import { installMocks, MockRecorder, valueOf } from "../helpers/mocks/pulumiMocks";
import { requireTool, toolCacheBin } from "../helpers/processes/tools";

const clusterId = "stage1.example.com";
const stateBucket = "kops-iam-auth-stage1-state";
const adminRoleArn = "arn:aws:iam::123456789012:role/KubernetesAdmin";
const mappings: IdentityMappings = {
    mapRoles: [
        { roleArn: adminRoleArn, username: "kubernetes-admin", groups: ["system:masters"] },
        // A role with an IAM path: mappings.json must carry it without the path.
        { roleArn: "arn:aws:iam::123456789012:role/teams/Readers", username: "reader:{{SessionName}}", groups: ["readers"] },
    ],
    mapUsers: [{ userArn: "arn:aws:iam::123456789012:user/ops/alice", username: "alice", groups: ["ops"] }],
    mapAccounts: ["012345678901"],
};
const installHint = "bash tests/setup/install-tools.sh";
/** How long the server gets to listen, and to fail on a bad config. */
const serverStartMs = 20000;

describe("stage 1: the real aws-iam-authenticator on our certificate, config, webhook kubeconfig and DaemonSet", function () {
    this.timeout(120000);
    const stageStart = Date.now();
    let authenticator: string;
    let kubectl: string;
    let aws: string;
    let recorder: MockRecorder;
    let certPem: string;
    let keyPem: string;
    let webhookKubeconfig: string;
    let files: RenderedAuthenticatorConfig;
    let daemonSet: DaemonSetLike;
    let moto: Moto;
    let sts: StsFront;
    const roots: string[] = [];
    let root: string;
    let mounts: Mount[];
    let server: BackgroundProcess | undefined;
    /** Every server started, so that after() stops whichever still runs. */
    const started: BackgroundProcess[] = [];
    let work: string;

    /** A node root with our config projected and the hook's files in place. */
    async function prepareNode(config: { configYaml: string; mappingsJson: string }): Promise<{ root: string; mounts: Mount[] }> {
        const nodeRoot = fs.mkdtempSync(path.join(os.tmpdir(), "stage1-node-"));
        roots.push(nodeRoot);
        fs.chmodSync(nodeRoot, 0o755);
        const nodeMounts = projectVolumes(daemonSet, nodeRoot, [renderAuthenticatorConfigMap(config)]);
        // The hook's steps, as the control-plane node runs them (the host runner's argv lists).
        const steps = certFetchSteps(
            {
                stateBucket,
                clusterName: clusterId,
                stateBucketRegion: testRegion,
                authenticatorUid: authenticatorUidOf(daemonSet),
            },
            { targetDir: path.join(nodeRoot, authenticatorCertDir), awsCommand: aws },
        );
        for (const [command, ...args] of steps) {
            await runOk(command, args, { env: moto.env, timeoutMs: 60000 });
        }
        return { root: nodeRoot, mounts: nodeMounts };
    }

    function authenticatorUidOf(ds: DaemonSetLike): number {
        const uid = authenticatorContainer(ds).securityContext?.runAsUser;
        assert.ok(uid !== undefined, "the DaemonSet sets runAsUser");
        return uid;
    }

    /**
     * Starts the server on a node; resolves once /healthz answers over TLS with our CA, and fails
     * with the server's own output when it exits first.
     */
    async function startServer(nodeMounts: Mount[]): Promise<BackgroundProcess> {
        const proc = await startAuthenticatorServer({
            binary: authenticator,
            daemonSet,
            mounts: nodeMounts,
            sts,
            certPem,
            stage: "stage 1",
            readyTimeoutMs: serverStartMs,
        });
        started.push(proc);
        return proc;
    }

    before(async function () {
        authenticator = requireTool(this, "aws-iam-authenticator", installHint);
        kubectl = requireTool(this, "kubectl", "https://kubernetes.io/docs/tasks/tools/");
        aws = requireTool(this, "aws", "pip install awscli");
        const motoServer = requireTool(this, "moto_server", "pip install 'moto[server]'");
        requireTool(this, "openssl", "apt-get install openssl");
        requireTool(this, "setpriv", "apt-get install util-linux");
        requireAnyUid(this, "stage 1");

        recorder = await installMocks({ extraState: opensslTlsState });
        const pki = new AuthenticatorPki("stage1");
        [certPem, keyPem, webhookKubeconfig] = await Promise.all([
            valueOf(pki.certPem),
            valueOf(pki.privateKeyPem),
            valueOf(pki.webhookKubeconfig),
        ]);
        files = renderAuthenticatorConfig(clusterId, mappings);
        daemonSet = renderAuthenticatorDaemonSet({ configChecksum: configChecksum(files.configYaml) });
        work = fs.mkdtempSync(path.join(os.tmpdir(), "stage1-work-"));
        fs.chmodSync(work, 0o711);
        roots.push(work);

        ({ moto, sts } = await startSignInAws({
            motoServer,
            work,
            stage: "stage 1",
            clusterName: clusterId,
            stateBucket,
            certPem,
            keyPem,
        }));
        ({ root, mounts } = await prepareNode(files));
        server = await startServer(mounts);
    });

    after(async () => {
        await Promise.all(started.map((proc) => proc.stop()));
        await sts?.stop();
        await moto?.stop();
        roots.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
        console.log(`      stage 1 took ${((Date.now() - stageStart) / 1000).toFixed(1)} s`);
    });

    it("makes the key and certificate from the parameters AuthenticatorPki gives the tls provider", () => {
        const key = recorder.one(privateKeyType);
        const cert = recorder.one(selfSignedCertType);
        assert.equal(key.plainInputs.algorithm, "RSA");
        assert.equal(key.plainInputs.rsaBits, 2048);
        assert.deepEqual(cert.plainInputs.subject, { commonName: "aws-iam-authenticator" });
        assert.match(keyPem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
        assert.match(certPem, /^-----BEGIN CERTIFICATE-----\n/);
    });

    it("lays the node out as the hook and the DaemonSet do: key 0600 and cert owned by the DaemonSet's uid, config at the mount path", () => {
        const container = authenticatorContainer(daemonSet);
        const uid = authenticatorUidOf(daemonSet);
        const stateDirArg = container.args.find((a) => a.startsWith("--state-dir="));
        const configArg = container.args.find((a) => a.startsWith("--config="));
        assert.ok(stateDirArg && configArg, `the DaemonSet passes --state-dir and --config: ${container.args.join(" ")}`);
        // The DaemonSet's state directory is the directory the hook fills.
        const stateDir = hostPathOf(stateDirArg.slice("--state-dir=".length), mounts);
        assert.equal(stateDir, path.join(root, authenticatorCertDir));
        for (const [file, mode] of [
            ["cert.pem", 0o644],
            ["key.pem", 0o600],
        ] as const) {
            const stat: fs.Stats = fs.statSync(path.join(stateDir!, file));
            assert.equal(stat.uid, uid, `${file} owner`);
            assert.equal(stat.mode & 0o777, mode, `${file} mode ${(stat.mode & 0o777).toString(8)}`);
        }
        assert.equal(fs.readFileSync(path.join(stateDir!, "key.pem"), "utf8"), keyPem);
        const configFile = hostPathOf(configArg.slice("--config=".length), mounts)!;
        assert.equal(fs.readFileSync(configFile, "utf8"), files.configYaml);
        // mappings.json beside it, where config.yaml's dynamicfilepath points.
        const dynamicFile = hostPathOf(YAML.parse(files.configYaml).server.dynamicfilepath, mounts)!;
        assert.equal(path.dirname(dynamicFile), path.dirname(configFile));
        assert.equal(fs.readFileSync(dynamicFile, "utf8"), files.mappingsJson);
    });

    it("the server loaded our pair and our mappings (role path stripped) and runs as the DaemonSet's uid", () => {
        const output = server!.output();
        assert.match(output, /loaded existing keypair/, output);
        assert.doesNotMatch(output, /generated a new private key|could not load/i, output);
        // The DynamicFile backend alone, and the mappings.json it loaded, logged whole.
        assert.match(output, /starting mapper \\"DynamicFile\\"/, output);
        assert.doesNotMatch(output, /starting mapper \\"MountedFile\\"/, output);
        const loaded = /msg="LoadDynamicFile: \S+mappings\.json is available\. content is (.*)"$/m.exec(output);
        assert.ok(loaded, output);
        assert.equal(JSON.parse(JSON.parse(`"${loaded[1]}"`)).Version, JSON.parse(files.mappingsJson).Version);
        assert.match(loaded[1], /arn:aws:iam::123456789012:role\/Readers\\"/);
        assert.doesNotMatch(loaded[1], /teams\/Readers/);
        assert.match(output, new RegExp(`listening on 127\\.0\\.0\\.1:${authenticatorPort}`), output);
        const status = fs.readFileSync(`/proc/${server!.child.pid}/status`, "utf8");
        const uid = authenticatorUidOf(daemonSet);
        assert.match(status, new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, "m"));
        assert.match(status, /^NoNewPrivs:\s+1$/m);
        assert.match(status, /^CapEff:\s+0+$/m);
    });

    it("kubectl --kubeconfig <our webhook kubeconfig> get --raw /healthz answers ok (client-go trusts our CA data for 127.0.0.1)", async () => {
        const kubeconfigPath = path.join(work, "webhook.kubeconfig");
        fs.writeFileSync(kubeconfigPath, webhookKubeconfig);
        // The webhook user has no credentials (the apiserver presents none); kubectl, unlike the
        // apiserver, then prompts for a username on stdin. A token it sends along stops the
        // prompt; the authenticator ignores request headers.
        const result = await run(
            kubectl,
            ["--kubeconfig", kubeconfigPath, "--token", "ignored-by-the-webhook", "get", "--raw", "/healthz"],
            { timeoutMs: 30000, env: { PATH: process.env.PATH, HOME: work } },
        );
        assert.equal(result.status, 0, `kubectl ${describeExit(result)}: ${result.stderr}`);
        assert.equal(result.stdout.trim(), "ok");
    });

    it("a TokenReview with a bogus token, posted to /authenticate through our webhook kubeconfig, answers authenticated: false", async () => {
        const token = "k8s-aws-v1.bm90LWEtcHJlc2lnbmVkLXVybA";
        const kubeconfig = YAML.parse(webhookKubeconfig);
        const serverUrl: string = kubeconfig.clusters[0].cluster.server;
        assert.equal(new URL(serverUrl).pathname, "/authenticate");
        const { status, review, stderr } = await reviewThroughWebhookKubeconfig(token);
        assert.equal(status, 1, `kubectl: ${stderr}`);
        assert.match(stderr, /Error from server \(Forbidden\)/);
        assert.notEqual(review.status?.authenticated, true);
        assert.deepEqual(review.status?.user, {});
        // The same request with the CA data and URL from our kubeconfig, without kubectl: status and body.
        const caPem = Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString("utf8");
        const answer = await httpsRequest(serverUrl, caPem, tokenReviewRequest(token));
        assert.equal(answer.status, 403);
        assert.deepEqual(JSON.parse(answer.body), { metadata: {}, spec: {}, status: { user: {} } });
        assert.match(server!.output(), /access denied.*input token was not properly formatted/);
    });

    /**
     * A token made by a user kubeconfig's exec command against "real" STS (moto behind the front at
     * sts.<region>.amazonaws.com), as kubectl would run it: what the apiserver would pass on.
     */
    async function realToken(roleArn: string, tokenCommand: TokenCommand): Promise<string> {
        const exec = YAML.parse(
            renderUserKubeconfig({
                clusterName: clusterId,
                server: "https://api.stage1.example.com",
                certificateAuthorityData: Buffer.from(certPem).toString("base64"),
                clusterId,
                roleArn,
                tokenCommand,
                region: testRegion,
            }),
        ).users[0].user.exec;
        return execCredentialToken({ moto, sts }, aws, exec);
    }

    /** What the apiserver sends the webhook (authentication.k8s.io/v1beta1, its default webhook version). */
    function tokenReviewRequest(token: string): string {
        return JSON.stringify({ apiVersion: "authentication.k8s.io/v1beta1", kind: "TokenReview", spec: { token } });
    }

    /**
     * Posts a TokenReview through our webhook kubeconfig with kubectl; the server's answer. A denial is
     * an HTTP 403, which kubectl reports as an error (exit 1) after logging the body (-v=8).
     */
    async function reviewThroughWebhookKubeconfig(
        token: string,
    ): Promise<{ status: number | null; review: any; stderr: string }> {
        const kubeconfigPath = path.join(work, "webhook.kubeconfig");
        fs.writeFileSync(kubeconfigPath, webhookKubeconfig);
        const reviewPath = path.join(work, "review.json");
        fs.writeFileSync(reviewPath, tokenReviewRequest(token));
        const result = await run(
            kubectl,
            [
                "--kubeconfig",
                kubeconfigPath,
                "--token",
                "ignored-by-the-webhook",
                "create",
                "--raw",
                "/authenticate",
                "-f",
                reviewPath,
                "-v=8",
            ],
            { timeoutMs: 30000, env: { PATH: process.env.PATH, HOME: work } },
        );
        if (result.status === 0) {
            return { status: result.status, review: JSON.parse(result.stdout), stderr: result.stderr };
        }
        // A denial is an HTTP 403, which kubectl reports as an error; -v=8 logs the body.
        const logged = /"Response Body" body="((?:[^"\\]|\\.)*)"/.exec(result.stderr);
        assert.ok(logged, `kubectl logged the response body:\n${result.stderr}`);
        return { status: result.status, review: JSON.parse(JSON.parse(`"${logged[1]}"`)), stderr: result.stderr };
    }

    for (const tokenCommand of ["aws-iam-authenticator", "aws"] as TokenCommand[]) {
        it(`a real token (${tokenCommand} form) for a mapped role, verified against STS (moto): authenticated as our mapping's user and groups`, async () => {
            const answer = await reviewThroughWebhookKubeconfig(await realToken(adminRoleArn, tokenCommand));
            assert.equal(answer.status, 0, answer.stderr);
            const status = answer.review.status;
            assert.equal(status.authenticated, true, JSON.stringify(answer.review));
            assert.equal(status.user.username, "kubernetes-admin");
            assert.deepEqual(status.user.groups, ["system:masters"]);
            assert.match(status.user.uid, /^aws-iam-authenticator:123456789012:/);
            assert.deepEqual(status.user.extra.canonicalArn, [adminRoleArn]);
        });
    }

    it("a real token for the role given with an IAM path (mappings.json has it without): authenticated, the session-name template filled in", async () => {
        const answer = await reviewThroughWebhookKubeconfig(
            await realToken("arn:aws:iam::123456789012:role/teams/Readers", "aws-iam-authenticator"),
        );
        assert.equal(answer.status, 0, answer.stderr);
        const user = answer.review.status.user;
        assert.equal(answer.review.status.authenticated, true, JSON.stringify(answer.review));
        assert.equal(user.username, `reader:${user.extra.sessionName[0]}`);
        assert.deepEqual(user.groups, ["readers"]);
    });

    it("a real token for a role our config does not map is denied (its account is not in mapAccounts)", async () => {
        const answer = await reviewThroughWebhookKubeconfig(
            await realToken("arn:aws:iam::123456789012:role/Stranger", "aws-iam-authenticator"),
        );
        assert.equal(answer.status, 1, answer.stderr);
        assert.notEqual(answer.review.status?.authenticated, true);
        assert.match(
            server!.output(),
            /access denied" arn="arn:aws:iam::123456789012:role\/Stranger" .*error="identity is not mapped"/,
        );
    });

    for (const tokenCommand of ["aws-iam-authenticator", "aws"] as TokenCommand[]) {
        it(`the exec command of a user kubeconfig (${tokenCommand}), run as kubectl runs it, prints an ExecCredential of the kubeconfig's apiVersion`, async function () {
            const profile = "kops-iam-auth-stage1";
            const userKubeconfig = YAML.parse(
                renderUserKubeconfig({
                    clusterName: clusterId,
                    server: "https://api.stage1.example.com",
                    certificateAuthorityData: Buffer.from(certPem).toString("base64"),
                    clusterId,
                    roleArn: adminRoleArn,
                    awsProfile: profile,
                    tokenCommand,
                    region: testRegion,
                }),
            );
            const exec = userKubeconfig.users[0].user.exec;
            // The profile named in the kubeconfig's env is the only source of credentials.
            const credentials = path.join(work, "credentials");
            fs.writeFileSync(
                credentials,
                `[${profile}]\naws_access_key_id = AKIAIOSFODNN7PROFILE\n` +
                    "aws_secret_access_key = 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\n",
            );
            const env: NodeJS.ProcessEnv = { ...moto.env, AWS_SHARED_CREDENTIALS_FILE: credentials };
            delete env.AWS_ACCESS_KEY_ID;
            delete env.AWS_SECRET_ACCESS_KEY;
            // kubectl finds the command on PATH; install-tools.sh puts ours in .cache/bin.
            env.PATH = `${toolCacheBin}:${path.dirname(aws)}:${env.PATH}`;
            for (const { name, value } of exec.env ?? []) {
                env[name] = value;
            }
            // What kubectl passes an exec plugin (client-go exec.go): the kubeconfig's apiVersion,
            // no cluster info (provideClusterInfo: false), not interactive (no terminal here).
            env.KUBERNETES_EXEC_INFO = JSON.stringify({
                apiVersion: exec.apiVersion,
                kind: "ExecCredential",
                spec: { interactive: false },
            });
            const result = await run(exec.command, exec.args, { env, timeoutMs: 60000 });
            assert.equal(result.status, 0, `${exec.command} ${exec.args.join(" ")} ${describeExit(result)}: ${result.stderr}`);
            const credential = JSON.parse(result.stdout);
            assert.equal(credential.kind, "ExecCredential");
            assert.equal(credential.apiVersion, exec.apiVersion);
            assert.ok(Date.parse(credential.status.expirationTimestamp) > Date.now(), credential.status.expirationTimestamp);
            const token: string = credential.status.token;
            assert.match(token, /^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
            // The token is a presigned STS GetCallerIdentity URL (here moto's address, as the
            // endpoint is moto's), signed with the cluster-ID header, by a session of the role
            // (temporary ASIA... keys from AssumeRole, not the profile's own key).
            const presigned = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString("utf8"));
            assert.equal(presigned.searchParams.get("Action"), "GetCallerIdentity");
            assert.deepEqual(presigned.searchParams.get("X-Amz-SignedHeaders")?.split(";").sort(), ["host", "x-k8s-aws-id"]);
            const credentialScope = presigned.searchParams.get("X-Amz-Credential") ?? "";
            assert.match(credentialScope, new RegExp(`^ASIA\\w+/\\d{8}/${testRegion}/sts/aws4_request$`));
            const identity = JSON.parse(
                await runOk(aws, ["sts", "get-caller-identity", "--output", "json"], {
                    env: {
                        ...moto.env,
                        AWS_ACCESS_KEY_ID: credentialScope.split("/")[0],
                        AWS_SECRET_ACCESS_KEY: "unchecked-by-moto",
                        AWS_SESSION_TOKEN: presigned.searchParams.get("X-Amz-Security-Token") ?? "",
                    },
                }),
            );
            assert.match(identity.Arn, /^arn:aws:sts::123456789012:assumed-role\/KubernetesAdmin\//);
        });
    }

    it("upstream fact for the DaemonSet's termination: the server keeps serving after the first SIGTERM and exits on a second signal", async () => {
        // v0.7.18 pkg/server/server.go Run: `for range stopCh` over a channel that is closed, never
        // sent on, so the first SIGTERM stops nothing; client-go's signal handler exits on the
        // second. The kubelet sends one SIGTERM, then SIGKILL after terminationGracePeriodSeconds.
        const proc = server!;
        proc.child.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(proc.hasExited(), false, proc.output());
        assert.equal((await httpsRequest(`https://127.0.0.1:${authenticatorPort}/healthz`, certPem)).body, "ok");
        proc.child.kill("SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        const exit = await Promise.race([
            proc.exited,
            new Promise<"running">((r) => {
                timer = setTimeout(() => r("running"), 5000);
            }),
        ]);
        clearTimeout(timer);
        assert.notEqual(exit, "running", "the server exits on the second SIGTERM");
        server = undefined;
    });

    describe("a config the server rejects", () => {
        /**
         * Starts the server on a fresh node with `config` (our own server stopped first, as both
         * need the port) through the same harness as above, and returns the error it fails with.
         */
        async function startFailureOn(config: RenderedAuthenticatorConfig, keyMode?: number): Promise<Error> {
            await server?.stop();
            server = undefined;
            const node = await prepareNode(config);
            if (keyMode !== undefined) {
                const stateDir = path.join(node.root, authenticatorCertDir);
                fs.chownSync(path.join(stateDir, "key.pem"), 0, 0);
                fs.chmodSync(path.join(stateDir, "key.pem"), keyMode);
            }
            const outcome = await startServer(node.mounts).then(
                () => undefined,
                (err: Error) => err,
            );
            assert.ok(outcome, "the server started on a config it should refuse");
            return outcome;
        }

        it("a config.yaml that names the DynamicFile backend without its file: the server exits non-zero and the test shows its own message", async () => {
            // Our renderer cannot write this; the edit stands for a hand-made ConfigMap.
            const doc = YAML.parseDocument(files.configYaml);
            doc.deleteIn(["server", "dynamicfilepath"]);
            const error = await startFailureOn({ ...files, configYaml: doc.toString() });
            assert.match(error.message, /the process exited with code 1 before it was ready/, error.message);
            assert.match(
                error.message,
                /level=fatal msg="dynamicfile is set in backend-mode but dynamicfilepath is not set"/,
                error.message,
            );
        });

        it("key.pem not readable by the DaemonSet's uid: the server refuses to start rather than generate a new pair", async () => {
            const error = await startFailureOn(files, 0o600);
            assert.match(error.message, /the process exited with code 1 before it was ready/, error.message);
            assert.match(error.message, /could not load\/generate a certificate.*permission denied/, error.message);
        });
    });
});
