// The kOps cluster's lifecycle as three `local.Command` resources running the scripts in
// ./scripts: spec upsert, apply (update, rolling-update, validate), kubeconfig export. Which command
// re-runs when is decided by each command's own inputs (./commandEnvironment.ts); the lifecycle
// table in docs/lifecycle.md is the contract, tests/components/kopsCluster.test.ts checks it.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { clusterOwnerMarker, KopsCommandLines, kopsCommandLines, kopsHelperModule } from "../core/kopsCommandLines";
import { KubeconfigMode, ClusterTopology, HookRunner } from "../core/types";
import {
    checkedCommandSettings,
    KopsCommandEnvironments,
    kopsCommandEnvironments,
    KopsCommandSettings,
    withSpecRevision,
} from "./commandEnvironment";
import { goDurationSeconds, isDurationWithin, kopsDurationRules } from "../core/durations";
import { isRegion, isZoneOf, regionAccepted, zoneOfAccepted } from "../core/rules";
import { duplicate, invalid, Problem, throwProblems } from "../core/problems";
import { AdminCredentialRenewal } from "./adminCredential";
import { kopsExtraFlagsProblems } from "../core/extraFlags";
import { kopsClusterDefaults, defaultKopsCommandTimeouts, KopsCommandTimeouts } from "../core/defaults";
import { ImmutableSettingsGuard } from "../core/immutableGuard";
import { immutableSettingsFromConfig } from "./immutableSettings";
import { parseKubeconfigCluster } from "./kubeconfigInfo";

export interface KopsClusterArgs {
    /**
     * The kOps cluster name, a DNS name with at least one dot (`dev.k8s.local`, `dev.example.com`).
     * It cannot change: a different name is a different cluster. A change is refused at preview, so
     * a new cluster means a new KopsCluster (a new resource name), which Pulumi creates before it
     * deletes the old one.
     */
    clusterName: string;
    /** The kOps state store, `s3://<bucket>` (KopsStateStore.stateStoreUrl). */
    stateStoreUrl: pulumi.Input<string>;
    /**
     * The AWS region of the stack's AWS provider. kOps runs with AWS_REGION set to it, so it reads
     * the state bucket in the same region the stack uses. The zones must be in it. Cannot change
     * after creation (refused at preview).
     */
    region: string;
    /**
     * The AWS profile kOps runs with (AWS_PROFILE), the same as the stack's AWS provider. Unset:
     * kOps uses the ambient credentials of the `pulumi` process. Note that `pulumi destroy` runs the
     * delete with the profile recorded at the last successful create or update (local.Command
     * deletes from its stored state).
     */
    awsProfile?: string;
    /** Availability zones of the cluster (`--zones`), in `region`. Cannot change after creation. */
    zones: string[];
    /**
     * Number of worker nodes. A change rolls the nodes.
     * @default `2`
     */
    nodeCount?: number;
    /**
     * EC2 instance type of the worker nodes. A change rolls the nodes.
     * @default `t3.medium`
     */
    nodeSize?: string;
    /**
     * Number of control-plane instances (etcd members). Cannot change after creation.
     * @default `1`
     */
    controlPlaneCount?: number;
    /**
     * EC2 instance type of the control plane. A change rolls the control plane.
     * @default `t3.medium`
     */
    controlPlaneSize?: string;
    /**
     * Kubernetes version (`1.34.10`). A change upgrades the cluster (update, rolling-update): a patch
     * or one minor up; a downgrade or a skipped minor is refused at preview.
     */
    kubernetesVersion: string;
    /**
     * Pod networking (`kops create cluster --networking`). Cannot change after creation.
     * @default `cilium`
     */
    networking?: string;
    /**
     * Subnet topology, public or private. Cannot change after creation.
     * @default `public`
     */
    topology?: ClusterTopology;
    /**
     * OpenSSH public key for every instance (the key text, not a path). Unset: none. It counts only
     * when the cluster is created; a later change is refused at preview (use `kops create sshpublickey`).
     */
    sshPublicKey?: pulumi.Input<string | undefined>;
    /**
     * Extra flags for `kops create cluster`, one per item (`--node-volume-size=64`). They count only
     * when the cluster is created; an adopted or existing cluster keeps its spec for them, and a later
     * change is refused at preview (use `kops edit cluster`).
     */
    extraFlags?: string[];
    /**
     * Take over a cluster of this name that already exists in the state store (the 2018 recipe's
     * "adding this to an existing cluster"): its spec is patched, updated and rolled like ours.
     * `pulumi destroy` then leaves it running: its delete only prints that the cluster stays.
     * Off: `pulumi up` stops with an error naming the cluster and this setting. Fixed once the
     * cluster is created or adopted (a change is refused at preview).
     * @default `false`
     */
    adoptExisting?: boolean;
    /**
     * What an update does when the cluster is missing from the state store (deleted outside
     * Pulumi, or the state store moved). false: it stops with an error that says so, since creating
     * it could build a second cluster of the same name beside the live one. true: it is created again.
     * @default `false`
     */
    recreateMissingCluster?: boolean;
    /**
     * How long `kops validate cluster --wait` waits for a healthy cluster (Go duration).
     * @default `15m`
     */
    validateTimeout?: string;
    /**
     * How the exported kubeconfig (the `kubeconfig` output, for the Kubernetes provider)
     * authenticates. `auth-plugin`: kOps' exec plugin (`kops helpers kubectl-auth`), which
     * issues a short-lived certificate from the state store on each use: nothing in the Pulumi
     * state expires, but kops and the state store must be reachable wherever the provider runs.
     * `admin`: a static admin certificate valid for `adminTtl`, exported again by the first
     * `pulumi up` after half of that (AdminCredentialRenewal, ./adminCredential.ts).
     * @default `auth-plugin`
     */
    kubeconfigMode?: KubeconfigMode;
    /**
     * Lifetime of the admin certificate in `admin` mode (Go duration). Ignored otherwise.
     * @default `1h`
     */
    adminTtl?: string;
    /**
     * The kops command on PATH, or a path to it. kOps 1.34 to 1.36 (not 1.36.0).
     * @default `kops`
     */
    kopsBinary?: string;
    /** The apiserver's webhook kubeconfig (AuthenticatorPki.webhookKubeconfig): a fileAsset on the control plane. */
    webhookKubeconfig: pulumi.Input<string>;
    /**
     * kube-apiserver's `--authentication-token-webhook-cache-ttl` (Go duration).
     * @default `5m0s`
     */
    webhookCacheTtl?: string;
    /**
     * How the control-plane hook downloads cert.pem and key.pem from the state store: `container`
     * (an aws-cli image, `hookImage`) or `host` (the host's `aws` CLI, as the 2018 blog).
     * @default `container`
     */
    hookRunner?: HookRunner;
    /**
     * The aws-cli image of the container hook, pinned.
     * @default `public.ecr.aws/aws-cli/aws-cli:2.31.23`
     */
    hookImage?: string;
    /**
     * Owner uid/gid of the downloaded files: the authenticator's runAsUser (kOps' own by default).
     * Cannot change after creation (refused at preview: the roll to a new uid deadlocks).
     * @default `10000`
     */
    authenticatorUid?: number;
    /**
     * The state store's objects (or the KopsStateStore component): the spec waits for them, so the
     * first control-plane boot finds the authenticator's files, and destroy deletes the cluster
     * before them.
     */
    stateStoreObjects?: pulumi.Resource[];
    /** Timeouts of each command; see KopsCommandTimeouts for the defaults. */
    timeouts?: KopsCommandTimeouts;
}

/**
 * Checks, before anything runs, that the commands will find this package: they run in the Pulumi
 * project directory (the command provider's working directory) and resolve it from there
 * (kopsCommandLines). Skipped where the SDK knows no project directory: the mock runtime gives "",
 * and an Automation API inline program the text "rootDirectory" (SDK 3.276); there the guard's
 * dynamic provider, resolved from the same directory, fails first and nothing runs either.
 */
function checkHelperResolvable(component: string): void {
    const projectDirectory = pulumi.runtime.getRootDirectory();
    if (!path.isAbsolute(projectDirectory) || !fs.existsSync(projectDirectory)) {
        return;
    }
    try {
        require.resolve(kopsHelperModule, { paths: [projectDirectory] });
    } catch {
        throw new Error(
            `${component}: the kOps commands run in the Pulumi project directory ${projectDirectory}, ` +
                `where Node cannot resolve ${kopsHelperModule}. Install the package there (npm install kops-iam-auth), ` +
                "build it when it is this repository (npm run build), or, with the Automation API, give the workspace " +
                "a workDir that is your project directory (Pulumi's dynamic providers need the same for @pulumi/pulumi)",
        );
    }
}

/**
 * The owner marker of the KopsCluster named `componentName` in the running stack
 * (clusterOwnerMarker: organization/project/stack/component). A runtime that reports no
 * organization gets `organization`, what self-managed backends report.
 */
export function clusterOwnerOf(componentName: string): string {
    let organization: string;
    try {
        organization = pulumi.getOrganization();
    } catch {
        organization = "organization";
    }
    return clusterOwnerMarker(organization, pulumi.getProject(), pulumi.getStack(), componentName);
}

/**
 * A kOps cluster created, changed and deleted by `kops` through `local.Command`, with aws-iam-authenticator wired in.
 *
 * The cluster is marked as this component's (clusterOwnerOf(name)): another stack, or another
 * component, with the same cluster name and state store is refused. Keep the component's name: a
 * renamed one is a new resource to Pulumi, which would delete the old one (`kops delete cluster`);
 * rename with `aliases: [{ name: "<old name>" }]` (the new component's create is refused otherwise).
 */
export class KopsCluster extends pulumi.ComponentResource {
    /** The kOps cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** A kubeconfig for the Kubernetes provider (see kubeconfigMode). Secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The API server URL from the kubeconfig. */
    public readonly apiServerUrl: pulumi.Output<string>;
    /**
     * The cluster CA, base64-encoded PEM as kubeconfigs carry it; undefined when kOps exports none
     * (an API load balancer with its own certificate).
     */
    public readonly certificateAuthorityData: pulumi.Output<string | undefined>;

    constructor(name: string, args: KopsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered, this component included.
        const plain = { ...checkedKopsClusterSettings(name, args), clusterOwner: clusterOwnerOf(name) };
        super("kops-iam-auth:index:KopsCluster", name, {}, opts);
        const timeouts = { ...defaultKopsCommandTimeouts, ...args.timeouts };
        checkHelperResolvable(`KopsCluster ${name}`);
        const lines = kopsCommandLines(plain.adoptExisting);
        const settings: pulumi.Output<KopsCommandSettings> = pulumi
            .all([args.stateStoreUrl, args.webhookKubeconfig, args.sshPublicKey])
            .apply(([stateStoreUrl, webhookKubeconfig, sshPublicKey]) =>
                checkedCommandSettings(`KopsCluster ${name}`, { ...plain, stateStoreUrl, webhookKubeconfig, sshPublicKey }),
            );
        // Read with apply(): `environments.apply` would be Output's own method, not the lifted property.
        const environments = settings.apply(kopsCommandEnvironments);
        const commandOpts = { parent: this, customTimeouts: timeouts };

        const guard = immutableSettingsGuard(name, plain, this);
        const spec = specCommand(name, lines.spec, environments, [guard, ...(args.stateStoreObjects ?? [])], commandOpts);
        creationSettingsGuard(name, plain, args.sshPublicKey, spec, this);
        const apply = applyCommand(name, lines.apply, environments, spec, commandOpts);
        const renewal = plain.kubeconfigMode === "admin" ? adminCredentialRenewal(name, plain, this) : undefined;
        const kubeconfig = kubeconfigCommand(name, lines.kubeconfig, environments, renewal, apply, commandOpts);

        this.clusterName = pulumi.output(args.clusterName);
        this.kubeconfig = pulumi.secret(kubeconfig.stdout);
        const info = this.kubeconfig.apply(parseKubeconfigCluster);
        // The server URL and the CA are public: only the values derived from the kubeconfig are unsecreted.
        this.apiServerUrl = pulumi.unsecret(info.apply((i) => i.server));
        this.certificateAuthorityData = pulumi.unsecret(info.apply((i) => i.certificateAuthorityData));

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            apiServerUrl: this.apiServerUrl,
            certificateAuthorityData: this.certificateAuthorityData,
        });
    }
}

/** KopsCluster's settings once checked, with its owner marker: what its steps are made from. */
type CheckedKopsCluster = ReturnType<typeof checkedKopsClusterSettings> & { clusterOwner: string };
/** Parent and timeouts every kOps command shares. */
type KopsCommandOpts = { parent: pulumi.Resource; customTimeouts: pulumi.CustomTimeouts };

/**
 * The guard checked before any command runs: what the cluster is and where, its version steps, and
 * the uid its running nodes and DaemonSet share (immutableSettings.ts says why for each).
 */
function immutableSettingsGuard(name: string, plain: CheckedKopsCluster, parent: pulumi.Resource): ImmutableSettingsGuard {
    return new ImmutableSettingsGuard(
        `${name}-immutable`,
        immutableSettingsFromConfig({
            clusterName: plain.clusterName,
            zones: plain.zones,
            networking: plain.networking,
            topology: plain.topology,
            controlPlaneCount: plain.controlPlaneCount,
            region: plain.region,
            kubernetesVersion: plain.kubernetesVersion,
            authenticatorUid: plain.authenticatorUid,
        }),
        { parent },
    );
}

/** The spec step (upsert-spec.sh): creates, patches or adopts the cluster's spec; its delete is `kops delete cluster`. */
function specCommand(
    name: string,
    lines: KopsCommandLines["spec"],
    environments: pulumi.Output<KopsCommandEnvironments>,
    dependsOn: pulumi.Resource[],
    opts: KopsCommandOpts,
): command.local.Command {
    return new command.local.Command(
        `${name}-spec`,
        {
            create: lines.create,
            update: lines.update,
            delete: lines.delete,
            environment: environments.apply((e) => e.spec),
            // upsert-spec.sh reads its last revision (PULUMI_COMMAND_STDOUT) to report it again when the spec is unchanged.
            addPreviousOutputInEnv: true,
        },
        {
            parent: opts.parent,
            dependsOn,
            // The cluster name is fixed: a replacement must delete the old cluster before creating its successor.
            deleteBeforeReplace: true,
            customTimeouts: opts.customTimeouts,
        },
    );
}

/**
 * The guard of what counts only when the cluster is created (or adopted), recorded once the spec
 * command has done that: a first `pulumi up` that failed before may still change them.
 */
function creationSettingsGuard(
    name: string,
    plain: CheckedKopsCluster,
    sshPublicKey: KopsClusterArgs["sshPublicKey"],
    spec: command.local.Command,
    parent: pulumi.Resource,
): ImmutableSettingsGuard {
    return new ImmutableSettingsGuard(
        `${name}-creation-settings`,
        {
            cluster: plain.clusterName,
            adoptExistingCluster: plain.adoptExisting,
            sshPublicKey: pulumi.output(sshPublicKey).apply((key) => key ?? ""),
            kopsExtraFlags: plain.extraFlags,
        },
        { parent, dependsOn: [spec] },
    );
}

/** The apply step (apply.sh): update, rolling-update and validate, re-run for each new spec revision. */
function applyCommand(
    name: string,
    lines: KopsCommandLines["apply"],
    environments: pulumi.Output<KopsCommandEnvironments>,
    spec: command.local.Command,
    opts: KopsCommandOpts,
): command.local.Command {
    return new command.local.Command(
        `${name}-apply`,
        {
            create: lines.create,
            update: lines.update,
            environment: pulumi.all([environments, spec.stdout]).apply(([e, stdout]) => withSpecRevision(e.apply, stdout)),
            addPreviousOutputInEnv: false,
        },
        { parent: opts.parent, dependsOn: [spec], customTimeouts: opts.customTimeouts },
    );
}

/** A static admin credential expires on a running stack: the renewal re-exports it in time. */
function adminCredentialRenewal(name: string, plain: CheckedKopsCluster, parent: pulumi.Resource): AdminCredentialRenewal {
    return new AdminCredentialRenewal(
        `${name}-admin-credential`,
        { clusterName: plain.clusterName, ttlSeconds: goDurationSeconds(plain.adminTtl)! },
        { parent },
    );
}

/** The kubeconfig step (kubeconfig.sh): the kubeconfig the Kubernetes provider signs in with. */
function kubeconfigCommand(
    name: string,
    lines: KopsCommandLines["kubeconfig"],
    environments: pulumi.Output<KopsCommandEnvironments>,
    renewal: AdminCredentialRenewal | undefined,
    apply: command.local.Command,
    opts: KopsCommandOpts,
): command.local.Command {
    return new command.local.Command(
        `${name}-kubeconfig`,
        {
            create: lines.create,
            update: lines.update,
            environment: renewal
                ? pulumi
                      .all([environments, renewal.renewal])
                      .apply(([e, id]) => ({ ...e.kubeconfig, ADMIN_CREDENTIAL_RENEWAL: id }))
                : environments.apply((e) => e.kubeconfig),
            addPreviousOutputInEnv: false,
            // Its stdout is a credential (in admin mode) or the way to get one: never in the logs.
            logging: "none",
        },
        {
            parent: opts.parent,
            dependsOn: [apply],
            additionalSecretOutputs: ["stdout", "stderr"],
            customTimeouts: opts.customTimeouts,
        },
    );
}

/**
 * KopsCluster's arguments that are known before any resource exists: all but the state store's and
 * the PKI's outputs, and the SSH key, which may come from another resource.
 */
export type KopsClusterSettingsArgs = Omit<
    KopsClusterArgs,
    "stateStoreUrl" | "webhookKubeconfig" | "stateStoreObjects" | "timeouts" | "sshPublicKey"
>;

/**
 * KopsCluster's settings with the defaults filled in, checked; throws naming every problem. A
 * component that builds a KopsCluster after other resources (KopsIamCluster) calls it first, so a
 * bad setting fails before anything is registered.
 */
export function checkedKopsClusterSettings(name: string, args: KopsClusterSettingsArgs) {
    const d = kopsClusterDefaults;
    const plain = {
        kopsBinary: args.kopsBinary ?? d.kopsBinary,
        clusterName: args.clusterName,
        region: args.region,
        awsProfile: args.awsProfile,
        zones: args.zones,
        nodeCount: args.nodeCount ?? d.nodeCount,
        nodeSize: args.nodeSize ?? d.nodeSize,
        controlPlaneCount: args.controlPlaneCount ?? d.controlPlaneCount,
        controlPlaneSize: args.controlPlaneSize ?? d.controlPlaneSize,
        kubernetesVersion: args.kubernetesVersion,
        networking: args.networking ?? d.networking,
        topology: args.topology ?? d.topology,
        extraFlags: args.extraFlags ?? [...d.extraFlags],
        adoptExisting: args.adoptExisting ?? d.adoptExisting,
        recreateMissingCluster: args.recreateMissingCluster ?? d.recreateMissingCluster,
        validateTimeout: args.validateTimeout ?? d.validateTimeout,
        kubeconfigMode: args.kubeconfigMode ?? d.kubeconfigMode,
        adminTtl: args.adminTtl ?? d.adminTtl,
        webhookCacheTtl: args.webhookCacheTtl ?? d.webhookCacheTtl,
        hookRunner: args.hookRunner ?? d.hookRunner,
        hookImage: args.hookImage ?? d.hookImage,
        authenticatorUid: args.authenticatorUid ?? d.authenticatorUid,
    };
    checkComponentSettings(name, plain);
    return plain;
}

/**
 * The checks only this component can make (the spec patch and the stack config check the rest):
 * zones in the region, the kubeconfig mode and the durations the scripts take. Throws naming
 * every problem.
 */
function checkComponentSettings(
    name: string,
    s: {
        clusterName: string;
        region: string;
        zones: string[];
        kubeconfigMode: string;
        validateTimeout: string;
        adminTtl: string;
        extraFlags: string[];
    },
): void {
    const problems: Problem[] = [];
    // Region, zones and extra flags: the ground floor's rules (../core/rules.ts, ../core/extraFlags.ts).
    if (!isRegion(s.region)) {
        problems.push(invalid("region", s.region, regionAccepted));
    }
    if (s.zones.length === 0) {
        problems.push(invalid("zones", [], `at least one availability zone of ${s.region}, like ${s.region}a`));
    }
    s.zones.forEach((zone, index) => {
        if (!isZoneOf(zone, s.region)) {
            problems.push(invalid(`zones[${index}]`, zone, zoneOfAccepted(s.region)));
        } else if (s.zones.indexOf(zone) !== index) {
            // As the stack config: a zone listed twice would be one subnet asked for twice.
            problems.push(duplicate(`zones[${index}]`, zone, "an availability zone not listed before (list each once)"));
        }
    });
    problems.push(...kopsExtraFlagsProblems(s.extraFlags));
    if (!(Object.values(KubeconfigMode) as string[]).includes(s.kubeconfigMode)) {
        problems.push(invalid("kubeconfigMode", s.kubeconfigMode, "auth-plugin or admin"));
    }
    // The stack config's duration rules: a value the config accepts is accepted here, and the reverse.
    for (const key of ["validateTimeout", "adminTtl"] as const) {
        if (!isDurationWithin(s[key], kopsDurationRules[key])) {
            problems.push(invalid(key, s[key], kopsDurationRules[key].accepted));
        }
    }
    // Values are shown (extraFlags' values among them): a part that looks like a secret is not (formatProblem).
    throwProblems(`KopsCluster ${name} of cluster ${s.clusterName}`, problems);
}
