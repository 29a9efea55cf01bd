// The test runner's parts (tests/runner/): the timing reporter's record of a file, the plan of
// mocha runs from recorded timings, and the timings table in tests/README.md, which must be the
// rendering of tests/runner/timings.json (generated, not hand-written).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    planJobs,
    readmeTimingsTable,
    renderRecordedTable,
    RecordedTimings,
    testsReadme,
    timingsJson,
} from "../runner/recordedTimings";

const repoRoot = path.join(__dirname, "..", "..");

describe("the test runner", function () {
    it("the reporter records each file's time and outcomes, hooks included", function () {
        this.timeout(60000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "test-runner-"));
        try {
            const out = path.join(dir, "timings.jsonl");
            const result = spawnSync(
                path.join(repoRoot, "node_modules", ".bin", "mocha"),
                [
                    "--reporter",
                    path.join(repoRoot, "tests", "runner", "timingReporter.ts"),
                    "tests/fixtures/runner/outcomes.fixture.ts",
                ],
                { cwd: repoRoot, env: { ...process.env, KOPS_IAM_AUTH_TEST_TIMINGS: out }, encoding: "utf8" },
            );
            assert.strictEqual(result.status, 1, result.stdout + result.stderr);
            assert.match(result.stdout, /2 passing[\s\S]*1 pending[\s\S]*1 failing/);
            const [line, ...rest] = fs.readFileSync(out, "utf8").trim().split("\n");
            assert.deepStrictEqual(rest, []);
            const timing = JSON.parse(line);
            assert.deepStrictEqual(
                { ...timing, seconds: undefined },
                { file: "tests/fixtures/runner/outcomes.fixture.ts", seconds: undefined, passed: 2, failed: 1, pending: 1 },
            );
            assert.ok(timing.seconds >= 0.3 && timing.seconds < 30, `seconds: ${timing.seconds}`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("plans long files alone and short ones in bundles, longest first, unknown files before all", () => {
        const recorded = { "a.test.ts": 100, "b.test.ts": 45, "c.test.ts": 30, "d.test.ts": 20, "e.test.ts": 5, "f.test.ts": 1 };
        assert.deepStrictEqual(planJobs([...Object.keys(recorded), "new.test.ts"], recorded), [
            ["new.test.ts"],
            ["a.test.ts"],
            ["b.test.ts"],
            ["c.test.ts", "e.test.ts", "f.test.ts"],
            ["d.test.ts"],
        ]);
    });

    it("tests/README.md's timings table is the rendering of tests/runner/timings.json, and names every test file", () => {
        const recorded: RecordedTimings = JSON.parse(fs.readFileSync(timingsJson, "utf8"));
        const table = readmeTimingsTable(fs.readFileSync(testsReadme, "utf8"));
        assert.ok(table !== undefined, "tests/README.md has no timings table markers");
        assert.strictEqual(table, renderRecordedTable(recorded), "run `npm run test:record` to regenerate it");
        const missing = Object.keys(recorded.files).filter((file) => !fs.existsSync(path.join(repoRoot, file)));
        assert.deepStrictEqual(missing, [], "timings of files that are gone: run `npm run test:record`");
    });
});
