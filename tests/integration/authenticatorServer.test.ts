// The real aws-iam-authenticator server (tests/setup/install-tools.sh builds it) run the way the
// DaemonSet runs it: the rendered container args, our config.yaml and mappings.json, the state directory mounted
// read-only (a read-only bind mount in a private mount namespace, as the kubelet does), and, when
// the test runs as root, as uid 10000 over a key only that uid can read.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import { renderAuthenticatorDaemonSet } from "../../components/authenticator/manifests";
import { defaultAuthenticatorUid } from "../../components/core/defaults";
import { httpsRequest } from "../helpers/kube/authenticatorPod";
import { awsClientEnv } from "../helpers/aws/moto";
import { writeSelfSignedCertificate } from "../helpers/processes/openssl";
import { freeLoopbackPort } from "../helpers/processes/processes";
import { requireTool } from "../helpers/processes/tools";

const clusterId = "server-test.example.com";
const mappings = {
    mapRoles: [
        { roleArn: "arn:aws:iam::123456789012:role/KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
        {
            roleArn: "arn:aws:iam::123456789012:role/platform/KubernetesReadOnly",
            username: "reader:{{SessionName}}",
            groups: ["readers"],
        },
    ],
    mapUsers: [{ userArn: "arn:aws:iam::123456789012:user/ops/alice", username: "alice", groups: ["system:masters"] }],
    mapAccounts: ["012345678901"],
};

const runningAsRoot = process.getuid?.() === 0;

interface ServerRun {
    child: ChildProcess;
    /** Log lines so far (JSON, one object per line, as `-l json` prints them). */
    logs(): Array<Record<string, any>>;
    exited: Promise<number | null>;
}

/**
 * Starts the server with the DaemonSet's container args, its paths moved under `dir`, optionally
 * with the state directory bind-mounted read-only in a mount namespace of its own.
 */
function startServer(binary: string, dir: string, port: number, options: { readOnlyState: boolean }): ServerRun {
    const [container] = renderAuthenticatorDaemonSet({ configChecksum: "unused" }).spec.template.spec.containers;
    const args = container.args.map((arg) =>
        arg.replace("/etc/aws-iam-authenticator/", `${dir}/config/`).replace("/var/aws-iam-authenticator", `${dir}/state`),
    );
    const server = [binary, "-l", "json", ...args, "--port", String(port)];
    const asUid = runningAsRoot
        ? ["setpriv", `--reuid=${defaultAuthenticatorUid}`, `--regid=${defaultAuthenticatorUid}`, "--clear-groups", ...server]
        : server;
    const command = options.readOnlyState
        ? // The state path arrives as $1, never inside the script text.
          [
              "unshare",
              ...(runningAsRoot ? [] : ["-r"]),
              "-m",
              "bash",
              "-c",
              'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
              "bash",
              `${dir}/state`,
              ...asUid,
          ]
        : asUid;
    // No instance metadata, no real endpoint: the server looks up its region at start.
    const child = spawn(command[0], command.slice(1), {
        env: awsClientEnv("http://127.0.0.1:9"),
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d) => {
        output += d;
    });
    child.stderr?.on("data", (d) => {
        output += d;
    });
    return {
        child,
        logs: () =>
            output
                .split("\n")
                .filter((line) => line.startsWith("{"))
                .map((line) => JSON.parse(line)),
        exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    };
}

/** Ends a server this test started: it ignores the first SIGTERM (it only stops its mappers). */
async function stopServer(run: ServerRun): Promise<void> {
    if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill("SIGKILL");
        await run.exited;
    }
}

describe("the real aws-iam-authenticator server with the rendered config and DaemonSet args", function () {
    let binary: string;
    /** Empty until a test has made it (and when the tools are missing, so none was). */
    let dir = "";
    let certPem: string;

    // The tools once for the file: missing ones skip every test here outside CI and fail under CI
    // (requireTool), before any directory exists for the hooks below to clean up.
    before(function () {
        binary = requireTool(this, "aws-iam-authenticator", "bash tests/setup/install-tools.sh");
        requireTool(this, "openssl", "apt-get install openssl");
    });

    beforeEach(async function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "authenticator-server-"));
        // uid 10000 must reach config.yaml and the state directory through the temporary directory.
        fs.chmodSync(dir, 0o755);
        fs.mkdirSync(path.join(dir, "config"), { mode: 0o755 });
        fs.mkdirSync(path.join(dir, "state"), { mode: 0o755 });
        // Paths moved under `dir` as in the args: config.yaml's dynamicfilepath too.
        const files = renderAuthenticatorConfig(clusterId, mappings);
        fs.writeFileSync(
            path.join(dir, "config", "config.yaml"),
            files.configYaml.replace("/etc/aws-iam-authenticator/", `${dir}/config/`),
            {
                mode: 0o644,
            },
        );
        fs.writeFileSync(path.join(dir, "config", "mappings.json"), files.mappingsJson, { mode: 0o644 });
    });
    afterEach(() => {
        if (dir !== "") {
            fs.rmSync(dir, { recursive: true, force: true });
            dir = "";
        }
    });

    /** Puts cert.pem and key.pem (0600) in the state directory as the hook does, owned by the uid when root. */
    function provisionStateFiles(): void {
        const state = path.join(dir, "state");
        writeSelfSignedCertificate({
            keyFile: path.join(state, "key.pem"),
            certFile: path.join(state, "cert.pem"),
            commonName: "aws-iam-authenticator",
            extensions: ["subjectAltName=IP:127.0.0.1,DNS:localhost"],
        });
        fs.chmodSync(path.join(state, "key.pem"), 0o600);
        fs.chmodSync(path.join(state, "cert.pem"), 0o644);
        if (runningAsRoot) {
            for (const file of ["cert.pem", "key.pem"]) {
                fs.chownSync(path.join(state, file), defaultAuthenticatorUid, defaultAuthenticatorUid);
            }
        }
        certPem = fs.readFileSync(path.join(state, "cert.pem"), "utf8");
    }

    it("loads the hook's files from the read-only state directory, serves /healthz and maps what mappings.json lists", async function () {
        if (!runningAsRoot) {
            console.warn("\n  !!! not root: the server runs as this user, not as uid 10000 (the rest is checked)\n");
        }
        provisionStateFiles();
        const port = await freeLoopbackPort();
        const run = startServer(binary, dir, port, { readOnlyState: true });
        try {
            let health = "";
            for (let i = 0; i < 100 && health !== "ok"; i++) {
                assert.strictEqual(run.child.exitCode, null, `the server exited:\n${JSON.stringify(run.logs(), null, 1)}`);
                health = await httpsRequest(`https://127.0.0.1:${port}/healthz`, certPem).then(
                    (answer) => answer.body,
                    () => "",
                );
                if (health !== "ok") {
                    await new Promise((r) => setTimeout(r, 100));
                }
            }
            // Verified against the hook's certificate: the server uses it, it did not make one.
            assert.strictEqual(health, "ok");
            if (runningAsRoot) {
                // unshare, bash and setpriv exec into the server: the child is the server itself.
                const status = fs.readFileSync(`/proc/${run.child.pid}/status`, "utf8");
                assert.match(status, new RegExp(`^Uid:\\t${defaultAuthenticatorUid}\\t`, "m"));
                assert.ok(status.includes("aws-iam-authen"), status.split("\n")[0]);
            }
            const logs = run.logs();
            assert.ok(
                logs.some((l) => l.msg === "loaded existing keypair"),
                JSON.stringify(logs),
            );
            assert.ok(
                logs.some((l) => l.msg === 'starting mapper "DynamicFile"'),
                JSON.stringify(logs),
            );
            // The DynamicFile backend logs the file it loaded, whole (pkg/fileutil loadDynamicFile).
            let loaded: Record<string, any> | undefined;
            for (let i = 0; i < 100 && !loaded; i++) {
                const line = run.logs().find((l) => /^LoadDynamicFile: \S+mappings\.json is available\. content is /.test(l.msg));
                loaded = line && JSON.parse(line.msg.replace(/^[^{]*/, ""));
                if (!loaded) {
                    await new Promise((r) => setTimeout(r, 100));
                }
            }
            assert.ok(loaded, JSON.stringify(run.logs()));
            assert.deepStrictEqual(
                loaded.mapRoles.map((m: any) => [m.rolearn, m.username, m.groups]),
                [
                    ["arn:aws:iam::123456789012:role/KubernetesAdmin", "kubernetes-admin", ["system:masters"]],
                    // The path is gone: this is the ARN a KubernetesReadOnly session canonicalizes to.
                    ["arn:aws:iam::123456789012:role/KubernetesReadOnly", "reader:{{SessionName}}", ["readers"]],
                ],
            );
            assert.deepStrictEqual(
                loaded.mapUsers.map((m: any) => [m.userarn, m.username, m.groups]),
                [["arn:aws:iam::123456789012:user/ops/alice", "alice", ["system:masters"]]],
            );
            // Still a 12-digit string with its leading zero.
            assert.deepStrictEqual(loaded.mapAccounts, ["012345678901"]);
        } finally {
            await stopServer(run);
        }
    });

    it("without cert.pem and key.pem, a writable state directory gets a new pair: the failure read-only prevents", async () => {
        if (runningAsRoot) {
            fs.chownSync(path.join(dir, "state"), defaultAuthenticatorUid, defaultAuthenticatorUid);
        }
        const run = startServer(binary, dir, await freeLoopbackPort(), { readOnlyState: false });
        try {
            for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, "state", "key.pem")); i++) {
                await new Promise((r) => setTimeout(r, 100));
            }
            // A self-signed pair the apiserver's webhook kubeconfig does not trust (AIA#90).
            assert.ok(fs.existsSync(path.join(dir, "state", "key.pem")), JSON.stringify(run.logs()));
        } finally {
            await stopServer(run);
        }
    });

    it("without cert.pem and key.pem, the read-only state directory makes the server exit, saying why", async () => {
        const run = startServer(binary, dir, await freeLoopbackPort(), { readOnlyState: true });
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([
            run.exited,
            new Promise<string>((r) => (timer = setTimeout(() => r("still running"), 20000))),
        ]);
        // A pending timer would keep mocha's process alive for the rest of the 20 s.
        clearTimeout(timer);
        await stopServer(run);
        assert.notStrictEqual(code, "still running", "the server must not keep running without its certificate");
        assert.notStrictEqual(code, 0);
        const fatal = run.logs().find((l) => l.level === "fatal");
        assert.ok(fatal, JSON.stringify(run.logs()));
        assert.strictEqual(fatal.msg, "could not load/generate a certificate");
        assert.match(String(fatal.error), /read-only file system/);
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "state")), [], "nothing was written");
    });
});
