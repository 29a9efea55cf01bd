// The stack config's tables: per config key (a KopsIamClusterArgs field of the same name, documented
// there), its type, its default (core/defaults.ts), what is accepted and its check. The configuration
// reference (docs/configuration.md) is generated from them and the args' comments, and Pulumi.yaml's
// `config:` block is checked against them (tools/render-config-reference.ts, tests/unit/configReference.test.ts);
// ./parse.ts reads and validates a stack with them.
import { kopsIamClusterDefaults } from "../core/defaults";
import { Refusal } from "../core/problems";
import { TokenCommand, ClusterTopology, HookRunner } from "../core/types";
import { kopsExtraFlagProblem, kopsExtraFlagsAccepted } from "../core/extraFlags";
import { isDurationWithin, kopsDurationRules } from "../core/durations";
import { instanceTypeAccepted, unknownInstanceTypeReason } from "../core/instanceTypes";
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

// ---------------------------------------------------------------------------------------------
// The table of simple settings (one Pulumi config key each; Pulumi.yaml declares them)
// ---------------------------------------------------------------------------------------------

/** What a check may consult besides the value itself. */
export interface ValidationContext {
    /** aws:region, when it is set and well-formed. */
    region?: string;
}

/**
 * A check returns true for a good value; false to reject it as invalid with the setting's `accepted`
 * text; a string to reject it as invalid with that text instead (when what is accepted depends on the
 * context); or a Refusal of another kind (a kops flag this project sets itself is forbidden).
 */
export type Check<T> = (value: T, context: ValidationContext) => boolean | string | Refusal;

export interface SettingBase {
    /** What values are accepted: the configuration reference shows it, and errors say it. */
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
        accepted: clusterNameAccepted,
        check: isClusterName,
    },
    zones: {
        type: "array",
        default: kopsIamClusterDefaults.zones,
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
        default: kopsIamClusterDefaults.nodeCount,
        accepted: nodeCountAccepted,
        check: isNodeCount,
    },
    nodeSize: {
        type: "string",
        default: kopsIamClusterDefaults.nodeSize,
        accepted: instanceTypeAccepted,
        // A typo of a known type (m5large) is told so; the type's existence is checked with extraInstanceTypes (simpleValues.ts).
        check: (value) => isInstanceTypeShape(value) || unknownInstanceTypeReason(value),
    },
    controlPlaneCount: {
        type: "integer",
        default: kopsIamClusterDefaults.controlPlaneCount,
        accepted: controlPlaneCountAccepted,
        check: isControlPlaneCount,
    },
    controlPlaneSize: {
        type: "string",
        default: kopsIamClusterDefaults.controlPlaneSize,
        accepted: instanceTypeAccepted,
        // A typo of a known type (m5large) is told so; the type's existence is checked with extraInstanceTypes (simpleValues.ts).
        check: (value) => isInstanceTypeShape(value) || unknownInstanceTypeReason(value),
    },
    extraInstanceTypes: {
        type: "array",
        default: kopsIamClusterDefaults.extraInstanceTypes,
        accepted: `${instanceTypeShapeAccepted}; EC2 and kOps then decide at deploy time whether it exists`,
        checkItem: isInstanceTypeShape,
    },
    kubernetesVersion: {
        type: "string",
        default: kopsIamClusterDefaults.kubernetesVersion,
        accepted: kubernetesVersionAccepted,
        check: isSupportedKubernetesVersion,
    },
    networking: {
        type: "string",
        default: kopsIamClusterDefaults.networking,
        accepted: `one of kOps' networking modes on AWS: ${networkingModes.join(", ")}`,
        check: oneOf(networkingModes),
    },
    topology: {
        type: "string",
        default: kopsIamClusterDefaults.topology,
        accepted: "public or private",
        check: oneOf(Object.values(ClusterTopology)),
    },
    sshPublicKey: {
        type: "string",
        default: kopsIamClusterDefaults.sshPublicKey,
        accepted: "empty, or one OpenSSH public key line of type ssh-rsa or ssh-ed25519 (the types EC2 key pairs accept)",
        check: (value) => value === "" || isSshPublicKey(value),
    },
    stateBucketName: {
        type: "string",
        accepted: bucketNameAccepted,
        check: isBucketName,
    },
    createStateBucket: {
        type: "boolean",
        default: kopsIamClusterDefaults.createStateBucket,
        accepted: "true or false",
    },
    stateBucketForceDestroy: {
        type: "boolean",
        default: kopsIamClusterDefaults.stateBucketForceDestroy,
        accepted: "true or false; true only with createStateBucket true",
    },
    authenticatorImage: {
        type: "string",
        default: kopsIamClusterDefaults.authenticatorImage,
        accepted: pinnedImageAccepted,
        check: isPinnedImage,
    },
    authenticatorUid: {
        type: "integer",
        default: kopsIamClusterDefaults.authenticatorUid,
        accepted: "an integer from 1 to 2147483647 (not 0: the authenticator does not run as root)",
        check: isAuthenticatorUid,
    },
    authenticatorCpuRequest: {
        type: "string",
        default: kopsIamClusterDefaults.authenticatorCpuRequest,
        accepted: `${cpuAccepted}, at most authenticatorCpuLimit`,
        check: (value) => cpuCores(value) !== undefined,
    },
    authenticatorMemoryRequest: {
        type: "string",
        default: kopsIamClusterDefaults.authenticatorMemoryRequest,
        accepted: `${memoryAccepted}, at most authenticatorMemoryLimit`,
        check: (value) => memoryBytes(value) !== undefined,
    },
    authenticatorCpuLimit: {
        type: "string",
        default: kopsIamClusterDefaults.authenticatorCpuLimit,
        accepted: cpuAccepted,
        check: (value) => cpuCores(value) !== undefined,
    },
    authenticatorMemoryLimit: {
        type: "string",
        default: kopsIamClusterDefaults.authenticatorMemoryLimit,
        accepted: memoryAccepted,
        check: (value) => memoryBytes(value) !== undefined,
    },
    webhookCacheTtl: {
        type: "string",
        default: kopsIamClusterDefaults.webhookCacheTtl,
        accepted: `${kopsDurationRules.webhookCacheTtl.accepted}: a removed mapping keeps working for up to this long`,
        check: (value) => isDurationWithin(value, kopsDurationRules.webhookCacheTtl),
    },
    hookRunner: {
        type: "string",
        default: kopsIamClusterDefaults.hookRunner,
        accepted: "container or host",
        check: oneOf(Object.values(HookRunner)),
    },
    hookImage: {
        type: "string",
        default: kopsIamClusterDefaults.hookImage,
        accepted: pinnedImageAccepted,
        check: isPinnedImage,
    },
    kopsBinary: {
        type: "string",
        default: kopsIamClusterDefaults.kopsBinary,
        accepted: "a command name or path without whitespace",
        check: noWhitespace,
    },
    kopsExtraFlags: {
        type: "array",
        default: kopsIamClusterDefaults.kopsExtraFlags,
        accepted: kopsExtraFlagsAccepted,
        // The allow-list is core/extraFlags.ts, shared with the KopsCluster component.
        checkItem: (flag) => kopsExtraFlagProblem(flag) ?? true,
    },
    adoptExistingCluster: {
        type: "boolean",
        default: kopsIamClusterDefaults.adoptExistingCluster,
        accepted: "true or false",
    },
    recreateMissingCluster: {
        type: "boolean",
        default: kopsIamClusterDefaults.recreateMissingCluster,
        accepted: "true or false",
    },
    validateTimeout: {
        type: "string",
        default: kopsIamClusterDefaults.validateTimeout,
        accepted: kopsDurationRules.validateTimeout.accepted,
        check: (value) => isDurationWithin(value, kopsDurationRules.validateTimeout),
    },
    adminCredentialTtl: {
        type: "string",
        default: kopsIamClusterDefaults.adminCredentialTtl,
        accepted: `empty, or ${kopsDurationRules.adminTtl.accepted}`,
        check: (value) => value === "" || isDurationWithin(value, kopsDurationRules.adminTtl),
    },
    certValidityHours: {
        type: "integer",
        default: kopsIamClusterDefaults.certValidityHours,
        accepted: "an integer from 24 to 876000",
        check: integerRange(24, 876000),
    },
    kubeconfigTokenCommand: {
        type: "string",
        default: kopsIamClusterDefaults.kubeconfigTokenCommand,
        accepted: "aws-iam-authenticator or aws",
        check: oneOf(Object.values(TokenCommand)),
    },
    kubeconfigAwsProfile: {
        type: "string",
        default: kopsIamClusterDefaults.kubeconfigAwsProfile,
        accepted: "empty, or an AWS profile name without whitespace",
        check: (value) => value === "" || noWhitespace(value),
    },
    allowNoIamSignIn: {
        type: "boolean",
        default: kopsIamClusterDefaults.allowNoIamSignIn,
        accepted: "true or false",
    },
    allowExampleAccounts: {
        type: "boolean",
        default: kopsIamClusterDefaults.allowExampleAccounts,
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
    /** What values are accepted: the configuration reference shows it, and errors say it. */
    accepted: string;
}

export interface StructuredSetting {
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
        default: kopsIamClusterDefaults.accessRoles,
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
        default: kopsIamClusterDefaults.mapRoles,
        accepted: "a list of {roleArn, username, groups}",
        fields: {
            roleArn: {
                required: true,
                accepted:
                    `${roleArnAccepted} (the key may also be written rolearn, as in aws-auth) in the partition of aws:region, not listed twice (ignoring letter case and ` +
                    "the IAM path, as the authenticator matches them) and not named like a role accessRoles " +
                    "creates (it is mapped already; a same-named role of another account too, as the stack's " +
                    "account is not known before anything is created)",
            },
            username: { required: true, accepted: kubernetesUsernameAccepted },
            groups: { required: false, accepted: `${kubernetesGroupsAccepted}; default none` },
        },
    },
    mapUsers: {
        default: kopsIamClusterDefaults.mapUsers,
        accepted: "a list of {userArn, username, groups}",
        fields: {
            userArn: {
                required: true,
                accepted:
                    `${userArnAccepted} (the key may also be written userarn, as in aws-auth) in the partition of aws:region, not listed twice (ignoring letter case, ` +
                    "as the authenticator matches them)",
            },
            username: { required: true, accepted: kubernetesUsernameAccepted },
            groups: { required: false, accepted: `${kubernetesGroupsAccepted}; default none` },
        },
    },
    mapAccounts: {
        default: kopsIamClusterDefaults.mapAccounts,
        accepted: 'a list of 12-digit AWS account IDs written as quoted strings, like "123456789012"',
    },
    clusterRoleBindings: {
        default: kopsIamClusterDefaults.clusterRoleBindings,
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
        default: kopsIamClusterDefaults.tags,
        accepted: `a map of at most ${maxTags} tags, each ${tagKeyAccepted} to a quoted string value: ${tagValueAccepted}`,
    },
} satisfies Record<string, StructuredSetting>;

export type StructuredSettingKey = keyof typeof structuredSettings;
