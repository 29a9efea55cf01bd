// Golden files, as in kOps' integration tests: a rendered artifact is compared with a checked-in
// expected file. `UPDATE_GOLDEN=1 npm test` rewrites the expected files; reviewers read their diff.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

export const goldenDir = path.join(__dirname, "..", "..", "golden");

export function updatingGolden(): boolean {
    return process.env.UPDATE_GOLDEN === "1";
}

/**
 * Compares `actual` with the expected file `relativePath`, or rewrites it when UPDATE_GOLDEN=1. A
 * relative path is under tests/golden/; an absolute one (an expected patch of a kOps case in
 * tests/fixtures/kops/<case>/) is used as it is.
 */
export function assertGolden(relativePath: string, actual: string): void {
    const file = path.resolve(goldenDir, relativePath);
    const shown = path.relative(process.cwd(), file);
    if (updatingGolden()) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, actual);
        return;
    }
    if (!fs.existsSync(file)) {
        assert.fail(`golden file ${shown} is missing: run UPDATE_GOLDEN=1 npm test`);
    }
    assert.strictEqual(
        actual,
        fs.readFileSync(file, "utf8"),
        `${shown} differs from its golden file (UPDATE_GOLDEN=1 npm test rewrites it)`,
    );
}
