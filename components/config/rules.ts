// One rule per value, defined once: the stack config (config.ts), KopsCluster (kops/cluster.ts), the
// spec patch (kops/specPatch.ts) and the user kubeconfig renderer (kubeconfig.ts) all check the
// cluster name, the region, the zones, the bucket name and the instance types with these functions,
// so a value one of them accepts is never refused later by another, after the cluster exists.
// Each rule comes with the phrase errors use to say what is accepted.
import { kopsInstanceTypes, kopsInstanceTypesSource } from "./kops/instanceTypes";

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

export const clusterNameAccepted = "a lowercase DNS name with at least one dot, like dev.k8s.local or dev.example.com: " +
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
    return typeof name === "string"
        && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)
        && !name.includes("..")
        && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(name)
        && !reservedBucketPrefixes.some((p) => name.startsWith(p))
        && !reservedBucketSuffixes.some((s) => name.endsWith(s));
}

export const bucketNameAccepted = "an S3 bucket name: 3 to 63 characters of lowercase letters, digits, dots and hyphens, " +
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

const knownInstanceTypes = new Set(kopsInstanceTypes);

/**
 * An EC2 instance type kOps v1.36.2 knows (kops/instanceTypes.ts), or one of `extra`: the types a
 * user vouches for that are newer than that list (the stack setting extraInstanceTypes).
 */
export function isKnownInstanceType(type: unknown, extra: readonly string[] = []): type is string {
    return isInstanceTypeShape(type) && (knownInstanceTypes.has(type) || extra.includes(type));
}

export const instanceTypeShapeAccepted = "an EC2 instance type written family.size, like t3.medium or m7i.large";

export const instanceTypeAccepted = `an EC2 instance type kOps knows (${kopsInstanceTypesSource}), like t3.medium ` +
    "or m7i.large; a newer type than that list is accepted once it is listed in extraInstanceTypes";

/** The known types closest to a refused one (same family, or same size), at most `limit`, for error messages. */
export function similarInstanceTypes(type: string, limit = 6): string[] {
    const [family, size] = type.split(".");
    const sameFamily = kopsInstanceTypes.filter((t) => t.startsWith(`${family}.`));
    const pool = sameFamily.length > 0 ? sameFamily : kopsInstanceTypes.filter((t) => t.endsWith(`.${size}`));
    return pool.slice(0, limit);
}
