// The AWS side of a sign-in stage: moto_server, STS at its real host name through the HTTPS front
// (./stsFront.ts), and the state bucket holding cert.pem and key.pem where the control-plane hook
// fetches them from (components/aws/stateStoreLayout.ts); the authenticator server started on it, and
// a user's token command run against it.
import * as fs from "fs";
import * as path from "path";
import { authenticatorObjectKeys } from "../../../components/core/stateStoreLayout";
import { authenticatorPort } from "../../../components/authenticator/webhookKubeconfig";
import { assertPortFree, DaemonSetLike, httpsRequest, Mount, startContainerProcess } from "../kube/authenticatorPod";
import { Moto, startMoto, testRegion } from "./moto";
import { motoS3 } from "./motoS3";
import { BackgroundProcess, describeExit, run, waitUntil } from "../processes/processes";
import { inHostsNamespace, startStsFront, StsFront } from "./stsFront";
import { toolCacheBin } from "../processes/tools";

export interface SignInAwsOptions {
    motoServer: string;
    /** A directory of the stage's own; the front's files go in `<work>/sts`, readable by the server's uid. */
    work: string;
    /** Who needs the front's port 443, for the message when it is taken. */
    stage: string;
    clusterName: string;
    stateBucket: string;
    certPem: string;
    keyPem: string;
}

/** Starts moto and the STS front and uploads the authenticator's files; stops what it started if a step fails. */
export async function startSignInAws(options: SignInAwsOptions): Promise<{ moto: Moto; sts: StsFront }> {
    const moto = await startMoto(options.motoServer);
    let sts: StsFront | undefined;
    try {
        await assertPortFree(443, `the STS front of ${options.stage}`);
        const stsDir = path.join(options.work, "sts");
        fs.mkdirSync(stsDir, { mode: 0o755 });
        sts = await startStsFront(moto.endpoint, testRegion, stsDir);
        // The state store component's uploads, over HTTP (./motoS3.ts).
        const s3 = motoS3(moto);
        await s3.createBucket(options.stateBucket);
        const keys = authenticatorObjectKeys(options.clusterName);
        await s3.putObject(options.stateBucket, keys.certPem, options.certPem);
        await s3.putObject(options.stateBucket, keys.keyPem, options.keyPem);
        return { moto, sts };
    } catch (err) {
        await sts?.stop();
        await moto.stop();
        throw err;
    }
}

/**
 * The environment a user's token command runs in, as on their machine: AWS credentials (moto's
 * fake ones, or the given user's), the built aws-iam-authenticator and the aws CLI on PATH, and
 * STS at its real name through the front (its CA trusted by Go and by botocore; no
 * AWS_ENDPOINT_URL, since the server accepts tokens for no other host).
 */
export function signInEnv(
    signIn: { moto: Moto; sts: StsFront },
    aws: string,
    credentials?: { id: string; secret: string },
): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
        ...signIn.moto.env,
        PATH: `${toolCacheBin}:${path.dirname(aws)}:${signIn.moto.env.PATH}`,
        SSL_CERT_FILE: signIn.sts.caFile,
        AWS_CA_BUNDLE: signIn.sts.caFile,
        ...(credentials ? { AWS_ACCESS_KEY_ID: credentials.id, AWS_SECRET_ACCESS_KEY: credentials.secret } : {}),
    };
    delete env.AWS_ENDPOINT_URL;
    return env;
}

/** A kubeconfig user's `exec` command run as kubectl runs it, in signInEnv; resolves to the token it prints. */
export async function execCredentialToken(
    signIn: { moto: Moto; sts: StsFront },
    aws: string,
    exec: { apiVersion: string; command: string; args: string[] },
): Promise<string> {
    const env = {
        ...signInEnv(signIn, aws),
        KUBERNETES_EXEC_INFO: JSON.stringify({
            apiVersion: exec.apiVersion,
            kind: "ExecCredential",
            spec: { interactive: false },
        }),
    };
    const [command, args] = inHostsNamespace(signIn.sts.hostsFile, exec.command, exec.args);
    const result = await run(command, args, { env, timeoutMs: 60000 });
    if (result.status !== 0) {
        throw new Error(`${exec.command} ${exec.args.join(" ")} ${describeExit(result)}: ${result.stderr}`);
    }
    return JSON.parse(result.stdout).status.token;
}

/**
 * Starts `binary` as the DaemonSet's container on a node laid out in `mounts`, with a pod's
 * environment: moto's fake credentials, no IMDS (the server asks it for its region, server.go
 * getHandler, and without IMDS must not even try), STS at its real name through the front. Resolves
 * once /healthz answers over TLS with `certPem`; fails with the server's own output when it exits first.
 */
export async function startAuthenticatorServer(options: {
    binary: string;
    daemonSet: DaemonSetLike;
    mounts: Mount[];
    sts: StsFront;
    certPem: string;
    /** Who needs the port, for the message when it is taken. */
    stage: string;
    readyTimeoutMs: number;
}): Promise<BackgroundProcess> {
    await assertPortFree(authenticatorPort, `the authenticator server of ${options.stage}`);
    const env: NodeJS.ProcessEnv = {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        HOME: "/nonexistent",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_REGION: testRegion,
        AWS_DEFAULT_REGION: testRegion,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        SSL_CERT_FILE: options.sts.caFile,
    };
    const { process: proc } = startContainerProcess(options.binary, options.daemonSet, options.mounts, env, (command, args) =>
        inHostsNamespace(options.sts.hostsFile, command, args),
    );
    try {
        await waitUntil(
            `aws-iam-authenticator server (${path.basename(options.binary)})`,
            async () => (await httpsRequest(`https://127.0.0.1:${authenticatorPort}/healthz`, options.certPem)).body === "ok",
            options.readyTimeoutMs,
            proc,
        );
    } catch (err) {
        await proc.stop(1000).catch(() => undefined);
        throw err;
    }
    return proc;
}
