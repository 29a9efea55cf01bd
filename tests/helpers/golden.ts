// Golden files, as in kOps' integration tests: a rendered artifact is compared with a checked-in
// expected file. `UPDATE_GOLDEN=1 npm test` rewrites the expected files; reviewers read their diff.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

export const goldenDir = path.join(__dirname, "..", "golden");

export function updatingGolden(): boolean {
    return process.env.UPDATE_GOLDEN === "1";
}

/** Compares `actual` with tests/golden/<relativePath>, or rewrites it when UPDATE_GOLDEN=1. */
export function assertGolden(relativePath: string, actual: string): void {
    const file = path.join(goldenDir, relativePath);
    if (updatingGolden()) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, actual);
        return;
    }
    if (!fs.existsSync(file)) {
        assert.fail(`golden file ${path.relative(process.cwd(), file)} is missing: run UPDATE_GOLDEN=1 npm test`);
    }
    assert.strictEqual(actual, fs.readFileSync(file, "utf8"),
        `${relativePath} differs from its golden file (UPDATE_GOLDEN=1 npm test rewrites it)`);
}
