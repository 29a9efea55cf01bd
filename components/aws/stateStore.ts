// The kOps state store bucket (new and locked down, or an existing one) and the three authenticator
// files the control-plane hook downloads from it at boot.
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { claimEnvironment, kopsCommandLines } from "../core/kopsCommandLines";
import { kopsClusterDefaults, kopsIamClusterDefaults } from "../core/defaults";
import { renderTlsOnlyBucketPolicy } from "./policies";
import { checkedStateBucketName } from "./stateBucketCheck";
import { statePurgeCommand } from "./statePurge";
import { refuse, required } from "../core/problems";
import { ImmutableSettingsGuard } from "../core/immutableGuard";
import { AuthenticatorObjectKeys, authenticatorObjectKeys, stateStoreUrl } from "../core/stateStoreLayout";

export interface KopsStateStoreArgs {
    /** The kOps cluster name (a DNS name); the objects go under `<clusterName>/addons/authenticator/`. */
    clusterName: string;
    /** The S3 bucket's name: the bucket to create, or the existing bucket to use. Cannot change (refused at preview). */
    bucketName: pulumi.Input<string>;
    /**
     * true: create the bucket, versioned, encrypted, private, TLS-only. false: use the existing
     * bucket `bucketName` as it is; only the three objects are created (and deleted on destroy).
     * Cannot change (refused at preview).
     */
    createBucket: boolean;
    /**
     * Let `pulumi destroy` delete a created bucket that still holds objects (whatever other
     * clusters keep there). Either way destroy first deletes every version and delete marker under
     * `<clusterName>/` (this cluster's, left by kOps); then, with this off, S3
     * refuses the bucket while other clusters' state is in it. A bucket attribute only: changing
     * it on a running stack touches nothing else. Ignored for an existing bucket.
     * @default `false`
     */
    forceDestroy?: pulumi.Input<boolean>;
    /** The authenticator's certificate, PEM (AuthenticatorPki.certPem). */
    certPem: pulumi.Input<string>;
    /** The authenticator's private key, PEM (AuthenticatorPki.privateKeyPem). Stored as a secret. */
    privateKeyPem: pulumi.Input<string>;
    /** The apiserver's webhook kubeconfig (AuthenticatorPki.webhookKubeconfig). */
    webhookKubeconfig: pulumi.Input<string>;
    /** Tags for a created bucket. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * The AWS region and profile of the stack's AWS provider. `pulumi destroy` of a created bucket
     * runs the AWS CLI with them to delete every version and delete marker
     * under `<clusterName>/` that kOps leaves (statePurge.ts); unset, the CLI's own
     * defaults apply.
     */
    region?: string;
    awsProfile?: string;
    /**
     * Claim the cluster before the files are uploaded (the kOps script claim.sh, with `region` and
     * `awsProfile` above): a cluster of this name in the state store that belongs to another stack
     * or component (its owner marker, `owner`), or that kops-iam-auth did not create and is not
     * being adopted, stops the update before anything of it is overwritten. KopsIamCluster sets
     * it for its KopsCluster. Unset: no check (the KopsCluster's own spec step still refuses
     * another owner, but after the upload).
     */
    claim?: ClusterClaimArgs;
}

/** Who claims the cluster, and how kops runs for the check (KopsClusterArgs' meaning and defaults). */
export interface ClusterClaimArgs {
    /** The owner marker of the KopsCluster that manages the cluster (clusterOwnerOf). */
    owner: string;
    /**
     * The kops command on PATH, or a path to it.
     * @default `kops`
     */
    kopsBinary?: string;
    /**
     * The KopsCluster adopts an existing cluster: one without a marker is accepted.
     * @default `false`
     */
    adoptExisting?: boolean;
}

const pemContentType = "application/x-pem-file";
/** RFC 9512's media type for YAML. */
const yamlContentType = "application/yaml";

/** The state store's bucket, as the objects and the claim use it. */
interface StateBucket {
    /** The bucket's name, once checked at preview (stateBucketCheck.ts). */
    name: pulumi.Output<string>;
    /** Its ARN when this component created it; undefined for an existing bucket. */
    arn: pulumi.Output<string | undefined>;
    /** What must be in place before anything lands in the bucket. */
    ready: pulumi.Resource[];
}

/** The state store bucket and the authenticator's cert.pem, key.pem and kubeconfig.yaml in it. */
export class KopsStateStore extends pulumi.ComponentResource {
    /** The bucket's name. */
    public readonly bucketName: pulumi.Output<string>;
    /** The bucket's ARN when this component created it; undefined for an existing bucket. */
    public readonly bucketArn: pulumi.Output<string | undefined>;
    /** `s3://<bucket>`: the KOPS_STATE_STORE value. */
    public readonly stateStoreUrl: pulumi.Output<string>;
    /** The object keys of the three authenticator files. */
    public readonly objectKeys: pulumi.Output<AuthenticatorObjectKeys>;

    constructor(name: string, args: KopsStateStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        // A component's args are recorded as its inputs in the state: the key goes in as a secret.
        const privateKeyPem = pulumi.secret(args.privateKeyPem);
        super("kops-iam-auth:index:KopsStateStore", name, { ...args, privateKeyPem }, opts);
        const keys = authenticatorObjectKeys(args.clusterName);

        const guard = stateStoreGuard(name, args, this);
        const bucket = args.createBucket ? createdBucket(name, args, guard, this) : existingBucket(args, guard, this);
        const claim = args.claim ? clusterClaimCommand(name, args, args.claim, bucket, this) : undefined;
        authenticatorObjects(name, { ...args, privateKeyPem }, keys, bucket.name, {
            parent: this,
            dependsOn: claim ? [...bucket.ready, claim] : bucket.ready,
        });

        this.bucketName = bucket.name;
        this.bucketArn = bucket.arn;
        this.stateStoreUrl = bucket.name.apply(stateStoreUrl);
        this.objectKeys = pulumi.output(keys);

        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            stateStoreUrl: this.stateStoreUrl,
            objectKeys: this.objectKeys,
        });
    }
}

/**
 * The guard checked before the bucket or an object is touched: another bucket, or flipping whether
 * this stack owns it, would leave the running cluster's kOps state behind or delete it.
 */
function stateStoreGuard(name: string, args: KopsStateStoreArgs, parent: pulumi.Resource): ImmutableSettingsGuard {
    return new ImmutableSettingsGuard(
        `${name}-immutable`,
        { cluster: args.clusterName, stateBucketName: args.bucketName, createStateBucket: args.createBucket },
        { parent },
    );
}

/**
 * A bucket this stack creates: versioned, encrypted, private, ACLs off and TLS-only, checked at
 * preview not to exist yet, with the purge of this cluster's old versions on destroy. The objects
 * wait for all of it: nothing lands in the bucket before its protections are in place.
 */
function createdBucket(name: string, args: KopsStateStoreArgs, guard: pulumi.Resource, parent: pulumi.Resource): StateBucket {
    const bucket = new aws.s3.Bucket(
        `${name}-bucket`,
        {
            bucket: args.bucketName,
            forceDestroy: args.forceDestroy ?? kopsIamClusterDefaults.stateBucketForceDestroy,
            tags: args.tags,
        },
        { parent, dependsOn: [guard] },
    );
    const protections = bucketProtections(name, bucket, parent);
    // At preview: a bucket this update would create must not exist yet (stateBucketCheck.ts). The
    // ARN is unknown at preview exactly when the bucket is not in the stack's state yet.
    const arnIsKnown: Promise<boolean> | undefined = (bucket.arn as any).isKnown;
    const creating = arnIsKnown ? arnIsKnown.then((known) => !known) : Promise.resolve(false);
    const checked = pulumi.output(args.bucketName).apply((name) => checkedStateBucketName(name, true, creating, { parent }));
    // Registered whatever forceDestroy says, with inputs that do not carry it: a command that
    // leaves the program is deleted, and deleting this one runs the purge, so flipping
    // forceDestroy on a running stack must neither drop nor replace it. Destroy runs
    // backwards: the cluster (kops delete, which depends on this whole component), the
    // objects, this purge of every version under <cluster>/, the bucket.
    const purge = statePurgeCommand(
        `${name}-purge-versions`,
        { bucketName: bucket.bucket, clusterName: args.clusterName, region: args.region, awsProfile: args.awsProfile },
        { parent, dependsOn: [bucket, protections.versioning] },
    );
    return {
        name: pulumi.all([bucket.bucket, checked]).apply(([name]) => name),
        arn: bucket.arn,
        ready: [guard, ...protections.all, purge],
    };
}

/** A created bucket's versioning, default encryption, public access block, ownership and TLS-only policy. */
function bucketProtections(name: string, bucket: aws.s3.Bucket, parent: pulumi.Resource) {
    // kOps asks for versioning: it is how a broken state is rolled back.
    const versioning = new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
        { parent },
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
            bucket: bucket.bucket,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        },
        { parent },
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access-block`,
        {
            bucket: bucket.bucket,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        { parent },
    );
    // ACLs off: access is decided by IAM and the bucket policy alone.
    const ownership = new aws.s3.BucketOwnershipControls(
        `${name}-ownership`,
        { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
        { parent },
    );
    const policy = new aws.s3.BucketPolicy(
        `${name}-tls-only`,
        {
            bucket: bucket.bucket,
            policy: bucket.arn.apply((arn) => JSON.stringify(renderTlsOnlyBucketPolicy(arn))),
        },
        { parent, dependsOn: [publicAccessBlock] },
    );
    return { versioning, all: [versioning, encryption, publicAccessBlock, ownership, policy] };
}

/** An existing bucket, checked at preview to exist and be private and encrypted (stateBucketCheck.ts). */
function existingBucket(args: KopsStateStoreArgs, guard: pulumi.Resource, parent: pulumi.Resource): StateBucket {
    return {
        name: pulumi
            .output(args.bucketName)
            .apply((name) => checkedStateBucketName(name, false, Promise.resolve(false), { parent })),
        arn: pulumi.output(undefined),
        ready: [guard],
    };
}

/** The claim step (claim.sh): read-only, after the bucket is ready, before any object. */
function clusterClaimCommand(
    name: string,
    args: KopsStateStoreArgs,
    claim: ClusterClaimArgs,
    bucket: StateBucket,
    parent: pulumi.Resource,
): command.local.Command {
    if (!args.region) {
        refuse(`KopsStateStore ${name}`, required("region", "the AWS region kops runs with, which the claim needs"));
    }
    const adoptExisting = claim.adoptExisting ?? kopsClusterDefaults.adoptExisting;
    const lines = kopsCommandLines(adoptExisting).claim;
    const region = args.region;
    return new command.local.Command(
        `${name}-claim`,
        {
            create: lines.create,
            update: lines.update,
            environment: bucket.name.apply((bucketName) =>
                claimEnvironment({
                    kopsBinary: claim.kopsBinary ?? kopsClusterDefaults.kopsBinary,
                    clusterName: args.clusterName,
                    clusterOwner: claim.owner,
                    stateStoreUrl: stateStoreUrl(bucketName),
                    region,
                    awsProfile: args.awsProfile,
                    adoptExisting,
                }),
            ),
            addPreviousOutputInEnv: false,
        },
        { parent, dependsOn: bucket.ready },
    );
}

/** cert.pem, key.pem (secret) and kubeconfig.yaml, where the control-plane hook and kOps' fileAsset read them. */
function authenticatorObjects(
    name: string,
    files: { certPem: pulumi.Input<string>; privateKeyPem: pulumi.Output<string>; webhookKubeconfig: pulumi.Input<string> },
    keys: AuthenticatorObjectKeys,
    bucketName: pulumi.Output<string>,
    opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] },
): void {
    const objectArgs = {
        bucket: bucketName,
        // Explicit, so the files are encrypted even in an existing bucket without default encryption.
        serverSideEncryption: "AES256",
    };
    new aws.s3.BucketObjectv2(
        `${name}-cert-pem`,
        { ...objectArgs, key: keys.certPem, content: files.certPem, contentType: pemContentType },
        opts,
    );
    new aws.s3.BucketObjectv2(
        `${name}-key-pem`,
        { ...objectArgs, key: keys.keyPem, content: files.privateKeyPem, contentType: pemContentType },
        { ...opts, additionalSecretOutputs: ["content"] },
    );
    new aws.s3.BucketObjectv2(
        `${name}-kubeconfig`,
        { ...objectArgs, key: keys.kubeconfig, content: files.webhookKubeconfig, contentType: yamlContentType },
        opts,
    );
}
