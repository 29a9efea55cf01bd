// The stack's settings: their types, and every setting described once, in the tables below (what it
// does, its default, what is accepted and its check). Pulumi.yaml's `config:` block and the README's
// configuration reference are checked against them; ./parse.ts reads and validates a stack with them.
import {
    defaultAuthenticatorImage,
    defaultAuthenticatorResources,
    defaultAuthenticatorUid,
    defaultAccessRoles,
    kopsClusterDefaults,
} from "../core/defaults";
import { AuthenticatorResources, TokenCommand, ClusterTopology, HookRunner } from "../core/types";
import { AccessRole, RoleMapping, UserMapping } from "../core/mappings";
import { kopsExtraFlagProblem, kopsExtraFlagsAccepted } from "../core/extraFlags";
import { isDurationWithin, kopsDurationRules } from "../core/durations";
import { instanceTypeAccepted } from "../core/instanceTypes";
import {
    bucketNameAccepted,
    clusterNameAccepted,
    cpuCores,
    identityTemplates,
    instanceTypeShapeAccepted,
    isAuthenticatorUid,
    isBucketName,
    isClusterName,
    isInstanceTypeShape,
    isNodeCount,
    isControlPlaneCount,
    controlPlaneCountAccepted,
    kubernetesVersionAccepted,
    isPinnedImage,
    nodeCountAccepted,
    pinnedImageAccepted,
    isSshPublicKey,
    isSupportedKubernetesVersion,
    isZone,
    isZoneOf,
    maxTags,
    memoryBytes,
    networkingModes,
    tagKeyAccepted,
    tagValueAccepted,
    zoneAccepted,
} from "../core/rules";

/** The project's config namespace (`name:` in Pulumi.yaml). */
export const configNamespace = "kops-iam-auth";

/** The kOps state store (`stateBucketName`, `createStateBucket`, `stateBucketForceDestroy`). */
export interface StateBucketSettings {
    name: string;
    create: boolean;
    forceDestroy: boolean;
}

/** A ClusterRoleBinding giving a mapped group a ClusterRole (`clusterRoleBindings`). */
export interface ClusterRoleBindingSetting {
    group: string;
    clusterRole: string;
}

/** The authenticator's server: image, uid, kube-apiserver's cache TTL, container resources. */
export interface AuthenticatorSettings {
    image: string;
    uid: number;
    webhookCacheTtl: string;
    resources: AuthenticatorResources;
}

/** How control-plane nodes fetch the authenticator's files (`hookRunner`, `hookImage`). */
export interface HookSettings {
    runner: HookRunner;
    image: string;
}

/**
 * How kops runs (`kopsBinary`, `kopsExtraFlags`, `adoptExistingCluster`, `recreateMissingCluster`,
 * `validateTimeout`, `adminCredentialTtl`, `aws:profile`).
 */
export interface KopsSettings {
    binary: string;
    extraFlags: string[];
    adoptExisting: boolean;
    recreateMissingCluster: boolean;
    validateTimeout: string;
    /** Set: the provider's kubeconfig is a static admin certificate of this lifetime; unset: kops' auth plugin. */
    adminTtl?: string;
    awsProfile?: string;
}

/** What the user kubeconfigs run for a token (`kubeconfigTokenCommand`, `kubeconfigAwsProfile`). */
export interface UserKubeconfigSettings {
    tokenCommand: TokenCommand;
    awsProfile?: string;
}

/**
 * The stack's settings, with defaults applied and every value validated. Named types throughout,
 * with enums as `as const` objects: what a component schema (PulumiPlugin.yaml) can express.
 */
export interface StackSettings {
    /**
     * `clusterName`: the kOps cluster name (fixed once created), the authenticator's cluster ID
     * that every token is signed for, the prefix of the state store objects, and the cluster's
     * name in the user kubeconfigs.
     */
    clusterName: string;
    /**
     * `aws:region`: where kOps builds the cluster and the token commands sign. It must be the
     * region of the AWS provider the component's AWS resources use (the default provider, unless
     * `providers` says otherwise).
     */
    region: string;
    /** `zones` (defaulted to the region's zone a): the cluster's zones, fixed once created. */
    zones: string[];
    /** `nodeCount`: worker nodes. A change updates and rolls the cluster. */
    nodeCount: number;
    /** `nodeSize`: worker instance type. A change updates and rolls the cluster. */
    nodeSize: string;
    /** `controlPlaneCount`: control-plane instances, fixed once created. */
    controlPlaneCount: number;
    /** `controlPlaneSize`: control-plane instance type. A change updates and rolls the cluster. */
    controlPlaneSize: string;
    /** `kubernetesVersion`, MAJOR.MINOR.PATCH without a leading `v`. A change upgrades the cluster (update, rolling-update). */
    kubernetesVersion: string;
    /** `networking`, fixed once created. */
    networking: string;
    /** `topology`, fixed once created. */
    topology: ClusterTopology;
    /** `sshPublicKey`: the key text; undefined for none. */
    sshPublicKey?: string;
    /**
     * `stateBucketName`, `createStateBucket`, `stateBucketForceDestroy`: the kOps state store,
     * which also holds the authenticator's cert.pem, key.pem and webhook kubeconfig.
     */
    stateBucket: StateBucketSettings;
    /** `accessRoles`: the IAM roles to create; each gets a kubeconfig in `kubeconfigs`. */
    accessRoles: AccessRole[];
    /** `mapRoles`: existing roles that may sign in (no kubeconfig is made for them). */
    mapRoles: RoleMapping[];
    /** `mapUsers`: existing IAM users that may sign in. */
    mapUsers: UserMapping[];
    /** `mapAccounts`: accounts whose every identity may sign in. */
    mapAccounts: string[];
    /** `clusterRoleBindings`: mapped groups bound to ClusterRoles by the authenticator component. */
    clusterRoleBindings: ClusterRoleBindingSetting[];
    /**
     * `authenticatorImage`, `authenticatorUid`, `authenticator{Cpu,Memory}{Request,Limit}`,
     * `webhookCacheTtl`. The uid goes both to the DaemonSet (runAsUser) and to the control-plane
     * hook (the owner of cert.pem and key.pem), which is why one component sets both; the cache
     * TTL goes to kube-apiserver through the cluster spec.
     */
    authenticator: AuthenticatorSettings;
    /** `hookRunner`, `hookImage`: how control-plane nodes fetch the authenticator's files. */
    hook: HookSettings;
    /**
     * `kopsBinary`, `kopsExtraFlags`, `adoptExistingCluster`, `recreateMissingCluster`, `validateTimeout`,
     * `adminCredentialTtl` (set: the provider's kubeconfig is a static admin certificate of that
     * lifetime; unset: kOps' auth plugin), and `aws:profile` (the profile kOps runs with).
     */
    kops: KopsSettings;
    /** `kubeconfigTokenCommand`, `kubeconfigAwsProfile`: what the user kubeconfigs run for a token. */
    userKubeconfig: UserKubeconfigSettings;
    /** `certValidityHours`: lifetime of the authenticator's certificate. */
    certValidityHours: number;
    /** `tags`: tags of the created bucket and IAM roles. */
    tags: Record<string, string>;
    /**
     * `allowNoIamSignIn`: accept settings that map no IAM identity (no accessRoles, mapRoles, mapUsers
     * or mapAccounts), which are otherwise refused: nobody could sign in through the authenticator.
     */
    allowNoIamSignIn?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The table of simple settings (one Pulumi config key each; Pulumi.yaml declares them)
// ---------------------------------------------------------------------------------------------

/** What a check may consult besides the value itself. */
export interface ValidationContext {
    /** aws:region, when it is set and well-formed. */
    region?: string;
}

/**
 * A check returns true for a good value; false to reject it with the setting's `accepted` text, or a
 * string to reject it with that text instead (when what is accepted depends on the context).
 */
export type Check<T> = (value: T, context: ValidationContext) => boolean | string;

export interface SettingBase {
    /** One sentence: what the setting does. Pulumi.yaml carries it as the key's description. */
    description: string;
    /** What values are accepted: the README shows it, and errors say it. */
    accepted: string;
}
interface StringSetting extends SettingBase {
    type: "string";
    default?: string;
    check: Check<string>;
}
interface IntegerSetting extends SettingBase {
    type: "integer";
    default?: number;
    check: Check<number>;
}
interface BooleanSetting extends SettingBase {
    type: "boolean";
    default?: boolean;
}
interface ArraySetting extends SettingBase {
    type: "array";
    default?: string[];
    checkItem: Check<string>;
}

/** A setting with one Pulumi config key. No `default` means the setting is required. */
export type SimpleSetting = StringSetting | IntegerSetting | BooleanSetting | ArraySetting;

const oneOf =
    (values: readonly string[]): Check<string> =>
    (value) =>
        values.includes(value);
const integerRange =
    (min: number, max: number): Check<number> =>
    (value) =>
        value >= min && value <= max;
const noWhitespace = (value: string) => /^\S+$/.test(value);

const cpuAccepted = "a Kubernetes CPU quantity greater than zero, like 10m, 100m, 0.5 or 1";
const memoryAccepted = "a Kubernetes memory quantity greater than zero, like 20Mi, 64Mi or 1Gi";
export const quotedNote = "written as a quoted string (unquoted, YAML reads a number, dropping leading zeros, or a boolean)";

export const simpleSettings = {
    clusterName: {
        type: "string",
        description: "The kOps cluster name; also the authenticator's cluster ID and the state store prefix.",
        accepted: clusterNameAccepted,
        check: isClusterName,
    },
    zones: {
        type: "array",
        default: [],
        description: "Availability zones for the cluster's subnets and instances. Empty means the region's zone a.",
        accepted: "availability zones of aws:region (the region name plus one letter, like eu-west-1a), no duplicates",
        checkItem: (zone, { region }) => {
            if (region === undefined) {
                return isZone(zone) || zoneAccepted;
            }
            return (
                isZoneOf(zone, region) ||
                `an availability zone of ${region} (aws:region): ${region} plus one letter, like ${region}a`
            );
        },
    },
    nodeCount: {
        type: "integer",
        default: kopsClusterDefaults.nodeCount,
        description:
            "Number of worker nodes. At least one: CoreDNS cannot run on the tainted control plane, " +
            "so a cluster without nodes never validates.",
        accepted: nodeCountAccepted,
        check: isNodeCount,
    },
    nodeSize: {
        type: "string",
        default: kopsClusterDefaults.nodeSize,
        description: "EC2 instance type of the worker nodes.",
        accepted: instanceTypeAccepted,
        check: isInstanceTypeShape,
    },
    controlPlaneCount: {
        type: "integer",
        default: kopsClusterDefaults.controlPlaneCount,
        description: "Number of control-plane instances (etcd members).",
        accepted: controlPlaneCountAccepted,
        check: isControlPlaneCount,
    },
    controlPlaneSize: {
        type: "string",
        default: kopsClusterDefaults.controlPlaneSize,
        description: "EC2 instance type of the control-plane instances.",
        accepted: instanceTypeAccepted,
        check: isInstanceTypeShape,
    },
    extraInstanceTypes: {
        type: "array",
        default: [],
        description:
            "EC2 instance types to accept for nodeSize and controlPlaneSize although kOps' list " +
            "(components/core/instanceTypeList.ts) does not have them yet: types newer than the pinned kOps release.",
        accepted: `${instanceTypeShapeAccepted}; EC2 and kOps then decide at deploy time whether it exists`,
        checkItem: isInstanceTypeShape,
    },
    kubernetesVersion: {
        type: "string",
        default: "1.34.10",
        description: "Kubernetes version kOps installs. The default is kOps 1.34's stable-channel version.",
        accepted: kubernetesVersionAccepted,
        check: isSupportedKubernetesVersion,
    },
    networking: {
        type: "string",
        default: kopsClusterDefaults.networking,
        description: "Pod networking (kops create cluster --networking).",
        accepted: `one of kOps' networking modes on AWS: ${networkingModes.join(", ")}`,
        check: oneOf(networkingModes),
    },
    topology: {
        type: "string",
        default: kopsClusterDefaults.topology,
        description: "Subnet topology: public puts instances in public subnets; private adds NAT gateways.",
        accepted: "public or private",
        check: oneOf(Object.values(ClusterTopology)),
    },
    sshPublicKey: {
        type: "string",
        default: "",
        description: "OpenSSH public key installed on every instance. Empty: no SSH key (kOps adds none by itself).",
        accepted: "empty, or one OpenSSH public key line of type ssh-rsa or ssh-ed25519 (the types EC2 key pairs accept)",
        check: (value) => value === "" || isSshPublicKey(value),
    },
    stateBucketName: {
        type: "string",
        description: "S3 bucket of the kOps state store; it also holds the authenticator's certificate, key and kubeconfig.",
        accepted: bucketNameAccepted,
        check: isBucketName,
    },
    createStateBucket: {
        type: "boolean",
        default: true,
        description:
            "Create the state bucket (versioned, encrypted, private, TLS only); " + "false uses an existing bucket by name.",
        accepted: "true or false",
    },
    stateBucketForceDestroy: {
        type: "boolean",
        default: false,
        description: "Let pulumi destroy delete the created state bucket even when it still holds objects.",
        accepted: "true or false; true only with createStateBucket true",
    },
    authenticatorImage: {
        type: "string",
        default: defaultAuthenticatorImage,
        description: "aws-iam-authenticator server image (the default is the one kOps 1.36 uses).",
        accepted: pinnedImageAccepted,
        check: isPinnedImage,
    },
    authenticatorUid: {
        type: "integer",
        default: defaultAuthenticatorUid,
        description: "User and group ID the authenticator runs as; the hook makes its certificate and key readable by it.",
        accepted: "an integer from 1 to 2147483647 (not 0: the authenticator does not run as root)",
        check: isAuthenticatorUid,
    },
    authenticatorCpuRequest: {
        type: "string",
        default: defaultAuthenticatorResources.requests.cpu,
        description: "CPU request of the authenticator container.",
        accepted: `${cpuAccepted}, at most authenticatorCpuLimit`,
        check: (value) => cpuCores(value) !== undefined,
    },
    authenticatorMemoryRequest: {
        type: "string",
        default: defaultAuthenticatorResources.requests.memory,
        description: "Memory request of the authenticator container.",
        accepted: `${memoryAccepted}, at most authenticatorMemoryLimit`,
        check: (value) => memoryBytes(value) !== undefined,
    },
    authenticatorCpuLimit: {
        type: "string",
        default: defaultAuthenticatorResources.limits.cpu,
        description: "CPU limit of the authenticator container.",
        accepted: cpuAccepted,
        check: (value) => cpuCores(value) !== undefined,
    },
    authenticatorMemoryLimit: {
        type: "string",
        default: defaultAuthenticatorResources.limits.memory,
        description: "Memory limit of the authenticator container.",
        accepted: memoryAccepted,
        check: (value) => memoryBytes(value) !== undefined,
    },
    webhookCacheTtl: {
        type: "string",
        default: kopsClusterDefaults.webhookCacheTtl,
        description: "How long kube-apiserver caches a token's sign-in result (authenticationTokenWebhookCacheTtl).",
        accepted: `${kopsDurationRules.webhookCacheTtl.accepted}: a removed mapping keeps working for up to this long`,
        check: (value) => isDurationWithin(value, kopsDurationRules.webhookCacheTtl),
    },
    hookRunner: {
        type: "string",
        default: kopsClusterDefaults.hookRunner,
        description:
            "How the control-plane hook fetches the certificate and key from S3: in an aws-cli container, " +
            "or with the aws CLI installed on the host image.",
        accepted: "container or host",
        check: oneOf(Object.values(HookRunner)),
    },
    hookImage: {
        type: "string",
        default: kopsClusterDefaults.hookImage,
        description: "aws-cli image the hook runs when hookRunner is container.",
        accepted: pinnedImageAccepted,
        check: isPinnedImage,
    },
    kopsBinary: {
        type: "string",
        default: kopsClusterDefaults.kopsBinary,
        description: "The kops command (on PATH) or a path to it, on the machine running pulumi.",
        accepted: "a command name or path without whitespace",
        check: noWhitespace,
    },
    kopsExtraFlags: {
        type: "array",
        default: [...kopsClusterDefaults.extraFlags],
        description: "Extra flags for kops create cluster, one flag per item, like --node-volume-size=64.",
        accepted: kopsExtraFlagsAccepted,
        // The allow-list is core/extraFlags.ts, shared with the KopsCluster component.
        checkItem: (flag) => kopsExtraFlagProblem(flag) ?? true,
    },
    adoptExistingCluster: {
        type: "boolean",
        default: kopsClusterDefaults.adoptExisting,
        description: "Manage a cluster of this name that already exists in the state store instead of failing.",
        accepted: "true or false",
    },
    recreateMissingCluster: {
        type: "boolean",
        default: kopsClusterDefaults.recreateMissingCluster,
        description:
            "Create the cluster again when a pulumi up finds it missing from the state store (deleted outside Pulumi) " +
            "instead of failing. Leave it off when the state store moved: the live cluster would get a twin of the same name.",
        accepted: "true or false",
    },
    validateTimeout: {
        type: "string",
        default: kopsClusterDefaults.validateTimeout,
        description: "How long kops validate cluster --wait waits for the cluster to become healthy.",
        accepted: kopsDurationRules.validateTimeout.accepted,
        check: (value) => isDurationWithin(value, kopsDurationRules.validateTimeout),
    },
    adminCredentialTtl: {
        type: "string",
        default: "",
        description:
            "How the Kubernetes provider signs in to the cluster. Empty: kops' auth plugin " +
            "(kops helpers kubectl-auth), which issues a short-lived certificate on each use, so nothing in the " +
            "Pulumi state expires. A duration: a static admin certificate of that lifetime (kops export kubecfg " +
            "--admin), exported again by the first pulumi up after half of that lifetime, before the provider uses it.",
        accepted: `empty, or ${kopsDurationRules.adminTtl.accepted}`,
        check: (value) => value === "" || isDurationWithin(value, kopsDurationRules.adminTtl),
    },
    certValidityHours: {
        type: "integer",
        default: 876000,
        description:
            "Validity of the authenticator's self-signed certificate, in hours (876000 is 100 years, " +
            "like aws-iam-authenticator init).",
        accepted: "an integer from 24 to 876000",
        check: integerRange(24, 876000),
    },
    kubeconfigTokenCommand: {
        type: "string",
        default: "aws-iam-authenticator",
        description: "Command the user kubeconfigs run for a token: aws-iam-authenticator token, or aws eks get-token.",
        accepted: "aws-iam-authenticator or aws",
        check: oneOf(Object.values(TokenCommand)),
    },
    kubeconfigAwsProfile: {
        type: "string",
        default: "",
        description: "AWS profile (AWS_PROFILE) the user kubeconfigs set for the token command. Empty: none.",
        accepted: "empty, or an AWS profile name without whitespace",
        check: (value) => value === "" || noWhitespace(value),
    },
    allowNoIamSignIn: {
        type: "boolean",
        default: false,
        description:
            "Accept settings that map no IAM identity (no accessRoles, mapRoles, mapUsers or mapAccounts entry), " +
            "so that nobody signs in through aws-iam-authenticator and only kOps' admin credentials reach the cluster. " +
            "Without it such settings are refused.",
        accepted: "true or false",
    },
} satisfies Record<string, SimpleSetting>;

export type SimpleSettingKey = keyof typeof simpleSettings;

export type SimpleValue<K extends SimpleSettingKey> = (typeof simpleSettings)[K] extends { type: infer T }
    ? T extends "string"
        ? string
        : T extends "integer"
          ? number
          : T extends "boolean"
            ? boolean
            : string[]
    : never;

// ---------------------------------------------------------------------------------------------
// The table of structured settings (YAML lists and maps; Pulumi.yaml cannot declare their shape)
// ---------------------------------------------------------------------------------------------

/** One field of a list entry of a structured setting. */
export interface StructuredField {
    required: boolean;
    /** What values are accepted: the README shows it, and errors say it. */
    accepted: string;
}

export interface StructuredSetting {
    description: string;
    default: unknown;
    /** The whole value, in one phrase (errors say it when the value has the wrong shape). */
    accepted: string;
    /** For lists of objects: each entry's fields. */
    fields?: Record<string, StructuredField>;
}

const templatesAccepted = `templates only from ${identityTemplates.map((t) => `{{${t}}}`).join(", ")}`;
const kubernetesUsernameAccepted =
    "a Kubernetes username: not empty, no whitespace, not starting with " +
    "the reserved system: prefix (grant rights through groups such as system:masters instead), " +
    templatesAccepted;
export const kubernetesGroupAccepted = `a Kubernetes group: not empty, no whitespace, ${templatesAccepted}`;
const kubernetesGroupsAccepted = `a list of Kubernetes groups (not empty, no whitespace, ${templatesAccepted})`;
const roleArnAccepted = "an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>";
const userArnAccepted = "an IAM user ARN, arn:<partition>:iam::<12-digit account>:user/[<path>/]<name>";
export const accountIdAccepted = 'a 12-digit AWS account ID, like "123456789012"';
export const principalAccepted =
    "an IAM principal: a 12-digit account ID (quoted), or an ARN of an account root " +
    "(arn:<partition>:iam::<account>:root), a role or a user, in the partition of aws:region";

export const structuredSettings = {
    accessRoles: {
        description:
            "IAM roles to create for people; each role's sessions sign in as its Kubernetes username " +
            "and groups. The roles get no AWS permissions. Setting the list replaces the default.",
        default: defaultAccessRoles,
        accepted:
            "a list of access roles, each {name, username, groups} and optionally trustedPrincipals, " +
            "requireMfa, maxSessionDurationSeconds",
        fields: {
            name: {
                required: true,
                accepted: "an IAM role name: 1 to 64 letters, digits and + = , . @ _ -, unique in the list",
            },
            username: { required: true, accepted: kubernetesUsernameAccepted },
            groups: { required: true, accepted: kubernetesGroupsAccepted },
            trustedPrincipals: {
                required: false,
                accepted:
                    `a non-empty list, each ${principalAccepted}; left out, the role trusts the account root ` +
                    "(the account's IAM policies decide who may assume it)",
            },
            requireMfa: {
                required: false,
                accepted: "true or false (default false): only MFA sessions may assume the role",
            },
            maxSessionDurationSeconds: {
                required: false,
                accepted: "an integer from 3600 to 43200 (IAM's limits; default 3600)",
            },
        },
    },
    mapRoles: {
        description:
            "Existing IAM roles to map to Kubernetes users and groups (an IAM path in the ARN is removed, " +
            "as the authenticator matches ARNs without one).",
        default: [],
        accepted: "a list of {rolearn, username, groups}",
        fields: {
            rolearn: {
                required: true,
                accepted:
                    `${roleArnAccepted} in the partition of aws:region, not listed twice (ignoring letter case and ` +
                    "the IAM path, as the authenticator matches them) and not named like a role accessRoles " +
                    "creates (it is mapped already; a same-named role of another account too, as the stack's " +
                    "account is not known before anything is created)",
            },
            username: { required: true, accepted: kubernetesUsernameAccepted },
            groups: { required: false, accepted: `${kubernetesGroupsAccepted}; default none` },
        },
    },
    mapUsers: {
        description: "Existing IAM users to map to Kubernetes users and groups.",
        default: [],
        accepted: "a list of {userarn, username, groups}",
        fields: {
            userarn: {
                required: true,
                accepted:
                    `${userArnAccepted} in the partition of aws:region, not listed twice (ignoring letter case, ` +
                    "as the authenticator matches them)",
            },
            username: { required: true, accepted: kubernetesUsernameAccepted },
            groups: { required: false, accepted: `${kubernetesGroupsAccepted}; default none` },
        },
    },
    mapAccounts: {
        description: "AWS accounts whose every IAM identity may sign in, as its ARN and with no groups.",
        default: [],
        accepted: 'a list of 12-digit AWS account IDs written as quoted strings, like "123456789012"',
    },
    clusterRoleBindings: {
        description: "ClusterRoleBindings to create, giving a mapped group a ClusterRole (such as view or edit).",
        default: [],
        accepted: "a list of {group, clusterRole}",
        fields: {
            group: { required: true, accepted: "a group that some accessRoles, mapRoles or mapUsers entry grants" },
            clusterRole: {
                required: true,
                accepted: "a ClusterRole name like view, edit or admin: not empty, no whitespace, / or %",
            },
        },
    },
    tags: {
        description:
            "AWS tags for the state bucket and the IAM roles the stack creates (kOps tags the cluster's " +
            "own resources: pass --cloud-labels=... in kopsExtraFlags for those).",
        default: {},
        accepted: `a map of at most ${maxTags} tags, each ${tagKeyAccepted} to a quoted string value: ${tagValueAccepted}`,
    },
} satisfies Record<string, StructuredSetting>;

export type StructuredSettingKey = keyof typeof structuredSettings;
