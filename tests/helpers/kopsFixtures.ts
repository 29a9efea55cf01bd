// kOps' own cluster manifests as test data, one folder per case as in kOps' golden tests
// (tests/integration/create_cluster/<case>/): input.yaml (what kops printed), options.yaml (the
// `kops create cluster` flags that produced it, where kOps has them) and expected*.yaml (our patch of
// it). Where each input came from: tests/fixtures/kops/README.md.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export const kopsFixturesDir = path.join(__dirname, "..", "fixtures", "kops");

/** The case folders, sorted. */
export const kopsCases: string[] = fs
    .readdirSync(kopsFixturesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** A file of a case: its input.yaml unless named. */
export function kopsCaseFile(caseName: string, file = "input.yaml"): string {
    return path.join(kopsFixturesDir, caseName, file);
}

/** The kOps YAML of a case (its input.yaml). */
export function readKopsInput(caseName: string): string {
    return fs.readFileSync(kopsCaseFile(caseName), "utf8");
}

/** The `kops create cluster` flags of a case (kOps' options.yaml), or undefined where it has none. */
export function readKopsOptions(caseName: string): Record<string, any> | undefined {
    const file = kopsCaseFile(caseName, "options.yaml");
    return fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, "utf8")) : undefined;
}
