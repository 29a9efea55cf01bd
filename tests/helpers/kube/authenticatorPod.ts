// Runs the aws-iam-authenticator DaemonSet's container as a local process: its volumes become
// directories under a temporary root (hostPath volumes at <root><hostPath>, ConfigMaps written as
// kubelet's atomic writer writes them, ./configMapVolume.ts), its args are the container's args
// with every path remapped through the volume mounts, its ConfigMap volumes are also bind-mounted
// at their container paths (a path inside a ConfigMap file, such as config.yaml's dynamicfilepath,
// then resolves as in the pod), and it runs as the container's runAsUser/runAsGroup.
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as path from "path";
import { BackgroundProcess, startBackground } from "../processes/processes";
import { writeConfigMapVolume } from "./configMapVolume";
import { skipOrFail } from "../processes/tools";

/** The parts of a rendered DaemonSet this reads (renderAuthenticatorDaemonSet's shape). */
export interface DaemonSetLike {
    spec: {
        template: {
            spec: {
                containers: Array<{
                    name: string;
                    args: string[];
                    securityContext?: {
                        runAsUser?: number;
                        runAsGroup?: number;
                        allowPrivilegeEscalation?: boolean;
                        capabilities?: { drop?: string[] };
                    };
                    volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
                }>;
                volumes: Array<{ name: string; hostPath?: { path: string }; configMap?: { name: string } }>;
            };
        };
    };
}

/** A ConfigMap as rendered (name and data). */
export interface ConfigMapLike {
    metadata: { name: string };
    data: Record<string, string>;
}

export interface Mount {
    mountPath: string;
    /** The directory on "the host" (under the temporary root) that backs it. */
    hostDir: string;
    readOnly: boolean;
    /** The volume's kind: a ConfigMap's directory is bind-mounted at mountPath for the process too. */
    source: "hostPath" | "configMap";
}

const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);

/** The single container of the DaemonSet (the authenticator runs alone in its pod). */
export function authenticatorContainer(daemonSet: DaemonSetLike) {
    const containers = daemonSet.spec.template.spec.containers;
    if (containers.length !== 1) {
        throw new Error(`expected one container in the DaemonSet, found ${containers.length}`);
    }
    return containers[0];
}

/**
 * Where each of the container's mounts lives under `root`. ConfigMap volumes are written (each key
 * a file, 0644) or, when already there, updated as kubelet's atomic writer does; hostPath
 * directories are left to the caller (the hook makes them on a real node).
 */
export function projectVolumes(daemonSet: DaemonSetLike, root: string, configMaps: ConfigMapLike[]): Mount[] {
    const podSpec = daemonSet.spec.template.spec;
    return authenticatorContainer(daemonSet).volumeMounts.map((mount) => {
        const volume = podSpec.volumes.find((v) => v.name === mount.name);
        if (!volume) {
            throw new Error(`volumeMount ${mount.name} names no volume of the pod`);
        }
        if (volume.hostPath) {
            return {
                mountPath: trimSlash(mount.mountPath),
                hostDir: trimSlash(path.join(root, volume.hostPath.path)),
                readOnly: mount.readOnly ?? false,
                source: "hostPath" as const,
            };
        }
        if (volume.configMap) {
            const configMap = configMaps.find((c) => c.metadata.name === volume.configMap!.name);
            if (!configMap) {
                throw new Error(`volume ${volume.name} mounts ConfigMap ${volume.configMap.name}, which the test did not render`);
            }
            const dir = path.join(root, "configmaps", configMap.metadata.name);
            fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
            writeConfigMapVolume(dir, configMap.data);
            return { mountPath: trimSlash(mount.mountPath), hostDir: dir, readOnly: true, source: "configMap" as const };
        }
        throw new Error(`volume ${volume.name} is neither hostPath nor configMap; this harness cannot project it`);
    });
}

/** The host path behind a path inside the container, or undefined when no mount covers it. */
export function hostPathOf(containerPath: string, mounts: Mount[]): string | undefined {
    const covering = mounts
        .filter((m) => containerPath === m.mountPath || containerPath.startsWith(`${m.mountPath}/`))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    return covering ? covering.hostDir + containerPath.slice(covering.mountPath.length) : undefined;
}

/**
 * The container's args with every absolute path (`--flag=/path`) moved to its host directory.
 * A path no mount covers is an error: in the pod it would be on the image's read-only root.
 */
export function remapArgs(args: string[], mounts: Mount[]): string[] {
    return args.map((arg) => {
        const match = /^(--[\w-]+=)(\/.*)$/.exec(arg);
        if (!match) {
            if (arg.startsWith("/")) {
                throw new Error(`arg ${arg} is a bare path; only --flag=/path args are remapped`);
            }
            return arg;
        }
        const host = hostPathOf(match[2], mounts);
        if (host === undefined) {
            throw new Error(
                `arg ${arg} refers to ${match[2]}, which no volumeMount of the container covers ` +
                    `(mounts: ${mounts.map((m) => m.mountPath).join(", ")})`,
            );
        }
        return match[1] + host;
    });
}

/**
 * True when this process can act as other users (real root, not root of a user namespace that
 * maps only its own uid): needed to chown to the DaemonSet's uid and to run as it.
 */
export function canActAsAnyUid(): boolean {
    if (process.getuid?.() !== 0) {
        return false;
    }
    const map = fs.readFileSync("/proc/self/uid_map", "utf8").trim().split(/\s+/);
    return map[0] === "0" && map[1] === "0" && Number(map[2]) >= 65536;
}

/**
 * Skips (or under CI fails) the stage unless this process can act as any uid: the stage gives the
 * files to the DaemonSet's uid and runs the server as it.
 */
export function requireAnyUid(ctx: Mocha.Context, stage: string): void {
    if (!canActAsAnyUid()) {
        skipOrFail(
            ctx,
            `${stage} must run as root (tests/offline.sh keeps root when run as root) to give the ` +
                "files to the DaemonSet's uid and run the server as it",
        );
    }
}

/** Fails with a clear message when a TCP port on 127.0.0.1 is taken. */
export async function assertPortFree(port: number, owner: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
        const server = net.createServer();
        server.once("error", (err) => reject(new Error(`127.0.0.1:${port} is in use (${err.message}); ${owner} needs it`)));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
    });
}

/**
 * `command args` in a private mount namespace where each ConfigMap volume is also bind-mounted,
 * read-only, at its container path, so that a path written inside a ConfigMap file resolves as in
 * the pod. Needs root. The one trace on the machine: the mount points, empty directories such as
 * /etc/aws-iam-authenticator (unshare makes the namespace's mounts private; nothing else is shared).
 */
export function inContainerPaths(mounts: Mount[], command: string, args: string[]): [string, string[]] {
    const binds = mounts.filter((m) => m.source === "configMap");
    if (binds.length === 0) {
        return [command, args];
    }
    // Pairs of (host directory, container path) up to "--", then the command; none inside the script text.
    const script =
        'while [ "$1" != -- ]; do mkdir -p "$2" && mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || exit 97; ' +
        'shift 2; done; shift; exec "$@"';
    return [
        "unshare",
        ["-m", "--", "sh", "-c", script, "sh", ...binds.flatMap((m) => [m.hostDir, m.mountPath]), "--", command, ...args],
    ];
}

/**
 * The container's process, started the way the kubelet would start it as far as a process can
 * be: the image entrypoint `binary` with the remapped args, as runAsUser/runAsGroup without
 * supplementary groups, with no_new_privs when allowPrivilegeEscalation is false and no
 * capabilities when they are all dropped (setpriv). `env` is its whole environment. `wrap`, if
 * given, turns the command line into another that runs it (e.g. in a private mount namespace).
 */
export function startContainerProcess(
    binary: string,
    daemonSet: DaemonSetLike,
    mounts: Mount[],
    env: NodeJS.ProcessEnv,
    wrap: (command: string, args: string[]) => [string, string[]] = (command, args) => [command, args],
): { process: BackgroundProcess; args: string[] } {
    const container = authenticatorContainer(daemonSet);
    const args = remapArgs(container.args, mounts);
    const security = container.securityContext ?? {};
    if (security.runAsUser === undefined || security.runAsGroup === undefined) {
        throw new Error("the container sets no runAsUser/runAsGroup; this harness runs it as a given uid only");
    }
    const setprivArgs = [`--reuid=${security.runAsUser}`, `--regid=${security.runAsGroup}`, "--clear-groups"];
    if (security.allowPrivilegeEscalation === false) {
        setprivArgs.push("--no-new-privs");
    }
    if (security.capabilities?.drop?.includes("ALL")) {
        setprivArgs.push("--inh-caps=-all", "--bounding-set=-all");
    }
    const [command, commandArgs] = wrap(...inContainerPaths(mounts, "setpriv", [...setprivArgs, "--", binary, ...args]));
    const proc = startBackground(command, commandArgs, { env, cwd: "/" });
    return { process: proc, args };
}

/** GET (or POST `body`) over TLS, trusting only `caPem`: the authenticator's /healthz and /authenticate. */
export function httpsRequest(url: string, caPem: string, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const request = https.request(
            url,
            {
                method: body === undefined ? "GET" : "POST",
                ca: caPem,
                headers: body === undefined ? {} : { "content-type": "application/json" },
                timeout: 5000,
            },
            (response) => {
                let text = "";
                response.on("data", (d) => {
                    text += d;
                });
                response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
            },
        );
        request.once("timeout", () => request.destroy(new Error(`${url}: no answer within 5 s`)));
        request.once("error", reject);
        request.end(body);
    });
}
