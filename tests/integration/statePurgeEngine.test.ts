// The purge command through the real Pulumi engine: `pulumi up` registers the command that
// KopsStateStore creates for its bucket (statePurgeCommand, components/aws/statePurge.ts) and runs
// nothing; `pulumi destroy` runs its delete, through the real command provider, against
// moto_server on 127.0.0.1 with the real aws CLI. The engine is the one tests/setup/install-tools.sh
// builds (.cache/pulumi/bin: CLI, Node.js language host, command provider) on a local file
// backend; nothing is downloaded. The program loads the TypeScript source with ts-node.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Moto, startMoto, testRegion } from "../helpers/moto";
import { run, runOk, RunResult } from "../helpers/processes";
import { PulumiEngine, pulumiEngine, requirePulumi } from "../helpers/pulumiEngine";
import { requireTool } from "../helpers/tools";

const repoRoot = path.join(__dirname, "..", "..");
const bucket = "kops-iam-auth-engine-purge";
const clusterName = "engine.example.com";

describe("the purge command through the real Pulumi engine (pulumi up, then pulumi destroy, against moto_server)", function () {
    this.timeout(600000);
    let aws: string;
    let moto: Moto;
    let work: string;
    let engine: PulumiEngine | undefined;
    let pulumi: (args: string[]) => Promise<RunResult>;

    before(async function () {
        const cli = requirePulumi(this);
        aws = requireTool(this, "aws", "pip install awscli");
        const motoServer = requireTool(this, "moto_server", "pip install 'moto[server]'");
        requireTool(this, "jq", "apt-get install jq");
        moto = await startMoto(motoServer);
        work = fs.mkdtempSync(path.join(os.tmpdir(), "purge-engine-"));
        const project = path.join(work, "project");
        fs.mkdirSync(project);
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(project, "node_modules"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: purge-engine-test\nruntime: nodejs\n");
        fs.writeFileSync(
            path.join(project, "package.json"),
            JSON.stringify({ name: "purge-engine-test", private: true, main: "index.js" }),
        );
        fs.writeFileSync(
            path.join(project, "index.js"),
            [
                `require("ts-node").register({ transpileOnly: true, project: ${JSON.stringify(path.join(repoRoot, "tsconfig.json"))} });`,
                `const { statePurgeCommand } = require(${JSON.stringify(path.join(repoRoot, "components", "aws", "statePurge.ts"))});`,
                `statePurgeCommand("state-purge-versions", { bucketName: ${JSON.stringify(bucket)}, clusterName: ${JSON.stringify(clusterName)},`,
                `    region: ${JSON.stringify(testRegion)} }, {});`,
            ].join("\n") + "\n",
        );
        const created = await pulumiEngine(cli, work, moto.env);
        engine = created;
        pulumi = (args) => created.cli(args, project);
        const init = await pulumi(["stack", "init", "test"]);
        assert.equal(init.status, 0, init.stderr);
    });

    after(async () => {
        engine?.stopStrays();
        await moto?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    async function versions(prefix = ""): Promise<{ versions: string[]; markers: string[] }> {
        const out = await runOk(
            aws,
            ["s3api", "list-object-versions", "--bucket", bucket, ...(prefix ? ["--prefix", prefix] : []), "--output", "json"],
            { env: moto.env },
        );
        const parsed = out.trim() ? JSON.parse(out) : {};
        return {
            versions: (parsed.Versions ?? []).map((v: any) => v.Key).sort(),
            markers: (parsed.DeleteMarkers ?? []).map((v: any) => v.Key).sort(),
        };
    }

    it("pulumi up runs nothing; pulumi destroy deletes every version and delete marker under <cluster>/, and then the bucket can go", async () => {
        await runOk(aws, ["s3api", "create-bucket", "--bucket", bucket], { env: moto.env });
        await runOk(aws, ["s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled"], {
            env: moto.env,
        });
        const up = await pulumi(["up", "--yes", "--skip-preview"]);
        assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
        // The stack and the command; the command's create line is empty, so nothing ran.
        assert.match(up.stdout, /command:local:Command state-purge-versions created/);
        assert.match(up.stdout, /\+ 2 created/);

        // What kops leaves: two versions of each key and a delete marker on top; and a neighbour's object.
        for (const key of ["config", "instancegroup/nodes-us-east-1a", "pki/private/kubernetes-ca/keyset.yaml"]) {
            for (const generation of ["1", "2"]) {
                await runOk(aws, ["s3", "cp", "--only-show-errors", "-", `s3://${bucket}/${clusterName}/${key}`], {
                    env: moto.env,
                    input: `${generation}\n`,
                });
            }
            await runOk(aws, ["s3api", "delete-object", "--bucket", bucket, "--key", `${clusterName}/${key}`], { env: moto.env });
        }
        const neighbour = `${clusterName}.neighbour/config`;
        await runOk(aws, ["s3", "cp", "--only-show-errors", "-", `s3://${bucket}/${neighbour}`], {
            env: moto.env,
            input: "keep\n",
        });
        assert.equal((await versions(`${clusterName}/`)).versions.length, 6);
        assert.match(
            (await run(aws, ["s3api", "delete-bucket", "--bucket", bucket], { env: moto.env })).stderr,
            /BucketNotEmpty/,
        );

        const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroy.status, 0, `${destroy.stdout}\n${destroy.stderr}`);
        assert.match(
            destroy.stdout,
            /deleted 9 object versions and delete markers under s3:\/\/kops-iam-auth-engine-purge\/engine\.example\.com\//,
        );
        assert.deepEqual(await versions(`${clusterName}/`), { versions: [], markers: [] });
        assert.deepEqual(await versions(), { versions: [neighbour], markers: [] }, "the neighbour's object is untouched");
        await runOk(aws, ["s3api", "delete-object", "--bucket", bucket, "--key", neighbour], { env: moto.env });
        const rest = JSON.parse(
            (await runOk(aws, ["s3api", "list-object-versions", "--bucket", bucket, "--output", "json"], { env: moto.env })) ||
                "{}",
        );
        for (const v of [...(rest.Versions ?? []), ...(rest.DeleteMarkers ?? [])]) {
            await runOk(aws, ["s3api", "delete-object", "--bucket", bucket, "--key", v.Key, "--version-id", v.VersionId], {
                env: moto.env,
            });
        }
        assert.equal((await run(aws, ["s3api", "delete-bucket", "--bucket", bucket], { env: moto.env })).status, 0);
    });
});
