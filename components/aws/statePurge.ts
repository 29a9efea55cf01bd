// The destroy-time cleanup that lets `pulumi destroy` delete a state bucket the stack created.
//
// The bucket is versioned (kOps asks for it) and forceDestroy is off by default, so S3 refuses to
// delete it while any object version or delete marker is left (BucketNotEmpty). `kops delete
// cluster` deletes the current objects under `<cluster>/` only: every older version, and the delete
// marker each deletion leaves, stays behind (seen with the real kops against moto_server,
// tests/integration/statePurgeMoto.test.ts). This command, which runs only on destroy, removes every
// version and delete marker whose key starts with `<cluster>/` and nothing else: the state of
// other clusters kept in the same bucket survives, and then S3 refuses the bucket's deletion, as
// it should.
//
// The command line is a fixed script; the bucket and the prefix come from the environment. It needs
// the AWS CLI and jq on the machine running `pulumi destroy` (jq the kOps scripts already need).
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { clusterStatePrefix } from "../core/stateStoreLayout";

/**
 * The script (bash) that deletes every object version and delete marker under
 * s3://$STATE_BUCKET/$CLUSTER_PREFIX, 1000 at a time (DeleteObjects' limit), through a temporary
 * file (a batch is larger than one command-line argument may be). Keys are filtered twice: by
 * the listing's prefix and again by jq, so nothing outside the prefix can reach DeleteObjects.
 */
export const purgeClusterVersionsScript = [
    "set -euo pipefail",
    "log() { printf 'kops-iam-auth: %s\\n' \"$*\" >&2; }",
    'die() { log "error: $*"; exit 1; }',
    ': "${STATE_BUCKET:?STATE_BUCKET is required}" "${CLUSTER_PREFIX:?CLUSTER_PREFIX is required}"',
    '[[ "$CLUSTER_PREFIX" == ?*/ && "$CLUSTER_PREFIX" != */*/ ]] || die "CLUSTER_PREFIX is \\"$CLUSTER_PREFIX\\"; expected <cluster name>/"',
    'where="s3://$STATE_BUCKET/$CLUSTER_PREFIX"',
    "for tool in aws jq; do",
    '  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed; it is needed to delete the old versions and delete markers under $where' +
        ' before the state bucket can be deleted (install the AWS CLI and jq, or delete them by hand and run pulumi destroy again)"',
    "done",
    "work=$(mktemp -d)",
    "trap 'rm -rf \"$work\"' EXIT",
    "total=0",
    // Listed again after each pass: a second pass finds what a concurrent writer added meanwhile.
    "for round in 1 2 3 4; do",
    '  aws s3api list-object-versions --bucket "$STATE_BUCKET" --prefix "$CLUSTER_PREFIX" --output json >"$work/listing.json" ||',
    '    die "cannot list the object versions under $where (error above)"',
    '  jq -c --arg p "$CLUSTER_PREFIX" \'[(.Versions // [])[], (.DeleteMarkers // [])[] | select(.Key | startswith($p)) | {Key, VersionId}]' +
        ' | range(0; length; 1000) as $i | {Objects: .[$i:$i + 1000], Quiet: true}\' <"$work/listing.json" >"$work/batches.jsonl"',
    '  [[ -s "$work/batches.jsonl" ]] || break',
    '  [[ $round != 4 ]] || die "versions keep appearing under $where; is a kops command still running on cluster ${CLUSTER_PREFIX%/}?"',
    "  while IFS= read -r batch; do",
    '    printf \'%s\' "$batch" >"$work/batch.json"',
    '    aws s3api delete-objects --bucket "$STATE_BUCKET" --delete "file://$work/batch.json" --output json >"$work/result.json" ||',
    '      die "cannot delete the object versions under $where (error above)"',
    '    failed=$(jq -r \'(.Errors // [])[] | "\\(.Key) \\(.VersionId): \\(.Code) \\(.Message)"\' <"$work/result.json")',
    '    [[ -z "$failed" ]] || die "S3 refused to delete some versions under $where: $failed"',
    "    total=$((total + $(jq '.Objects | length' <\"$work/batch.json\")))",
    '  done <"$work/batches.jsonl"',
    "done",
    'echo "deleted $total object versions and delete markers under $where"',
].join("\n");

/** The purge command's environment: the bucket, the prefix, and the AWS region and profile the stack uses. */
export function statePurgeEnvironment(
    bucketName: string,
    clusterName: string,
    region?: string,
    awsProfile?: string,
): Record<string, string> {
    return {
        STATE_BUCKET: bucketName,
        CLUSTER_PREFIX: clusterStatePrefix(clusterName),
        ...(region ? { AWS_REGION: region } : {}),
        ...(awsProfile ? { AWS_PROFILE: awsProfile } : {}),
    };
}

export interface StatePurgeArgs {
    bucketName: pulumi.Input<string>;
    clusterName: string;
    region?: string;
    awsProfile?: string;
}

/**
 * A `local.Command` that does nothing on create and update and, on destroy, deletes every version
 * and delete marker under `<cluster>/` (purgeClusterVersionsScript). Its owner orders it after
 * whatever writes under the prefix and before the bucket.
 */
export function statePurgeCommand(name: string, args: StatePurgeArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    return new command.local.Command(
        name,
        {
            delete: purgeClusterVersionsScript,
            interpreter: ["bash", "-c"],
            environment: pulumi
                .output(args.bucketName)
                .apply((bucket) => statePurgeEnvironment(bucket, args.clusterName, args.region, args.awsProfile)),
            addPreviousOutputInEnv: false,
        },
        opts,
    );
}
