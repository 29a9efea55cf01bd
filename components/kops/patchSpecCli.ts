// Pipes kOps YAML through the spec patch: stdin → patchClusterSpec → stdout, options as JSON in
// the SPEC_PATCH environment variable (values never go on a command line).
//   SPEC_PATCH='{"clusterName":...}' node -r ts-node/register/transpile-only components/kops/patchSpecCli.ts < in.yaml > out.yaml
// Exit 0: patched YAML on stdout; 1: refused spec or bad options; 2: usage error. Errors go to stderr as `error: <message>`.
import * as fs from "fs";
import { parseSpecPatchOptions, patchClusterSpec } from "./specPatch";

const usage = "usage: SPEC_PATCH=<options JSON> patchSpecCli.ts < kops.yaml > patched.yaml (no arguments)";

function main(): number {
    if (process.argv.length > 2) {
        process.stderr.write(`error: unexpected argument ${JSON.stringify(process.argv[2])}\n${usage}\n`);
        return 2;
    }
    const optionsJson = process.env.SPEC_PATCH;
    if (!optionsJson) {
        process.stderr.write(`error: SPEC_PATCH is not set\n${usage}\n`);
        return 2;
    }
    try {
        const options = parseSpecPatchOptions(optionsJson);
        const input = fs.readFileSync(0, "utf8");
        if (input.trim() === "") {
            throw new Error("no kOps YAML on stdin");
        }
        process.stdout.write(patchClusterSpec(input, options));
        return 0;
    } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        return 1;
    }
}

process.exitCode = main();
