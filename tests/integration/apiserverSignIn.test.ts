// The recipe's last step for real: kubectl signs in through a real kube-apiserver.
//
// A person runs kubectl with the kubeconfig of their IAM role; kube-apiserver sends the token to
// aws-iam-authenticator through the webhook kubeconfig we put on the control plane; RBAC decides.
// Everything here is real except AWS, which is moto_server behind tests/helpers/aws/stsFront.ts:
// - kube-apiserver v1.34.4 and etcd v3.6.4 (and kube-controller-manager running only the
//   clusterrole-aggregation controller, which fills the aggregated `view` ClusterRole), built by
//   tests/setup/install-tools.sh, on 127.0.0.1 free ports (tests/helpers/kube/kubeApiserver.ts). The
//   apiserver reads OUR webhook kubeconfig (AuthenticatorPki's output, byte for byte) from the
//   fileAsset path our kOps spec patch writes, under the node's root, with the spec's cache TTL.
// - aws-iam-authenticator's server run as the DaemonSet runs it (tests/helpers/kube/authenticatorPod.ts)
//   on the cert and key the control-plane hook fetched from the (moto) state store and config.yaml
//   and mappings.json projected from our ConfigMap as kubelet writes it: once with v0.7.18 (what the tests build) and once with v0.6.20
//   (what the default image, kOps 1.36's own, runs).
// - kubectl with the per-role kubeconfigs the stack outputs (renderUserKubeconfig, as
//   KopsIamCluster calls it), whose token commands (aws-iam-authenticator 0.7.18, aws eks get-token)
//   sign for STS at its real host name, which the STS front answers on 127.0.0.1:443.
// Only 127.0.0.1 is used; after() stops every process, whatever failed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { AccessRoles } from "../../components/aws/accessRoles";
import { renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import {
    authenticatorName,
    authenticatorNamespace,
    configChecksum,
    renderAuthenticatorConfigMap,
    renderAuthenticatorDaemonSet,
    renderClusterRoleBindings,
} from "../../components/authenticator/manifests";
import { parseStackSettings } from "../../components/settings";
import { ResolvedKopsIamClusterArgs } from "../../components/settings/args";
import { authenticatorCertDir } from "../../components/core/hostLayout";
import { certFetchSteps } from "../../components/kops/certFetchHook";
import { patchClusterSpec, webhookFileAssetName } from "../../components/kops/specPatch";
import { renderUserKubeconfig } from "../../components/authenticator/userKubeconfig";
import { TokenCommand } from "../../components/core/types";
import { IdentityMappings } from "../../components/core/mappings";
import { renderNextSteps } from "../../components/authenticator/nextSteps";
import { AuthenticatorPki } from "../../components/authenticator/pki";
import { requireAnyUid, DaemonSetLike, Mount, projectVolumes } from "../helpers/kube/authenticatorPod";
import { readKopsInput, requireKopsModule } from "../helpers/data/kopsFixtures";
import { KubeApiserver, startKubeApiserver } from "../helpers/kube/kubeApiserver";
import { Moto, testRegion } from "../helpers/aws/moto";
import { motoQuery, textAt } from "../helpers/aws/motoQuery";
import { execCredentialToken, signInEnv, startAuthenticatorServer, startSignInAws } from "../helpers/aws/signInAws";
import { opensslTlsState } from "../helpers/mocks/opensslTlsProvider";
import { BackgroundProcess, describeExit, run, RunResult, runOk, waitUntil } from "../helpers/processes/processes";
import { installMocks, valueOf } from "../helpers/mocks/pulumiMocks";
import { inHostsNamespace, StsFront } from "../helpers/aws/stsFront";
import { requireTool } from "../helpers/processes/tools";

const clusterName = "apiserver.example.com";
const stateBucket = "kops-iam-auth-apiserver-state";
// moto_server's own account: the identities it signs for live there.
const account = "123456789012";
const otherAccount = "012345678901";
const installHint = "bash tests/setup/install-tools.sh";
/** The server the default image runs (kOps 1.36's image, v0.6.20-eks-1-30-7); install-tools builds it beside 0.7.18. */
const deployedServerVersion = "v0.6.20";

/** The stack's config, as in Pulumi.dev.yaml: an admin role, a viewer role bound to `view`, and mapped roles, users, accounts. */
const stackConfig = {
    clusterName,
    stateBucketName: stateBucket,
    accessRoles: [
        { name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
        { name: "KubernetesViewer", username: "kubernetes-viewer", groups: ["viewers"] },
    ],
    clusterRoleBindings: [{ group: "viewers", clusterRole: "view" }],
    // A role given with its IAM path: config.yaml carries it without.
    mapRoles: [
        { roleArn: `arn:aws:iam::${account}:role/teams/Readers`, username: "reader:{{SessionName}}", groups: ["readers"] },
    ],
    mapUsers: [{ userArn: `arn:aws:iam::${account}:user/ops/alice`, username: "alice", groups: ["ops"] }],
    mapAccounts: [otherAccount],
    // moto's account (123456789012) is one AWS's documentation uses too.
    allowExampleAccounts: true,
};
/** The mapping change: the viewer role is gone, an editor role is new. */
const changedAccessRoles = [
    { name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
    { name: "KubernetesEditor", username: "kubernetes-editor", groups: ["editors"] },
];

/** Flattens RBAC rules into comparable strings: one per (group, resource, verb, name) or (URL, verb). */
function flattenRules(resourceRules: any[], nonResourceRules: any[] = []): Set<string> {
    const out = new Set<string>();
    for (const rule of resourceRules) {
        for (const group of rule.apiGroups ?? [""]) {
            for (const resource of rule.resources ?? []) {
                for (const verb of rule.verbs ?? []) {
                    for (const name of rule.resourceNames?.length ? rule.resourceNames : ["*"]) {
                        out.add(`${group}|${resource}|${verb}|${name}`);
                    }
                }
            }
        }
    }
    for (const rule of nonResourceRules) {
        for (const url of rule.nonResourceURLs ?? []) {
            for (const verb of rule.verbs ?? []) {
                out.add(`url:${url}|${verb}`);
            }
        }
    }
    return out;
}

describe("stage 3: kubectl signs in through a real kube-apiserver, our webhook kubeconfig and the real aws-iam-authenticator", function () {
    this.timeout(180000);
    const stageStart = Date.now();
    let kubectl: string;
    let aws: string;
    const servers: Record<string, string> = {};
    let settings: ResolvedKopsIamClusterArgs;
    let certPem: string;
    let keyPem: string;
    let webhookKubeconfig: string;
    let mappings: IdentityMappings;
    let roleArns: Record<string, string>;
    let changed: { mappings: IdentityMappings; roleArns: Record<string, string> };
    let daemonSet: DaemonSetLike;
    let patchedSpec: any;
    let moto: Moto;
    let sts: StsFront;
    let apiserver: KubeApiserver | undefined;
    let work: string;
    let nodeRoot: string;
    let mounts: Mount[];
    let server: BackgroundProcess | undefined;
    /** Every authenticator started, so that after() stops whichever still runs. */
    const started: BackgroundProcess[] = [];
    /** The webhook kubeconfig's host path, and the cache TTL, as the spec patch sets them. */
    let webhookFile: string;
    let cacheTtl: string;
    let aliceKeys: { id: string; secret: string };

    before(async function () {
        const etcd = requireTool(this, "etcd", installHint);
        const kubeApiserver = requireTool(this, "kube-apiserver", installHint);
        const kubeControllerManager = requireTool(this, "kube-controller-manager", installHint);
        servers["v0.7.18"] = requireTool(this, "aws-iam-authenticator", installHint);
        servers[deployedServerVersion] = requireTool(this, `aws-iam-authenticator-${deployedServerVersion}`, installHint);
        kubectl = requireTool(this, "kubectl", "https://kubernetes.io/docs/tasks/tools/");
        aws = requireTool(this, "aws", "pip install awscli");
        const motoServer = requireTool(this, "moto_server", "pip install 'moto[server]'");
        requireTool(this, "openssl", "apt-get install openssl");
        requireTool(this, "setpriv", "apt-get install util-linux");
        requireAnyUid(this, "this stage");
        requireKopsModule(this);

        // The stack's own values: settings as `pulumi up` reads them, the PKI and the access roles
        // under Pulumi's mocks (openssl making the real key and certificate from the tls inputs).
        settings = parseStackSettings(stackConfig, testRegion);
        await installMocks({ extraState: opensslTlsState });
        const pki = new AuthenticatorPki("stage3");
        const roles = new AccessRoles("stage3", {
            roles: settings.accessRoles,
            mapRoles: settings.mapRoles,
            mapUsers: settings.mapUsers,
            mapAccounts: settings.mapAccounts,
        });
        const changedRoles = new AccessRoles("stage3-changed", {
            roles: changedAccessRoles,
            mapRoles: settings.mapRoles,
            mapUsers: settings.mapUsers,
            mapAccounts: settings.mapAccounts,
        });
        [certPem, keyPem, webhookKubeconfig, mappings, roleArns] = await Promise.all([
            valueOf(pki.certPem),
            valueOf(pki.privateKeyPem),
            valueOf(pki.webhookKubeconfig),
            valueOf(roles.mappings),
            valueOf(roles.roleArns),
        ]);
        changed = { mappings: await valueOf(changedRoles.mappings), roleArns: await valueOf(changedRoles.roleArns) };

        // The control-plane node: the spec patch's fileAsset and kube-apiserver settings.
        work = fs.mkdtempSync(path.join(os.tmpdir(), "stage3-"));
        fs.chmodSync(work, 0o755);
        nodeRoot = path.join(work, "node");
        fs.mkdirSync(nodeRoot, { mode: 0o755 });
        patchedSpec = YAML.parseAllDocuments(
            // A kOps `kops create cluster --dry-run -o yaml` output to patch (from the kOps module).
            patchClusterSpec(readKopsInput("create-cluster-minimal-1.36").replace(/minimal\.example\.com/g, clusterName), {
                clusterName,
                stateBucket,
                stateBucketRegion: testRegion,
                webhookKubeconfig,
                webhookCacheTtl: settings.webhookCacheTtl,
                hookRunner: settings.hookRunner,
                hookImage: settings.hookImage,
                authenticatorUid: settings.authenticatorUid,
                kubernetesVersion: settings.kubernetesVersion,
                nodeCount: settings.nodeCount,
                nodeSize: settings.nodeSize,
                controlPlaneCount: settings.controlPlaneCount,
                controlPlaneSize: settings.controlPlaneSize,
            }),
        )
            .map((doc) => doc.toJS())
            .find((doc) => doc?.kind === "Cluster").spec;
        const asset = patchedSpec.fileAssets.find((a: any) => a.name === webhookFileAssetName);
        webhookFile = path.join(nodeRoot, asset.path);
        fs.mkdirSync(path.dirname(webhookFile), { recursive: true, mode: 0o755 });
        // As nodeup writes a fileAsset: its content, unchanged.
        fs.writeFileSync(webhookFile, asset.content, { mode: 0o600 });
        cacheTtl = patchedSpec.kubeAPIServer.authenticationTokenWebhookCacheTtl;

        // AWS: moto, the state store holding cert.pem and key.pem, STS at its real name through the front.
        ({ moto, sts } = await startSignInAws({
            motoServer,
            work,
            stage: "stage 3",
            clusterName,
            stateBucket,
            certPem,
            keyPem,
        }));
        // The mapped IAM user, with an access key of its own (moto's IAM over HTTP, ../helpers/aws/motoQuery.ts).
        await motoQuery(moto, "iam", "CreateUser", { Path: "/ops/", UserName: "alice" });
        const accessKey = await motoQuery(moto, "iam", "CreateAccessKey", { UserName: "alice" });
        aliceKeys = {
            id: textAt(accessKey, "CreateAccessKeyResult/AccessKey/AccessKeyId")!,
            secret: textAt(accessKey, "CreateAccessKeyResult/AccessKey/SecretAccessKey")!,
        };
        assert.ok(aliceKeys.id && aliceKeys.secret, "moto made alice an access key");

        // The hook's steps fill the state directory; the ConfigMap is projected where the DaemonSet mounts it.
        const files = renderAuthenticatorConfig(clusterName, mappings);
        daemonSet = renderAuthenticatorDaemonSet({
            configChecksum: configChecksum(files.configYaml),
            image: settings.authenticatorImage,
            uid: settings.authenticatorUid,
        });
        mounts = projectVolumes(daemonSet, nodeRoot, [renderAuthenticatorConfigMap(files)]);
        for (const [command, ...args] of certFetchSteps(
            { stateBucket, clusterName, stateBucketRegion: testRegion, authenticatorUid: settings.authenticatorUid },
            { targetDir: path.join(nodeRoot, authenticatorCertDir), awsCommand: aws },
        )) {
            await runOk(command, args, { env: moto.env, timeoutMs: 60000 });
        }

        // One apiserver for the whole stage.
        apiserver = await startKubeApiserver({
            etcd,
            kubeApiserver,
            kubeControllerManager,
            dir: path.join(work, "control-plane"),
            extraArgs: [
                `--authentication-token-webhook-config-file=${path.join(nodeRoot, patchedSpec.kubeAPIServer.authenticationTokenWebhookConfigFile)}`,
                `--authentication-token-webhook-cache-ttl=${cacheTtl}`,
            ],
            controllers: ["clusterrole-aggregation"],
        });
        console.log(`      kube-apiserver ready in ${(apiserver.readyMs / 1000).toFixed(1)} s`);
        // A node to list (nothing registers one here).
        await asAdmin([
            "create",
            "-f",
            writeJson("node.json", { apiVersion: "v1", kind: "Node", metadata: { name: "control-plane-1" } }),
        ]);
        // The aggregated view role gets its rules from the controller manager.
        await waitUntil(
            "the view ClusterRole's aggregated rules",
            async () => (JSON.parse(await asAdmin(["get", "clusterrole", "view", "-o", "json"])).rules ?? []).length > 0,
            60000,
        );
    });

    after(async () => {
        for (const proc of started) {
            await proc.stop(1000).catch(() => undefined);
        }
        await apiserver?.stop();
        await sts?.stop();
        await moto?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
        console.log(`      stage 3 took ${((Date.now() - stageStart) / 1000).toFixed(1)} s`);
    });

    function writeJson(name: string, value: unknown): string {
        const file = path.join(work, name);
        fs.writeFileSync(file, JSON.stringify(value, null, 1));
        return file;
    }

    async function asAdmin(args: string[]): Promise<string> {
        return runOk(kubectl, ["--kubeconfig", apiserver!.adminKubeconfig, ...args], {
            timeoutMs: 60000,
            env: { PATH: process.env.PATH, HOME: work },
        });
    }

    /** Starts `version` of the server as the DaemonSet's container, on the ConfigMap of `mappings` as projected. */
    async function startAuthenticator(version: string, podMappings: IdentityMappings): Promise<BackgroundProcess> {
        await server?.stop(1000);
        server = undefined;
        projectVolumes(daemonSet, nodeRoot, [renderAuthenticatorConfigMap(renderAuthenticatorConfig(clusterName, podMappings))]);
        const proc = await startAuthenticatorServer({
            binary: servers[version],
            daemonSet,
            mounts,
            sts,
            certPem,
            stage: "stage 3",
            readyTimeoutMs: 30000,
        });
        started.push(proc);
        server = proc;
        return proc;
    }

    /** The kubeconfig the stack outputs for `roleArn` (KopsIamCluster's call), for this apiserver. */
    function roleKubeconfig(roleArn: string, tokenCommand: TokenCommand): string {
        return renderUserKubeconfig({
            clusterName,
            server: apiserver!.url,
            certificateAuthorityData: Buffer.from(apiserver!.caPem).toString("base64"),
            clusterId: clusterName,
            roleArn,
            region: testRegion,
            tokenCommand,
        });
    }

    /**
     * The same kubeconfig without the role: what a mapped IAM user runs (the stack outputs kubeconfigs
     * for roles only); the token command then signs as the user's own credentials.
     */
    function userKubeconfig(tokenCommand: TokenCommand): string {
        const config = YAML.parse(roleKubeconfig(`arn:aws:iam::${account}:role/unused`, tokenCommand));
        const exec = config.users[0].user.exec;
        const roleFlag = exec.args.findIndex((a: string) => a === "-r" || a === "--role-arn");
        exec.args.splice(roleFlag, 2);
        return YAML.stringify(config, { lineWidth: 0 });
    }

    let kubeconfigCount = 0;
    /**
     * kubectl with `kubeconfig`, as its user runs it: the token command on PATH, AWS credentials in
     * the environment (fake, for moto), STS at its real name (the front's hosts file and CA).
     */
    async function kubectlWith(
        kubeconfig: string,
        args: string[],
        credentials?: { id: string; secret: string },
    ): Promise<RunResult> {
        const file = path.join(work, `user-${kubeconfigCount++}.kubeconfig`);
        fs.writeFileSync(file, kubeconfig);
        const env = { ...signInEnv({ moto, sts }, aws, credentials), HOME: work };
        const [command, commandArgs] = inHostsNamespace(sts.hostsFile, kubectl, ["--kubeconfig", file, ...args]);
        return run(command, commandArgs, { env, timeoutMs: 90000 });
    }

    /** A token from the kubeconfig's own exec command, run as kubectl runs it. */
    async function tokenFrom(kubeconfig: string): Promise<string> {
        return execCredentialToken({ moto, sts }, aws, YAML.parse(kubeconfig).users[0].user.exec);
    }

    /** A kubeconfig that presents `token` as it is (what kubectl sends once it has run the exec command). */
    function tokenKubeconfig(token: string): string {
        return YAML.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name: "c",
                    cluster: {
                        server: apiserver!.url,
                        "certificate-authority-data": Buffer.from(apiserver!.caPem).toString("base64"),
                    },
                },
            ],
            users: [{ name: "u", user: { token } }],
            contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
            "current-context": "c",
        });
    }

    async function whoami(
        kubeconfig: string,
        credentials?: { id: string; secret: string },
    ): Promise<{ username: string; groups: string[]; extra: Record<string, string[]> }> {
        const result = await kubectlWith(kubeconfig, ["auth", "whoami", "-o", "json"], credentials);
        assert.equal(
            result.status,
            0,
            `kubectl auth whoami ${describeExit(result)}:\n${result.stderr}\n--- authenticator ---\n${server?.output().slice(-3000)}`,
        );
        return JSON.parse(result.stdout).status.userInfo;
    }

    it("kube-apiserver reads our webhook kubeconfig, byte for byte, from the fileAsset path of the spec patch, with our cache TTL", () => {
        assert.equal(fs.readFileSync(webhookFile, "utf8"), webhookKubeconfig);
        assert.equal(
            path.relative(nodeRoot, webhookFile),
            patchedSpec.kubeAPIServer.authenticationTokenWebhookConfigFile.replace(/^\//, ""),
        );
        assert.equal(cacheTtl, settings.webhookCacheTtl);
        assert.equal(cacheTtl, "5m0s");
        // What the running process was given (its command line), not what the helper meant to give.
        const cmdline = fs.readFileSync(`/proc/${apiserver!.apiserverPid}/cmdline`, "utf8").split("\0");
        assert.ok(cmdline.includes(`--authentication-token-webhook-config-file=${webhookFile}`), cmdline.join(" "));
        assert.ok(cmdline.includes(`--authentication-token-webhook-cache-ttl=${cacheTtl}`), cmdline.join(" "));
    });

    it("every manifest the stack renders passes kubectl apply --server-side --dry-run=server against kube-apiserver 1.34", async () => {
        const files = renderAuthenticatorConfig(clusterName, mappings);
        const manifests = [
            renderAuthenticatorConfigMap(files),
            renderAuthenticatorDaemonSet({
                configChecksum: configChecksum(files.configYaml),
                image: settings.authenticatorImage,
                uid: settings.authenticatorUid,
                resources: {
                    requests: { cpu: settings.authenticatorCpuRequest, memory: settings.authenticatorMemoryRequest },
                    limits: { cpu: settings.authenticatorCpuLimit, memory: settings.authenticatorMemoryLimit },
                },
            }),
            ...renderClusterRoleBindings(settings.clusterRoleBindings),
        ];
        assert.deepEqual(
            manifests.map((m) => m.kind),
            ["ConfigMap", "DaemonSet", "ClusterRoleBinding"],
        );
        for (const manifest of manifests) {
            const file = writeJson(`${manifest.kind}.json`, manifest);
            const out = await asAdmin([
                "apply",
                "--server-side",
                "--dry-run=server",
                "--field-manager=kops-iam-auth-test",
                "-f",
                file,
            ]);
            assert.match(out, /serverside-applied \(server dry run\)/, out);
        }
        // A dry run stores nothing.
        const bindings = JSON.parse(
            await asAdmin(["get", "clusterrolebindings", "-l", `k8s-app=${authenticatorName}`, "-o", "json"]),
        );
        assert.deepEqual(bindings.items, []);
        const result = await run(
            kubectl,
            ["--kubeconfig", apiserver!.adminKubeconfig, "-n", authenticatorNamespace, "get", "daemonset", authenticatorName],
            { env: { PATH: process.env.PATH, HOME: work } },
        );
        assert.match(result.stderr, /NotFound/);
    });

    for (const version of ["v0.7.18", deployedServerVersion]) {
        describe(`with aws-iam-authenticator ${version} as the server${version === deployedServerVersion ? " (the default image's)" : ""}`, () => {
            before(async function () {
                if (!apiserver) {
                    this.skip();
                }
                const proc = await startAuthenticator(version, mappings);
                const reported = await runOk(servers[version], ["version"]);
                assert.match(reported, new RegExp(`"Version":"${version.slice(1)}"`), reported);
                assert.match(proc.output(), /loaded existing keypair/i, proc.output());
            });

            for (const tokenCommand of ["aws-iam-authenticator", "aws"] as TokenCommand[]) {
                it(`kubectl auth whoami (${tokenCommand} token): each mapping's username and groups — a created role, a role given with an IAM path, a user, an account`, async () => {
                    const admin = await whoami(roleKubeconfig(roleArns.KubernetesAdmin, tokenCommand));
                    assert.equal(admin.username, "kubernetes-admin");
                    assert.deepEqual(admin.groups, ["system:masters", "system:authenticated"]);
                    assert.deepEqual(admin.extra.canonicalArn, [roleArns.KubernetesAdmin]);

                    const reader = await whoami(roleKubeconfig(`arn:aws:iam::${account}:role/teams/Readers`, tokenCommand));
                    assert.equal(reader.username, `reader:${reader.extra.sessionName[0]}`);
                    assert.deepEqual(reader.groups, ["readers", "system:authenticated"]);
                    assert.deepEqual(reader.extra.canonicalArn, [`arn:aws:iam::${account}:role/Readers`]);

                    const alice = await whoami(userKubeconfig(tokenCommand), aliceKeys);
                    assert.equal(alice.username, "alice");
                    assert.deepEqual(alice.groups, ["ops", "system:authenticated"]);

                    // mapAccounts: any identity of the account, as its canonical ARN, no groups of its own.
                    const outsider = await whoami(roleKubeconfig(`arn:aws:iam::${otherAccount}:role/Outsider`, tokenCommand));
                    assert.equal(outsider.username, `arn:aws:iam::${otherAccount}:role/Outsider`);
                    assert.deepEqual(outsider.groups, ["system:authenticated"]);
                });
            }

            it("an unmapped role: kubectl says Unauthorized (401), the authenticator logs why, the apiserver logs the webhook's refusal", async () => {
                const stranger = `arn:aws:iam::${account}:role/Stranger`;
                const result = await kubectlWith(roleKubeconfig(stranger, "aws-iam-authenticator"), ["auth", "whoami"]);
                assert.equal(result.status, 1, `kubectl ${describeExit(result)}: ${result.stderr}`);
                assert.match(result.stderr, /error: You must be logged in to the server \(Unauthorized\)/);
                const log = server!.output();
                assert.match(
                    log,
                    new RegExp(`access denied.*arn="${stranger.replace(/[/]/g, "\\/")}".*error="[Ii]dentity is not mapped"`),
                    log.slice(-3000),
                );
                if (process.env.SHOW_SIGN_IN_LOGS) {
                    console.log(
                        [
                            result.stderr,
                            ...log.split("\n").filter((l) => l.includes("Stranger")),
                            ...apiserver!
                                .apiserverLog()
                                .split("\n")
                                .filter((l) => /webhook/i.test(l)),
                        ].join("\n"),
                    );
                }
                assert.match(
                    apiserver!.apiserverLog(),
                    /Failed to make webhook authenticator request/,
                    apiserver!.apiserverLog().slice(-3000),
                );
            });

            it("RBAC: the system:masters role lists nodes; the viewers role is forbidden until the stack's ClusterRoleBinding, then allowed exactly what view allows", async () => {
                const adminNodes = await kubectlWith(roleKubeconfig(roleArns.KubernetesAdmin, "aws-iam-authenticator"), [
                    "get",
                    "nodes",
                    "-o",
                    "name",
                ]);
                assert.equal(adminNodes.status, 0, adminNodes.stderr);
                assert.equal(adminNodes.stdout.trim(), "node/control-plane-1");

                const viewer = roleKubeconfig(roleArns.KubernetesViewer, "aws-iam-authenticator");
                const rulesReview = async () => {
                    const file = writeJson("ssrr.json", {
                        apiVersion: "authorization.k8s.io/v1",
                        kind: "SelfSubjectRulesReview",
                        spec: { namespace: "default" },
                    });
                    // --validate=false: kubectl's client-side check lists CRDs, which a viewer may not.
                    const result = await kubectlWith(viewer, ["create", "--validate=false", "-f", file, "-o", "json"]);
                    assert.equal(result.status, 0, result.stderr);
                    const status = JSON.parse(result.stdout).status;
                    return flattenRules(status.resourceRules, status.nonResourceRules);
                };
                const before = await kubectlWith(viewer, ["get", "pods", "-A"]);
                assert.equal(before.status, 1, before.stdout);
                assert.match(before.stderr, /Forbidden.*User "kubernetes-viewer" cannot list resource "pods"/);
                const rulesBefore = await rulesReview();

                const bindings = renderClusterRoleBindings(settings.clusterRoleBindings);
                const bindingFile = writeJson("bindings.json", { apiVersion: "v1", kind: "List", items: bindings });
                await asAdmin(["apply", "--server-side", "--field-manager=kops-iam-auth-test", "-f", bindingFile]);
                try {
                    // The RBAC authorizer sees a new binding through its informer: wait for it.
                    await waitUntil(
                        "the ClusterRoleBinding to take effect",
                        async () =>
                            (
                                await asAdmin([
                                    "auth",
                                    "can-i",
                                    "list",
                                    "pods",
                                    "--as",
                                    "kubernetes-viewer",
                                    "--as-group",
                                    "viewers",
                                ]).catch(() => "no")
                            ).trim() === "yes",
                        20000,
                    );
                    const view = JSON.parse(await asAdmin(["get", "clusterrole", "view", "-o", "json"]));
                    const viewRules = flattenRules(view.rules);
                    assert.ok(viewRules.size > 20, `view has its aggregated rules: ${[...viewRules].join(", ")}`);
                    const rulesAfter = await rulesReview();
                    assert.deepEqual(
                        [...rulesAfter].sort(),
                        [...new Set([...rulesBefore, ...viewRules])].sort(),
                        "the binding added exactly the view ClusterRole's rules",
                    );

                    const pods = await kubectlWith(viewer, ["get", "pods", "-A"]);
                    assert.equal(pods.status, 0, pods.stderr);
                    for (const [args, what] of [
                        [["get", "nodes"], "nodes"],
                        [["-n", "kube-system", "get", "secrets"], "secrets"],
                    ] as const) {
                        const refused = await kubectlWith(viewer, [...args]);
                        assert.equal(refused.status, 1, `${what}: ${refused.stdout}`);
                        assert.match(refused.stderr, new RegExp(`Forbidden.*cannot list resource "${what}"`));
                    }
                    const create = await kubectlWith(viewer, [
                        "-n",
                        "default",
                        "create",
                        "configmap",
                        "probe",
                        "--from-literal=a=b",
                    ]);
                    assert.equal(create.status, 1, create.stdout);
                    assert.match(create.stderr, /forbidden: User "kubernetes-viewer" cannot create resource "configmaps"/);
                } finally {
                    // The next server version starts from no binding again.
                    await asAdmin(["delete", "-f", bindingFile, "--ignore-not-found"]);
                }
            });

            it("the next steps the stack prints: every kubectl line works for its role (with the stack's bindings applied)", async () => {
                const text = renderNextSteps({
                    clusterName,
                    stateStoreUrl: `s3://${stateBucket}`,
                    kubeconfigsOutput: "kubeconfigs",
                    roles: settings.accessRoles.map((role) => ({
                        name: role.name,
                        roleArn: roleArns[role.name],
                        username: role.username,
                        groups: role.groups,
                    })),
                });
                const lines = text.split("\n").filter((l) => l.startsWith("KUBECONFIG="));
                assert.equal(lines.length, 4, text);
                const bindingFile = writeJson("bindings.json", {
                    apiVersion: "v1",
                    kind: "List",
                    items: renderClusterRoleBindings(settings.clusterRoleBindings),
                });
                await asAdmin(["apply", "--server-side", "--field-manager=kops-iam-auth-test", "-f", bindingFile]);
                try {
                    for (const line of lines) {
                        const match = /^KUBECONFIG=(\S+)\.kubeconfig kubectl (.+)$/.exec(line);
                        assert.ok(match, line);
                        const result = await kubectlWith(
                            roleKubeconfig(roleArns[match[1]], "aws-iam-authenticator"),
                            match[2].split(" "),
                        );
                        assert.equal(result.status, 0, `${line} ${describeExit(result)}:\n${result.stderr}`);
                    }
                    // The step this replaced, refused for the viewer role even with its binding.
                    const nodes = await kubectlWith(roleKubeconfig(roleArns.KubernetesViewer, "aws-iam-authenticator"), [
                        "get",
                        "nodes",
                    ]);
                    assert.equal(nodes.status, 1);
                    assert.match(nodes.stderr, /Forbidden/);
                } finally {
                    await asAdmin(["delete", "-f", bindingFile, "--ignore-not-found"]);
                }
            });

            it("a mapping change (the ConfigMap updated as kubelet projects it, no restart): the new role signs in, the removed one is refused, a token accepted before stays cached", async () => {
                const files = renderAuthenticatorConfig(clusterName, mappings);
                const changedFiles = renderAuthenticatorConfig(clusterName, changed.mappings);
                assert.equal(
                    configChecksum(changedFiles.configYaml),
                    configChecksum(files.configYaml),
                    "the DaemonSet does not roll",
                );
                const viewerKubeconfig = roleKubeconfig(roleArns.KubernetesViewer, "aws-iam-authenticator");
                // Before the change: the viewer signs in; the editor does not exist yet in mappings.json.
                assert.equal((await whoami(viewerKubeconfig)).username, "kubernetes-viewer");
                const acceptedToken = await tokenFrom(viewerKubeconfig);
                assert.equal((await whoami(tokenKubeconfig(acceptedToken))).username, "kubernetes-viewer");
                const editorArn = changed.roleArns.KubernetesEditor;
                const pid = server!.child.pid;
                projectVolumes(daemonSet, nodeRoot, [renderAuthenticatorConfigMap(changedFiles)]);
                try {
                    // The server reloads mappings.json by itself (tests/integration/liveMappings.test.ts times it).
                    await waitUntil(
                        "the new role to sign in",
                        async () => (await kubectlWith(roleKubeconfig(editorArn, "aws"), ["auth", "whoami"])).status === 0,
                        30000,
                        server,
                    );
                    const editor = await whoami(roleKubeconfig(editorArn, "aws"));
                    assert.equal(editor.username, "kubernetes-editor");
                    assert.deepEqual(editor.groups, ["editors", "system:authenticated"]);
                    // A new token of the removed role (kubectl makes one per run) is refused...
                    const removed = await kubectlWith(viewerKubeconfig, ["auth", "whoami"]);
                    assert.equal(removed.status, 1, removed.stdout);
                    assert.match(removed.stderr, /Unauthorized/);
                    assert.match(
                        server!.output(),
                        new RegExp(`access denied.*arn="${roleArns.KubernetesViewer.replace(/[/]/g, "\\/")}"`),
                    );
                    // ...while the token the apiserver accepted before the change still works: it is in
                    // the apiserver's cache for webhookCacheTtl (5m0s), and never reaches the server.
                    assert.equal((await whoami(tokenKubeconfig(acceptedToken))).username, "kubernetes-viewer");
                    assert.equal(server!.child.pid, pid, "the same server process throughout");
                    assert.equal(server!.child.exitCode, null);
                } finally {
                    // Back to the stack's config for whatever runs next.
                    await startAuthenticator(version, mappings);
                }
            });
        });
    }
});
