// The whole recipe as one component: the authenticator's PKI, the state store with its files, the
// IAM roles, the kOps cluster, a Kubernetes provider on it, and aws-iam-authenticator running there.
// Creation follows that order; `pulumi destroy` runs it backwards (docs/design.md, lifecycle table).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AuthenticatorResources, TokenCommand } from "./core/types";
import { AccessRoles } from "./aws/accessRoles";
import { IamAuthenticator } from "./authenticator/iamAuthenticator";
import { KopsIamClusterArgs, ResolvedKopsIamClusterArgs } from "./settings/args";
import { checkedKopsIamClusterArgs } from "./settings/validate";

export type { KopsIamClusterArgs } from "./settings/args";
import { checkedKopsClusterSettings, clusterOwnerOf, KopsCluster, KopsClusterSettingsArgs } from "./kops/cluster";
import { identityKey } from "./core/identityRules";
import { mapsNoIdentity, noIdentityWarning, noRightsWarning } from "./authenticator/signInReach";
import { renderUserKubeconfig } from "./authenticator/userKubeconfig";
import { renderNextSteps } from "./authenticator/nextSteps";
import { AuthenticatorPki } from "./authenticator/pki";
import { KopsStateStore } from "./aws/stateStore";

/** The KopsCluster settings of a stack, all but those that come from other resources. */
function kopsClusterSettings(args: ResolvedKopsIamClusterArgs): KopsClusterSettingsArgs {
    return {
        clusterName: args.clusterName,
        region: args.region,
        awsProfile: args.awsProfile,
        zones: args.zones,
        nodeCount: args.nodeCount,
        nodeSize: args.nodeSize,
        controlPlaneCount: args.controlPlaneCount,
        controlPlaneSize: args.controlPlaneSize,
        kubernetesVersion: args.kubernetesVersion,
        networking: args.networking,
        topology: args.topology,
        sshPublicKey: args.sshPublicKey === "" ? undefined : args.sshPublicKey,
        extraFlags: args.kopsExtraFlags,
        adoptExisting: args.adoptExistingCluster,
        recreateMissingCluster: args.recreateMissingCluster,
        validateTimeout: args.validateTimeout,
        kubeconfigMode: args.adminCredentialTtl === "" ? "auth-plugin" : "admin",
        adminTtl: args.adminCredentialTtl === "" ? undefined : args.adminCredentialTtl,
        kopsBinary: args.kopsBinary,
        webhookCacheTtl: args.webhookCacheTtl,
        hookRunner: args.hookRunner,
        hookImage: args.hookImage,
        authenticatorUid: args.authenticatorUid,
    };
}

/** The authenticator container's requests and limits, from the four settings. */
function authenticatorResources(args: ResolvedKopsIamClusterArgs): AuthenticatorResources {
    return {
        requests: { cpu: args.authenticatorCpuRequest, memory: args.authenticatorMemoryRequest },
        limits: { cpu: args.authenticatorCpuLimit, memory: args.authenticatorMemoryLimit },
    };
}

/**
 * The stack output the next steps fetch kubeconfigs from: index.ts exports `kubeconfigs` under this
 * name. A program exporting it under another name should show its own next steps.
 */
const kubeconfigsOutput = "kubeconfigs";

/**
 * What every user kubeconfig of a KopsIamCluster shares (the server, the cluster CA, the role ARNs
 * the authenticator maps) and the stack's defaults for them. Kept beside the component rather than
 * on it: a component's fields are its outputs in the component schema, and these are not outputs.
 */
const userKubeconfigSources = new WeakMap<
    KopsIamCluster,
    {
        source: pulumi.Output<{ server: string; certificateAuthorityData: string; mappedRoles: string[] }>;
        clusterName: string;
        region: string;
        tokenCommand?: TokenCommand;
        awsProfile?: string;
    }
>();

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
        // Every setting is checked by the stack config's rules before anything is registered, those that
        // need the account too (a mapRoles entry repeating a created role is compared by name), so a
        // bad value fails the preview before it starts, not half-way.
        const settings = checkedKopsIamClusterArgs(name, args, new pulumi.Config("aws").get("region"));
        // KopsCluster's own checks, which it would make after the state store is registered.
        const kopsSettings = kopsClusterSettings(settings);
        checkedKopsClusterSettings(`${name}-kops`, kopsSettings);
        // The args hold no secret (the key is made inside), so they are recorded as they are.
        super("kops-iam-auth:index:KopsIamCluster", name, args, opts);
        const signInWarning =
            settings.allowNoIamSignIn && mapsNoIdentity(settings) ? noIdentityWarning : noRightsWarning(settings);
        if (signInWarning !== undefined) {
            pulumi.log.warn(signInWarning, this);
        }

        const pki = new AuthenticatorPki(
            `${name}-pki`,
            {
                validityPeriodHours: settings.certValidityHours,
            },
            { parent: this },
        );

        // The KopsCluster's name is its owner marker's component: the state store claims the cluster for it.
        const kopsClusterName = `${name}-kops`;
        const stateStore = new KopsStateStore(
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
                    owner: clusterOwnerOf(kopsClusterName),
                    kopsBinary: settings.kopsBinary,
                    adoptExisting: settings.adoptExistingCluster,
                },
            },
            { parent: this },
        );

        const roles = new AccessRoles(
            `${name}-roles`,
            {
                roles: settings.accessRoles,
                mapRoles: settings.mapRoles,
                mapUsers: settings.mapUsers,
                mapAccounts: settings.mapAccounts,
                tags: settings.tags,
            },
            { parent: this },
        );

        const cluster = new KopsCluster(
            kopsClusterName,
            {
                ...kopsSettings,
                stateStoreUrl: stateStore.stateStoreUrl,
                webhookKubeconfig: pki.webhookKubeconfig,
                // The first control-plane boot fetches the files, so the spec waits for them; and
                // destroy deletes the cluster before them and the bucket.
                stateStoreObjects: [stateStore],
            },
            { parent: this },
        );

        this.provider = new k8s.Provider(
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
            { parent: this },
        );

        new IamAuthenticator(
            `${name}-authenticator`,
            {
                provider: this.provider,
                clusterId: settings.clusterName,
                mappings: roles.mappings,
                image: settings.authenticatorImage,
                uid: settings.authenticatorUid,
                resources: authenticatorResources(settings),
                clusterRoleBindings: settings.clusterRoleBindings,
            },
            { parent: this },
        );

        this.clusterName = cluster.clusterName;
        this.stateStoreUrl = stateStore.stateStoreUrl;
        this.apiServerUrl = cluster.apiServerUrl;
        this.roleArns = roles.roleArns;
        this.kubeconfig = cluster.kubeconfig;
        const source = pulumi
            .all([cluster.apiServerUrl, cluster.certificateAuthorityData, roles.mappings])
            .apply(([server, certificateAuthorityData, mappings]) => {
                if (certificateAuthorityData === undefined) {
                    throw new Error(
                        `KopsIamCluster ${name}: kOps exported no cluster CA for ${settings.clusterName} ` +
                            "(an API load balancer with its own certificate); the user kubeconfigs need one",
                    );
                }
                return { server, certificateAuthorityData, mappedRoles: mappings.mapRoles.map((m) => m.roleArn) };
            });
        userKubeconfigSources.set(this, {
            source,
            clusterName: settings.clusterName,
            region: settings.region,
            tokenCommand: settings.kubeconfigTokenCommand,
            awsProfile: settings.kubeconfigAwsProfile === "" ? undefined : settings.kubeconfigAwsProfile,
        });
        this.kubeconfigs = roles.roleArns.apply((roleArns) =>
            pulumi.all(
                Object.fromEntries(
                    Object.entries(roleArns).map(([roleName, roleArn]) => [roleName, this.getKubeconfig({ roleArn })]),
                ),
            ),
        );
        this.nextSteps = pulumi.all([stateStore.stateStoreUrl, roles.roleArns]).apply(([stateStoreUrl, roleArns]) =>
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
                awsProfile: settings.kubeconfigAwsProfile === "" ? undefined : settings.kubeconfigAwsProfile,
                kopsAwsProfile: settings.awsProfile,
            }),
        );

        this.registerOutputs({
            clusterName: this.clusterName,
            stateStoreUrl: this.stateStoreUrl,
            apiServerUrl: this.apiServerUrl,
            roleArns: this.roleArns,
            kubeconfigs: this.kubeconfigs,
            nextSteps: this.nextSteps,
            kubeconfig: this.kubeconfig,
        });
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
        const defaults = userKubeconfigSources.get(this)!;
        return pulumi.all([defaults.source, args.roleArn, args.profileName]).apply(([source, roleArn, profileName]) => {
            const wanted = identityKey({ kind: "role", value: roleArn });
            if (!source.mappedRoles.some((mapped) => identityKey({ kind: "role", value: mapped }) === wanted)) {
                throw new Error(
                    `KopsIamCluster ${defaults.clusterName}: getKubeconfig: role ${roleArn} is not mapped; ` +
                        `expected one of ${source.mappedRoles.join(", ")} (a created access role or a mapRoles entry)`,
                );
            }
            return renderUserKubeconfig({
                clusterName: defaults.clusterName,
                server: source.server,
                certificateAuthorityData: source.certificateAuthorityData,
                clusterId: defaults.clusterName,
                roleArn,
                region: defaults.region,
                tokenCommand: args.tokenCommand ?? defaults.tokenCommand,
                awsProfile: profileName ?? defaults.awsProfile,
            });
        });
    }
}
