// One rule per value, defined once: the settings (settings/table.ts, settings/parse.ts), KopsCluster (kops/cluster.ts),
// the spec patch (kops/specPatch.ts) and the user kubeconfig renderer (authenticator/userKubeconfig.ts) check the
// cluster name, the region, the zones, the bucket name and the instance types with these functions,
// so a value one of them accepts is never refused later by another, after the cluster exists.
// Each rule comes with the phrase errors use to say what is accepted.

// ---------------------------------------------------------------------------------------------
// Cluster name
// ---------------------------------------------------------------------------------------------

const dnsLabel = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * A kOps cluster name: a lowercase DNS name with at least one dot (kOps requires a dot unless the
 * name ends in .k8s.local, and gossip names have one too), labels of a-z, 0-9 and inner hyphens
 * of at most 63 characters, 253 in all. It is also the authenticator's cluster ID and the state
 * store prefix.
 */
export function isClusterName(name: unknown): name is string {
    if (typeof name !== "string") {
        return false;
    }
    const labels = name.split(".");
    return name.length <= 253 && labels.length >= 2 && labels.every((l) => l.length <= 63 && dnsLabel.test(l));
}

export const clusterNameAccepted =
    "a lowercase DNS name with at least one dot, like dev.k8s.local or dev.example.com: " +
    "labels of a-z, 0-9 and inner hyphens, each at most 63 characters, 253 characters in all";

// ---------------------------------------------------------------------------------------------
// Region and zones
// ---------------------------------------------------------------------------------------------

// us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1 (the
// European Sovereign Cloud's prefix has four letters), ap-southeast-7, mx-central-1.
const regionPattern = /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/;

/** An AWS region name. */
export function isRegion(region: unknown): region is string {
    return typeof region === "string" && regionPattern.test(region);
}

export const regionAccepted = "an AWS region name like eu-west-1, us-east-2, ap-southeast-1 or eusc-de-east-1";

// The partition a region belongs to, by the regionRegex of the AWS SDKs' partitions.json; every other
// region is in the commercial partition `aws`. An ARN of another partition than the stack's region
// never matches a token signed there, and IAM refuses it in a trust policy.
const regionPartitions: Array<[prefix: string, partition: string]> = [
    ["us-gov-", "aws-us-gov"],
    ["cn-", "aws-cn"],
    ["us-isob-", "aws-iso-b"],
    ["us-isof-", "aws-iso-f"],
    ["eu-isoe-", "aws-iso-e"],
    ["us-iso-", "aws-iso"],
    ["eusc-", "aws-eusc"],
];

/** Every AWS partition (the ones aws-iam-authenticator recognises, pkg/endpoints/partitions.go). */
export const awsPartitions = ["aws", ...regionPartitions.map(([, partition]) => partition)];

/** The AWS partition of `region`: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc. */
export function partitionOfRegion(region: string): string {
    return regionPartitions.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

/** An availability zone name: a region name plus one letter (eu-west-1a). */
export function isZone(zone: unknown): zone is string {
    return typeof zone === "string" && /[a-z]$/.test(zone) && isRegion(zone.slice(0, -1));
}

/** An availability zone of `region`: the region name plus one letter. */
export function isZoneOf(zone: unknown, region: string): zone is string {
    return typeof zone === "string" && zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone);
}

export const zoneAccepted = "an availability zone: a region name plus one letter, like eu-west-1a";

export function zoneOfAccepted(region: string): string {
    return `an availability zone of ${region}: ${region} plus one letter, like ${region}a`;
}

// ---------------------------------------------------------------------------------------------
// S3 bucket name
// ---------------------------------------------------------------------------------------------

// S3 general purpose bucket naming rules (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const reservedBucketPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
const reservedBucketSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** An S3 general purpose bucket name. */
export function isBucketName(name: unknown): name is string {
    return (
        typeof name === "string" &&
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
        !name.includes("..") &&
        !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(name) &&
        !reservedBucketPrefixes.some((p) => name.startsWith(p)) &&
        !reservedBucketSuffixes.some((s) => name.endsWith(s))
    );
}

export const bucketNameAccepted =
    "an S3 bucket name: 3 to 63 characters of lowercase letters, digits, dots and hyphens, " +
    "beginning and ending with a letter or digit, no `..`, not an IP address, not starting with " +
    `${reservedBucketPrefixes.slice(0, -1).join(", ")} or ${reservedBucketPrefixes.at(-1)}, not ending with ` +
    `${reservedBucketSuffixes.slice(0, -1).join(", ")} or ${reservedBucketSuffixes.at(-1)}`;

// ---------------------------------------------------------------------------------------------
// EC2 instance types
// ---------------------------------------------------------------------------------------------

// Family (with a generation digit) and size: t3.medium, m7i-flex.large, c7i.metal-24xl, u-6tb1.112xlarge.
const instanceTypePattern = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/;

/** Written like an EC2 instance type, family.size; says nothing about whether EC2 has it. */
export function isInstanceTypeShape(type: unknown): type is string {
    return typeof type === "string" && instanceTypePattern.test(type);
}

export const instanceTypeShapeAccepted = "an EC2 instance type written family.size, like t3.medium or m7i.large";

// ---------------------------------------------------------------------------------------------
// The stack config's other values: Kubernetes version, networking, IAM names and ARNs, identity
// templates, images, durations, quantities, SSH keys
// ---------------------------------------------------------------------------------------------

/** Oldest Kubernetes minor kOps 1.36 runs (OldestSupportedKubernetesVersion, apply_cluster.go@v1.36.2). */
export const oldestKubernetesMinor = 31;
/** Newest: kOps refuses a Kubernetes minor newer than itself, and 1.36 is the newest kOps supported. */
export const newestKubernetesMinor = 36;
const kubernetesVersionPattern = /^v?1\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The minor of a Kubernetes version (`1.34.10` or `v1.34.10` → 34), or undefined when it is not one. */
export function kubernetesMinor(version: string): number | undefined {
    const match = kubernetesVersionPattern.exec(version);
    return match ? Number(match[1]) : undefined;
}

export function isSupportedKubernetesVersion(version: unknown): version is string {
    const minor = typeof version === "string" ? kubernetesMinor(version) : undefined;
    return minor !== undefined && minor >= oldestKubernetesMinor && minor <= newestKubernetesMinor;
}

export const kubernetesVersionAccepted =
    `a version from 1.${oldestKubernetesMinor}.0 to 1.${newestKubernetesMinor}.x written ` +
    "MAJOR.MINOR.PATCH (a leading v is allowed): kOps 1.36 refuses Kubernetes older than " +
    `1.${oldestKubernetesMinor}, and kOps refuses a minor newer than itself, so run a kops binary ` +
    "at least as new as the minor (kOps 1.34 to 1.36 are supported)";

/** `kops create cluster --networking` modes for AWS (setupNetworking, new_cluster.go@v1.34.3..v1.36.2). */
export const networkingModes = [
    "cilium",
    "cilium-eni",
    "cilium-etcd",
    "calico",
    "flannel",
    "flannel-vxlan",
    "flannel-udp",
    "kindnet",
    "amazonvpc",
    "amazon-vpc-routed-eni",
    "kube-router",
    "kubenet",
    "kopeio",
    "kopeio-vxlan",
    "cni",
    "external",
];

// IAM role and user names: 1 to 64 of [\w+=,.@-] (IAM API reference, CreateRole RoleName); paths: `/` or
// `/seg/.../`, at most 512 characters (CreateRole Path).
export const iamName = /^[\w+=,.@-]{1,64}$/;
export const iamPathMaxLength = 512;
// A role's trust policy: at most 2,048 characters by default, adjustable up to 4,096 (IAM User Guide,
// "IAM and AWS STS quotas"; whitespace does not count).
export const trustPolicyMaxLength = 4096;
const partition = `(?:${awsPartitions.join("|")})`;
// An IAM path is `/` or `/seg/.../`: printable ASCII; inside an ARN it sits between the type and the name.
const iamPath = "(?:[\\x21-\\x2E\\x30-\\x7E]+/)*";
export const roleArnPattern = new RegExp(`^arn:${partition}:iam::\\d{12}:role/${iamPath}[\\w+=,.@-]{1,64}$`);
export const userArnPattern = new RegExp(`^arn:${partition}:iam::\\d{12}:user/${iamPath}[\\w+=,.@-]{1,64}$`);
export const rootArnPattern = new RegExp(`^arn:${partition}:iam::\\d{12}:root$`);
export const accountIdPattern = /^\d{12}$/;

// aws-iam-authenticator fills these in usernames and groups (server.go renderTemplate); any other
// {{...}} would stay literal.
export const identityTemplates = ["AccountID", "SessionName", "SessionNameRaw", "AccessKeyID", "EC2PrivateDNSName"];
const usesKnownTemplates = (text: string) =>
    [...text.matchAll(/\{\{(.*?)\}\}/g)].every(([, name]) => identityTemplates.includes(name));
export const isKubernetesGroup = (group: string) => /^\S+$/.test(group) && usesKnownTemplates(group);
// `system:` is reserved for Kubernetes' own components; people get rights through groups instead.
export const isKubernetesUsername = (username: string) =>
    /^\S+$/.test(username) && usesKnownTemplates(username) && !username.startsWith("system:");
// ClusterRole names are path segments: anything but `/` and `%` (and not `.` or `..`).
export const isClusterRoleName = (name: string) => /^[^\s/%]+$/.test(name) && name !== "." && name !== "..";

// The distribution reference grammar (github.com/distribution/reference), with a tag or digest required.
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const imagePattern = new RegExp(
    `^(?:${domainComponent}(?:\\.${domainComponent})*(?::\\d+)?/)?${pathComponent}(?:/${pathComponent})*` +
        "(?::(?<tag>[\\w][\\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$",
);

/**
 * An image reference pinned by a tag other than latest or by a sha256 digest: a moving tag would change
 * what runs under a running cluster. The one rule for the stack config, the authenticator's manifests
 * and the spec patch's hook image.
 */
export function isPinnedImage(image: unknown): image is string {
    if (typeof image !== "string") {
        return false;
    }
    const match = imagePattern.exec(image);
    if (!match?.groups) {
        return false;
    }
    const { tag, digest } = match.groups;
    return digest !== undefined || (tag !== undefined && tag !== "latest");
}

export const pinnedImageAccepted =
    "a pinned image reference, [registry/]repository:tag or " +
    "[registry/]repository[:tag]@sha256:<64 hex digits>, with a tag other than latest or a digest";

/** Cores in a Kubernetes CPU quantity (`10m`, `0.5`, `1`), or undefined. */
export function cpuCores(quantity: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/.exec(quantity);
    if (!match) {
        return undefined;
    }
    const cores = Number(match[1]) / (match[2] === "m" ? 1000 : 1);
    return cores > 0 ? cores : undefined;
}

const memoryUnitBytes: Record<string, number> = {
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** Bytes in a Kubernetes memory quantity (`20Mi`, `64M`, `1Gi`), or undefined. */
export function memoryBytes(quantity: string): number | undefined {
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
export function isSshPublicKey(line: string): boolean {
    const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: [^\r\n]*)?$/.exec(line);
    if (!match || !sshKeyTypes.includes(match[1])) {
        return false;
    }
    // The blob starts with the key type as an SSH string: a 4-byte big-endian length, then the name.
    const blob = Buffer.from(match[2], "base64");
    return (
        blob.length > 4 + match[1].length &&
        blob.readUInt32BE(0) === match[1].length &&
        blob.subarray(4, 4 + match[1].length).toString("latin1") === match[1]
    );
}

/**
 * Worker nodes: at least one (CoreDNS cannot run on the tainted control plane, so a cluster without
 * nodes never validates), at most 100. The one rule for the stack config, the spec patch and
 * upsert-spec.sh (lib.sh is_node_count spells the same bounds for bash; a test keeps them equal).
 */
export function isNodeCount(count: unknown): count is number {
    return Number.isInteger(count) && (count as number) >= 1 && (count as number) <= 100;
}

export const nodeCountAccepted = "an integer from 1 to 100";

/**
 * Control-plane instances (etcd members): an odd number, so etcd keeps a quorum when a member is lost.
 * The one rule for the stack config, the spec patch and upsert-spec.sh (lib.sh is_control_plane_count).
 */
export function isControlPlaneCount(count: unknown): count is number {
    return count === 1 || count === 3 || count === 5;
}

export const controlPlaneCountAccepted = "1, 3 or 5: an odd number, so etcd keeps a quorum when a member is lost";

/** A uid the authenticator may run as: runAsNonRoot forbids 0, and Kubernetes takes uids up to 2^31-1. */
export function isAuthenticatorUid(uid: number): boolean {
    return Number.isInteger(uid) && uid >= 1 && uid <= 2147483647;
}

// ---------------------------------------------------------------------------------------------
// AWS tags (of the state bucket and the IAM roles)
// ---------------------------------------------------------------------------------------------

// IAM (TagRole) and S3 (PutBucketTagging) both take at most 50 tags per resource, keys of 1 to 128 and
// values of 0 to 256 Unicode characters from letters, digits, spaces and _ . : / = + - @, and
// refuse keys starting with aws: (IAM User Guide, "Tagging IAM resources"; S3 User Guide, "Categorizing
// your storage using tags").
export const maxTags = 50;
const tagCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tagCharactersText = "letters, digits, spaces and _ . : / = + - @";

export function isTagKey(key: string): boolean {
    return [...key].length >= 1 && [...key].length <= 128 && tagCharacters.test(key) && !key.toLowerCase().startsWith("aws:");
}

export function isTagValue(value: string): boolean {
    return [...value].length <= 256 && tagCharacters.test(value);
}

export const tagKeyAccepted = `a tag key of 1 to 128 characters (${tagCharactersText}), not starting with aws: (reserved)`;
export const tagValueAccepted = `a tag value of at most 256 characters (${tagCharactersText})`;
export const tagCountAccepted = `at most ${maxTags} tags (IAM roles and S3 buckets take no more)`;

// ---------------------------------------------------------------------------------------------
// Values that must not be shown in an error message
// ---------------------------------------------------------------------------------------------

// What a secret pasted by mistake looks like: `pulumi up` prints a refused value and CI logs keep it, so
// such parts of a message are replaced by what they look like. `random`: only a match mixing upper case,
// lower case and digits counts, as random base64 does and words, paths and hex digests do not.
const secretPatterns: Array<{ pattern: RegExp; looksLike: string; random: boolean }> = [
    // To its end marker; without one, to the end of the JSON string that shows it, or of the text.
    {
        pattern: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|(?=(?<!\\)")|$)/g,
        looksLike: "a private key",
        random: false,
    },
    // Access key IDs (long-term AKIA, temporary ASIA): 20 upper-case letters and digits.
    { pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g, looksLike: "an AWS access key ID", random: false },
    // Session tokens and other long base64 credentials (SSH public key blobs start with AAAA and are not
    // secret). Not after a colon: the resource part of an ARN (role/team/Name) is no secret. After an
    // equals sign, yes: a flag or variable (--x=<key>, AWS_SECRET_ACCESS_KEY=<key>) is how one is pasted.
    {
        pattern: /(?<![A-Za-z0-9+/:])(?!AAAA)[A-Za-z0-9+/]{100,}={0,2}(?![A-Za-z0-9+/=])/g,
        looksLike: "a session token or another credential",
        random: true,
    },
    // Secret access keys: 40 base64 characters.
    { pattern: /(?<![A-Za-z0-9+/:])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g, looksLike: "an AWS secret access key", random: true },
];

const looksRandom = (text: string) => /[A-Z]/.test(text) && /[a-z]/.test(text) && /\d/.test(text);

/**
 * What the first part of `text` that looks like a secret looks like ("an AWS secret access key"), or
 * undefined when no part does: the rule for refusing a value that would be kept in plain text.
 */
export function secretLookalike(text: string): string | undefined {
    for (const { pattern, looksLike, random } of secretPatterns) {
        for (const [match] of text.matchAll(pattern)) {
            if (!random || looksRandom(match)) {
                return looksLike;
            }
        }
    }
    return undefined;
}

/** `text` with every part that looks like a secret replaced by `[redacted: it looks like ...]`. */
export function redactSecrets(text: string): string {
    return secretPatterns.reduce(
        (redacted, { pattern, looksLike, random }) =>
            redacted.replace(pattern, (match) =>
                !random || looksRandom(match) ? `[redacted: it looks like ${looksLike}, ${match.length} characters]` : match,
            ),
        text,
    );
}
