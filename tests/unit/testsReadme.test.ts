// tests/README.md is a newcomer's map of the test tree; this keeps it matching the tree: every file
// outside the expected-output folders is named there, every test file has a row in its table, and
// every repository path it names exists.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const repoRoot = path.join(__dirname, "..", "..");
const testsDir = path.join(repoRoot, "tests");
const readmePath = path.join(testsDir, "README.md");

/** Folders of expected outputs and inputs: described by folder in the README, not file by file. */
const dataFolders = ["tests/golden", "tests/fixtures"];

/** Repository-relative paths (with `/`) of every file under `dir`. */
function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? filesUnder(full) : [path.relative(repoRoot, full).split(path.sep).join("/")];
    });
}

/** Every text in backticks in `markdown`. */
function codeSpans(markdown: string): string[] {
    return [...markdown.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
}

/**
 * Paths into the repository named in the code spans: words starting with one of its folders. The
 * tool cache (.cache/) is left out: install-tools.sh makes it, and a fresh clone has none.
 */
function namedRepositoryPaths(markdown: string): string[] {
    const words = codeSpans(markdown).flatMap((span) => span.split(/\s+/));
    const paths = words
        .map((word) => word.replace(/^[("']+|[)"',;:.]+$/g, ""))
        .filter((word) => /^(tests|components|tools|plugin|docs|\.ci)\//.test(word));
    return [...new Set(paths)];
}

/** Whether `pattern` (a repository path, `*` matching within one name) names something that exists. */
function exists(pattern: string): boolean {
    const withoutSlash = pattern.replace(/\/$/, "");
    if (!withoutSlash.includes("*")) {
        return fs.existsSync(path.join(repoRoot, withoutSlash));
    }
    const dir = path.posix.dirname(withoutSlash);
    const name = new RegExp(`^${path.posix.basename(withoutSlash).split("*").map(escapeRegExp).join("[^/]*")}$`);
    const full = path.join(repoRoot, dir);
    return fs.existsSync(full) && fs.readdirSync(full).some((entry) => name.test(entry));
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("tests/README.md matches the test tree", () => {
    const readme = fs.readFileSync(readmePath, "utf8");
    const named = new Set(codeSpans(readme).flatMap((span) => span.split(/\s+/)));
    const treeFiles = filesUnder(testsDir).filter(
        (file) => file !== "tests/README.md" && !dataFolders.some((folder) => file.startsWith(`${folder}/`)),
    );

    it("names every test file, helper, stub and script under tests/ (outside golden/ and fixtures/)", () => {
        assert.ok(treeFiles.length > 50, `expected the whole tree, found only ${treeFiles.join(", ")}`);
        const missing = treeFiles.filter((file) => !named.has(file));
        assert.deepEqual(
            missing,
            [],
            `tests/README.md does not name these files (add each, in backticks): ${missing.join(", ")}`,
        );
    });

    it("gives every test file a row in the table of what it covers", () => {
        const rows = new Set([...readme.matchAll(/^\| `([^`]+\.test\.ts)` \|/gm)].map((match) => match[1]));
        const missing = treeFiles.filter((file) => file.endsWith(".test.ts") && !rows.has(file));
        assert.deepEqual(missing, [], `tests/README.md's table has no row for: ${missing.join(", ")}`);
        const stale = [...rows].filter((file) => !treeFiles.includes(file));
        assert.deepEqual(stale, [], `tests/README.md's table has rows for test files that do not exist: ${stale.join(", ")}`);
    });

    it("names only paths that exist", () => {
        const paths = namedRepositoryPaths(readme).filter((named) => !named.includes("<"));
        assert.ok(paths.length > 50, `expected many paths, found ${paths.join(", ")}`);
        const absent = paths.filter((named) => !exists(named));
        assert.deepEqual(absent, [], `tests/README.md names paths that do not exist: ${absent.join(", ")}`);
    });

    it("names the data folders by their subfolders", () => {
        for (const folder of dataFolders) {
            const subfolders = fs
                .readdirSync(path.join(repoRoot, folder), { withFileTypes: true })
                .filter((entry) => entry.isDirectory())
                .map((entry) => `${folder}/${entry.name}/`);
            const missing = subfolders.filter(
                (subfolder) => ![...named].some((word) => word.startsWith(subfolder.replace(/\/$/, ""))),
            );
            assert.deepEqual(missing, [], `tests/README.md does not describe: ${missing.join(", ")}`);
        }
    });
});
