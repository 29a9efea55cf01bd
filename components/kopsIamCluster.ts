// The whole recipe as one component: the authenticator's PKI, the state store with its files, the
// IAM roles, the kOps cluster, a Kubernetes provider on it, and aws-iam-authenticator running there.
// Creation follows that order; `pulumi destroy` runs it backwards (docs/design.md, lifecycle table).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AuthenticatorResources, TokenCommand } from "./core/types";
import { AccessRoles } from "./aws/accessRoles";
import { IamAuthenticator } from "./authenticator/iamAuthenticator";
import { KopsIamClusterArgs } from "./settings/args";
import { checkedKopsIamClusterArgs, KopsIamClusterSettings } from "./settings/programArgs";

export type { KopsIamClusterArgs } from "./settings/args";
import { checkedKopsClusterSettings, clusterOwnerOf, KopsCluster, KopsClusterSettingsArgs } from "./kops/cluster";
import { identityKey, roleArnWithoutPath } from "./core/identityRules";
import { invalid, refuse } from "./core/problems";
import { IdentityMappings } from "./core/mappings";
import { rolePathWarning } from "./authenticator/configFile";
import { renderUserKubeconfig } from "./authenticator/userKubeconfig";
import { renderNextSteps } from "./authenticator/nextSteps";
import { AuthenticatorPki } from "./authenticator/pki";
import { KopsStateStore } from "./aws/stateStore";

/** The KopsCluster settings of a stack, all but those that come from other resources. */
function kopsClusterSettings(settings: KopsIamClusterSettings): KopsClusterSettingsArgs {
    return {
        clusterName: settings.clusterName,
        region: settings.region,
        awsProfile: settings.awsProfile,
        zones: settings.zones,
        nodeCount: settings.nodeCount,
        nodeSize: settings.nodeSize,
        controlPlaneCount: settings.controlPlaneCount,
        controlPlaneSize: settings.controlPlaneSize,
        kubernetesVersion: settings.kubernetesVersion,
        networking: settings.networking,
        topology: settings.topology,
        extraFlags: settings.kopsExtraFlags,
        adoptExisting: settings.adoptExistingCluster,
        recreateMissingCluster: settings.recreateMissingCluster,
        validateTimeout: settings.validateTimeout,
        kubeconfigMode: settings.adminCredentialTtl === undefined ? "auth-plugin" : "admin",
        adminTtl: settings.adminCredentialTtl,
        kopsBinary: settings.kopsBinary,
        webhookCacheTtl: settings.webhookCacheTtl,
        hookRunner: settings.hookRunner,
        hookImage: settings.hookImage,
        authenticatorUid: settings.authenticatorUid,
    };
}

/**
 * The args checked by the stack config's rules, and by KopsCluster's own, which it would make only
 * after the state store is registered: a bad value fails the preview before anything is registered.
 */
function checkedSettings(name: string, args: KopsIamClusterArgs): KopsIamClusterSettings {
    const settings = checkedKopsIamClusterArgs(name, args, new pulumi.Config("aws").get("region"));
    checkedKopsClusterSettings(kopsClusterName(name), kopsClusterSettings(settings));
    return settings;
}

/** The KopsCluster's name: its owner marker's component too, which the state store claims the cluster for. */
function kopsClusterName(name: string): string {
    return `${name}-kops`;
}

/** The warning about who signs in (nobody, or nobody with rights), once the mappings are known. */
function warnAboutSignIn(settings: KopsIamClusterSettings, parent: pulumi.Resource): void {
    pulumi.output(settings.signInWarning).apply((warning) => warning && pulumi.log.warn(warning, parent));
}

/**
 * A warning per mapRoles entry whose role ARN has an IAM path (mappings.json maps it without), naming the
 * entry as the args do: the authenticator, which gets the created roles first, would count them too
 * (iamAuthenticator() hands it the ARNs without their paths, so that it does not warn again).
 */
function warnAboutRolePaths(settings: KopsIamClusterSettings, parent: pulumi.Resource): void {
    const mapRoles = pulumi.output(settings.mapRoles);
    pulumi.all([pulumi.unsecret(mapRoles), pulumi.isSecret(mapRoles)]).apply(([roles, secret]) =>
        roles.forEach((mapping, index) => {
            if (roleArnWithoutPath(mapping.roleArn) !== mapping.roleArn) {
                pulumi.log.warn(rolePathWarning(`mapRoles[${index}]`, mapping.roleArn, secret), parent);
            }
        }),
    );
}

/** The mappings with role ARNs as mappings.json maps them: without IAM paths (warnAboutRolePaths said so). */
function withoutRolePaths(mappings: IdentityMappings): IdentityMappings {
    return {
        ...mappings,
        mapRoles: mappings.mapRoles.map((mapping) => ({ ...mapping, roleArn: roleArnWithoutPath(mapping.roleArn) })),
    };
}

/** The authenticator's certificate, key and webhook kubeconfig. */
function authenticatorPki(name: string, settings: KopsIamClusterSettings, parent: pulumi.Resource): AuthenticatorPki {
    return new AuthenticatorPki(`${name}-pki`, { validityPeriodHours: settings.certValidityHours }, { parent });
}

/** The state bucket (created or existing) with the authenticator's files, claiming the cluster for the KopsCluster. */
function kopsStateStore(
    name: string,
    settings: KopsIamClusterSettings,
    pki: AuthenticatorPki,
    parent: pulumi.Resource,
): KopsStateStore {
    return new KopsStateStore(
        `${name}-state`,
        {
            clusterName: settings.clusterName,
            bucketName: settings.stateBucketName,
            createBucket: settings.createStateBucket,
            forceDestroy: settings.stateBucketForceDestroy,
            certPem: pki.certPem,
            privateKeyPem: pki.privateKeyPem,
            webhookKubeconfig: pki.webhookKubeconfig,
            tags: settings.tags,
            region: settings.region,
            awsProfile: settings.awsProfile,
            claim: {
                owner: clusterOwnerOf(kopsClusterName(name)),
                kopsBinary: settings.kopsBinary,
                adoptExisting: settings.adoptExistingCluster,
            },
        },
        { parent },
    );
}

/** The IAM roles people assume, and every identity mapping for the authenticator. */
function accessRoles(name: string, settings: KopsIamClusterSettings, parent: pulumi.Resource): AccessRoles {
    return new AccessRoles(
        `${name}-roles`,
        {
            roles: settings.accessRoles,
            mapRoles: settings.mapRoles,
            mapUsers: settings.mapUsers,
            mapAccounts: settings.mapAccounts,
            tags: settings.tags,
        },
        { parent },
    );
}

/** The kOps cluster, its spec waiting for the state store's files. */
function kopsCluster(
    name: string,
    settings: KopsIamClusterSettings,
    pki: AuthenticatorPki,
    stateStore: KopsStateStore,
    parent: pulumi.Resource,
): KopsCluster {
    return new KopsCluster(
        kopsClusterName(name),
        {
            ...kopsClusterSettings(settings),
            sshPublicKey: settings.sshPublicKey,
            stateStoreUrl: stateStore.stateStoreUrl,
            webhookKubeconfig: pki.webhookKubeconfig,
            // The first control-plane boot fetches the files, so the spec waits for them; and
            // destroy deletes the cluster before them and the bucket.
            stateStoreObjects: [stateStore],
        },
        { parent },
    );
}

/** The Kubernetes provider on the cluster. */
function kubernetesProvider(
    name: string,
    settings: KopsIamClusterSettings,
    cluster: KopsCluster,
    parent: pulumi.Resource,
): k8s.Provider {
    return new k8s.Provider(
        `${name}-k8s`,
        {
            kubeconfig: cluster.kubeconfig,
            // Only a different cluster replaces the provider (and with it every object on it); a
            // re-exported kubeconfig is an update.
            clusterIdentifier: settings.clusterName,
            // A mapping change then updates the authenticator's ConfigMap in place instead of
            // deleting and recreating it (the lifecycle table's "ConfigMap update").
            enableConfigMapMutable: true,
            // `pulumi destroy` must finish when the cluster is gone or cannot be reached (deleted
            // outside Pulumi, a failed first up, its API load balancer gone, kops' auth plugin
            // failing): the provider then drops the objects on it from the state instead of failing
            // before `kops delete cluster` runs. It acts only when the provider cannot reach the
            // cluster at all, and only on delete and refresh (Read); creates and updates still
            // fail. The objects live and die with the cluster, which the kOps delete removes next.
            deleteUnreachable: true,
        },
        { parent },
    );
}

/** aws-iam-authenticator on the cluster, with the mappings and the group bindings. */
function iamAuthenticator(
    name: string,
    settings: KopsIamClusterSettings,
    provider: k8s.Provider,
    roles: AccessRoles,
    parent: pulumi.Resource,
): IamAuthenticator {
    return new IamAuthenticator(
        `${name}-authenticator`,
        {
            provider,
            clusterId: settings.clusterName,
            mappings: roles.mappings.apply(withoutRolePaths),
            image: settings.authenticatorImage,
            uid: settings.authenticatorUid,
            resources: authenticatorResources(settings),
            clusterRoleBindings: settings.clusterRoleBindings,
        },
        { parent },
    );
}

/** The authenticator container's requests and limits, from the four settings. */
function authenticatorResources(settings: KopsIamClusterSettings): AuthenticatorResources {
    return {
        requests: { cpu: settings.authenticatorCpuRequest, memory: settings.authenticatorMemoryRequest },
        limits: { cpu: settings.authenticatorCpuLimit, memory: settings.authenticatorMemoryLimit },
    };
}

/**
 * The stack output the next steps fetch kubeconfigs from: index.ts exports `kubeconfigs` under this
 * name. A program exporting it under another name should show its own next steps.
 */
const kubeconfigsOutput = "kubeconfigs";

/**
 * What every user kubeconfig of a KopsIamCluster shares (the server, the cluster CA, the role ARNs
 * the authenticator maps) and the stack's defaults for them.
 */
interface UserKubeconfigSource {
    cluster: pulumi.Output<{ server: string; certificateAuthorityData: string; mappedRoles: string[] }>;
    clusterName: string;
    region: string;
    tokenCommand: TokenCommand;
    awsProfile?: string;
}

/** The user kubeconfigs' common parts, from the cluster and the mappings. */
function userKubeconfigSource(
    name: string,
    settings: KopsIamClusterSettings,
    cluster: KopsCluster,
    roles: AccessRoles,
): UserKubeconfigSource {
    return {
        cluster: pulumi
            .all([cluster.apiServerUrl, cluster.certificateAuthorityData, roles.mappings])
            .apply(([server, certificateAuthorityData, mappings]) => {
                if (certificateAuthorityData === undefined) {
                    throw new Error(
                        `KopsIamCluster ${name}: kOps exported no cluster CA for ${settings.clusterName} ` +
                            "(an API load balancer with its own certificate); the user kubeconfigs need one",
                    );
                }
                return { server, certificateAuthorityData, mappedRoles: mappings.mapRoles.map((m) => m.roleArn) };
            }),
        clusterName: settings.clusterName,
        region: settings.region,
        tokenCommand: settings.kubeconfigTokenCommand,
        awsProfile: settings.kubeconfigAwsProfile,
    };
}

/** A kubeconfig that signs in as a mapped role (KopsIamCluster.getKubeconfig). */
function userKubeconfig(
    source: UserKubeconfigSource,
    args: { roleArn: pulumi.Input<string>; profileName?: pulumi.Input<string>; tokenCommand?: TokenCommand },
): pulumi.Output<string> {
    return pulumi.all([source.cluster, args.roleArn, args.profileName]).apply(([cluster, roleArn, profileName]) => {
        const wanted = identityKey({ kind: "role", value: roleArn });
        if (!cluster.mappedRoles.some((mapped) => identityKey({ kind: "role", value: mapped }) === wanted)) {
            refuse(
                `KopsIamCluster ${source.clusterName}: getKubeconfig`,
                invalid(
                    "roleArn",
                    roleArn,
                    `a mapped role: one of ${cluster.mappedRoles.join(", ")} (a created access role or a mapRoles entry)`,
                ),
            );
        }
        return renderUserKubeconfig({
            clusterName: source.clusterName,
            server: cluster.server,
            certificateAuthorityData: cluster.certificateAuthorityData,
            clusterId: source.clusterName,
            roleArn,
            region: source.region,
            tokenCommand: args.tokenCommand ?? source.tokenCommand,
            awsProfile: profileName ?? source.awsProfile,
        });
    });
}

/** The component's outputs, as KopsIamCluster declares them. */
interface KopsIamClusterOutputs {
    clusterName: pulumi.Output<string>;
    stateStoreUrl: pulumi.Output<string>;
    apiServerUrl: pulumi.Output<string>;
    roleArns: pulumi.Output<Record<string, string>>;
    kubeconfigs: pulumi.Output<Record<string, string>>;
    nextSteps: pulumi.Output<string>;
    kubeconfig: pulumi.Output<string>;
}

/** The outputs: what the cluster, the state store and the roles give, the kubeconfigs and the next steps. */
function clusterOutputs(
    settings: KopsIamClusterSettings,
    stateStore: KopsStateStore,
    roles: AccessRoles,
    cluster: KopsCluster,
    source: UserKubeconfigSource,
): KopsIamClusterOutputs {
    return {
        clusterName: cluster.clusterName,
        stateStoreUrl: stateStore.stateStoreUrl,
        apiServerUrl: cluster.apiServerUrl,
        roleArns: roles.roleArns,
        kubeconfigs: roles.roleArns.apply((roleArns) =>
            pulumi.all(
                Object.fromEntries(
                    Object.entries(roleArns).map(([roleName, roleArn]) => [roleName, userKubeconfig(source, { roleArn })]),
                ),
            ),
        ),
        nextSteps: pulumi.all([stateStore.stateStoreUrl, roles.roleArns]).apply(([stateStoreUrl, roleArns]) =>
            renderNextSteps({
                clusterName: settings.clusterName,
                stateStoreUrl,
                roles: settings.accessRoles.map((role) => ({
                    name: role.name,
                    roleArn: roleArns[role.name],
                    username: role.username,
                    groups: role.groups,
                })),
                kubeconfigsOutput,
                tokenCommand: settings.kubeconfigTokenCommand,
                awsProfile: settings.kubeconfigAwsProfile,
                kopsAwsProfile: settings.awsProfile,
            }),
        ),
        kubeconfig: cluster.kubeconfig,
    };
}

/**
 * A kOps cluster on AWS whose `kubectl` users sign in with IAM roles through aws-iam-authenticator:
 * AuthenticatorPki, KopsStateStore, AccessRoles, KopsCluster, a Kubernetes provider on the
 * cluster and IamAuthenticator, wired in that order.
 */
export class KopsIamCluster extends pulumi.ComponentResource {
    /** The kOps cluster name (also the authenticator's cluster ID). */
    public readonly clusterName: pulumi.Output<string>;
    /** `s3://<bucket>`: the KOPS_STATE_STORE for `kops` commands on this cluster. */
    public readonly stateStoreUrl: pulumi.Output<string>;
    /** The API server URL. */
    public readonly apiServerUrl: pulumi.Output<string>;
    /** Created access role name → role ARN. */
    public readonly roleArns: pulumi.Output<Record<string, string>>;
    /**
     * Created access role name → a kubeconfig that signs in as that role (renderUserKubeconfig).
     * Not secret: it holds the server, the cluster CA and a token command, no credential.
     */
    public readonly kubeconfigs: pulumi.Output<Record<string, string>>;
    /** The commands a person runs next: fetch a kubeconfig, reach the cluster; kOps' admin way in. */
    public readonly nextSteps: pulumi.Output<string>;
    /** The kubeconfig kOps exported for `provider` (see `kops.adminTtl`). Secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /**
     * The Kubernetes provider of the cluster: pass it as `provider` to deploy more onto the cluster.
     * Its kubeconfig is the secret `kubeconfig` above (in auth-plugin mode it runs `kops`, so kops
     * and the state store must be reachable where it is used). ConfigMaps on it are updated in
     * place rather than replaced (enableConfigMapMutable).
     */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: KopsIamClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = checkedSettings(name, args);
        // Secret Outputs among the args stay secret in the recorded inputs.
        super("kops-iam-auth:index:KopsIamCluster", name, args, opts);
        warnAboutSignIn(settings, this);
        warnAboutRolePaths(settings, this);
        const pki = authenticatorPki(name, settings, this);
        const stateStore = kopsStateStore(name, settings, pki, this);
        const roles = accessRoles(name, settings, this);
        const cluster = kopsCluster(name, settings, pki, stateStore, this);
        this.provider = kubernetesProvider(name, settings, cluster, this);
        iamAuthenticator(name, settings, this.provider, roles, this);
        const source = userKubeconfigSource(name, settings, cluster, roles);
        this.userKubeconfigSource = () => source;
        const outputs = clusterOutputs(settings, stateStore, roles, cluster, source);
        this.clusterName = outputs.clusterName;
        this.stateStoreUrl = outputs.stateStoreUrl;
        this.apiServerUrl = outputs.apiServerUrl;
        this.roleArns = outputs.roleArns;
        this.kubeconfigs = outputs.kubeconfigs;
        this.nextSteps = outputs.nextSteps;
        this.kubeconfig = outputs.kubeconfig;
        this.registerOutputs(outputs);
    }

    /**
     * A kubeconfig that signs in as `roleArn`, which must be mapped: one of the roles the stack
     * creates (those are in `kubeconfigs`) or a `mapRoles` entry (an IAM path and letter case do not
     * count, as for the authenticator). As pulumi-eks' `getKubeconfig`: `profileName` is the AWS
     * profile the token command runs with, `tokenCommand` which command makes the token; both
     * default to the stack's `userKubeconfig` settings. Not secret: it holds no credential.
     */
    public getKubeconfig(args: {
        roleArn: pulumi.Input<string>;
        profileName?: pulumi.Input<string>;
        tokenCommand?: TokenCommand;
    }): pulumi.Output<string> {
        return userKubeconfig(this.userKubeconfigSource(), args);
    }

    /**
     * What getKubeconfig builds from: the constructor replaces this method with one returning this
     * cluster's sources. A method rather than a field, because the component schema (plugin/) takes
     * every field of the class, private ones too, for an output.
     */
    private userKubeconfigSource(): UserKubeconfigSource {
        throw new Error("KopsIamCluster: getKubeconfig was called before the constructor set its sources");
    }
}
