// Destroy after a partial first `pulumi up`, with the real kops (the pinned build) and the real aws
// CLI against moto_server on 127.0.0.1: for each kops call of the first up, a run where that call
// fails (a wrapper in front of kops fails its Nth call before running it), then `pulumi destroy`
// as the engine runs it: `kops delete cluster` (delete.sh) if the spec command is in the state, the
// authenticator's three objects, the purge of every version under `<cluster>/`
// (components/aws/statePurge.ts), and the bucket.
// The engine is modelled as in tests/scripts/kopsFailures.test.ts: a failed command records nothing.
// Under moto the first up always stops at `validate` (no instance boots, so no apiserver answers:
// see kopsMoto.test.ts); a failure there leaves EC2 resources that `kops delete cluster` meets moto's
// delete stops on, which kopsMoto.test.ts covers with its fix-ups, so this matrix fails the calls up
// to `update --yes`, where kops has built nothing in the cloud yet. Results and timings are printed.
// The test's own set-up and inspection of the bucket (the state store component's part, the
// listings) go to moto over HTTP (tests/helpers/aws/motoS3.ts); the purge runs the real aws CLI.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kopsCommandEnvironments } from "../../components/kops/commandEnvironment";
import { purgeClusterVersionsScript } from "../../components/aws/statePurge";
import { authenticatorObjectKeys } from "../../components/core/stateStoreLayout";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { kopsVersion, requireKopsModule } from "../helpers/data/kopsFixtures";
import { kopsOnMotoEnv, kopsOnMotoSettings } from "../helpers/aws/kopsOnMoto";
import { Moto, startMoto, testRegion } from "../helpers/aws/moto";
import { AwsRequestError } from "../helpers/aws/motoQuery";
import { motoS3, MotoS3 } from "../helpers/aws/motoS3";
import { run } from "../helpers/processes/processes";
import { requireTool } from "../helpers/processes/tools";

const repoRoot = path.join(__dirname, "..", "..");
const scriptsDir = path.join(repoRoot, "components", "kops", "scripts");
const clusterName = "matrix.example.com";
/** The first up's kops calls: upsert-spec.sh create, then apply.sh create. */
const firstUpCalls = ["version", "get cluster", "create cluster --dry-run", "replace --force", "version", "update cluster --yes"];

describe("destroy after a partial first pulumi up: the real kops and aws CLI against moto_server (matrix)", function () {
    this.timeout(600000);
    let kops: string;
    let moto: Moto;
    let s3: MotoS3;
    let work: string;
    let baseEnv: NodeJS.ProcessEnv;
    let purge: { line: string; interpreter: string[] };
    const rows: string[] = [];

    before(async function () {
        kops = requireTool(this, "kops", "bash tests/setup/install-tools.sh");
        requireKopsModule(this);
        // The purge runs the aws CLI (from moto's environment, whose PATH has the CLI's folder first).
        requireTool(this, "aws", "pip install awscli");
        const motoServer = requireTool(this, "moto_server", "pip install 'moto[server]'");
        requireTool(this, "jq", "apt-get install jq");
        moto = await startMoto(motoServer);
        s3 = motoS3(moto);
        work = fs.mkdtempSync(path.join(os.tmpdir(), "destroy-matrix-"));
        // kops behind a wrapper that fails its Nth call (counted across a whole up) before running it.
        const wrapper = path.join(work, "kops-failing");
        fs.writeFileSync(
            wrapper,
            [
                "#!/usr/bin/env bash",
                'n=$(( $(cat "$KOPS_CALLS_FILE" 2>/dev/null || echo 0) + 1 ))',
                'echo "$n" >"$KOPS_CALLS_FILE"',
                'printf \'%s\\n\' "$*" >>"$KOPS_CALLS_FILE.log"',
                'if [[ "$n" == "${KOPS_FAIL_AT:-}" ]]; then echo \'Error: injected failure\' >&2; exit 1; fi',
                `exec '${kops}' "$@"`,
            ].join("\n") + "\n",
            { mode: 0o755 },
        );
        baseEnv = kopsOnMotoEnv(moto, work);

        // The purge command's line, as KopsStateStore registers it (statePurgeMoto.test.ts checks the registration).
        purge = { line: purgeClusterVersionsScript, interpreter: ["bash", "-c"] };
    });

    after(async () => {
        await moto?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
        if (rows.length > 0) {
            console.log(
                `\n      destroy after a partial first up (real kops ${kopsVersion}, moto_server):\n${rows.map((r) => `        ${r}`).join("\n")}`,
            );
        }
    });

    for (let failAt = 1; failAt <= firstUpCalls.length; failAt++) {
        it(`call ${failAt} (${firstUpCalls[failAt - 1]}) fails; destroy deletes everything and the bucket goes`, async () => {
            const bucket = `kops-iam-auth-matrix-${failAt}`;
            const callsFile = path.join(work, `calls-${failAt}`);
            const settings = kopsOnMotoSettings({
                kopsBinary: path.join(work, "kops-failing"),
                clusterName,
                stateStoreUrl: `s3://${bucket}`,
                webhookKubeconfig: renderWebhookKubeconfig("-----BEGIN CERTIFICATE-----\nMATRIXCA\n-----END CERTIFICATE-----\n"),
            });
            const env = { ...baseEnv, KOPS_CALLS_FILE: callsFile };
            // The state store component: the bucket (versioned) and the three objects, before the spec.
            await s3.createBucket(bucket, { versioned: true });
            const keys = Object.values(authenticatorObjectKeys(clusterName));
            for (const key of keys) {
                await s3.putObject(bucket, key, `${key}\n`);
            }

            // The first up: spec create, then apply create; a failure stops it, a failed command records nothing.
            const upStarted = Date.now();
            const environments = kopsCommandEnvironments(settings);
            const recorded: string[] = [];
            let failedIn = "";
            for (const [name, args, commandEnv] of [
                ["spec", ["upsert-spec.sh", "create"], environments.spec],
                ["apply", ["apply.sh", "create"], environments.apply],
            ] as const) {
                const result = await run("bash", [path.join(scriptsDir, args[0]), args[1]], {
                    env: { ...env, ...commandEnv, KOPS_FAIL_AT: String(failAt) },
                    cwd: repoRoot,
                    timeoutMs: 240000,
                });
                if (result.status !== 0) {
                    failedIn = name;
                    assert.match(result.stderr, /injected failure/, `${name}: ${result.stderr}`);
                    break;
                }
                recorded.push(name);
            }
            const upSeconds = (Date.now() - upStarted) / 1000;
            assert.ok(failedIn, "the first up failed");
            const calls = fs.readFileSync(`${callsFile}.log`, "utf8").trim().split("\n");
            assert.equal(calls.length, failAt);
            const listing = async (prefix: string) => {
                const listed = await s3.listObjectVersions(bucket, prefix);
                return {
                    versions: listed.versions.length,
                    markers: listed.deleteMarkers.length,
                    current: listed.versions.filter((v) => v.IsLatest).map((v) => v.Key),
                };
            };
            const afterUp = await listing(`${clusterName}/`);

            // pulumi destroy, as the engine runs it.
            const steps: string[] = [];
            const destroyStarted = Date.now();
            if (recorded.includes("spec")) {
                const started = Date.now();
                const result = await run("bash", [path.join(scriptsDir, "delete.sh")], {
                    env: { ...env, ...environments.spec, KOPS_BIN: kops },
                    cwd: repoRoot,
                    timeoutMs: 240000,
                });
                assert.equal(result.status, 0, `delete.sh: ${result.stderr}`);
                steps.push(`kops delete cluster ${((Date.now() - started) / 1000).toFixed(1)} s`);
            }
            for (const key of keys) {
                await s3.deleteObject(bucket, key);
            }
            const beforePurge = await listing(`${clusterName}/`);
            assert.deepEqual(beforePurge.current, [], "no current object of the cluster is left");
            await assert.rejects(
                s3.deleteBucket(bucket),
                (err: AwsRequestError) => err.code === "BucketNotEmpty",
                "without the purge, S3 refuses the bucket",
            );
            const purgeStarted = Date.now();
            const purged = await run(purge.interpreter[0], [...purge.interpreter.slice(1), purge.line], {
                env: { ...moto.env, STATE_BUCKET: bucket, CLUSTER_PREFIX: `${clusterName}/`, AWS_REGION: testRegion },
                timeoutMs: 120000,
            });
            assert.equal(purged.status, 0, purged.stderr);
            steps.push(
                `purge ${((Date.now() - purgeStarted) / 1000).toFixed(1)} s (${purged.stdout
                    .trim()
                    .replace(/^deleted /, "")
                    .replace(/ object versions and delete markers under .*/, "")} versions/markers)`,
            );
            await s3.deleteBucket(bucket);
            steps.push("bucket deleted");
            rows.push(
                `call ${failAt} (${firstUpCalls[failAt - 1]}) fails in ${failedIn} after ${upSeconds.toFixed(1)} s; state store then: ` +
                    `${afterUp.current.length} current objects, ${afterUp.versions} versions under ${clusterName}/; ` +
                    `destroy OK in ${((Date.now() - destroyStarted) / 1000).toFixed(1)} s: ${steps.join(", ")}`,
            );
        });
    }

    it("the cluster is already gone (deleted outside Pulumi, or by an interrupted destroy): delete.sh counts it as deleted", async () => {
        const bucket = "kops-iam-auth-matrix-gone";
        await s3.createBucket(bucket);
        const env = {
            ...baseEnv,
            KOPS_BIN: kops,
            CLUSTER_NAME: clusterName,
            STATE_STORE: `s3://${bucket}`,
            AWS_REGION: testRegion,
        };
        const started = Date.now();
        const result = await run("bash", [path.join(scriptsDir, "delete.sh")], { env, cwd: repoRoot, timeoutMs: 120000 });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /cluster matrix\.example\.com is not in s3:\/\/kops-iam-auth-matrix-gone: already deleted/);
        rows.push(
            `cluster already gone: delete.sh exits 0 ("already deleted", kops: ${
                /Error: (.*)/.exec(result.stderr)?.[1] ?? "?"
            }) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
    });
});
