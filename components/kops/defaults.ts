// The defaults of KopsCluster's optional settings, defined once: the component applies them and the
// stack config's table (components/config/settings.ts) takes its defaults from here.

import { defaultAuthenticatorUid } from "../authenticator/manifests";

/** Defaults of the optional KopsClusterArgs. */
export const kopsClusterDefaults = {
    nodeCount: 2,
    nodeSize: "t3.medium",
    controlPlaneCount: 1,
    controlPlaneSize: "t3.medium",
    networking: "cilium",
    topology: "public",
    extraFlags: [] as string[],
    adoptExisting: false,
    recreateMissingCluster: false,
    validateTimeout: "15m",
    kubeconfigMode: "auth-plugin",
    adminTtl: "1h",
    kopsBinary: "kops",
    webhookCacheTtl: "5m0s",
    hookRunner: "container",
    hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
    authenticatorUid: defaultAuthenticatorUid,
} as const;
