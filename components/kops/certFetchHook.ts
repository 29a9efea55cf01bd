// The control-plane hook that copies the authenticator's cert.pem and key.pem from the kOps state
// store to the host directory the authenticator DaemonSet mounts (the blog's hook, brought up to date).
//
// kOps renders a hook into a systemd unit (nodeup/pkg/model/hooks.go): `manifest` becomes the
// [Service] section verbatim; `execContainer` becomes `ctr run --net-host --privileged` with the
// host's `/` at `/rootfs` and `command` as the whole process argv (it replaces the image entrypoint).
// Either way systemd parses the command lines, expanding `$VAR` and `%x` itself, so the commands
// built here contain neither: every value is a validated word, joined with spaces, no quoting.
import { authenticatorObjectKeys } from "../aws/stateStoreLayout";

/** Host directory that receives cert.pem and key.pem; the DaemonSet mounts it as its state dir. */
export const authenticatorCertDir = "/srv/kubernetes/aws-iam-authenticator";

export interface CertFetchSource {
    /** State-store bucket name (no `s3://`). */
    stateBucket: string;
    /** kOps cluster name: the objects live under `<cluster>/addons/authenticator/`. */
    clusterName: string;
    /** Bucket region for `--region`; without it the aws CLI finds the bucket's region itself. */
    stateBucketRegion?: string;
    /** Owner (uid and gid) of the directory and both files: the DaemonSet's runAsUser/runAsGroup. */
    authenticatorUid: number;
}

export interface CertFetchTarget {
    /** Directory to fill, as the runner sees it (`/rootfs/...` inside the hook container). */
    targetDir: string;
    /** The aws CLI command: `aws` (found on PATH) or an absolute path. */
    awsCommand: string;
}

/**
 * The download as a list of argv vectors, run in order, stopping at the first failure.
 * Each file is downloaded to `<name>.download`, given its owner and mode, then renamed: a
 * rename within one directory is atomic, so cert.pem and key.pem are either the old or the new
 * complete file. The directory is made private to the authenticator's uid before the key lands
 * in it. Re-running replaces a leftover `.download` from a failed run.
 */
export function certFetchSteps(source: CertFetchSource, target: CertFetchTarget): string[][] {
    return checkedWords([...prepareSteps(source, target), ...fileSteps(source, target, `${target.targetDir}/`)]);
}

/** The steps as one `sh -c` script (in the directory, to keep it short): `&&` stops at the first failure and exits with its status. */
export function renderCertFetchScript(source: CertFetchSource, target: CertFetchTarget): string {
    const steps = [...prepareSteps(source, target), ["cd", target.targetDir], ...fileSteps(source, target, "")];
    return checkedWords(steps)
        .map((argv) => argv.join(" "))
        .join(" && ");
}

function prepareSteps(source: CertFetchSource, target: CertFetchTarget): string[][] {
    const owner = `${source.authenticatorUid}:${source.authenticatorUid}`;
    return [
        ["mkdir", "-p", target.targetDir],
        ["chown", owner, target.targetDir],
        ["chmod", "0700", target.targetDir],
    ];
}

function fileSteps(source: CertFetchSource, target: CertFetchTarget, dir: string): string[][] {
    const keys = authenticatorObjectKeys(source.clusterName);
    const owner = `${source.authenticatorUid}:${source.authenticatorUid}`;
    const region = source.stateBucketRegion === undefined ? [] : ["--region", source.stateBucketRegion];
    const download = (key: string, file: string) => [
        target.awsCommand,
        "s3",
        "cp",
        ...region,
        "--only-show-errors",
        `s3://${source.stateBucket}/${key}`,
        `${dir}${file}.download`,
    ];
    return [
        download(keys.certPem, "cert.pem"),
        download(keys.keyPem, "key.pem"),
        ["chown", owner, `${dir}cert.pem.download`, `${dir}key.pem.download`],
        ["chmod", "0644", `${dir}cert.pem.download`],
        ["chmod", "0600", `${dir}key.pem.download`],
        ["mv", "-f", `${dir}cert.pem.download`, `${dir}cert.pem`],
        ["mv", "-f", `${dir}key.pem.download`, `${dir}key.pem`],
    ];
}

function checkedWords(steps: string[][]): string[][] {
    for (const word of steps.flat()) {
        if (!/^[A-Za-z0-9_./:@+=,-]+$/.test(word)) {
            throw new Error(
                `cannot put ${JSON.stringify(word)} into the hook's command line: only letters, digits and _./:@+=,- are safe there`,
            );
        }
    }
    return steps;
}

/**
 * The steps as a systemd [Service] section for a `manifest` hook on the host: a oneshot whose
 * ExecStart lines run in order, and the unit fails at the first one that fails. Bare command
 * names are resolved by systemd (>= 239, every distro kOps 1.34+ supports) on its fixed search
 * path, which covers /usr/local/bin/aws (AWS' installer) and /usr/bin/aws (distro packages).
 */
export function renderCertFetchServiceSection(source: CertFetchSource): string {
    const steps = certFetchSteps(source, { targetDir: authenticatorCertDir, awsCommand: "aws" });
    return ["Type=oneshot", ...steps.map((argv) => `ExecStart=${argv.join(" ")}`)].join("\n") + "\n";
}
