// A ConfigMap volume written the way kubelet writes it (pkg/volume/util/atomic_writer.go), so that a
// program watching the mounted files sees what it sees on a node when the ConfigMap changes:
//   <dir>/..2026_01_02_15_04_05.123456789/<key>   the payload, in a new timestamped directory (0755)
//   <dir>/..data -> ..2026_01_02_15_04_05.123456789   swapped by renaming ..data_tmp over it (atomic)
//   <dir>/<key> -> ..data/<key>                   the visible files, symlinks made once per key
// then the previous timestamped directory is removed, and visible keys no longer in the payload.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const dataDirName = "..data";
const newDataDirName = "..data_tmp";

/** `..2006_01_02_15_04_05.<random>`: the name kubelet gives a payload directory (os.MkdirTemp with its time prefix). */
function timestampedDirName(now: Date): string {
    const pad = (n: number) => String(n).padStart(2, "0");
    const stamp =
        `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_` +
        `${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
    return `..${stamp}.${crypto.randomInt(1e9)}`;
}

/** The payload the volume shows now (undefined before the first write). */
function currentPayload(dir: string): { tsDir: string; files: Record<string, string> } | undefined {
    let tsDir: string;
    try {
        tsDir = fs.readlinkSync(path.join(dir, dataDirName));
    } catch {
        return undefined;
    }
    const files: Record<string, string> = {};
    for (const name of fs.readdirSync(path.join(dir, tsDir))) {
        files[name] = fs.readFileSync(path.join(dir, tsDir, name), "utf8");
    }
    return { tsDir, files };
}

/**
 * Writes `data` (key → content) into the ConfigMap volume at `dir` as kubelet's atomic writer does;
 * returns false, writing nothing, when the volume already shows exactly `data` (kubelet skips
 * an unchanged payload too). The swap of `..data` is the instant a watcher can see the change.
 */
export function writeConfigMapVolume(dir: string, data: Record<string, string>, mode = 0o644): boolean {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const previous = currentPayload(dir);
    if (previous && JSON.stringify(Object.entries(previous.files).sort()) === JSON.stringify(Object.entries(data).sort())) {
        return false;
    }
    const tsDir = timestampedDirName(new Date());
    fs.mkdirSync(path.join(dir, tsDir), { mode: 0o755 });
    fs.chmodSync(path.join(dir, tsDir), 0o755);
    for (const [key, content] of Object.entries(data)) {
        const file = path.join(dir, tsDir, key);
        fs.writeFileSync(file, content, { mode });
        fs.chmodSync(file, mode);
    }
    // The visible paths: made once, they point through ..data and never change.
    for (const key of Object.keys(data)) {
        const visible = path.join(dir, key);
        if (!fs.existsSync(visible) && !isSymlink(visible)) {
            fs.symlinkSync(path.join(dataDirName, key), visible);
        }
    }
    const tmpLink = path.join(dir, newDataDirName);
    fs.rmSync(tmpLink, { force: true });
    fs.symlinkSync(tsDir, tmpLink);
    fs.renameSync(tmpLink, path.join(dir, dataDirName));
    if (previous) {
        fs.rmSync(path.join(dir, previous.tsDir), { recursive: true, force: true });
        for (const key of Object.keys(previous.files)) {
            if (!(key in data)) {
                fs.rmSync(path.join(dir, key), { force: true });
            }
        }
    }
    return true;
}

function isSymlink(file: string): boolean {
    try {
        return fs.lstatSync(file).isSymbolicLink();
    } catch {
        return false;
    }
}
