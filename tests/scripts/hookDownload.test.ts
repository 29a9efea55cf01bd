// The control-plane hook's download of cert.pem and key.pem, run for real: the commands that
// patchClusterSpec() writes into the cluster spec, executed with the real aws CLI against
// moto_server on 127.0.0.1, after uploading the files to the keys the state store component uses.
// The node's root is a temp folder: every path the hook touches is rewritten under it (the test
// first checks there is no other path). Runs as root so the files can be given to uid 10000.
//
// host runner: the `/bin/sh -c` script of the hook's systemd [Service] section (one ExecStart=),
// run by the host's sh.
// container runner: the execContainer's `/bin/sh -c <script>`, run by the host's sh; the host's aws
// CLI stands in for the one in the pinned aws-cli image, and <root> for the container's /rootfs
// (where kOps mounts the host's /).
// The test's own uploads and removals in the bucket go to moto over HTTP (tests/helpers/aws/motoS3.ts);
// the hook's download is the real aws CLI's.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { defaultAuthenticatorUid } from "../../components/core/defaults";
import { authenticatorCertDir } from "../../components/core/hostLayout";
import { HookRunner } from "../../components/core/types";
import { certFetchHookName, patchClusterSpec } from "../../components/kops/specPatch";
import { SpecPatchOptions } from "../../components/kops/specPatchOptions";
import { authenticatorObjectKeys } from "../../components/core/stateStoreLayout";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { readKopsInput, requireKopsModule } from "../helpers/data/kopsFixtures";
import { Moto, startMoto } from "../helpers/aws/moto";
import { motoS3, MotoS3 } from "../helpers/aws/motoS3";
import { waitUntil } from "../helpers/processes/processes";
import { requireTool, skipOrFail } from "../helpers/processes/tools";

const clusterName = "minimal.example.com";
const bucket = "kops-state-test";
const certPem = "-----BEGIN CERTIFICATE-----\nTESTCERTIFICATE\n-----END CERTIFICATE-----\n";
const keyPem = "-----BEGIN RSA PRIVATE KEY-----\nTESTKEYMATERIAL\n-----END RSA PRIVATE KEY-----\n";
const rotatedCertPem = certPem.replace("TESTCERTIFICATE", "ROTATEDCERTIFICATE");
const rotatedKeyPem = keyPem.replace("TESTKEYMATERIAL", "ROTATEDKEYMATERIAL");

function patchOptions(hookRunner: HookRunner, stateBucketRegion?: string): SpecPatchOptions {
    return {
        clusterName,
        stateBucket: bucket,
        ...(stateBucketRegion ? { stateBucketRegion } : {}),
        webhookKubeconfig: renderWebhookKubeconfig(certPem),
        webhookCacheTtl: "5m",
        hookRunner,
        hookImage: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
        authenticatorUid: defaultAuthenticatorUid,
        kubernetesVersion: "v1.36.0",
        nodeCount: 1,
        nodeSize: "t2.medium",
        controlPlaneCount: 1,
        controlPlaneSize: "m3.medium",
    };
}

/** Our hook, as it stands in the patched cluster spec. */
function certFetchHook(options: SpecPatchOptions): any {
    const patched = patchClusterSpec(readKopsInput("create-cluster-minimal-1.36"), options);
    const cluster = YAML.parseAllDocuments(patched)
        .map((d) => d.toJS())
        .find((d) => d?.kind === "Cluster");
    const hooks = cluster.spec.hooks.filter((h: any) => h.name === certFetchHookName);
    assert.equal(hooks.length, 1, `one ${certFetchHookName} hook in the patched spec`);
    assert.deepEqual(hooks[0].roles, ["Master"]);
    return hooks[0];
}

/** Rewrites node paths under `root`, refusing any path outside the two the hook may touch. */
function underRoot(root: string, nodePath: string): string {
    assert.ok(nodePath.startsWith("/srv/kubernetes/aws-iam-authenticator"), `the hook touches ${nodePath}`);
    return path.join(root, nodePath);
}

describe("the control-plane hook's certificate download (real aws CLI, moto_server on 127.0.0.1)", function () {
    this.timeout(120000);
    let moto: Moto;
    let s3: MotoS3;
    let awsEnv: NodeJS.ProcessEnv;
    let aws: string;
    const roots: string[] = [];

    /** Uploads the two files where the state store component puts them. */
    async function upload(cert: string, key: string): Promise<void> {
        const keys = authenticatorObjectKeys(clusterName);
        await s3.putObject(bucket, keys.certPem, cert);
        await s3.putObject(bucket, keys.keyPem, key);
    }

    before(async function () {
        requireKopsModule(this);
        const motoServer = requireTool(this, "moto_server", "pip install 'moto[server]'");
        aws = requireTool(this, "aws", "pip install awscli");
        if (process.getuid?.() !== 0) {
            // Giving the files to uid 10000 takes root (tests/offline.sh keeps root when run as root).
            skipOrFail(this, "the hook download test must run as root to chown files to uid 10000");
        }
        moto = await startMoto(motoServer);
        s3 = motoS3(moto);
        awsEnv = { ...moto.env, PATH: `${path.dirname(aws)}:${moto.env.PATH}` };
        await s3.createBucket(bucket);
        await upload(certPem, keyPem);
    });

    after(async () => {
        await moto?.stop();
        roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true }));
    });

    function newRoot(): string {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "hook-node-root-"));
        roots.push(root);
        return root;
    }

    /** Checks what the DaemonSet will read from its hostPath: the files, their owner and modes. */
    function assertFilesLanded(root: string, cert: string, key: string): void {
        const dir = path.join(root, authenticatorCertDir);
        const expect = (file: string, mode: number, content?: string) => {
            const stat = fs.statSync(file);
            assert.equal(stat.mode & 0o7777, mode, `mode of ${file}: ${(stat.mode & 0o7777).toString(8)}`);
            assert.equal(stat.uid, defaultAuthenticatorUid, `owner of ${file}`);
            assert.equal(stat.gid, defaultAuthenticatorUid, `group of ${file}`);
            if (content !== undefined) {
                assert.equal(fs.readFileSync(file, "utf8"), content, `content of ${file}`);
            }
        };
        expect(dir, 0o700);
        expect(path.join(dir, "cert.pem"), 0o644, cert);
        expect(path.join(dir, "key.pem"), 0o600, key);
        assert.deepEqual(fs.readdirSync(dir).sort(), ["cert.pem", "key.pem"], "no .download leftovers");
        assert.ok(!fs.existsSync(`${dir.replace(/\/$/, "")}.download`), "no staging directory left");
    }

    it("host runner (a oneshot running /bin/sh -c with the host's aws): files land owned by uid 10000, key 0600; a re-run over them succeeds", () => {
        const hook = certFetchHook(patchOptions("host", "us-east-1"));
        assert.equal(hook.execContainer, undefined);
        const lines: string[] = hook.manifest.split("\n").filter(Boolean);
        assert.equal(lines[0], "Type=oneshot");
        assert.equal(lines.length, 2);
        // systemd parses the double quotes and would expand $ and %: the script has none of them.
        const match = /^ExecStart=\/bin\/sh -c "([^$%"'\\]+)"$/.exec(lines[1]);
        assert.ok(match, `one ExecStart running /bin/sh -c with a plain script: ${lines[1]}`);
        const script = match[1];
        assert.match(script, /(^|\s)aws s3 cp --region us-east-1 /, "the host runner downloads with the host's aws");
        const root = newRoot();
        const rewritten = script.replace(/(?<=^|\s)(\/[^\s;]*)/g, (nodePath: string) => underRoot(root, nodePath));
        const runScript = () => {
            const result = spawnSync("/bin/sh", ["-c", rewritten], { env: awsEnv, encoding: "utf8" });
            assert.equal(result.status, 0, `the hook script failed: ${result.stdout}${result.stderr}`);
        };
        runScript();
        assertFilesLanded(root, certPem, keyPem);
        runScript();
        assertFilesLanded(root, certPem, keyPem);
    });

    it("container runner (execContainer /bin/sh -c, the host's aws standing in for the image's): same files, owner and modes; a re-run fetches rotated files", async () => {
        const hook = certFetchHook(patchOptions("container"));
        assert.equal(hook.manifest, undefined);
        assert.equal(hook.execContainer.image, "public.ecr.aws/aws-cli/aws-cli:2.27.50");
        const [shell, flag, script] = hook.execContainer.command;
        assert.deepEqual([shell, flag], ["/bin/sh", "-c"]);
        const root = newRoot();
        // The container sees the node's / at /rootfs; here that is `root`.
        for (const absolute of script.match(/(?<=^|\s)\/\S*/g) ?? []) {
            assert.ok(absolute.startsWith("/rootfs/"), `the hook script touches ${absolute}, outside the node's /rootfs`);
        }
        const rewritten = script.replace(/\/rootfs(\/[^\s&;|]*)/g, (_: string, nodePath: string) => underRoot(root, nodePath));
        const env = { ...awsEnv, ...(hook.execContainer.environment ?? {}) };
        const runScript = () => {
            const result = spawnSync("/bin/sh", ["-c", rewritten], { env, encoding: "utf8" });
            assert.equal(result.status, 0, `the hook script failed: ${result.stderr}`);
        };
        runScript();
        assertFilesLanded(root, certPem, keyPem);
        await upload(rotatedCertPem, rotatedKeyPem);
        runScript();
        assertFilesLanded(root, rotatedCertPem, rotatedKeyPem);
    });

    it("container runner at a boot where the files are not in the state store yet: no directory meanwhile, retries, then the files land", async () => {
        const hook = certFetchHook(patchOptions("container"));
        const script: string = hook.execContainer.command[2];
        const root = newRoot();
        const keys = authenticatorObjectKeys(clusterName);
        await s3.deleteObject(bucket, keys.certPem);
        await s3.deleteObject(bucket, keys.keyPem);
        // The pause between attempts, shortened for the test.
        const rewritten = script
            .replace(/\/rootfs(\/[^\s&;|]*)/g, (_: string, nodePath: string) => underRoot(root, nodePath))
            .replace(/\bsleep \d+/g, "sleep 1");
        const started = Date.now();
        const run = spawn("/bin/sh", ["-c", rewritten], { env: awsEnv });
        let output = "";
        run.stdout.on("data", (chunk) => (output += chunk));
        run.stderr.on("data", (chunk) => (output += chunk));
        let done = false;
        const exited = new Promise<number | null>((resolve) =>
            run.on("close", (code) => {
                done = true;
                resolve(code);
            }),
        );
        // Two failed attempts (the second one over what the first left), then the check.
        await waitUntil("two failed download attempts", async () => done || (output.match(/retrying/g) ?? []).length >= 2, 60000);
        assert.ok(!done, `the hook exited while the files were missing: ${output}`);
        assert.ok(
            !fs.existsSync(path.join(root, authenticatorCertDir)),
            "while the files are missing, the directory the DaemonSet mounts must not exist (an empty one crash-loops the server)",
        );
        await upload(certPem, keyPem);
        const status = await exited;
        assert.equal(status, 0, `the hook gave up: ${output}`);
        assert.match(output, /retrying/, "the first attempts failed and were retried");
        assertFilesLanded(root, certPem, keyPem);
        console.log(`      (the files landed after ${((Date.now() - started) / 1000).toFixed(1)} s of retries)`);
    });
});
