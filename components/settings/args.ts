// KopsIamCluster's arguments: one per stack config key, of the same name (a stack config is a way to
// write them: config/stackConfig.ts reads a stack into them). Each is documented here, once, with its
// default as an @default tag (shown on hover): the configuration reference (docs/configuration.md) is
// generated from these comments, Pulumi.yaml's descriptions are checked against them, and each tag
// against the default applied (tools/render-config-reference.ts). Only the cluster name and the state
// bucket are required; the component applies every other default, the ground floor's
// (core/defaults.ts), through the settings' table (programArgs.ts checkedKopsIamClusterArgs).
import * as pulumi from "@pulumi/pulumi";
import { AccessRoleArgs } from "../aws/accessRoles";
import { GroupClusterRoleBinding } from "../core/mappings";
import { ClusterTopology, HookRunner, TokenCommand } from "../core/types";

/** An existing IAM role and who its sessions are in Kubernetes; each field may come from another resource. */
export interface RoleMappingArgs {
    /** Role ARN, e.g. an aws.iam.Role's `arn`. */
    roleArn: pulumi.Input<string>;
    /** The Kubernetes username its sessions get. */
    username: pulumi.Input<string>;
    /** The Kubernetes groups its sessions get. */
    groups: pulumi.Input<pulumi.Input<string>[]>;
}

/** An existing IAM user and who it is in Kubernetes; each field may come from another resource. */
export interface UserMappingArgs {
    /** User ARN, with its IAM path if it has one, e.g. an aws.iam.User's `arn`. */
    userArn: pulumi.Input<string>;
    /** The Kubernetes username it gets. */
    username: pulumi.Input<string>;
    /** The Kubernetes groups it gets. */
    groups: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * What a KopsIamCluster is made of. Several clusters in one program need different component names,
 * cluster names, and either different state buckets or one existing bucket (`createStateBucket:
 * false`) shared between them: objects and kOps state are kept per cluster name. IAM role names are
 * global in an AWS account, so clusters in one account also need different `accessRoles` names.
 *
 * Values that commonly come from another resource or a lookup are `pulumi.Input`s: `stateBucketName`,
 * `sshPublicKey`, `mapRoles`, `mapUsers`, `mapAccounts` (each entry and each field), `tags`, and the
 * `trustedPrincipals` of `accessRoles`. An Output is checked by the same rule as a plain value once it
 * resolves, and a bad one fails the preview or update with the same message; one still unknown at
 * preview is checked by the update. The rest are plain, because they decide which resources the
 * program registers and how they are named, or what must be refused at preview: `clusterName` (the
 * cluster, the provider, the state store's keys), `region`, `zones`, the instance settings and
 * `kopsExtraFlags` (the kOps commands and the immutable-settings guard compare them at preview),
 * `createStateBucket` (a created bucket or a lookup), the `accessRoles` names (one IAM role each) and
 * `clusterRoleBindings` (one Kubernetes object each, named after its group and ClusterRole).
 */
export interface KopsIamClusterArgs {
    /** The kOps cluster name; also the authenticator's cluster ID and the state store prefix. */
    clusterName: string;
    /**
     * S3 bucket of the kOps state store; it also holds the authenticator's certificate, key and
     * kubeconfig.
     */
    stateBucketName: pulumi.Input<string>;
    /**
     * The AWS region (in a stack: `aws:region`): where kOps builds the cluster and the token commands
     * sign. It must be the region of the AWS provider the component's AWS resources use. Unset: the
     * stack's `aws:region`.
     */
    region?: string;
    /** The AWS profile kops runs with (in a stack: `aws:profile`). Unset: the AWS CLI's default chain. */
    awsProfile?: string;
    /**
     * Availability zones for the cluster's subnets and instances. Empty means the region's zone a.
     * @default `[]`
     */
    zones?: string[];
    /**
     * Number of worker nodes. At least one: CoreDNS cannot run on the tainted control plane, so a
     * cluster without nodes never validates.
     * @default `2`
     */
    nodeCount?: number;
    /**
     * EC2 instance type of the worker nodes.
     * @default `t3.medium`
     */
    nodeSize?: string;
    /**
     * Number of control-plane instances (etcd members).
     * @default `1`
     */
    controlPlaneCount?: number;
    /**
     * EC2 instance type of the control-plane instances.
     * @default `t3.medium`
     */
    controlPlaneSize?: string;
    /**
     * EC2 instance types to accept for nodeSize and controlPlaneSize although kOps' list
     * (components/core/instanceTypeList.ts) does not have them yet: types newer than the pinned kOps
     * release.
     * @default `[]`
     */
    extraInstanceTypes?: string[];
    /**
     * Kubernetes version kOps installs. The default is kOps 1.34's stable-channel version.
     * @default `1.34.10`
     */
    kubernetesVersion?: string;
    /**
     * Pod networking (kops create cluster --networking).
     * @default `cilium`
     */
    networking?: string;
    /**
     * Subnet topology: public puts instances in public subnets; private adds NAT gateways.
     * @default `public`
     */
    topology?: ClusterTopology;
    /**
     * OpenSSH public key installed on every instance. Empty: no SSH key (kOps adds none by itself).
     * @default `""`
     */
    sshPublicKey?: pulumi.Input<string>;
    /**
     * Create the state bucket (versioned, encrypted, private, TLS only); false uses an existing bucket
     * by name.
     * @default `true`
     */
    createStateBucket?: boolean;
    /**
     * Let pulumi destroy delete the created state bucket even when it still holds objects.
     * @default `false`
     */
    stateBucketForceDestroy?: boolean;
    /**
     * aws-iam-authenticator server image (the default is the one kOps 1.36 uses).
     * @default `public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7`
     */
    authenticatorImage?: string;
    /**
     * User and group ID the authenticator runs as; the hook makes its certificate and key readable by
     * it.
     * @default `10000`
     */
    authenticatorUid?: number;
    /**
     * CPU request of the authenticator container.
     * @default `10m`
     */
    authenticatorCpuRequest?: string;
    /**
     * Memory request of the authenticator container.
     * @default `20Mi`
     */
    authenticatorMemoryRequest?: string;
    /**
     * CPU limit of the authenticator container.
     * @default `100m`
     */
    authenticatorCpuLimit?: string;
    /**
     * Memory limit of the authenticator container.
     * @default `20Mi`
     */
    authenticatorMemoryLimit?: string;
    /**
     * How long kube-apiserver caches a token's sign-in result (authenticationTokenWebhookCacheTtl).
     * @default `5m0s`
     */
    webhookCacheTtl?: string;
    /**
     * How the control-plane hook fetches the certificate and key from S3: in an aws-cli container, or
     * with the aws CLI installed on the host image.
     * @default `container`
     */
    hookRunner?: HookRunner;
    /**
     * aws-cli image the hook runs when hookRunner is container.
     * @default `public.ecr.aws/aws-cli/aws-cli:2.31.23`
     */
    hookImage?: string;
    /**
     * The kops command (on PATH) or a path to it, on the machine running pulumi.
     * @default `kops`
     */
    kopsBinary?: string;
    /**
     * Extra flags for kops create cluster, one flag per item, like --node-volume-size=64.
     * @default `[]`
     */
    kopsExtraFlags?: string[];
    /**
     * Manage a cluster of this name that already exists in the state store instead of failing.
     * @default `false`
     */
    adoptExistingCluster?: boolean;
    /**
     * Create the cluster again when a pulumi up finds it missing from the state store (deleted outside
     * Pulumi) instead of failing. Leave it off when the state store moved: the live cluster would get a
     * twin of the same name.
     * @default `false`
     */
    recreateMissingCluster?: boolean;
    /**
     * How long kops validate cluster --wait waits for the cluster to become healthy.
     * @default `15m`
     */
    validateTimeout?: string;
    /**
     * How the Kubernetes provider signs in to the cluster. Empty: kops' auth plugin (kops helpers
     * kubectl-auth), which issues a short-lived certificate on each use, so nothing in the Pulumi state
     * expires. A duration: a static admin certificate of that lifetime (kops export kubecfg --admin),
     * exported again by the first pulumi up after half of that lifetime, before the provider uses it.
     * @default `""`
     */
    adminCredentialTtl?: string;
    /**
     * Validity of the authenticator's self-signed certificate, in hours (876000 is 100 years, like
     * aws-iam-authenticator init).
     * @default `876000`
     */
    certValidityHours?: number;
    /**
     * Command the user kubeconfigs run for a token: aws-iam-authenticator token, or aws eks get-token.
     * @default `aws-iam-authenticator`
     */
    kubeconfigTokenCommand?: TokenCommand;
    /**
     * AWS profile (AWS_PROFILE) the user kubeconfigs set for the token command. Empty: none.
     * @default `""`
     */
    kubeconfigAwsProfile?: string;
    /**
     * Accept settings that map no IAM identity (no accessRoles, mapRoles, mapUsers or mapAccounts
     * entry), so that nobody signs in through aws-iam-authenticator and only kOps' admin credentials
     * reach the cluster. Without it such settings are refused.
     * @default `false`
     */
    allowNoIamSignIn?: boolean;
    /**
     * Accept mappings and trusted principals in the accounts AWS's documentation uses in its examples
     * (111122223333, 444455556666, 123456789012, ...). Without it they are refused: copied from an
     * example, they would let whoever holds that account sign in to the cluster.
     * @default `false`
     */
    allowExampleAccounts?: boolean;
    /**
     * IAM roles to create for people; each role's sessions sign in as its Kubernetes username and
     * groups. The roles get no AWS permissions. Setting the list replaces the default.
     * @default `[{"name":"KubernetesAdmin","username":"kubernetes-admin","groups":["system:masters"]}]`
     */
    accessRoles?: AccessRoleArgs[];
    /**
     * Existing IAM roles to map to Kubernetes users and groups (an IAM path in the ARN is removed, as
     * the authenticator matches ARNs without one).
     * @default `[]`
     */
    mapRoles?: pulumi.Input<pulumi.Input<RoleMappingArgs>[]>;
    /**
     * Existing IAM users to map to Kubernetes users and groups.
     * @default `[]`
     */
    mapUsers?: pulumi.Input<pulumi.Input<UserMappingArgs>[]>;
    /**
     * AWS accounts whose every IAM identity may sign in, as its ARN and with no groups.
     * @default `[]`
     */
    mapAccounts?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * ClusterRoleBindings to create, giving a mapped group a ClusterRole (such as view or edit).
     * @default `[]`
     */
    clusterRoleBindings?: GroupClusterRoleBinding[];
    /**
     * AWS tags for the state bucket and the IAM roles the stack creates (kOps tags the cluster's own
     * resources: pass --cloud-labels=... in kopsExtraFlags for those).
     * @default `{}`
     */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The args with every Input resolved, every default applied and the region known. */
export type ResolvedKopsIamClusterArgs = Required<pulumi.Unwrap<Omit<KopsIamClusterArgs, "awsProfile">>> & {
    awsProfile?: string;
};
