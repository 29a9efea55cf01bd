// Stage 2 of the real-tools loop: our kOps scripts (components/kops/scripts/*.sh, unchanged) with
// the real kops (the pinned build from tests/setup/install-tools.sh) against moto_server on
// 127.0.0.1, as far as kops and moto go. The scripts get exactly the environment KopsCluster gives
// its commands (specEnvironment/applyEnvironment), plus what keeps kops on this machine:
// - AWS SDK: AWS_ENDPOINT_URL (moto), fake static credentials, AWS_EC2_METADATA_DISABLED, region;
// - kops' own S3 client: S3_ENDPOINT/S3_REGION/S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY (with only
//   AWS_ENDPOINT_URL it fails: "Cannot set dual-stack in combination with a custom endpoint");
// - the channel: `--channel file://<tests/fixtures/kops/channel-stable.yaml>` through
//   KOPS_EXTRA_FLAGS, the config's extra-flags setting;
// - kops' own binaries (nodeup, protokube, image tarballs): KOPS_BASE_URL=file://<local mirror>
//   whose files are placeholders with their real sha256 files. `kops update` records those hashes
//   in the instances' user data; only a booting node would download the files, and nothing boots
//   here. (KOPS_BASE_URL also stops kops looking up image digests on registry.k8s.io.)
// - Kubernetes 1.34.8, not the config default 1.34.10: kops 1.36.2 knows the hashes of Kubernetes
//   release files up to 1.34.8 (pkg/assets/assetdata/k8s-1.34.yaml) and fetches the .sha256 of
//   newer ones from dl.k8s.io, which is unreachable here.
//
// Where moto or kops stops a step, the test says so in a comment and asserts the exact stop, so a
// change in either shows up as a failure here rather than as a silent pass.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { applyEnvironment, fingerprint, KopsCommandSettings, specEnvironment } from "../../components/kops/commandEnvironment";
import { certFetchHookName, webhookFileAssetName, webhookKubeconfigPath } from "../../components/kops/specPatch";
import { AuthenticatorPki } from "../../components/pki";
import { authenticatorObjectKeys } from "../../components/stateStoreLayout";
import { Moto, startMoto, testRegion } from "../helpers/moto";
import { opensslTlsState } from "../helpers/opensslTls";
import { describeExit, run, runOk, RunResult } from "../helpers/processes";
import { installMocks, valueOf } from "../helpers/pulumiMocks";
import { requireTool } from "../helpers/tools";

const repoRoot = path.join(__dirname, "..", "..");
const scriptsDir = path.join(repoRoot, "components", "kops", "scripts");
const channelFile = path.join(repoRoot, "tests", "fixtures", "kops", "channel-stable.yaml");
const clusterName = "stage2.example.com";
const stateBucket = "kops-iam-auth-stage2-state";
const kopsVersion = "1.36.2";
/** What kops fetches from KOPS_BASE_URL during `update cluster` (found by running it). */
const kopsBaseUrlFiles = [
    ...["amd64", "arm64"].flatMap((arch) => [`linux/${arch}/nodeup`, `linux/${arch}/protokube`]),
    ...["amd64", "arm64"].flatMap((arch) => ["kops-utils-cp", "kops-controller", "kops-channels", "dns-controller", "kube-apiserver-healthcheck"]
        .map((image) => `images/${image}-${arch}.tar.gz`)),
];
const controlPlaneGroup = "control-plane-us-east-1a";
const nodeGroup = "nodes-us-east-1a";

describe("stage 2: our kOps scripts with the real kops against moto_server", function () {
    this.timeout(120000);
    const stageStart = Date.now();
    let kops: string;
    let aws: string;
    let moto: Moto;
    let work: string;
    let settings: KopsCommandSettings;
    let baseEnv: NodeJS.ProcessEnv;
    let webhookKubeconfig: string;
    /** Steps that passed: a later step that needs an earlier one says so instead of failing obscurely. */
    const passed = new Set<string>();

    function needs(step: string): void {
        assert.ok(passed.has(step), `this step needs the step "${step}", which did not pass`);
    }

    /** Environment of a script run: what KopsCluster gives the command, plus the loopback wiring. */
    function scriptEnv(commandEnv: Record<string, string>): NodeJS.ProcessEnv {
        return { ...baseEnv, ...commandEnv };
    }

    async function script(name: string, args: string[], commandEnv: Record<string, string>, options: { timeoutMs?: number; stopWhen?: RegExp } = {}) {
        const started = Date.now();
        const result = await run("bash", [path.join(scriptsDir, name), ...args], { env: scriptEnv(commandEnv), timeoutMs: options.timeoutMs ?? 100000, stopWhen: options.stopWhen });
        console.log(`      ${[name, ...args].join(" ")}: ${describeExit(result)} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return result;
    }

    function kopsArgs(...args: string[]): string[] {
        return [...args, "--name", clusterName, "--state", `s3://${stateBucket}`];
    }

    async function awsJson(...args: string[]): Promise<any> {
        return JSON.parse(await runOk(aws, [...args, "--output", "json"], { env: moto.env }));
    }

    async function s3Text(key: string): Promise<string> {
        return runOk(aws, ["s3", "cp", "--only-show-errors", `s3://${stateBucket}/${key}`, "-"], { env: moto.env });
    }

    function output(result: RunResult): string {
        return `${result.stdout}\n${result.stderr}`;
    }

    before(async function () {
        kops = requireTool(this, "kops", "bash tests/setup/install-tools.sh");
        aws = requireTool(this, "aws", "pip install awscli");
        const motoServer = requireTool(this, "moto_server", "pip install 'moto[server]'");
        requireTool(this, "jq", "apt-get install jq");
        requireTool(this, "openssl", "apt-get install openssl");

        // The real webhook kubeconfig: AuthenticatorPki's, with openssl as the tls provider.
        await installMocks({ extraState: opensslTlsState });
        const pki = new AuthenticatorPki("stage2");
        webhookKubeconfig = await valueOf(pki.webhookKubeconfig);
        const certPem = await valueOf(pki.certPem);
        const keyPem = await valueOf(pki.privateKeyPem);

        work = fs.mkdtempSync(path.join(os.tmpdir(), "stage2-"));
        const mirror = path.join(work, "kops-base-url", kopsVersion);
        for (const file of kopsBaseUrlFiles) {
            const target = path.join(mirror, file);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            const placeholder = `placeholder for kOps ${kopsVersion} ${file}: only a booting node downloads it\n`;
            fs.writeFileSync(target, placeholder);
            fs.writeFileSync(`${target}.sha256`, createHash("sha256").update(placeholder).digest("hex") + "\n");
        }
        fs.mkdirSync(path.join(work, "home"));

        moto = await startMoto(motoServer);
        await runOk(aws, ["s3api", "create-bucket", "--bucket", stateBucket], { env: moto.env });
        // The authenticator's files, where the StateStore component puts them, to see what
        // `kops delete cluster` does with them.
        const keys = authenticatorObjectKeys(clusterName);
        for (const [key, content] of [[keys.certPem, certPem], [keys.keyPem, keyPem], [keys.kubeconfig, webhookKubeconfig]]) {
            await runOk(aws, ["s3", "cp", "--only-show-errors", "-", `s3://${stateBucket}/${key}`], { env: moto.env, input: content });
        }

        settings = {
            kopsBinary: kops,
            clusterName,
            stateStoreUrl: `s3://${stateBucket}`,
            region: testRegion,
            zones: [`${testRegion}a`],
            nodeCount: 1,
            nodeSize: "t3.medium",
            controlPlaneCount: 1,
            controlPlaneSize: "t3.medium",
            kubernetesVersion: "1.34.8",
            networking: "cilium",
            topology: "public",
            extraFlags: ["--channel", `file://${channelFile}`],
            adoptExisting: false,
            validateTimeout: "5s",
            kubeconfigMode: "auth-plugin",
            adminTtl: "18h",
            webhookKubeconfig,
            webhookCacheTtl: "5m0s",
            hookRunner: "container",
            hookImage: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
            authenticatorUid: 10000,
        };
        baseEnv = {
            ...moto.env,
            // kops' own S3 client (util/pkg/vfs/s3context.go) takes these for a non-AWS endpoint.
            S3_ENDPOINT: moto.endpoint,
            S3_REGION: testRegion,
            S3_ACCESS_KEY_ID: moto.env.AWS_ACCESS_KEY_ID,
            S3_SECRET_ACCESS_KEY: moto.env.AWS_SECRET_ACCESS_KEY,
            KOPS_BASE_URL: `file://${mirror}/`,
            HOME: path.join(work, "home"),
            KUBECONFIG: path.join(work, "home", "kubeconfig"),
        };
    });

    after(async () => {
        await moto?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
        console.log(`      stage 2 took ${((Date.now() - stageStart) / 1000).toFixed(1)} s`);
    });

    it("upsert-spec.sh create: create-cluster dry run, our patch, replace --force", async () => {
        const result = await script("upsert-spec.sh", ["create"], specEnvironment(settings));
        assert.equal(result.status, 0, output(result));
        assert.match(result.stdout, new RegExp(`created the spec of cluster ${clusterName.replace(/\./g, "\\.")}`));
        passed.add("spec");
    });

    /**
     * Checks our settings in `kops get cluster -o yaml` (the stored spec) or, with `full`, in the
     * spec kops completed with every default (cluster-completed.spec, written by `update cluster`).
     */
    async function assertOurSettingsIn(full: boolean): Promise<void> {
        const text = await runOk(kops, kopsArgs("get", "cluster", "-o", "yaml", ...(full ? ["--full"] : [])), { env: baseEnv });
        const cluster = YAML.parseAllDocuments(text).map((d) => d.toJS()).find((d) => d?.kind === "Cluster");
        assert.ok(cluster, `a Cluster in:\n${text}`);
        const where = full ? "kops get cluster --full" : "kops get cluster";
        const assets = cluster.spec.fileAssets.filter((a: any) => a.name === webhookFileAssetName);
        assert.equal(assets.length, 1, `${where}: one ${webhookFileAssetName} fileAsset`);
        assert.equal(assets[0].path, webhookKubeconfigPath);
        // kOps >= 1.26 drops fileAssets for `Master`: it must stay ControlPlane.
        assert.deepEqual(assets[0].roles, ["ControlPlane"]);
        assert.equal(assets[0].content, webhookKubeconfig, `${where}: the fileAsset holds our webhook kubeconfig, byte for byte`);
        const hooks = cluster.spec.hooks.filter((h: any) => h.name === certFetchHookName);
        assert.equal(hooks.length, 1, `${where}: one ${certFetchHookName} hook`);
        // Hook roles print as Master in v1alpha2 (ControlPlane internally).
        assert.deepEqual(hooks[0].roles, ["Master"]);
        assert.equal(hooks[0].execContainer.image, settings.hookImage);
        assert.match(hooks[0].execContainer.command.join(" "), new RegExp(`s3://${stateBucket}/${clusterName}/addons/authenticator/key\\.pem`));
        assert.equal(cluster.spec.kubeAPIServer.authenticationTokenWebhookConfigFile, webhookKubeconfigPath);
        assert.equal(cluster.spec.kubeAPIServer.authenticationTokenWebhookCacheTtl, "5m0s");
        assert.equal(cluster.spec.authentication?.aws, undefined, "never kOps' own authenticator");
        assert.equal(cluster.spec.kubernetesVersion.replace(/^v/, ""), settings.kubernetesVersion);
    }

    it("kops get cluster -o yaml: our fileAsset, hook and webhook settings survived kops' validation and defaulting", async () => {
        needs("spec");
        await assertOurSettingsIn(false);
    });

    it("upsert-spec.sh update on the unchanged cluster: kops' stored spec, patched again, is unchanged (no replace)", async () => {
        needs("spec");
        const result = await script("upsert-spec.sh", ["update"], specEnvironment(settings));
        assert.equal(result.status, 0, output(result));
        assert.match(result.stdout, /spec unchanged/);
        assert.doesNotMatch(result.stderr, /running: .* replace /);
    });

    it("apply.sh create: kops update cluster --yes builds the cluster in moto; validate stops at the API endpoint (documented)", async function () {
        needs("spec");
        const result = await script("apply.sh", ["create"], applyEnvironment(settings, fingerprint(specEnvironment(settings))));
        const text = output(result);
        assert.match(text, /Cluster changes have been applied to the cloud\./, text);
        // STOP (recorded): `kops validate cluster --name stage2.example.com --state s3://... --wait 5s`
        // exits 1: "validation failed: wait time exceeded during validation", after
        // `Get "https://api-stage2-example-com-<id>.us-east-1.elb.amazonaws.com/api/v1/nodes": dial tcp:
        // lookup api-...elb.amazonaws.com ...: network is unreachable`. Cause: moto makes the API load
        // balancer with a name under elb.amazonaws.com but runs nothing behind it, and the test's
        // network namespace has no DNS; no instance boots under moto, so there is no apiserver to reach.
        assert.equal(result.status, 1, text);
        assert.match(text, /running: .*validate cluster .*--wait 5s/);
        assert.match(text, /lookup api-stage2-example-com-\w+-\w+\.us-east-1\.elb\.amazonaws\.com/);
        assert.match(text, /Error: validation failed: wait time exceeded during validation/);
        passed.add("update");
    });

    it("what kops wrote for the nodes: the completed spec keeps our settings; the control plane gets our fileAsset, hook and apiserver flags; workers get none", async () => {
        needs("update");
        await assertOurSettingsIn(true);
        const controlPlane = YAML.parse(await s3Text(`${clusterName}/igconfig/control-plane/${controlPlaneGroup}/nodeupconfig.yaml`));
        const worker = YAML.parse(await s3Text(`${clusterName}/igconfig/node/${nodeGroup}/nodeupconfig.yaml`));
        const asset = (config: any) => (config.FileAssets ?? config.fileAssets ?? []).find((a: any) => a.name === webhookFileAssetName);
        const hook = (config: any) => (config.Hooks ?? config.hooks ?? []).flat().find((h: any) => h?.name === certFetchHookName);
        assert.equal(asset(controlPlane)?.content, webhookKubeconfig, "the control plane's nodeup writes our webhook kubeconfig");
        assert.equal(asset(controlPlane)?.path, webhookKubeconfigPath);
        assert.ok(hook(controlPlane), "the control plane's nodeup runs our hook");
        assert.equal(controlPlane.APIServerConfig.KubeAPIServer.authenticationTokenWebhookConfigFile, webhookKubeconfigPath);
        assert.equal(asset(worker), undefined, "workers do not get the webhook kubeconfig");
        assert.equal(hook(worker), undefined, "workers do not run the hook");
        const groups = await awsJson("autoscaling", "describe-auto-scaling-groups");
        assert.deepEqual(groups.AutoScalingGroups.map((g: any) => g.AutoScalingGroupName).sort(),
            [`${controlPlaneGroup}.masters.${clusterName}`, `${nodeGroup}.${clusterName}`]);
    });

    it("a node size change: upsert-spec.sh update replaces the spec, apply.sh update applies it and stops at rolling-update (documented)", async () => {
        needs("update");
        const changed: KopsCommandSettings = { ...settings, nodeSize: "t3.large" };
        const upsert = await script("upsert-spec.sh", ["update"], specEnvironment(changed));
        assert.equal(upsert.status, 0, output(upsert));
        assert.match(upsert.stdout, /replaced the spec of cluster/);
        const apply = await script("apply.sh", ["update"], applyEnvironment(changed, fingerprint(specEnvironment(changed))));
        const text = output(apply);
        assert.match(text, /Cluster changes have been applied to the cloud\./, text);
        const templates = await awsJson("ec2", "describe-launch-template-versions", "--launch-template-name", `${nodeGroup}.${clusterName}`);
        const latest = templates.LaunchTemplateVersions.sort((a: any, b: any) => b.VersionNumber - a.VersionNumber)[0];
        assert.equal(latest.LaunchTemplateData.InstanceType, "t3.large", "the nodes' launch template has the new size");
        // STOP (recorded): `kops rolling-update cluster --name stage2.example.com --state s3://... --yes`
        // exits 1: "Unable to reach the kubernetes API. Use --cloudonly to do a rolling-update without
        // confirming progress with the k8s API", "Error: error listing nodes in cluster: Get
        // "https://api-stage2-example-com-<id>.us-east-1.elb.amazonaws.com/api/v1/nodes": ... lookup ...:
        // network is unreachable". Same cause as validate above: no apiserver exists under moto.
        assert.equal(apply.status, 1, text);
        assert.match(text, /running: .*rolling-update cluster .*--yes/);
        assert.match(text, /Unable to reach the kubernetes API\./);
        assert.match(text, /Error: error listing nodes in cluster: .*lookup api-stage2-example-com-\w+-\w+\.us-east-1\.elb\.amazonaws\.com/);
        settings = changed;
        passed.add("resize");
    });

    it("kops rolling-update cluster --cloudonly: moto hides the outdated node (documented); with --force every instance is replaced", async () => {
        needs("resize");
        const instancesOf = async () => Object.fromEntries((await awsJson("autoscaling", "describe-auto-scaling-groups")).AutoScalingGroups
            .map((g: any) => [g.AutoScalingGroupName, g.Instances.map((i: any) => i.InstanceId)]));
        const before = await instancesOf();
        // STOP (recorded): `kops rolling-update cluster --cloudonly --yes` prints NEEDUPDATE 0 for the
        // nodes and "No rolling-update required." although their launch template changed. Cause: moto
        // 5.2's autoscaling InstanceState.launch_template (moto/autoscaling/models.py) reports every
        // instance on the group's *current* launch template version, so kops (findInstanceLaunchConfiguration
        // vs. findAutoscalingGroupLaunchConfiguration, upup/pkg/fi/cloudup/awsup/aws_cloud.go) sees none
        // on an old version. On AWS the node would be NEEDUPDATE 1.
        const plain = await run(kops, kopsArgs("rolling-update", "cluster", "--cloudonly", "--yes"), { env: baseEnv, timeoutMs: 100000 });
        assert.equal(plain.status, 0, output(plain));
        assert.match(plain.stdout, new RegExp(`^${nodeGroup}\\s+Ready\\s+0\\s`, "m"));
        assert.match(output(plain), /No rolling-update required\./);
        // --force rolls every instance regardless; short intervals because nothing has to settle.
        const result = await run(kops, kopsArgs("rolling-update", "cluster", "--cloudonly", "--force", "--yes",
            "--control-plane-interval", "1s", "--node-interval", "1s"), { env: baseEnv, timeoutMs: 100000 });
        const text = output(result);
        assert.equal(result.status, 0, text);
        assert.match(text, /Not validating cluster as cloudonly flag is set/);
        for (const [group, ids] of Object.entries(before) as [string, string[]][]) {
            for (const id of ids) {
                assert.match(text, new RegExp(`Stopping instance "${id}", in group "${group.replace(/\./g, "\\.")}"`));
            }
        }
        assert.match(text, new RegExp(`Completed rolling update for cluster "${clusterName.replace(/\./g, "\\.")}"`));
        const after = await instancesOf();
        const controlPlaneAsg = `${controlPlaneGroup}.masters.${clusterName}`;
        assert.equal(after[controlPlaneAsg].length, 1, "moto replaced the control-plane instance");
        assert.notDeepEqual(after[controlPlaneAsg], before[controlPlaneAsg]);
    });

    it("delete.sh: kops delete cluster --yes deletes the cluster's cloud resources and state (two moto stops worked around, documented)", async function () {
        needs("update");
        this.timeout(300000);
        const deleteEnv = { KOPS_BIN: kops, CLUSTER_NAME: clusterName, STATE_STORE: `s3://${stateBucket}`, AWS_REGION: testRegion };

        // STOP 1 (recorded): kops deletes the subnet, then retries DeleteRouteTable forever:
        // "route-table:rtb-...	still has dependencies, will retry". Cause: moto 5.2's delete_subnet
        // (moto/ec2/models/subnets.py) keeps the subnet's route-table association, which AWS drops with
        // the subnet, and delete_route_table (moto/ec2/models/route_tables.py) refuses a table with
        // associations (DependencyViolation). The test stops kops once it says so.
        const first = await script("delete.sh", [], deleteEnv, { stopWhen: /route-table:rtb-\w+\s+still has dependencies, will retry/, timeoutMs: 120000 });
        assert.ok(first.stopped, `expected the route-table stop:\n${output(first)}`);
        for (const kind of ["autoscaling-group", "autoscaling-config", "load-balancer", "instance", "subnet", "security-group", "iam-role", "internet-gateway"]) {
            assert.match(first.stdout + first.stderr, new RegExp(`^${kind}:\\S+\\s+ok$`, "m"), `kops deleted the ${kind}(s)`);
        }
        // What AWS does implicitly when the subnet goes: the association goes too.
        const tables = await awsJson("ec2", "describe-route-tables", "--filters", `Name=tag:KubernetesCluster,Values=${clusterName}`);
        const stale = tables.RouteTables.flatMap((t: any) => t.Associations).filter((a: any) => !a.Main && a.SubnetId);
        assert.ok(stale.length > 0, "the deleted subnet's association is still there (moto)");
        for (const association of stale) {
            await runOk(aws, ["ec2", "disassociate-route-table", "--association-id", association.RouteTableAssociationId], { env: moto.env });
        }

        // STOP 2 (recorded): kops deletes the route table and the VPC, then retries DeleteDhcpOptions:
        // "InvalidDhcpOptionID.NotFound: DhcpOptionID dopt-... does not exist". Cause: moto 5.2's
        // delete_vpc (moto/ec2/models/vpcs.py) also deletes the VPC's DHCP options set, which AWS keeps,
        // and kops treats NotFound for it as an error to retry.
        const second = await script("delete.sh", [], deleteEnv, { stopWhen: /InvalidDhcpOptionID\.NotFound/, timeoutMs: 120000 });
        assert.ok(second.stopped, `expected the DHCP options stop:\n${output(second)}`);
        assert.match(output(second), /^route-table:rtb-\w+\s+ok$/m);
        assert.match(output(second), /^vpc:vpc-\w+\s+ok$/m);

        // A new run lists nothing left in moto and removes the state: our script's re-run after a
        // failure halfway finishes the job.
        const third = await script("delete.sh", [], deleteEnv);
        assert.equal(third.status, 0, output(third));
        assert.match(third.stdout, /deleted cluster stage2\.example\.com/);
        const left = (await runOk(aws, ["s3", "ls", "--recursive", `s3://${stateBucket}/`], { env: moto.env })).trim();
        // kops removes everything under s3://<bucket>/<cluster>/, the authenticator's objects that
        // the StateStore component put under <cluster>/addons/authenticator/ included.
        assert.equal(left, "", `the state bucket is empty after kops delete cluster:\n${left}`);

        // And once more: the cluster is gone, which delete.sh counts as success.
        const fourth = await script("delete.sh", [], deleteEnv);
        assert.equal(fourth.status, 0, output(fourth));
        assert.match(fourth.stdout, /already deleted/);
    });
});
