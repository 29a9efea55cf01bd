// Stack config -> typed, validated settings. Every setting is described once, in the tables below;
// Pulumi.yaml's `config:` block and the README's configuration reference are checked against them.
// Validation collects every problem before anything is registered, so one `pulumi up` shows them all.
import * as pulumi from "@pulumi/pulumi";
import { AuthenticatorResources } from "./authenticatorManifests";
import { duplicateReason, findDuplicateIdentities } from "./identityRules";
import { kopsExtraFlagProblem, kopsExtraFlagsAccepted } from "./kops/extraFlags";
import { ClusterTopology } from "./kops/immutableSettings";
import { HookRunner } from "./kops/specPatch";
import { TokenCommand } from "./kubeconfig";
import { AccessRole, defaultAccessRoles, RoleMapping, UserMapping } from "./mappings";
import {
    bucketNameAccepted, clusterNameAccepted, instanceTypeAccepted, instanceTypeShapeAccepted, isBucketName,
    isClusterName, isInstanceTypeShape, isKnownInstanceType, isRegion, isZone, isZoneOf, regionAccepted,
    similarInstanceTypes, zoneAccepted,
} from "./rules";

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

/** How kops runs (`kopsBinary`, `kopsExtraFlags`, `adoptExistingCluster`, `validateTimeout`, `adminCredentialTtl`, `aws:profile`). */
export interface KopsSettings {
    binary: string;
    extraFlags: string[];
    adoptExisting: boolean;
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
    clusterName: string;
    region: string;
    zones: string[];
    nodeCount: number;
    nodeSize: string;
    controlPlaneCount: number;
    controlPlaneSize: string;
    /** MAJOR.MINOR.PATCH without a leading `v`. */
    kubernetesVersion: string;
    networking: string;
    topology: ClusterTopology;
    sshPublicKey?: string;
    stateBucket: StateBucketSettings;
    accessRoles: AccessRole[];
    mapRoles: RoleMapping[];
    mapUsers: UserMapping[];
    mapAccounts: string[];
    clusterRoleBindings: ClusterRoleBindingSetting[];
    authenticator: AuthenticatorSettings;
    hook: HookSettings;
    kops: KopsSettings;
    userKubeconfig: UserKubeconfigSettings;
    certValidityHours: number;
    tags: Record<string, string>;
}

/** Thrown when the stack config has problems; `problems` lists each one. */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly problems: string[]) {
        super(`The stack configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
            problems.map((problem) => `  - ${problem}`).join("\n"));
        this.name = "ConfigError";
    }
}

// ---------------------------------------------------------------------------------------------
// Value rules
// ---------------------------------------------------------------------------------------------

// The cluster name, region, zones, bucket name and instance types: ./rules.ts (shared with KopsCluster,
// the spec patch and the kubeconfig renderer).

/** Oldest Kubernetes minor kOps 1.36 runs (OldestSupportedKubernetesVersion, apply_cluster.go@v1.36.2). */
const oldestKubernetesMinor = 31;
/** Newest: kOps refuses a Kubernetes minor newer than itself, and 1.36 is the newest kOps supported. */
const newestKubernetesMinor = 36;
const kubernetesVersionPattern = /^v?1\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

function isSupportedKubernetesVersion(version: string): boolean {
    const match = kubernetesVersionPattern.exec(version);
    if (!match) {
        return false;
    }
    const minor = Number(match[1]);
    return minor >= oldestKubernetesMinor && minor <= newestKubernetesMinor;
}

/** `kops create cluster --networking` modes for AWS (setupNetworking, new_cluster.go@v1.34.3..v1.36.2). */
const networkingModes = [
    "cilium", "cilium-eni", "cilium-etcd", "calico", "flannel", "flannel-vxlan", "flannel-udp", "kindnet",
    "amazonvpc", "amazon-vpc-routed-eni", "kube-router", "kubenet", "kopeio", "kopeio-vxlan", "cni", "external",
];

const iamName = /^[\w+=,.@-]{1,64}$/;
const partition = "aws(?:-[a-z]+)*";
// An IAM path is `/` or `/seg/.../`: printable ASCII; inside an ARN it sits between the type and the name.
const iamPath = "(?:[\\x21-\\x2E\\x30-\\x7E]+/)*";
const roleArnPattern = new RegExp(`^arn:${partition}:iam::\\d{12}:role/${iamPath}[\\w+=,.@-]{1,64}$`);
const userArnPattern = new RegExp(`^arn:${partition}:iam::\\d{12}:user/${iamPath}[\\w+=,.@-]{1,64}$`);
const rootArnPattern = new RegExp(`^arn:${partition}:iam::\\d{12}:root$`);
const accountIdPattern = /^\d{12}$/;

// aws-iam-authenticator fills these in usernames and groups (server.go renderTemplate); any other
// {{...}} would stay literal.
const identityTemplates = ["AccountID", "SessionName", "SessionNameRaw", "AccessKeyID", "EC2PrivateDNSName"];
const usesKnownTemplates = (text: string) =>
    [...text.matchAll(/\{\{(.*?)\}\}/g)].every(([, name]) => identityTemplates.includes(name));
const isKubernetesGroup = (group: string) => /^\S+$/.test(group) && usesKnownTemplates(group);
// `system:` is reserved for Kubernetes' own components; people get rights through groups instead.
const isKubernetesUsername = (username: string) =>
    /^\S+$/.test(username) && usesKnownTemplates(username) && !username.startsWith("system:");
// ClusterRole names are path segments: anything but `/` and `%` (and not `.` or `..`).
const isClusterRoleName = (name: string) => /^[^\s/%]+$/.test(name) && name !== "." && name !== "..";

// The distribution reference grammar (github.com/distribution/reference), with a tag or digest required.
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const imagePattern = new RegExp(
    `^(?:${domainComponent}(?:\\.${domainComponent})*(?::\\d+)?/)?${pathComponent}(?:/${pathComponent})*` +
    "(?::(?<tag>[\\w][\\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$");

function isPinnedImage(image: string): boolean {
    const match = imagePattern.exec(image);
    if (!match?.groups) {
        return false;
    }
    const { tag, digest } = match.groups;
    return digest !== undefined || (tag !== undefined && tag !== "latest");
}

const durationUnitSeconds: Record<string, number> = {
    ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600,
};

/** Seconds in a Go duration (`time.ParseDuration`: 5m, 1h30m, 15m0s), or undefined if it is not one. */
function goDurationSeconds(text: string): number | undefined {
    if (!/^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(text)) {
        return undefined;
    }
    let seconds = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
        seconds += Number(amount) * durationUnitSeconds[unit];
    }
    return seconds;
}

/** Cores in a Kubernetes CPU quantity (`10m`, `0.5`, `1`), or undefined. */
function cpuCores(quantity: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/.exec(quantity);
    if (!match) {
        return undefined;
    }
    const cores = Number(match[1]) / (match[2] === "m" ? 1000 : 1);
    return cores > 0 ? cores : undefined;
}

const memoryUnitBytes: Record<string, number> = {
    "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** Bytes in a Kubernetes memory quantity (`20Mi`, `64M`, `1Gi`), or undefined. */
function memoryBytes(quantity: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(quantity);
    if (!match) {
        return undefined;
    }
    const bytes = Number(match[1]) * memoryUnitBytes[match[2] ?? ""];
    return bytes > 0 ? bytes : undefined;
}

// EC2 key pairs import only RSA and ED25519 keys.
const sshKeyTypes = ["ssh-rsa", "ssh-ed25519"];

/** One OpenSSH public key line whose base64 blob really is a key of the type it names. */
function isSshPublicKey(line: string): boolean {
    const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: [^\r\n]*)?$/.exec(line);
    if (!match || !sshKeyTypes.includes(match[1])) {
        return false;
    }
    // The blob starts with the key type as an SSH string: a 4-byte big-endian length, then the name.
    const blob = Buffer.from(match[2], "base64");
    return blob.length > 4 + match[1].length && blob.readUInt32BE(0) === match[1].length
        && blob.subarray(4, 4 + match[1].length).toString("latin1") === match[1];
}

// ---------------------------------------------------------------------------------------------
// The table of simple settings (one Pulumi config key each; Pulumi.yaml declares them)
// ---------------------------------------------------------------------------------------------

/** What a check may consult besides the value itself. */
interface ValidationContext {
    /** aws:region, when it is set and well-formed. */
    region?: string;
}

/**
 * A check returns true for a good value; false to reject it with the setting's `accepted` text, or a
 * string to reject it with that text instead (when what is accepted depends on the context).
 */
type Check<T> = (value: T, context: ValidationContext) => boolean | string;

interface SettingBase {
    /** One sentence: what the setting does. Pulumi.yaml carries it as the key's description. */
    description: string;
    /** What values are accepted: the README shows it, and errors say it. */
    accepted: string;
}
interface StringSetting extends SettingBase { type: "string"; default?: string; check: Check<string> }
interface IntegerSetting extends SettingBase { type: "integer"; default?: number; check: Check<number> }
interface BooleanSetting extends SettingBase { type: "boolean"; default?: boolean }
interface ArraySetting extends SettingBase { type: "array"; default?: string[]; checkItem: Check<string> }

/** A setting with one Pulumi config key. No `default` means the setting is required. */
export type SimpleSetting = StringSetting | IntegerSetting | BooleanSetting | ArraySetting;

const oneOf = (values: readonly string[]): Check<string> => (value) => values.includes(value);
const integerRange = (min: number, max: number): Check<number> => (value) => value >= min && value <= max;
const noWhitespace = (value: string) => /^\S+$/.test(value);

function durationRange(minSeconds: number, maxSeconds: number): Check<string> {
    return (text) => {
        const seconds = goDurationSeconds(text);
        return seconds !== undefined && seconds >= minSeconds && seconds <= maxSeconds;
    };
}

const pinnedImageAccepted = "a pinned image reference, [registry/]repository:tag or " +
    "[registry/]repository[:tag]@sha256:<64 hex digits>, with a tag other than latest or a digest";
const cpuAccepted = "a Kubernetes CPU quantity greater than zero, like 10m, 100m, 0.5 or 1";
const memoryAccepted = "a Kubernetes memory quantity greater than zero, like 20Mi, 64Mi or 1Gi";
const quotedNote = "written as a quoted string (unquoted, YAML reads a number, dropping leading zeros, or a boolean)";

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
            return isZoneOf(zone, region)
                || `an availability zone of ${region} (aws:region): ${region} plus one letter, like ${region}a`;
        },
    },
    nodeCount: {
        type: "integer",
        default: 2,
        description: "Number of worker nodes. At least one: CoreDNS cannot run on the tainted control plane, " +
            "so a cluster without nodes never validates.",
        accepted: "an integer from 1 to 100",
        check: integerRange(1, 100),
    },
    nodeSize: {
        type: "string",
        default: "t3.medium",
        description: "EC2 instance type of the worker nodes.",
        accepted: instanceTypeAccepted,
        check: isInstanceTypeShape,
    },
    controlPlaneCount: {
        type: "integer",
        default: 1,
        description: "Number of control-plane instances (etcd members).",
        accepted: "1, 3 or 5: an odd number, so etcd keeps a quorum when a member is lost",
        check: (value) => [1, 3, 5].includes(value),
    },
    controlPlaneSize: {
        type: "string",
        default: "t3.medium",
        description: "EC2 instance type of the control-plane instances.",
        accepted: instanceTypeAccepted,
        check: isInstanceTypeShape,
    },
    extraInstanceTypes: {
        type: "array",
        default: [],
        description: "EC2 instance types to accept for nodeSize and controlPlaneSize although kOps' list " +
            "(components/kops/instanceTypes.ts) does not have them yet: types newer than the pinned kOps release.",
        accepted: `${instanceTypeShapeAccepted}; EC2 and kOps then decide at deploy time whether it exists`,
        checkItem: isInstanceTypeShape,
    },
    kubernetesVersion: {
        type: "string",
        default: "1.34.10",
        description: "Kubernetes version kOps installs. The default is kOps 1.34's stable-channel version.",
        accepted: `a version from 1.${oldestKubernetesMinor}.0 to 1.${newestKubernetesMinor}.x written ` +
            "MAJOR.MINOR.PATCH (a leading v is allowed): kOps 1.36 refuses Kubernetes older than " +
            `1.${oldestKubernetesMinor}, and kOps refuses a minor newer than itself, so run a kops binary ` +
            "at least as new as the minor (kOps 1.34 to 1.36 are supported)",
        check: isSupportedKubernetesVersion,
    },
    networking: {
        type: "string",
        default: "cilium",
        description: "Pod networking (kops create cluster --networking).",
        accepted: `one of kOps' networking modes on AWS: ${networkingModes.join(", ")}`,
        check: oneOf(networkingModes),
    },
    topology: {
        type: "string",
        default: "public",
        description: "Subnet topology: public puts instances in public subnets; private adds NAT gateways.",
        accepted: "public or private",
        check: oneOf(["public", "private"]),
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
        description: "Create the state bucket (versioned, encrypted, private, TLS only); " +
            "false uses an existing bucket by name.",
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
        default: "public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7",
        description: "aws-iam-authenticator server image (the default is the one kOps 1.36 uses).",
        accepted: pinnedImageAccepted,
        check: isPinnedImage,
    },
    authenticatorUid: {
        type: "integer",
        default: 10000,
        description: "User and group ID the authenticator runs as; the hook makes its certificate and key readable by it.",
        accepted: "an integer from 1 to 2147483647 (not 0: the authenticator does not run as root)",
        check: integerRange(1, 2147483647),
    },
    authenticatorCpuRequest: {
        type: "string",
        default: "10m",
        description: "CPU request of the authenticator container.",
        accepted: `${cpuAccepted}, at most authenticatorCpuLimit`,
        check: (value) => cpuCores(value) !== undefined,
    },
    authenticatorMemoryRequest: {
        type: "string",
        default: "20Mi",
        description: "Memory request of the authenticator container.",
        accepted: `${memoryAccepted}, at most authenticatorMemoryLimit`,
        check: (value) => memoryBytes(value) !== undefined,
    },
    authenticatorCpuLimit: {
        type: "string",
        default: "100m",
        description: "CPU limit of the authenticator container.",
        accepted: cpuAccepted,
        check: (value) => cpuCores(value) !== undefined,
    },
    authenticatorMemoryLimit: {
        type: "string",
        default: "20Mi",
        description: "Memory limit of the authenticator container.",
        accepted: memoryAccepted,
        check: (value) => memoryBytes(value) !== undefined,
    },
    webhookCacheTtl: {
        type: "string",
        default: "5m0s",
        description: "How long kube-apiserver caches a token's sign-in result (authenticationTokenWebhookCacheTtl).",
        accepted: "a Go duration from 0s to 1h, like 5m0s or 30s: a removed mapping keeps working for up to this long",
        check: durationRange(0, 3600),
    },
    hookRunner: {
        type: "string",
        default: "container",
        description: "How the control-plane hook fetches the certificate and key from S3: in an aws-cli container, " +
            "or with the aws CLI installed on the host image.",
        accepted: "container or host",
        check: oneOf(["container", "host"]),
    },
    hookImage: {
        type: "string",
        default: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
        description: "aws-cli image the hook runs when hookRunner is container.",
        accepted: pinnedImageAccepted,
        check: isPinnedImage,
    },
    kopsBinary: {
        type: "string",
        default: "kops",
        description: "The kops command (on PATH) or a path to it, on the machine running pulumi.",
        accepted: "a command name or path without whitespace",
        check: noWhitespace,
    },
    kopsExtraFlags: {
        type: "array",
        default: [],
        description: "Extra flags for kops create cluster, one flag per item, like --node-volume-size=64.",
        accepted: kopsExtraFlagsAccepted,
        // The allow-list is kops/extraFlags.ts, shared with the KopsCluster component.
        checkItem: (flag) => kopsExtraFlagProblem(flag) ?? true,
    },
    adoptExistingCluster: {
        type: "boolean",
        default: false,
        description: "Manage a cluster of this name that already exists in the state store instead of failing.",
        accepted: "true or false",
    },
    validateTimeout: {
        type: "string",
        default: "15m",
        description: "How long kops validate cluster --wait waits for the cluster to become healthy.",
        accepted: "a Go duration from 1m to 2h, like 15m or 1h30m",
        check: durationRange(60, 7200),
    },
    adminCredentialTtl: {
        type: "string",
        default: "",
        description: "How the Kubernetes provider signs in to the cluster. Empty: kops' auth plugin " +
            "(kops helpers kubectl-auth), which issues a short-lived certificate on each use, so nothing in the " +
            "Pulumi state expires. A duration: a static admin certificate of that lifetime (kops export kubecfg " +
            "--admin); after it the provider fails until the kubeconfig is exported again.",
        accepted: "empty, or a Go duration from 1m to 24h, like 1h or 30m",
        check: (value, context) => value === "" || durationRange(60, 86400)(value, context),
    },
    certValidityHours: {
        type: "integer",
        default: 876000,
        description: "Validity of the authenticator's self-signed certificate, in hours (876000 is 100 years, " +
            "like aws-iam-authenticator init).",
        accepted: "an integer from 24 to 876000",
        check: integerRange(24, 876000),
    },
    kubeconfigTokenCommand: {
        type: "string",
        default: "aws-iam-authenticator",
        description: "Command the user kubeconfigs run for a token: aws-iam-authenticator token, or aws eks get-token.",
        accepted: "aws-iam-authenticator or aws",
        check: oneOf(["aws-iam-authenticator", "aws"]),
    },
    kubeconfigAwsProfile: {
        type: "string",
        default: "",
        description: "AWS profile (AWS_PROFILE) the user kubeconfigs set for the token command. Empty: none.",
        accepted: "empty, or an AWS profile name without whitespace",
        check: (value) => value === "" || noWhitespace(value),
    },
} satisfies Record<string, SimpleSetting>;

export type SimpleSettingKey = keyof typeof simpleSettings;

type SimpleValue<K extends SimpleSettingKey> = (typeof simpleSettings)[K] extends { type: infer T }
    ? T extends "string" ? string : T extends "integer" ? number : T extends "boolean" ? boolean : string[]
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
const kubernetesUsernameAccepted = "a Kubernetes username: not empty, no whitespace, not starting with " +
    "the reserved system: prefix (grant rights through groups such as system:masters instead), " +
    templatesAccepted;
const kubernetesGroupAccepted = `a Kubernetes group: not empty, no whitespace, ${templatesAccepted}`;
const kubernetesGroupsAccepted = `a list of Kubernetes groups (not empty, no whitespace, ${templatesAccepted})`;
const roleArnAccepted = "an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>";
const userArnAccepted = "an IAM user ARN, arn:<partition>:iam::<12-digit account>:user/[<path>/]<name>";
const accountIdAccepted = "a 12-digit AWS account ID, like \"123456789012\"";
const principalAccepted = "an IAM principal: a 12-digit account ID (quoted), or an ARN of an account root " +
    "(arn:<partition>:iam::<account>:root), a role or a user";

export const structuredSettings = {
    accessRoles: {
        description: "IAM roles to create for people; each role's sessions sign in as its Kubernetes username " +
            "and groups. The roles get no AWS permissions. Setting the list replaces the default.",
        default: defaultAccessRoles,
        accepted: "a list of access roles, each {name, username, groups} and optionally trustedPrincipals, " +
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
                accepted: `a non-empty list, each ${principalAccepted}; left out, the role trusts the account root ` +
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
        description: "Existing IAM roles to map to Kubernetes users and groups (an IAM path in the ARN is removed, " +
            "as the authenticator matches ARNs without one).",
        default: [],
        accepted: "a list of {rolearn, username, groups}",
        fields: {
            rolearn: {
                required: true,
                accepted: `${roleArnAccepted}, not listed twice (ignoring letter case and the IAM path, as the ` +
                    "authenticator matches them) and not a role accessRoles creates (it is mapped already)",
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
                accepted: `${userArnAccepted}, not listed twice (ignoring letter case, as the authenticator matches them)`,
            },
            username: { required: true, accepted: kubernetesUsernameAccepted },
            groups: { required: false, accepted: `${kubernetesGroupsAccepted}; default none` },
        },
    },
    mapAccounts: {
        description: "AWS accounts whose every IAM identity may sign in, as its ARN and with no groups.",
        default: [],
        accepted: "a list of 12-digit AWS account IDs written as quoted strings, like \"123456789012\"",
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
        description: "AWS tags for the state bucket and the IAM roles the stack creates (kOps tags the cluster's " +
            "own resources: pass --cloud-labels=... in kopsExtraFlags for those).",
        default: {},
        accepted: "a map of tag key (1 to 128 characters, not starting with aws:) to a quoted string value " +
            "of at most 256 characters",
    },
} satisfies Record<string, StructuredSetting>;

export type StructuredSettingKey = keyof typeof structuredSettings;

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** How a bad value is shown in a message: numbers and booleans bare, strings and the rest as JSON. */
function show(value: unknown): string {
    if (typeof value === "number" || typeof value === "boolean") {
        return String(value);
    }
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Collects problems, each naming the config key (and the path inside it), the value and what is accepted. */
class ProblemList {
    readonly problems: string[] = [];
    constructor(private readonly namespace: string) {}

    /** `key` is a project key (with a path inside it, like `accessRoles[0].name`). */
    reject(key: string, value: unknown, accepted: string): void {
        this.rejectQualified(`${this.namespace}:${key}`, value, accepted);
    }

    /** `fullKey` names its namespace, like `aws:region`. */
    rejectQualified(fullKey: string, value: unknown, accepted: string): void {
        this.problems.push(`${fullKey}: ${show(value)} is not allowed: ${accepted}`);
    }

    missing(key: string, accepted: string): void {
        this.problems.push(`${this.namespace}:${key}: not set; it is required: ${accepted}`);
    }
}

/** Reads one simple setting from its raw value (a config string, or a YAML value in tests). */
function parseSimple<K extends SimpleSettingKey>(
    key: K, raw: unknown, context: ValidationContext, problems: ProblemList,
): SimpleValue<K> | undefined {
    const setting: SimpleSetting = simpleSettings[key];
    if (raw === undefined || raw === null) {
        if (setting.default === undefined) {
            problems.missing(key, `${setting.accepted}. Set it with: pulumi config set ${key} <value>`);
            return undefined;
        }
        return structuredClone(setting.default) as SimpleValue<K>;
    }
    switch (setting.type) {
        case "string": {
            if (typeof raw !== "string") {
                problems.reject(key, raw, `${setting.accepted}, ${quotedNote}`);
                return undefined;
            }
            return reportCheck(key, raw, rejection(setting, setting.check(raw, context)), problems) as
                SimpleValue<K> | undefined;
        }
        case "integer": {
            const value = typeof raw === "number" ? raw
                : typeof raw === "string" && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
            if (value === undefined || !Number.isSafeInteger(value)) {
                problems.reject(key, raw, setting.accepted);
                return undefined;
            }
            return reportCheck(key, value, rejection(setting, setting.check(value, context)), problems) as
                SimpleValue<K> | undefined;
        }
        case "boolean": {
            const value = raw === true || raw === "true" ? true : raw === false || raw === "false" ? false : undefined;
            if (value === undefined) {
                problems.reject(key, raw, setting.accepted);
            }
            return value as SimpleValue<K> | undefined;
        }
        case "array": {
            const list = typeof raw === "string" ? parseJson(raw) : raw;
            if (!Array.isArray(list)) {
                problems.reject(key, raw, `a YAML list of ${setting.accepted}`);
                return undefined;
            }
            const before = problems.problems.length;
            list.forEach((item: unknown, index) => {
                if (typeof item !== "string") {
                    problems.reject(`${key}[${index}]`, item, `${setting.accepted}, ${quotedNote}`);
                } else {
                    reportCheck(`${key}[${index}]`, item, rejection(setting, setting.checkItem(item, context)), problems);
                }
            });
            reportDuplicates(key, list, problems);
            return problems.problems.length === before ? list as SimpleValue<K> : undefined;
        }
    }
}

/** What to say is accepted when a check fails, or undefined when it passed. */
function rejection(setting: SettingBase, result: boolean | string): string | undefined {
    return result === true ? undefined : result === false ? setting.accepted : result;
}

/** The value if nothing was said against it; else the problem is recorded and undefined returned. */
function reportCheck<T>(key: string, value: T, accepted: string | undefined, problems: ProblemList): T | undefined {
    if (accepted !== undefined) {
        problems.reject(key, value, accepted);
        return undefined;
    }
    return value;
}

function reportDuplicates(key: string, list: unknown[], problems: ProblemList): void {
    const seen = new Set<unknown>();
    list.forEach((item, index) => {
        if (seen.has(item)) {
            problems.reject(`${key}[${index}]`, item, "a value not listed before (each may appear once)");
        }
        seen.add(item);
    });
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

type ListOfObjectsKey = "accessRoles" | "mapRoles" | "mapUsers" | "clusterRoleBindings";

/** What structuredSettings says is accepted for one field of a list entry. */
function fieldAccepted(key: ListOfObjectsKey, field: string): string {
    const fields: Record<string, StructuredField> = structuredSettings[key].fields;
    return fields[field].accepted;
}

/**
 * Checks the fields of one list entry against structuredSettings: unknown fields (typos like roleArn) and
 * missing required ones are problems. Returns the entry when it is an object, so that its known fields
 * are still checked.
 */
function readEntry(key: ListOfObjectsKey, index: number, raw: unknown, problems: ProblemList):
    Record<string, unknown> | undefined {
    const path = `${key}[${index}]`;
    const fields: Record<string, StructuredField> = structuredSettings[key].fields;
    const shape = `an object with the fields ${Object.keys(fields).join(", ")}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        problems.reject(path, raw, shape);
        return undefined;
    }
    const entry = raw as Record<string, unknown>;
    for (const field of Object.keys(entry)) {
        if (!(field in fields)) {
            problems.reject(`${path}.${field}`, entry[field], `no such field; ${shape}`);
        }
    }
    for (const [field, { required, accepted }] of Object.entries(fields)) {
        if (required && (entry[field] === undefined || entry[field] === null)) {
            problems.missing(`${path}.${field}`, accepted);
        }
    }
    return entry;
}

/** A string field; absent (already reported by readEntry if required) gives undefined. */
function readString(path: string, raw: unknown, accepted: string, isValid: (v: string) => boolean,
    problems: ProblemList): string | undefined {
    if (raw === undefined || raw === null) {
        return undefined;
    }
    if (typeof raw !== "string") {
        problems.reject(path, raw, `${accepted}, ${quotedNote}`);
        return undefined;
    }
    return reportCheck(path, raw, isValid(raw) ? undefined : accepted, problems);
}

/** A list of strings, each checked, none twice; absent gives undefined. */
function readStringList(path: string, raw: unknown, itemAccepted: string, isValid: (v: string) => boolean,
    problems: ProblemList): string[] | undefined {
    if (raw === undefined || raw === null) {
        return undefined;
    }
    if (!Array.isArray(raw)) {
        problems.reject(path, raw, `a YAML list, each item ${itemAccepted}`);
        return undefined;
    }
    const before = problems.problems.length;
    const items = raw.map((item, index) => readString(`${path}[${index}]`, item, itemAccepted, isValid, problems));
    reportDuplicates(path, raw, problems);
    return problems.problems.length === before ? items as string[] : undefined;
}

/** A structured list given as a YAML/JSON value or (from `pulumi config`) a JSON string. */
function readList(key: StructuredSettingKey, raw: unknown, problems: ProblemList): unknown[] | undefined {
    const value = typeof raw === "string" ? parseJson(raw) : raw;
    if (!Array.isArray(value)) {
        problems.reject(key, raw, structuredSettings[key].accepted);
        return undefined;
    }
    return value;
}

/** The list's entries checked by `readItem`, or undefined if anything in it was reported. */
function readObjectList<T>(
    key: ListOfObjectsKey, raw: unknown, problems: ProblemList,
    readItem: (entry: Record<string, unknown>, path: string) => T,
    uniqueBy?: (entry: Record<string, unknown>) => unknown,
    uniqueText?: string,
): T[] | undefined {
    const list = readList(key, raw, problems);
    if (!list) {
        return undefined;
    }
    const before = problems.problems.length;
    const seen = new Set<unknown>();
    const items = list.map((item, index) => {
        const entry = readEntry(key, index, item, problems);
        if (!entry) {
            return undefined;
        }
        if (uniqueBy) {
            const identity = uniqueBy(entry);
            if (seen.has(identity)) {
                problems.reject(`${key}[${index}]`, entry, uniqueText!);
            }
            seen.add(identity);
        }
        return readItem(entry, `${key}[${index}]`);
    });
    return problems.problems.length === before ? items as T[] : undefined;
}

const isPrincipal = (v: string) => accountIdPattern.test(v) || rootArnPattern.test(v) || roleArnPattern.test(v)
    || userArnPattern.test(v);

function parseAccessRoles(raw: unknown, problems: ProblemList): AccessRole[] | undefined {
    if (raw === undefined || raw === null) {
        return structuredClone(defaultAccessRoles);
    }
    const accepted = (field: string) => fieldAccepted("accessRoles", field);
    return readObjectList("accessRoles", raw, problems, (entry, path) => {
        const role: AccessRole = {
            name: readString(`${path}.name`, entry.name, accepted("name"), (v) => iamName.test(v), problems) ?? "",
            username: readString(`${path}.username`, entry.username, accepted("username"), isKubernetesUsername,
                problems) ?? "",
            groups: readStringList(`${path}.groups`, entry.groups, kubernetesGroupAccepted, isKubernetesGroup,
                problems) ?? [],
        };
        if (entry.trustedPrincipals !== undefined) {
            role.trustedPrincipals = readStringList(`${path}.trustedPrincipals`, entry.trustedPrincipals,
                principalAccepted, isPrincipal, problems);
            if (role.trustedPrincipals?.length === 0) {
                problems.reject(`${path}.trustedPrincipals`, [], accepted("trustedPrincipals"));
            }
        }
        if (entry.requireMfa !== undefined) {
            if (typeof entry.requireMfa !== "boolean") {
                problems.reject(`${path}.requireMfa`, entry.requireMfa, accepted("requireMfa"));
            }
            role.requireMfa = entry.requireMfa === true;
        }
        if (entry.maxSessionDurationSeconds !== undefined) {
            const seconds = entry.maxSessionDurationSeconds;
            if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
                problems.reject(`${path}.maxSessionDurationSeconds`, seconds, accepted("maxSessionDurationSeconds"));
            }
            role.maxSessionDurationSeconds = seconds as number;
        }
        return role;
    },
    // IAM role names are unique per account, case-insensitively.
    (entry) => (typeof entry.name === "string" ? entry.name.toLowerCase() : entry.name),
    "a role whose name is not used by an earlier entry (IAM role names are unique per account, ignoring case)");
}

function parseMappings<T>(key: "mapRoles" | "mapUsers", arnField: "rolearn" | "userarn", arnPattern: RegExp,
    raw: unknown, problems: ProblemList): T[] | undefined {
    if (raw === undefined || raw === null) {
        return [];
    }
    const mappings = readObjectList(key, raw, problems, (entry, path) => ({
        [arnField]: readString(`${path}.${arnField}`, entry[arnField], fieldAccepted(key, arnField),
            (v) => arnPattern.test(v), problems),
        username: readString(`${path}.username`, entry.username, fieldAccepted(key, "username"),
            isKubernetesUsername, problems),
        groups: entry.groups === undefined ? []
            : readStringList(`${path}.groups`, entry.groups, kubernetesGroupAccepted, isKubernetesGroup, problems),
    }) as T);
    if (!mappings) {
        return undefined;
    }
    // The authenticator's own notion of "the same identity" (identityRules.ts): letter case, and for
    // roles the IAM path, do not count.
    const entries = mappings.map((mapping, index) => ({
        label: `${key}[${index}].${arnField}`,
        kind: arnField === "rolearn" ? "role" as const : "user" as const,
        value: (mapping as Record<string, string>)[arnField],
    }));
    const duplicates = findDuplicateIdentities(entries);
    for (const duplicate of duplicates) {
        problems.reject(duplicate.entry.label, duplicate.entry.value, duplicateReason(duplicate));
    }
    return duplicates.length === 0 ? mappings : undefined;
}

function parseMapAccounts(raw: unknown, problems: ProblemList): string[] | undefined {
    if (raw === undefined || raw === null) {
        return [];
    }
    const list = readList("mapAccounts", raw, problems);
    return list && readStringList("mapAccounts", list, accountIdAccepted, (v) => accountIdPattern.test(v), problems);
}

/** `grantedGroups` is undefined when a mapping setting is bad: the groups are then not checked against it. */
function parseClusterRoleBindings(raw: unknown, grantedGroups: Set<string> | undefined, problems: ProblemList) {
    if (raw === undefined || raw === null) {
        return [];
    }
    // A binding for a group no mapping grants binds nobody: most likely a typo.
    const groupAccepted = grantedGroups
        ? `${fieldAccepted("clusterRoleBindings", "group")} (granted: ${[...grantedGroups].join(", ") || "none"})`
        : kubernetesGroupAccepted;
    return readObjectList("clusterRoleBindings", raw, problems, (entry, path) => ({
        group: readString(`${path}.group`, entry.group, groupAccepted,
            (v) => isKubernetesGroup(v) && (grantedGroups?.has(v) ?? true), problems) ?? "",
        clusterRole: readString(`${path}.clusterRole`, entry.clusterRole,
            fieldAccepted("clusterRoleBindings", "clusterRole"), isClusterRoleName, problems) ?? "",
    }), (entry) => JSON.stringify([entry.group, entry.clusterRole]), "a binding not listed before");
}

function parseTags(raw: unknown, problems: ProblemList): Record<string, string> | undefined {
    if (raw === undefined || raw === null) {
        return {};
    }
    const value = typeof raw === "string" ? parseJson(raw) : raw;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.reject("tags", raw, structuredSettings.tags.accepted);
        return undefined;
    }
    const before = problems.problems.length;
    for (const [tagKey, tagValue] of Object.entries(value)) {
        const path = `tags[${JSON.stringify(tagKey)}]`;
        if (tagKey.length < 1 || tagKey.length > 128 || tagKey.toLowerCase().startsWith("aws:")) {
            problems.reject(path, tagKey, "a tag key of 1 to 128 characters, not starting with aws: (reserved)");
        }
        if (typeof tagValue !== "string" || tagValue.length > 256) {
            problems.reject(path, tagValue, `a tag value of at most 256 characters, ${quotedNote}`);
        }
    }
    return problems.problems.length === before ? value as Record<string, string> : undefined;
}

/**
 * Applies defaults to the raw stack config and validates all of it. `raw` maps config keys (without the
 * namespace) to config strings or YAML values; structured keys may also be JSON strings. Throws one
 * ConfigError listing every problem.
 */
export function parseStackSettings(
    raw: Record<string, unknown>,
    region: string | undefined,
    options: { awsProfile?: string; namespace?: string } = {},
): StackSettings {
    const problems = new ProblemList(options.namespace ?? configNamespace);
    const knownKeys = new Set<string>([...Object.keys(simpleSettings), ...Object.keys(structuredSettings)]);
    for (const key of Object.keys(raw)) {
        if (!knownKeys.has(key)) {
            problems.reject(key, raw[key], "no such setting; see the configuration reference in the README");
        }
    }

    if (region === undefined || region === "") {
        problems.problems.push("aws:region: not set; it is required: the AWS region of the cluster, like eu-west-1. " +
            "Set it with: pulumi config set aws:region <region>");
    } else if (!isRegion(region)) {
        problems.rejectQualified("aws:region", region, regionAccepted);
    }
    const context: ValidationContext = { region: isRegion(region) ? region : undefined };
    if (options.awsProfile !== undefined && options.awsProfile !== "" && !/^\S+$/.test(options.awsProfile)) {
        problems.rejectQualified("aws:profile", options.awsProfile, "an AWS profile name without whitespace");
    }

    const values = {} as { [K in SimpleSettingKey]: SimpleValue<K> };
    for (const key of Object.keys(simpleSettings) as SimpleSettingKey[]) {
        (values as Record<string, unknown>)[key] = parseSimple(key, raw[key], context, problems);
    }

    // Checks across settings, made only when both values are good on their own.
    const { authenticatorCpuRequest: cpuRequest, authenticatorCpuLimit: cpuLimit } = values;
    if (cpuRequest !== undefined && cpuLimit !== undefined && cpuCores(cpuRequest)! > cpuCores(cpuLimit)!) {
        problems.reject("authenticatorCpuRequest", cpuRequest,
            `at most authenticatorCpuLimit (${show(cpuLimit)}): Kubernetes rejects a request above its limit`);
    }
    const { authenticatorMemoryRequest: memoryRequest, authenticatorMemoryLimit: memoryLimit } = values;
    if (memoryRequest !== undefined && memoryLimit !== undefined
        && memoryBytes(memoryRequest)! > memoryBytes(memoryLimit)!) {
        problems.reject("authenticatorMemoryRequest", memoryRequest,
            `at most authenticatorMemoryLimit (${show(memoryLimit)}): Kubernetes rejects a request above its limit`);
    }
    for (const key of ["nodeSize", "controlPlaneSize"] as const) {
        const type = values[key];
        if (type !== undefined && values.extraInstanceTypes !== undefined
            && !isKnownInstanceType(type, values.extraInstanceTypes)) {
            const similar = similarInstanceTypes(type);
            problems.reject(key, type, `${instanceTypeAccepted}. kOps does not know ${type}` +
                (similar.length > 0 ? ` (known types like it: ${similar.join(", ")})` : "") +
                `; if EC2 has it, add it to extraInstanceTypes: pulumi config set --path 'extraInstanceTypes[0]' ${type}`);
        }
    }
    if (values.stateBucketForceDestroy === true && values.createStateBucket === false) {
        problems.reject("stateBucketForceDestroy", true,
            "false when createStateBucket is false: an existing bucket is never deleted by this stack");
    }

    const accessRoles = parseAccessRoles(raw.accessRoles, problems);
    const mapRoles = parseMappings<RoleMapping>("mapRoles", "rolearn", roleArnPattern, raw.mapRoles, problems);
    const mapUsers = parseMappings<UserMapping>("mapUsers", "userarn", userArnPattern, raw.mapUsers, problems);
    const mapAccounts = parseMapAccounts(raw.mapAccounts, problems);
    const grantedGroups = accessRoles && mapRoles && mapUsers
        ? new Set([...accessRoles, ...mapRoles, ...mapUsers].flatMap((mapping) => mapping.groups))
        : undefined;
    const clusterRoleBindings = parseClusterRoleBindings(raw.clusterRoleBindings, grantedGroups, problems);
    const tags = parseTags(raw.tags, problems);

    if (problems.problems.length > 0) {
        throw new ConfigError(problems.problems);
    }
    return {
        clusterName: values.clusterName,
        region: region!,
        zones: values.zones.length > 0 ? values.zones : [`${region}a`],
        nodeCount: values.nodeCount,
        nodeSize: values.nodeSize,
        controlPlaneCount: values.controlPlaneCount,
        controlPlaneSize: values.controlPlaneSize,
        kubernetesVersion: values.kubernetesVersion.replace(/^v/, ""),
        networking: values.networking,
        topology: values.topology as StackSettings["topology"],
        ...(values.sshPublicKey !== "" ? { sshPublicKey: values.sshPublicKey } : {}),
        stateBucket: {
            name: values.stateBucketName,
            create: values.createStateBucket,
            forceDestroy: values.stateBucketForceDestroy,
        },
        accessRoles: accessRoles!,
        mapRoles: mapRoles!,
        mapUsers: mapUsers!,
        mapAccounts: mapAccounts!,
        clusterRoleBindings: clusterRoleBindings!,
        authenticator: {
            image: values.authenticatorImage,
            uid: values.authenticatorUid,
            webhookCacheTtl: values.webhookCacheTtl,
            resources: {
                requests: { cpu: values.authenticatorCpuRequest, memory: values.authenticatorMemoryRequest },
                limits: { cpu: values.authenticatorCpuLimit, memory: values.authenticatorMemoryLimit },
            },
        },
        hook: { runner: values.hookRunner as StackSettings["hook"]["runner"], image: values.hookImage },
        kops: {
            binary: values.kopsBinary,
            extraFlags: values.kopsExtraFlags,
            adoptExisting: values.adoptExistingCluster,
            validateTimeout: values.validateTimeout,
            ...(values.adminCredentialTtl !== "" ? { adminTtl: values.adminCredentialTtl } : {}),
            ...(options.awsProfile ? { awsProfile: options.awsProfile } : {}),
        },
        userKubeconfig: {
            tokenCommand: values.kubeconfigTokenCommand as StackSettings["userKubeconfig"]["tokenCommand"],
            ...(values.kubeconfigAwsProfile !== "" ? { awsProfile: values.kubeconfigAwsProfile } : {}),
        },
        certValidityHours: values.certValidityHours,
        tags: tags!,
    };
}

/**
 * Reads the stack's config (the project namespace, plus aws:region and aws:profile) and validates it.
 * Call it before creating any resource: a bad config then fails the update with nothing registered.
 */
export function readStackSettings(): StackSettings {
    const config = new pulumi.Config();
    const raw: Record<string, unknown> = {};
    // Keys set in the stack but not in the tables (typos such as nodecount) are reported too.
    const prefix = `${config.name}:`;
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (fullKey.startsWith(prefix)) {
            raw[fullKey.slice(prefix.length)] = value;
        }
    }
    for (const key of Object.keys(simpleSettings)) {
        raw[key] = config.get(key);
    }
    for (const key of Object.keys(structuredSettings)) {
        try {
            raw[key] = config.getObject(key);
        } catch {
            // Not JSON: pass the text on, so it is reported with every other problem.
            raw[key] = config.get(key);
        }
    }
    const aws = new pulumi.Config("aws");
    return parseStackSettings(raw, aws.get("region"), { awsProfile: aws.get("profile"), namespace: config.name });
}
