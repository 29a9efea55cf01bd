// The public enums and shared types: what the components take and the stack config names. Enums are
// `as const` objects, which the component schema (plugin/) expresses for other languages.

/** Where the cluster's nodes live: public or private subnets (`kops create cluster --topology`). */
export const ClusterTopology = { Public: "public", Private: "private" } as const;
export type ClusterTopology = (typeof ClusterTopology)[keyof typeof ClusterTopology];

/**
 * How control-plane nodes run the hook that fetches the authenticator's files: `container` runs the aws
 * CLI image (hookImage), `host` a oneshot unit with the host's own `aws` (the 2018 recipe's way).
 */
export const HookRunner = { Container: "container", Host: "host" } as const;
export type HookRunner = (typeof HookRunner)[keyof typeof HookRunner];

/** How the kubeconfig for the stack's Kubernetes provider authenticates (see KopsClusterArgs.kubeconfigMode). */
export const KubeconfigMode = { AuthPlugin: "auth-plugin", Admin: "admin" } as const;
export type KubeconfigMode = (typeof KubeconfigMode)[keyof typeof KubeconfigMode];

/**
 * Which program a user kubeconfig runs for a token. `aws-iam-authenticator` is the upstream client.
 * `aws` is `aws eks get-token`, for people who have only the AWS CLI: it makes no EKS call, it
 * presigns the same request with the same `x-k8s-aws-id` header, so the authenticator accepts its
 * tokens too. An `as const` object rather than a bare union, so that the component schema
 * (PulumiPlugin.yaml) can declare it as an enum.
 */
export const TokenCommand = { AwsIamAuthenticator: "aws-iam-authenticator", Aws: "aws" } as const;
export type TokenCommand = (typeof TokenCommand)[keyof typeof TokenCommand];

/** Kubernetes quantities for the container's CPU and memory. */
export interface ResourceQuantities {
    memory: string;
    cpu: string;
}

export interface AuthenticatorResources {
    requests: ResourceQuantities;
    limits: ResourceQuantities;
}

/** Some of AuthenticatorResources; what is left out keeps its default. */
export interface AuthenticatorResourceOverrides {
    requests?: ResourceQuantityOverrides;
    limits?: ResourceQuantityOverrides;
}

export interface ResourceQuantityOverrides {
    memory?: string;
    cpu?: string;
}
