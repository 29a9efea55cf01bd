// The kOps state store bucket (new and locked down, or an existing one) and the three authenticator
// files the control-plane hook downloads from it at boot.
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { claimEnvironment, kopsCommandLines } from "../core/kopsCommandLines";
import { kopsClusterDefaults } from "../core/defaults";
import { renderTlsOnlyBucketPolicy } from "./policies";
import { checkedStateBucketName } from "./stateBucketCheck";
import { statePurgeCommand } from "./statePurge";
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
     * `<clusterName>/` (this cluster's, left by kOps); then, with this off (the default), S3
     * refuses the bucket while other clusters' state is in it. A bucket attribute only: changing
     * it on a running stack touches nothing else. Ignored for an existing bucket.
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
    /** The kops command on PATH, or a path to it. Default `kops`. */
    kopsBinary?: string;
    /** The KopsCluster adopts an existing cluster: one without a marker is accepted. Default false. */
    adoptExisting?: boolean;
}

const pemContentType = "application/x-pem-file";
/** RFC 9512's media type for YAML. */
const yamlContentType = "application/yaml";

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
        // Checked before the bucket or an object is touched: another bucket, or flipping whether this
        // stack owns it, would leave the running cluster's kOps state behind or delete it.
        const guard = new ImmutableSettingsGuard(
            `${name}-immutable`,
            { cluster: args.clusterName, stateBucketName: args.bucketName, createStateBucket: args.createBucket },
            { parent: this },
        );

        let bucketName: pulumi.Output<string>;
        let bucketArn: pulumi.Output<string | undefined>;
        // The objects wait until the bucket's protections are in place: nothing lands in it before
        // it is encrypted, private and TLS-only.
        let objectsDependOn: pulumi.Resource[] = [guard];
        if (args.createBucket) {
            const bucket = new aws.s3.Bucket(
                `${name}-bucket`,
                {
                    bucket: args.bucketName,
                    forceDestroy: args.forceDestroy ?? false,
                    tags: args.tags,
                },
                { parent: this, dependsOn: [guard] },
            );
            // kOps asks for versioning: it is how a broken state is rolled back.
            const versioning = new aws.s3.BucketVersioning(
                `${name}-versioning`,
                {
                    bucket: bucket.bucket,
                    versioningConfiguration: { status: "Enabled" },
                },
                { parent: this },
            );
            const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
                `${name}-encryption`,
                {
                    bucket: bucket.bucket,
                    rules: [
                        {
                            applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
                            bucketKeyEnabled: true,
                        },
                    ],
                },
                { parent: this },
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
                { parent: this },
            );
            // ACLs off: access is decided by IAM and the bucket policy alone.
            const ownership = new aws.s3.BucketOwnershipControls(
                `${name}-ownership`,
                {
                    bucket: bucket.bucket,
                    rule: { objectOwnership: "BucketOwnerEnforced" },
                },
                { parent: this },
            );
            const policy = new aws.s3.BucketPolicy(
                `${name}-tls-only`,
                {
                    bucket: bucket.bucket,
                    policy: bucket.arn.apply((arn) => JSON.stringify(renderTlsOnlyBucketPolicy(arn))),
                },
                { parent: this, dependsOn: [publicAccessBlock] },
            );
            // At preview: a bucket this update would create must not exist yet (stateBucketCheck.ts). The
            // ARN is unknown at preview exactly when the bucket is not in the stack's state yet.
            const arnIsKnown: Promise<boolean> | undefined = (bucket.arn as any).isKnown;
            const creating = arnIsKnown ? arnIsKnown.then((known) => !known) : Promise.resolve(false);
            const checked = pulumi
                .output(args.bucketName)
                .apply((name) => checkedStateBucketName(name, true, creating, { parent: this }));
            bucketName = pulumi.all([bucket.bucket, checked]).apply(([name]) => name);
            bucketArn = bucket.arn;
            objectsDependOn = [guard, versioning, encryption, publicAccessBlock, ownership, policy];
            // Registered whatever forceDestroy says, with inputs that do not carry it: a command that
            // leaves the program is deleted, and deleting this one runs the purge, so flipping
            // forceDestroy on a running stack must neither drop nor replace it. Destroy runs
            // backwards: the cluster (kops delete, which depends on this whole component), the
            // objects, this purge of every version under <cluster>/, the bucket.
            objectsDependOn.push(
                statePurgeCommand(
                    `${name}-purge-versions`,
                    {
                        bucketName: bucket.bucket,
                        clusterName: args.clusterName,
                        region: args.region,
                        awsProfile: args.awsProfile,
                    },
                    { parent: this, dependsOn: [bucket, versioning] },
                ),
            );
        } else {
            // At preview: the existing bucket must exist and be private and encrypted (stateBucketCheck.ts).
            bucketName = pulumi
                .output(args.bucketName)
                .apply((name) => checkedStateBucketName(name, false, Promise.resolve(false), { parent: this }));
            bucketArn = pulumi.output(undefined);
        }

        if (args.claim) {
            objectsDependOn = [...objectsDependOn, this.claimCommand(name, args, args.claim, bucketName, objectsDependOn)];
        }

        const objectArgs = {
            bucket: bucketName,
            // Explicit, so the files are encrypted even in an existing bucket without default encryption.
            serverSideEncryption: "AES256",
        };
        const objectOpts = { parent: this, dependsOn: objectsDependOn };
        new aws.s3.BucketObjectv2(
            `${name}-cert-pem`,
            {
                ...objectArgs,
                key: keys.certPem,
                content: args.certPem,
                contentType: pemContentType,
            },
            objectOpts,
        );
        new aws.s3.BucketObjectv2(
            `${name}-key-pem`,
            {
                ...objectArgs,
                key: keys.keyPem,
                content: privateKeyPem,
                contentType: pemContentType,
            },
            { ...objectOpts, additionalSecretOutputs: ["content"] },
        );
        new aws.s3.BucketObjectv2(
            `${name}-kubeconfig`,
            {
                ...objectArgs,
                key: keys.kubeconfig,
                content: args.webhookKubeconfig,
                contentType: yamlContentType,
            },
            objectOpts,
        );

        this.bucketName = bucketName;
        this.bucketArn = bucketArn;
        this.stateStoreUrl = bucketName.apply(stateStoreUrl);
        this.objectKeys = pulumi.output(keys);

        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            stateStoreUrl: this.stateStoreUrl,
            objectKeys: this.objectKeys,
        });
    }

    /** The claim step (claim.sh): read-only, after the bucket is ready, before any object. */
    private claimCommand(
        name: string,
        args: KopsStateStoreArgs,
        claim: ClusterClaimArgs,
        bucketName: pulumi.Output<string>,
        after: pulumi.Resource[],
    ): command.local.Command {
        if (!args.region) {
            throw new Error(`KopsStateStore ${name}: claim needs region (the AWS region kops runs with)`);
        }
        const adoptExisting = claim.adoptExisting ?? kopsClusterDefaults.adoptExisting;
        const lines = kopsCommandLines(adoptExisting).claim;
        const region = args.region;
        return new command.local.Command(
            `${name}-claim`,
            {
                create: lines.create,
                update: lines.update,
                environment: bucketName.apply((bucket) =>
                    claimEnvironment({
                        kopsBinary: claim.kopsBinary ?? kopsClusterDefaults.kopsBinary,
                        clusterName: args.clusterName,
                        clusterOwner: claim.owner,
                        stateStoreUrl: stateStoreUrl(bucket),
                        region,
                        awsProfile: args.awsProfile,
                        adoptExisting,
                    }),
                ),
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: after },
        );
    }
}
