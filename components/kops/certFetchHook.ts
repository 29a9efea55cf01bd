// The control-plane hook that copies the authenticator's cert.pem and key.pem from the kOps state
// store to the host directory the authenticator DaemonSet mounts (the blog's hook, brought up to date).
//
// kOps renders a hook into a systemd unit (nodeup/pkg/model/hooks.go): `manifest` becomes the
// [Service] section verbatim; `execContainer` becomes `ctr run --net-host --privileged` with the
// host's `/` at `/rootfs` and `command` as the whole process argv (it replaces the image entrypoint).
// Either way the hook is one `/bin/sh -c` script whose command line systemd parses, expanding
// `$VAR` and `%x` itself, so the script contains neither, nor quotes: every value is a validated
// word, joined with spaces, and the shell syntax around them is fixed text.
import { authenticatorCertDir } from "../core/hostLayout";
import { authenticatorObjectKeys } from "../core/stateStoreLayout";

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
 * How long the hook keeps trying: 20 attempts 30 s apart, about 10 minutes. Long enough to outlast
 * what fails for a moment at boot (instance-profile credentials that are not usable yet, the route
 * or DNS to S3 coming up, a state store written moments ago); short enough that a real fault (a
 * wrong bucket, a missing permission) still lets the kubelet, which starts after the hook, bring
 * the control plane up well within kops validate's default wait (validateTimeout). After that the unit fails,
 * and `systemctl restart aws-iam-authenticator-certs.service` tries again.
 */
export const certFetchRetry = { attempts: 20, pauseSeconds: 30 } as const;

/** Where an attempt downloads: a private sibling of the target directory, on the same file system. */
function stagingDir(targetDir: string): string {
    return `${targetDir}.download`;
}

/**
 * One attempt as a list of argv vectors, run in order, stopping at the first failure. Both files
 * are downloaded into a private staging directory (uid-owned, 0700, the key 0600 before it is
 * written over) and given their owner and modes; then the last step installs them. On a node
 * without the target directory the staging directory is renamed to it, so the directory the
 * DaemonSet mounts never exists without both files (the pod waits for it, see manifests.ts); on a
 * node that has it, each file is renamed into it, so cert.pem and key.pem are always complete
 * files. A re-run replaces whatever a failed attempt left in the staging directory.
 */
export function certFetchSteps(source: CertFetchSource, target: CertFetchTarget): string[][] {
    return [...checkedWords(stageSteps(source, target)), ["/bin/sh", "-c", installScript(target.targetDir)]];
}

/**
 * The hook's `sh -c` script, for both runners: attempts (certFetchSteps joined by `&&`) until one
 * succeeds, certFetchRetry.attempts times, certFetchRetry.pauseSeconds apart; exits non-zero,
 * saying so, when none did.
 */
export function renderCertFetchScript(source: CertFetchSource, target: CertFetchTarget): string {
    const attempt = [...checkedWords(stageSteps(source, target)).map((argv) => argv.join(" ")), installScript(target.targetDir)];
    const { attempts, pauseSeconds } = certFetchRetry;
    const numbers = Array.from({ length: attempts }, (_, i) => i + 1).join(" ");
    return (
        `for attempt in ${numbers}; do ${attempt.join(" && ")} && exit 0; ` +
        `echo aws-iam-authenticator-certs: download failed, retrying in ${pauseSeconds}s; sleep ${pauseSeconds}; done; ` +
        `echo aws-iam-authenticator-certs: gave up after ${attempts} attempts; exit 1`
    );
}

function stageSteps(source: CertFetchSource, target: CertFetchTarget): string[][] {
    const keys = authenticatorObjectKeys(source.clusterName);
    const owner = `${source.authenticatorUid}:${source.authenticatorUid}`;
    const region = source.stateBucketRegion === undefined ? [] : ["--region", source.stateBucketRegion];
    const staging = stagingDir(target.targetDir);
    const download = (key: string, file: string) => [
        target.awsCommand,
        "s3",
        "cp",
        ...region,
        "--only-show-errors",
        `s3://${source.stateBucket}/${key}`,
        `${staging}/${file}`,
    ];
    return [
        ["mkdir", "-p", staging],
        ["chown", owner, staging],
        ["chmod", "0700", staging],
        download(keys.certPem, "cert.pem"),
        download(keys.keyPem, "key.pem"),
        ["chown", owner, `${staging}/cert.pem`, `${staging}/key.pem`],
        ["chmod", "0644", `${staging}/cert.pem`],
        ["chmod", "0600", `${staging}/key.pem`],
    ];
}

/** Moves the staged files into place (see certFetchSteps); the paths are checked words. */
function installScript(targetDir: string): string {
    const [staging] = checkedWords([[stagingDir(targetDir), targetDir]])[0];
    // A node with the directory gets the files one by one; a node without it gets the whole staging directory.
    return (
        `if test -d ${targetDir}; then mv -f ${staging}/cert.pem ${targetDir}/cert.pem && ` +
        `mv -f ${staging}/key.pem ${targetDir}/key.pem && rmdir ${staging}; else mv ${staging} ${targetDir}; fi`
    );
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
 * The hook as a systemd [Service] section for a `manifest` hook on the host: a oneshot running the
 * same script as the container runner with the host's `/bin/sh` and `aws`. systemd parses the line
 * (the double quotes make the script one argument) and expands `$` and `%`, which it has none of.
 * The bare `aws` is found on the unit's PATH, which covers /usr/local/bin/aws (AWS' installer) and
 * /usr/bin/aws (distro packages).
 */
export function renderCertFetchServiceSection(source: CertFetchSource): string {
    const script = renderCertFetchScript(source, { targetDir: authenticatorCertDir, awsCommand: "aws" });
    return ["Type=oneshot", `ExecStart=/bin/sh -c "${script}"`].join("\n") + "\n";
}
