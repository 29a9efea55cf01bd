// A mapping change takes effect live: the real aws-iam-authenticator (v0.7.18, and v0.6.20, the
// default image's) in DynamicFile mode on our ConfigMap, written as kubelet's atomic writer writes a
// ConfigMap volume (tests/helpers/kube/configMapVolume.ts), behind the real kube-apiserver, while
// sign-ins run without pause. A series of ConfigMap updates (a role added, one removed, a role's
// groups changed, a malformed mappings.json, a valid one again) and, for each:
// - every sign-in of an identity the change does not touch succeeds, with its user and groups;
// - the change is in effect within 2 s of the `..data` swap, and stays in effect;
// - a malformed file changes nothing (the old mappings stay);
// - the server process is the same one throughout (same pid, one start).
// Every sign-in uses a token of its own, as kubectl makes one per run (aws-iam-authenticator token,
// through STS = moto), so that every sign-in reaches the authenticator: kube-apiserver answers a
// token it accepted before from its caches (webhookCacheTtl, 5m0s in the stack, 0 here; and,
// whatever that is, 10 s for every accepted token: TokenSuccessCacheTTL, no flag), which
// tests/integration/apiserverSignIn.test.ts shows.
// Then the migration from the previous releases' MountedFile config (mappings in config.yaml, a pod
// restart per change) to DynamicFile, measured the same way: the one restart's sign-in gap.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import {
    authenticatorName,
    configChecksum,
    renderAuthenticatorConfigMap,
    renderAuthenticatorDaemonSet,
} from "../../components/authenticator/manifests";
import { AuthenticatorPki } from "../../components/authenticator/pki";
import { authenticatorCertDir } from "../../components/core/hostLayout";
import { defaultAuthenticatorUid } from "../../components/core/defaults";
import { IdentityMappings, RoleMapping } from "../../components/core/mappings";
import { DaemonSetLike, httpsRequest, Mount, projectVolumes, requireAnyUid } from "../helpers/kube/authenticatorPod";
import { authenticatorPort } from "../../components/authenticator/webhookKubeconfig";
import { writeConfigMapVolume } from "../helpers/kube/configMapVolume";
import { KubeApiserver, startKubeApiserver } from "../helpers/kube/kubeApiserver";
import { Moto } from "../helpers/aws/moto";
import { execCredentialToken, startAuthenticatorServer, startSignInAws } from "../helpers/aws/signInAws";
import { StsFront } from "../helpers/aws/stsFront";
import { opensslTlsState } from "../helpers/mocks/opensslTlsProvider";
import { installMocks, valueOf } from "../helpers/mocks/pulumiMocks";
import { BackgroundProcess, waitUntil } from "../helpers/processes/processes";
import { requireTool } from "../helpers/processes/tools";

const clusterName = "live.example.com";
const account = "123456789012";
const otherAccount = "012345678901";
const installHint = "bash tests/setup/install-tools.sh";
/** The bound the issue sets: a change is in effect this long after kubelet's swap. */
const effectBoundMs = 2000;
/**
 * Each identity signs in at most this often: every sign-in costs a token command run (about 0.1 s
 * of CPU), and the sign-ins must not starve the servers of the 2-core machine.
 */
const signInIntervalMs = 150;

const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
const admin: RoleMapping = { roleArn: roleArn("KubernetesAdmin"), username: "kubernetes-admin", groups: ["system:masters"] };
const viewer: RoleMapping = { roleArn: roleArn("KubernetesViewer"), username: "kubernetes-viewer", groups: ["viewers"] };
const deployer: RoleMapping = { roleArn: roleArn("Deployer"), username: "deployer", groups: ["deployers"] };
const auditingDeployer: RoleMapping = { ...deployer, groups: ["deployers", "auditors"] };
/** A role of the mapped account: signs in as its canonical ARN, no groups of its own. */
const outsiderArn = `arn:aws:iam::${otherAccount}:role/Outsider`;

/** The identities that sign in throughout: each with the role its token is for. */
const identities = {
    admin: admin.roleArn,
    viewer: viewer.roleArn,
    deployer: deployer.roleArn,
    outsider: outsiderArn,
};
type Identity = keyof typeof identities;

const mappingsOf = (...mapRoles: RoleMapping[]): IdentityMappings => ({ mapRoles, mapUsers: [], mapAccounts: [otherAccount] });

/** What a sign-in of `identity` gives under `mappings`: its user and groups, or refused. */
function expectedSignIn(identity: Identity, mappings: IdentityMappings): string {
    const arn = identities[identity];
    const mapping = mappings.mapRoles.find((m) => m.roleArn === arn);
    if (mapping) {
        return `${mapping.username} [${[...mapping.groups, "system:authenticated"].join(",")}]`;
    }
    if (mappings.mapAccounts.includes(arn.split(":")[4])) {
        return `${arn} [system:authenticated]`;
    }
    return "refused";
}

/** One sign-in: when it started and ended (ms since the epoch), and what it gave. */
interface SignIn {
    identity: Identity;
    start: number;
    end: number;
    /** `user [groups]`, `refused` (401), or what else came back (an error, another status). */
    outcome: string;
}

/**
 * Fresh tokens for one identity, made ahead by the real token command (a token is valid for 15
 * minutes, so one made a moment before its sign-in is as good as one made at it); each is used once.
 */
class TokenSource {
    private readonly ready: string[] = [];
    private running = true;
    private readonly producer: Promise<void>;
    private failure: Error | undefined;

    constructor(
        private readonly make: () => Promise<string>,
        private readonly ahead = 4,
    ) {
        this.producer = this.produce();
    }

    private async produce(): Promise<void> {
        while (this.running) {
            if (this.ready.length >= this.ahead) {
                await new Promise((r) => setTimeout(r, 20));
                continue;
            }
            try {
                this.ready.push(await this.make());
            } catch (err) {
                this.failure = err as Error;
                return;
            }
        }
    }

    /** The next unused token. */
    async next(): Promise<string> {
        while (this.ready.length === 0) {
            if (this.failure) {
                throw this.failure;
            }
            await new Promise((r) => setTimeout(r, 10));
        }
        return this.ready.shift()!;
    }

    /** Waits until `count` tokens are ready (before a series starts). */
    async filled(count: number): Promise<void> {
        await waitUntil("tokens made ahead", async () => this.ready.length >= count || this.failure !== undefined, 60000);
    }

    async stop(): Promise<void> {
        this.running = false;
        await this.producer;
    }
}

/**
 * Signs every identity in, again and again, through the apiserver (a SelfSubjectReview, what
 * `kubectl auth whoami` sends), each with its own token, until stopped; records every sign-in.
 */
class SignInLoop {
    readonly signIns: SignIn[] = [];
    private running = true;
    private readonly loops: Promise<void>[];
    private readonly agent: https.Agent;

    constructor(
        private readonly apiserver: KubeApiserver,
        tokens: Record<Identity, TokenSource>,
    ) {
        this.agent = new https.Agent({ keepAlive: true, ca: apiserver.caPem });
        this.loops = (Object.keys(tokens) as Identity[]).map((identity) => this.loop(identity, tokens[identity]));
    }

    private async loop(identity: Identity, tokens: TokenSource): Promise<void> {
        while (this.running) {
            const token = await tokens.next();
            const start = Date.now();
            const outcome = await this.signIn(token).catch((err: Error) => `error: ${err.message}`);
            const end = Date.now();
            this.signIns.push({ identity, start, end, outcome });
            await new Promise((r) => setTimeout(r, Math.max(0, signInIntervalMs - (end - start))));
        }
    }

    private signIn(token: string): Promise<string> {
        const body = JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
        return new Promise((resolve, reject) => {
            const request = https.request(
                `${this.apiserver.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
                {
                    method: "POST",
                    agent: this.agent,
                    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                    timeout: 15000,
                },
                (response) => {
                    let text = "";
                    response.on("data", (d) => (text += d));
                    response.on("end", () => {
                        if (response.statusCode === 401) {
                            resolve("refused");
                        } else if (response.statusCode === 201) {
                            const user = JSON.parse(text).status.userInfo;
                            resolve(`${user.username} [${(user.groups ?? []).join(",")}]`);
                        } else {
                            resolve(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
                        }
                    });
                },
            );
            request.once("timeout", () => request.destroy(new Error("no answer within 15 s")));
            request.once("error", reject);
            request.end(body);
        });
    }

    /** Resolves with the first sign-in of `identity` started at or after `since` whose outcome is `outcome`. */
    async firstSince(identity: Identity, since: number, outcome: string, timeoutMs: number): Promise<SignIn> {
        let found: SignIn | undefined;
        await waitUntil(
            `a sign-in of ${identity} giving ${outcome}`,
            async () => {
                found = this.signIns.find((s) => s.identity === identity && s.start >= since && s.outcome === outcome);
                return found !== undefined;
            },
            timeoutMs,
        );
        return found!;
    }

    /** Waits until every identity has signed in at least `count` more times after `since`. */
    async eachSignsIn(since: number, count: number, timeoutMs: number): Promise<void> {
        await waitUntil(
            `${count} more sign-ins of every identity`,
            async () =>
                (Object.keys(identities) as Identity[]).every(
                    (identity) => this.signIns.filter((s) => s.identity === identity && s.start >= since).length >= count,
                ),
            timeoutMs,
        );
    }

    async stop(): Promise<void> {
        this.running = false;
        await Promise.all(this.loops);
        this.agent.destroy();
    }
}

/** The server's log lines about its mappings file, collected from its output as they come. */
function watchDynamicFileLog(proc: BackgroundProcess): string[] {
    const lines: string[] = [];
    let partial = "";
    const collect = (chunk: Buffer) => {
        const text = partial + chunk.toString("utf8");
        const parts = text.split("\n");
        partial = parts.pop() ?? "";
        lines.push(...parts.filter((line) => /DynamicFile|dynamic file|latency metric/i.test(line)));
    };
    proc.child.stdout?.on("data", collect);
    proc.child.stderr?.on("data", collect);
    return lines;
}

/** config.yaml as the releases before DynamicFile rendered it: the mappings in it, read once (MountedFile). */
function mountedFileConfigYaml(mappings: IdentityMappings): string {
    const doc = new YAML.Document({
        clusterID: clusterName,
        server: {
            mapRoles: mappings.mapRoles.map((m) => ({ rolearn: m.roleArn, username: m.username, groups: m.groups })),
            mapUsers: [],
            mapAccounts: mappings.mapAccounts,
        },
    });
    for (const item of (doc.getIn(["server", "mapAccounts"]) as YAML.YAMLSeq<YAML.Scalar>).items) {
        item.type = YAML.Scalar.QUOTE_DOUBLE;
    }
    return doc.toString();
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

describe("mapping changes take effect live: the real aws-iam-authenticator reloads mappings.json under continuous sign-ins through a real kube-apiserver", function () {
    this.timeout(300000);
    const stageStart = Date.now();
    const servers: Record<string, string> = {};
    let aws: string;
    let certPem: string;
    let moto: Moto | undefined;
    let sts: StsFront | undefined;
    let apiserver: KubeApiserver | undefined;
    let work = "";
    let nodeRoot: string;
    let configMapDir: string;
    let daemonSet: DaemonSetLike;
    let mounts: Mount[];
    const started: BackgroundProcess[] = [];
    const loops: SignInLoop[] = [];
    const sources: TokenSource[] = [];

    before(async function () {
        const etcd = requireTool(this, "etcd", installHint);
        const kubeApiserver = requireTool(this, "kube-apiserver", installHint);
        servers["v0.7.18"] = requireTool(this, "aws-iam-authenticator", installHint);
        servers["v0.6.20"] = requireTool(this, "aws-iam-authenticator-v0.6.20", installHint);
        aws = requireTool(this, "aws", "pip install awscli");
        const motoServer = requireTool(this, "moto_server", "pip install 'moto[server]'");
        requireTool(this, "openssl", "apt-get install openssl");
        requireTool(this, "setpriv", "apt-get install util-linux");
        requireAnyUid(this, "this stage");

        // The stack's key, certificate and webhook kubeconfig (openssl standing in for the tls provider).
        await installMocks({ extraState: opensslTlsState });
        const pki = new AuthenticatorPki("live");
        let keyPem: string;
        let webhookKubeconfig: string;
        [certPem, keyPem, webhookKubeconfig] = await Promise.all([
            valueOf(pki.certPem),
            valueOf(pki.privateKeyPem),
            valueOf(pki.webhookKubeconfig),
        ]);

        work = fs.mkdtempSync(path.join(os.tmpdir(), "live-mappings-"));
        fs.chmodSync(work, 0o755);
        nodeRoot = path.join(work, "node");
        // The state directory as the control-plane hook leaves it (its steps run in the other stages).
        const stateDir = path.join(nodeRoot, authenticatorCertDir);
        fs.mkdirSync(stateDir, { recursive: true, mode: 0o755 });
        for (const [file, content, mode] of [
            ["cert.pem", certPem, 0o644],
            ["key.pem", keyPem, 0o600],
        ] as const) {
            fs.writeFileSync(path.join(stateDir, file), content, { mode });
            fs.chownSync(path.join(stateDir, file), defaultAuthenticatorUid, defaultAuthenticatorUid);
        }
        const webhookFile = path.join(work, "webhook.kubeconfig");
        fs.writeFileSync(webhookFile, webhookKubeconfig, { mode: 0o600 });

        ({ moto, sts } = await startSignInAws({
            motoServer,
            work,
            stage: "the live-mappings stage",
            clusterName,
            stateBucket: "kops-iam-auth-live-state",
            certPem,
            keyPem,
        }));
        apiserver = await startKubeApiserver({
            etcd,
            kubeApiserver,
            dir: path.join(work, "control-plane"),
            extraArgs: [
                `--authentication-token-webhook-config-file=${webhookFile}`,
                "--authentication-token-webhook-cache-ttl=0s",
            ],
        });
        console.log(`      kube-apiserver ready in ${seconds(apiserver.readyMs)}`);
    });

    // Whatever a test left running (it failed part way) stops before the next one needs the port.
    afterEach(async () => {
        for (const loop of loops.splice(0)) {
            await loop.stop();
        }
        for (const source of sources.splice(0)) {
            await source.stop();
        }
        for (const proc of started.splice(0)) {
            await proc.stop(1000).catch(() => undefined);
        }
    });

    after(async () => {
        await apiserver?.stop();
        await sts?.stop();
        await moto?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
        console.log(`      live-mappings stage took ${seconds(Date.now() - stageStart)}`);
    });

    /** A source of fresh tokens for each identity, from the real token command, filled ahead. */
    async function tokenSources(): Promise<Record<Identity, TokenSource>> {
        const tokens = {} as Record<Identity, TokenSource>;
        for (const identity of Object.keys(identities) as Identity[]) {
            tokens[identity] = new TokenSource(() =>
                execCredentialToken({ moto: moto!, sts: sts! }, aws, {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: servers["v0.7.18"],
                    args: ["token", "-i", clusterName, "-r", identities[identity]],
                }),
            );
            sources.push(tokens[identity]);
        }
        for (const identity of Object.keys(identities) as Identity[]) {
            await tokens[identity].filled(2);
        }
        return tokens;
    }

    /** A fresh ConfigMap volume holding `data` where the DaemonSet mounts it, as kubelet lays it out. */
    function projectConfigMap(data: Record<string, string>): void {
        fs.rmSync(path.join(nodeRoot, "configmaps"), { recursive: true, force: true });
        mounts = projectVolumes(daemonSet, nodeRoot, [{ metadata: { name: authenticatorName }, data }]);
        configMapDir = mounts.find((m) => m.source === "configMap")!.hostDir;
    }

    async function startServer(version: string): Promise<BackgroundProcess> {
        const proc = await startAuthenticatorServer({
            binary: servers[version],
            daemonSet,
            mounts,
            sts: sts!,
            certPem,
            stage: "the live-mappings stage",
            readyTimeoutMs: 30000,
        });
        started.push(proc);
        return proc;
    }

    for (const version of ["v0.7.18", "v0.6.20"]) {
        it(`${version}: a role added, one removed, groups changed, a malformed file, a valid one again: each in effect within 2 s, 0 failed sign-ins, the same process`, async function () {
            if (!apiserver) {
                this.skip();
            }
            const initial = mappingsOf(admin, viewer);
            const files = renderAuthenticatorConfig(clusterName, initial);
            daemonSet = renderAuthenticatorDaemonSet({ configChecksum: configChecksum(files.configYaml) });
            projectConfigMap(renderAuthenticatorConfigMap(files).data);
            const server = await startServer(version);
            const dynamicFileLog = watchDynamicFileLog(server);
            const pid = server.child.pid;
            const tokens = await tokenSources();

            // The series: each step the ConfigMap's new data (rendered, except the malformed one) and the mappings then in effect.
            const malformed = {
                ...renderAuthenticatorConfigMap(renderAuthenticatorConfig(clusterName, mappingsOf(admin, auditingDeployer))).data,
            };
            malformed["mappings.json"] = malformed["mappings.json"].slice(0, 40);
            const steps: Array<{ label: string; data: Record<string, string>; inEffect: IdentityMappings }> = [
                { label: "role added", mappings: mappingsOf(admin, viewer, deployer) },
                { label: "role removed", mappings: mappingsOf(admin, deployer) },
                { label: "groups changed", mappings: mappingsOf(admin, auditingDeployer) },
                { label: "malformed file", mappings: undefined },
                { label: "valid again (role re-added)", mappings: mappingsOf(admin, auditingDeployer, viewer) },
            ].map((step, i, all) => ({
                label: step.label,
                data: step.mappings
                    ? renderAuthenticatorConfigMap(renderAuthenticatorConfig(clusterName, step.mappings)).data
                    : malformed,
                // A malformed file leaves what was in effect before it.
                inEffect: step.mappings ?? all[i - 1].mappings!,
            }));
            for (const step of steps) {
                // Only mappings.json changes: the pod template's checksum stays, nothing rolls.
                assert.equal(step.data["config.yaml"], files.configYaml);
            }

            const loop = new SignInLoop(apiserver!, tokens);
            loops.push(loop);
            const figures: string[] = [];
            // Every identity's outcome is what the mappings in effect say, before the series and between its steps.
            const windows: Array<{
                from: number;
                mappings: IdentityMappings;
                previous?: IdentityMappings;
                effect?: Partial<Record<Identity, number>>;
            }> = [];
            try {
                const firstSignIns = Date.now();
                for (const identity of Object.keys(identities) as Identity[]) {
                    await loop.firstSince(identity, firstSignIns, expectedSignIn(identity, initial), 30000);
                }
                // The series starts once every identity signs in as the initial mappings say.
                const steady = Date.now();
                windows.push({ from: steady, mappings: initial });
                await loop.eachSignsIn(steady, 3, 30000);

                for (const step of steps) {
                    const previous = windows[windows.length - 1].mappings;
                    const swapped = Date.now();
                    assert.ok(writeConfigMapVolume(configMapDir, step.data), `${step.label}: the volume changed`);
                    const window = {
                        from: swapped,
                        mappings: step.inEffect,
                        previous,
                        effect: {} as Partial<Record<Identity, number>>,
                    };
                    windows.push(window);
                    const changed = (Object.keys(identities) as Identity[]).filter(
                        (identity) => expectedSignIn(identity, step.inEffect) !== expectedSignIn(identity, previous),
                    );
                    if (changed.length === 0) {
                        // The malformed file: the server must have read it and refused it, and nothing changed.
                        const refusals = () => dynamicFileLog.filter((l) => /could not unmarshal dynamic file/.test(l)).length;
                        await waitUntil(
                            "the server to read the malformed file and refuse it",
                            async () => refusals() > 0,
                            10000,
                            server,
                        );
                        const readAt = Date.now();
                        await loop.eachSignsIn(readAt, 1, 10000);
                        await new Promise((r) => setTimeout(r, effectBoundMs));
                        figures.push(
                            `${step.label}: refused after ${seconds(readAt - swapped)} (logged ${refusals()} times), old mappings kept`,
                        );
                        continue;
                    }
                    for (const identity of changed) {
                        const first = await loop.firstSince(identity, swapped, expectedSignIn(identity, step.inEffect), 10000);
                        window.effect[identity] = first.end;
                    }
                    const effectMs = Math.max(...Object.values(window.effect).map((end) => end! - swapped));
                    figures.push(`${step.label}: in effect after ${seconds(effectMs)} (${changed.join(", ")})`);
                    assert.ok(
                        effectMs <= effectBoundMs,
                        `${step.label}: in effect after ${effectMs} ms, more than ${effectBoundMs} ms; sign-ins around the swap:\n` +
                            loop.signIns
                                .filter((x) => changed.includes(x.identity) && x.end >= swapped - 2000)
                                .map((x) => `${x.identity} ${x.start - swapped}..${x.end - swapped} ms: ${x.outcome}`)
                                .join("\n"),
                    );
                    // Signed in a few times more under the new mappings before the next step.
                    await loop.eachSignsIn(Date.now(), 3, 10000);
                }
            } finally {
                await loop.stop();
            }

            // Every sign-in, against the mappings in effect when it started (a change's own identities
            // may still see the old mappings until their first sign-in under the new ones).
            const failures: string[] = [];
            windows.forEach((window, i) => {
                const until = windows[i + 1]?.from ?? Infinity;
                for (const signIn of loop.signIns.filter((s) => s.start >= window.from && s.start < until)) {
                    const expected = expectedSignIn(signIn.identity, window.mappings);
                    const before = window.previous && expectedSignIn(signIn.identity, window.previous);
                    const effect = window.effect?.[signIn.identity];
                    const stillOld = effect !== undefined && signIn.end < effect && signIn.outcome === before;
                    // One that ends after the next swap may show the next mappings already.
                    const alreadyNext =
                        signIn.end >= until && signIn.outcome === expectedSignIn(signIn.identity, windows[i + 1].mappings);
                    if (signIn.outcome !== expected && !stillOld && !alreadyNext) {
                        failures.push(
                            `${signIn.identity} at +${signIn.start - windows[0].from} ms: ${signIn.outcome}, expected ${expected}`,
                        );
                    }
                }
            });
            const series = loop.signIns.filter((s) => s.start >= windows[0].from);
            const unchanged = series.filter((s) => s.identity === "admin" || s.identity === "outsider");
            console.log(
                [
                    `      ${version}: ${series.length} sign-ins in ${seconds(series[series.length - 1].end - windows[0].from)} ` +
                        `(${unchanged.length} of the two identities no step changes), ${failures.length} failed`,
                    ...figures.map((f) => `        ${f}`),
                    `        server pid ${pid} throughout; DynamicFile reloads logged: ${dynamicFileLog.filter((l) => /latency metric/.test(l)).length}`,
                ].join("\n"),
            );
            assert.deepEqual(failures, [], "sign-ins that did not give what the mappings in effect say");
            // The same process from start to end: never restarted.
            assert.equal(server.child.pid, pid);
            assert.equal(server.hasExited(), false, server.output().slice(-3000));
            // Each valid reload is logged with mappings.json's Version (how an operator sees a change arrive).
            const lastVersion = JSON.parse(steps[steps.length - 1].data["mappings.json"]).Version;
            assert.ok(
                dynamicFileLog.some((l) => l.includes("logging latency metric") && l.includes(`Version=${lastVersion}`)),
                dynamicFileLog.join("\n"),
            );
            assert.ok(!dynamicFileLog.some((l) => /error parsing latency/.test(l)), dynamicFileLog.join("\n"));
            // And counted by the metric (LastUpdatedDateTime is the epoch, so only the count means anything).
            const metrics = (await httpsRequest(`https://127.0.0.1:${authenticatorPort}/metrics`, certPem)).body;
            const reloads = Number(
                /^aws_iam_authenticator_dynamic_e2e_latency_seconds_count\{type="dynamic_file"\} (\d+)$/m.exec(metrics)?.[1],
            );
            assert.ok(
                reloads >= 4,
                metrics
                    .split("\n")
                    .filter((l) => l.includes("dynamic"))
                    .join("\n"),
            );
        });
    }

    it("the migration from MountedFile (v0.6.20 on the previous releases' config.yaml) to DynamicFile: one restart, its sign-in gap measured", async function () {
        if (!apiserver) {
            this.skip();
        }
        const mappings = mappingsOf(admin, viewer);
        // The previous release's ConfigMap (config.yaml only) and its pod.
        const oldConfigYaml = mountedFileConfigYaml(mappings);
        daemonSet = renderAuthenticatorDaemonSet({ configChecksum: configChecksum(oldConfigYaml) });
        projectConfigMap({ "config.yaml": oldConfigYaml });
        const oldServer = await startServer("v0.6.20");
        assert.match(oldServer.output(), /starting mapper \\"MountedFile\\"/, oldServer.output());
        const tokens = await tokenSources();
        const loop = new SignInLoop(apiserver!, tokens);
        loops.push(loop);
        const expected = (identity: Identity) => expectedSignIn(identity, mappings);
        let restartedAt = 0;
        let readyAt = 0;
        try {
            const first = Date.now();
            for (const identity of Object.keys(identities) as Identity[]) {
                await loop.firstSince(identity, first, expected(identity), 30000);
            }
            await loop.eachSignsIn(Date.now(), 3, 10000);
            // The upgrade's `pulumi up`: the ConfigMap gets mappings.json and the new config.yaml;
            // config.yaml's checksum changes, so the DaemonSet rolls: the old pod stops, the new one starts.
            const files = renderAuthenticatorConfig(clusterName, mappings);
            assert.notEqual(
                configChecksum(files.configYaml),
                configChecksum(oldConfigYaml),
                "the first up after upgrading rolls the pods once",
            );
            writeConfigMapVolume(configMapDir, renderAuthenticatorConfigMap(files).data);
            restartedAt = Date.now();
            await oldServer.stop(0);
            daemonSet = renderAuthenticatorDaemonSet({ configChecksum: configChecksum(files.configYaml) });
            const newServer = await startServer("v0.6.20");
            readyAt = Date.now();
            assert.match(newServer.output(), /starting mapper \\"DynamicFile\\"/, newServer.output());
            await loop.eachSignsIn(Date.now(), 5, 20000);
        } finally {
            await loop.stop();
        }
        const during = loop.signIns.filter((s) => s.end >= restartedAt);
        const failed = during.filter((s) => s.outcome !== expected(s.identity));
        const lastFailure = Math.max(restartedAt, ...failed.map((s) => s.end));
        console.log(
            `      migration (process restart only; a real pod adds its termination and container start): ` +
                `${failed.length} of ${during.length} sign-ins failed, ` +
                `from the stop to the new server's /healthz ${seconds(readyAt - restartedAt)}, ` +
                `to the last failed sign-in ${seconds(lastFailure - restartedAt)}` +
                (failed.length ? `; failures: ${[...new Set(failed.map((s) => s.outcome.slice(0, 60)))].join(" | ")}` : ""),
        );
        // After the gap, every identity signs in as before, from the new mappings.json.
        const after = loop.signIns.filter((s) => s.start > lastFailure);
        assert.ok(after.length > 0);
        assert.deepEqual(
            after.filter((s) => s.outcome !== expected(s.identity)),
            [],
        );
    });
});
