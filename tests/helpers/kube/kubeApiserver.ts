// A real control plane for tests: etcd and kube-apiserver (and, when asked, kube-controller-manager
// running only the controllers a test needs) on 127.0.0.1 free ports, with a CA, a serving
// certificate, service-account keys and an admin client certificate made for the test by openssl.
// Nothing listens beyond 127.0.0.1. startKubeApiserver() stops whatever it started when it fails
// part way; the caller stops the rest with stop(), which never throws.
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { writeSelfSignedCertificate } from "../processes/openssl";
import { BackgroundProcess, freeLoopbackPort, runOk, startBackground, waitUntil } from "../processes/processes";

export interface KubeApiserverOptions {
    /** Paths of the binaries (requireTool). */
    etcd: string;
    kubeApiserver: string;
    /** Needed only with `controllers`. */
    kubeControllerManager?: string;
    /** A directory of the test's own: certificates, etcd's data and the admin kubeconfig go under it. */
    dir: string;
    /**
     * More kube-apiserver flags, `--flag=value` (e.g. the token webhook's, as the cluster spec sets
     * them). They come after the helper's own, so a test can override one.
     */
    extraArgs?: string[];
    /**
     * kube-controller-manager `--controllers`, e.g. ["clusterrole-aggregation"] for the rules of the
     * aggregated ClusterRoles (view, edit, admin). Without it no controller manager runs.
     */
    controllers?: string[];
    /** How long each server gets to become ready. Default 60 s (a loaded 2-core machine). */
    readyTimeoutMs?: number;
}

export interface KubeApiserver {
    /** https://127.0.0.1:<port> */
    url: string;
    /** The cluster CA (PEM): what a kubeconfig's certificate-authority-data holds, base64-encoded. */
    caPem: string;
    /** A kubeconfig for a system:masters client certificate. */
    adminKubeconfig: string;
    /** The kube-apiserver process' id (its /proc/<pid>/cmdline shows the flags it runs with). */
    apiserverPid: number;
    /** Milliseconds from starting kube-apiserver to its /readyz answering ok. */
    readyMs: number;
    /** Everything kube-apiserver logged so far (the last 64 KiB). */
    apiserverLog(): string;
    /** kube-controller-manager's log, when it runs. */
    controllerManagerLog(): string;
    /** Stops every process it started, the controller manager and apiserver before etcd. Never throws. */
    stop(): Promise<void>;
}

function httpGet(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
    const module: typeof https = url.startsWith("https:") ? https : require("http");
    return new Promise((resolve, reject) => {
        const request = module.get(url, { ...options, timeout: 5000 }, (response) => {
            let body = "";
            response.on("data", (d) => {
                body += d;
            });
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.once("timeout", () => request.destroy(new Error(`${url}: no answer within 5 s`)));
        request.once("error", reject);
    });
}

/** The test PKI: a CA, the apiserver's serving certificate, an admin client certificate, SA keys. */
async function makePki(dir: string) {
    const file = (name: string) => path.join(dir, name);
    const openssl = (args: string[]) => runOk("openssl", args, { timeoutMs: 60000 });
    writeSelfSignedCertificate({
        keyFile: file("ca.key"),
        certFile: file("ca.crt"),
        commonName: "kops-iam-auth-test-ca",
        extensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"],
    });
    const signed = async (name: string, subject: string, extensions: string) => {
        fs.writeFileSync(file(`${name}.ext`), extensions);
        await openssl([
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            file(`${name}.key`),
            "-out",
            file(`${name}.csr`),
            "-subj",
            subject,
        ]);
        await openssl([
            "x509",
            "-req",
            "-in",
            file(`${name}.csr`),
            "-CA",
            file("ca.crt"),
            "-CAkey",
            file("ca.key"),
            "-CAcreateserial",
            "-days",
            "1",
            "-sha256",
            "-extfile",
            file(`${name}.ext`),
            "-out",
            file(`${name}.crt`),
        ]);
    };
    // The names a client may use for the apiserver on 127.0.0.1, and the in-cluster ones.
    await signed(
        "apiserver",
        "/CN=kube-apiserver",
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
            "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\n",
    );
    await signed(
        "admin",
        "/O=system:masters/CN=kops-iam-auth-test-admin",
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
    );
    await openssl(["genrsa", "-out", file("sa.key"), "2048"]);
    await openssl(["rsa", "-in", file("sa.key"), "-pubout", "-out", file("sa.pub")]);
    return {
        caFile: file("ca.crt"),
        caPem: fs.readFileSync(file("ca.crt"), "utf8"),
        serving: { cert: file("apiserver.crt"), key: file("apiserver.key") },
        admin: { cert: file("admin.crt"), key: file("admin.key") },
        serviceAccount: { key: file("sa.key"), pub: file("sa.pub") },
    };
}

function adminKubeconfigText(url: string, caFile: string, admin: { cert: string; key: string }): string {
    return JSON.stringify(
        {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "test", cluster: { server: url, "certificate-authority": caFile } }],
            users: [{ name: "admin", user: { "client-certificate": admin.cert, "client-key": admin.key } }],
            contexts: [{ name: "admin", context: { cluster: "test", user: "admin" } }],
            "current-context": "admin",
        },
        null,
        1,
    );
}

/** Starts etcd and kube-apiserver (and the controller manager if asked) and waits for them. */
export async function startKubeApiserver(options: KubeApiserverOptions): Promise<KubeApiserver> {
    const readyTimeoutMs = options.readyTimeoutMs ?? 60000;
    const started: BackgroundProcess[] = [];
    const stopAll = async () => {
        // In reverse order: clients of etcd first.
        for (const proc of [...started].reverse()) {
            await proc.stop(10000).catch(() => undefined);
        }
    };
    try {
        const pkiDir = path.join(options.dir, "pki");
        fs.mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
        const pki = await makePki(pkiDir);

        const [etcdClientPort, etcdPeerPort, apiserverPort, controllerManagerPort] = [
            await freeLoopbackPort(),
            await freeLoopbackPort(),
            await freeLoopbackPort(),
            await freeLoopbackPort(),
        ];
        const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
        const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
        const etcd = startBackground(options.etcd, [
            "--name=test",
            `--data-dir=${path.join(options.dir, "etcd")}`,
            `--listen-client-urls=${etcdUrl}`,
            `--advertise-client-urls=${etcdUrl}`,
            `--listen-peer-urls=${peerUrl}`,
            `--initial-advertise-peer-urls=${peerUrl}`,
            `--initial-cluster=test=${peerUrl}`,
            // A test's data need not survive a crash; fsync costs seconds on a loaded disk.
            "--unsafe-no-fsync",
        ]);
        started.push(etcd);
        await waitUntil(
            "etcd",
            async () => JSON.parse((await httpGet(`${etcdUrl}/health`)).body).health === "true",
            readyTimeoutMs,
            etcd,
        );

        const url = `https://127.0.0.1:${apiserverPort}`;
        const apiserverStart = Date.now();
        const apiserver = startBackground(options.kubeApiserver, [
            `--etcd-servers=${etcdUrl}`,
            "--bind-address=127.0.0.1",
            `--secure-port=${apiserverPort}`,
            "--advertise-address=127.0.0.1",
            // The `kubernetes` Service cannot have a loopback endpoint.
            "--endpoint-reconciler-type=none",
            `--tls-cert-file=${pki.serving.cert}`,
            `--tls-private-key-file=${pki.serving.key}`,
            `--client-ca-file=${pki.caFile}`,
            `--service-account-key-file=${pki.serviceAccount.pub}`,
            `--service-account-signing-key-file=${pki.serviceAccount.key}`,
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--authorization-mode=Node,RBAC",
            // As kOps sets it: no anonymous requests, so a refused token is a plain 401.
            "--anonymous-auth=false",
            ...(options.extraArgs ?? []),
        ]);
        started.push(apiserver);
        const adminTls = { ca: pki.caPem, cert: fs.readFileSync(pki.admin.cert), key: fs.readFileSync(pki.admin.key) };
        await waitUntil(
            "kube-apiserver /readyz",
            async () => (await httpGet(`${url}/readyz`, adminTls)).body === "ok",
            readyTimeoutMs,
            apiserver,
        );
        const readyMs = Date.now() - apiserverStart;

        const adminKubeconfig = path.join(options.dir, "admin.kubeconfig");
        fs.writeFileSync(adminKubeconfig, adminKubeconfigText(url, pki.caFile, pki.admin), { mode: 0o600 });

        let controllerManager: BackgroundProcess | undefined;
        if (options.controllers && options.controllers.length > 0) {
            if (!options.kubeControllerManager) {
                throw new Error("startKubeApiserver: controllers were asked for without a kube-controller-manager binary");
            }
            controllerManager = startBackground(options.kubeControllerManager, [
                `--kubeconfig=${adminKubeconfig}`,
                `--controllers=${options.controllers.join(",")}`,
                "--leader-elect=false",
                "--use-service-account-credentials=false",
                "--bind-address=127.0.0.1",
                `--secure-port=${controllerManagerPort}`,
                // Its own serving endpoint needs no delegated authentication in a test.
                "--authentication-skip-lookup=true",
                `--cert-dir=${path.join(options.dir, "kcm-certs")}`,
            ]);
            started.push(controllerManager);
            await waitUntil(
                "kube-controller-manager /healthz",
                async () =>
                    (await httpGet(`https://127.0.0.1:${controllerManagerPort}/healthz`, { rejectUnauthorized: false })).body ===
                    "ok",
                readyTimeoutMs,
                controllerManager,
            );
        }
        return {
            url,
            caPem: pki.caPem,
            adminKubeconfig,
            readyMs,
            apiserverPid: apiserver.child.pid!,
            apiserverLog: () => apiserver.output(),
            controllerManagerLog: () => controllerManager?.output() ?? "",
            stop: stopAll,
        };
    } catch (err) {
        await stopAll();
        throw err;
    }
}
