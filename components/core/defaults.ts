// Every default, defined once: the components apply them to what their args leave out, and the
// settings' table (components/settings/table.ts) takes its own from here.

import { AccessRole, GroupClusterRoleBinding, RoleMapping, UserMapping } from "./mappings";
import { AuthenticatorResources, ClusterTopology, HookRunner, TokenCommand } from "./types";

/**
 * The uid (and gid) the server runs as; the hook must chown cert.pem and key.pem to the same id.
 * 10000 is kOps' choice (nodeup creates that user for its own authenticator) and the user the
 * EKS Distro images had before v0.7.10.
 */
export const defaultAuthenticatorUid = 10000;

/**
 * The image kOps deploys for its own authenticator (kOps 1.29.1 to 1.36). It runs as uid 10000.
 * EKS Distro images from v0.7.10 on run as 65532 (aws/eks-anywhere#10504); they work here too, as
 * the pod sets runAsUser, as long as their binary is executable by that uid.
 */
export const defaultAuthenticatorImage = "public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7";

/** The 2018 recipe's figures, which upstream's example and kOps still use. */
export const defaultAuthenticatorResources: AuthenticatorResources = {
    requests: { memory: "20Mi", cpu: "10m" },
    limits: { memory: "20Mi", cpu: "100m" },
};

/** The 2018 recipe's role: `KubernetesAdmin`, signed in as `kubernetes-admin` in `system:masters`. */
export const defaultAccessRoles: AccessRole[] = [
    { name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
];

/** Defaults of the optional KopsClusterArgs. */
export const kopsClusterDefaults = {
    nodeCount: 2,
    nodeSize: "t3.medium",
    controlPlaneCount: 1,
    controlPlaneSize: "t3.medium",
    networking: "cilium",
    topology: "public" as ClusterTopology,
    extraFlags: [] as string[],
    adoptExisting: false,
    recreateMissingCluster: false,
    validateTimeout: "15m",
    kubeconfigMode: "auth-plugin",
    adminTtl: "1h",
    kopsBinary: "kops",
    webhookCacheTtl: "5m0s",
    hookRunner: "container" as HookRunner,
    hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
    authenticatorUid: defaultAuthenticatorUid,
} as const;

/** Timeouts of each kOps command, as Pulumi durations ("60m", "2h"). */
export interface KopsCommandTimeouts {
    /**
     * First deployment: spec, `update --yes`, `validate --wait`.
     * @default `60m`
     */
    create?: string;
    /**
     * A change: spec, `update --yes`, `rolling-update --yes` (every changed instance, one by one), validate.
     * @default `120m`
     */
    update?: string;
    /**
     * `kops delete cluster --yes`.
     * @default `30m`
     */
    delete?: string;
}

export const defaultKopsCommandTimeouts: Required<KopsCommandTimeouts> = { create: "60m", update: "120m", delete: "30m" };

/**
 * Defaults of the optional KopsIamClusterArgs, by the stack config key each setting has (the same
 * name): KopsIamCluster applies them, the stack config's tables show them.
 */
export const kopsIamClusterDefaults = {
    /** No zones: the region's zone a. */
    zones: [] as string[],
    nodeCount: kopsClusterDefaults.nodeCount,
    nodeSize: kopsClusterDefaults.nodeSize,
    controlPlaneCount: kopsClusterDefaults.controlPlaneCount,
    controlPlaneSize: kopsClusterDefaults.controlPlaneSize,
    extraInstanceTypes: [] as string[],
    /** kOps 1.34's stable-channel version. */
    kubernetesVersion: "1.34.10",
    networking: kopsClusterDefaults.networking,
    topology: kopsClusterDefaults.topology,
    /** No SSH key. */
    sshPublicKey: "",
    createStateBucket: true,
    stateBucketForceDestroy: false,
    authenticatorImage: defaultAuthenticatorImage,
    authenticatorUid: defaultAuthenticatorUid,
    authenticatorCpuRequest: defaultAuthenticatorResources.requests.cpu,
    authenticatorMemoryRequest: defaultAuthenticatorResources.requests.memory,
    authenticatorCpuLimit: defaultAuthenticatorResources.limits.cpu,
    authenticatorMemoryLimit: defaultAuthenticatorResources.limits.memory,
    webhookCacheTtl: kopsClusterDefaults.webhookCacheTtl,
    hookRunner: kopsClusterDefaults.hookRunner,
    hookImage: kopsClusterDefaults.hookImage,
    kopsBinary: kopsClusterDefaults.kopsBinary,
    kopsExtraFlags: kopsClusterDefaults.extraFlags,
    adoptExistingCluster: kopsClusterDefaults.adoptExisting,
    recreateMissingCluster: kopsClusterDefaults.recreateMissingCluster,
    validateTimeout: kopsClusterDefaults.validateTimeout,
    /** No admin credential: the Kubernetes provider signs in with kops' auth plugin. */
    adminCredentialTtl: "",
    /** 100 years, as `aws-iam-authenticator init`. */
    certValidityHours: 876000,
    kubeconfigTokenCommand: "aws-iam-authenticator" as TokenCommand,
    /** No AWS_PROFILE in the user kubeconfigs. */
    kubeconfigAwsProfile: "",
    allowNoIamSignIn: false,
    allowExampleAccounts: false,
    accessRoles: defaultAccessRoles,
    mapRoles: [] as RoleMapping[],
    mapUsers: [] as UserMapping[],
    mapAccounts: [] as string[],
    clusterRoleBindings: [] as GroupClusterRoleBinding[],
    tags: {} as Record<string, string>,
};
