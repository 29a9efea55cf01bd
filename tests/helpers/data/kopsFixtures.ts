// kOps' own cluster manifests as test data, read at test time from the k8s.io/kops Go module that
// tests/setup/install-tools.sh builds kops from (the repository keeps no kOps file): for each case, what
// kops printed (a create-cluster golden test's expected-v1alpha2.yaml, or an existing cluster's spec) and,
// for create-cluster cases, the `kops create cluster` flags that produced it (its options.yaml). Our
// expected patch of each case is checked in at tests/fixtures/kops/<case>/expected*.yaml.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { findTool, skipOrFail } from "../processes/tools";

/** The kOps release the tests run (tests/setup/install-tools.sh's KOPS_VERSION, without the v). */
export const kopsVersion = "1.36.2";
const kopsModule = `k8s.io/kops@v${kopsVersion}`;

/** Where our expected patches of the cases are (tests/fixtures/kops/<case>/). */
export const expectedPatchDir = path.join(__dirname, "..", "..", "fixtures", "kops");

interface KopsCase {
    /** What kops printed, relative to the module's root. */
    input: string;
    /** The `kops create cluster` flags that produced `input`, relative to the module's root; create-cluster cases only. */
    options?: string;
}

/** A create-cluster golden test of kOps (tests/integration/create_cluster/<name>/): its output and its flags. */
const createCluster = (name: string): KopsCase => ({
    input: `tests/integration/create_cluster/${name}/expected-v1alpha2.yaml`,
    options: `tests/integration/create_cluster/${name}/options.yaml`,
});

/** An existing cluster's full spec, as `kops get` would print it, from an update-cluster golden test. */
const existingCluster = (name: string): KopsCase => ({ input: `tests/integration/update_cluster/${name}/in-v1alpha2.yaml` });

/**
 * The cases: kOps' outputs every spec-patch test runs over, and why each is here. `configBase` and
 * `keyStore` in them use kOps' test-only `memfs://` scheme; real clusters show `s3://...` there.
 */
const cases: Record<string, KopsCase> = {
    // Private topology, a bastion, three control-plane groups.
    "create-cluster-complex-private": createCluster("complex-private"),
    // A gossip (`.k8s.local`) name; also `npm run plan -- --kops-spec` (tests/plan/plan.test.ts).
    "create-cluster-gossip-aws": createCluster("gossip-aws"),
    // Three zones, three control-plane members.
    "create-cluster-ha": createCluster("ha"),
    // Five control-plane members in two zones.
    "create-cluster-ha_shared_zones": createCluster("ha_shared_zones"),
    // IPv6: private by default, calico.
    "create-cluster-ipv6": createCluster("ipv6"),
    // A Karpenter-managed instance group.
    "create-cluster-karpenter": createCluster("karpenter"),
    // An older Kubernetes version.
    "create-cluster-minimal-1.32": createCluster("minimal-1.32"),
    // The smallest cluster; also the stub kops' template (KOPS_STUB_TEMPLATE) and the hook-download test's spec.
    "create-cluster-minimal-1.36": createCluster("minimal-1.36"),
    // Private topology.
    "create-cluster-private": createCluster("private"),
    // An existing VPC.
    "create-cluster-shared_vpc": createCluster("shared_vpc"),
    // Has kOps' own spec.authentication.aws: refused, so it has no expected patch.
    "existing-complex": existingCluster("complex"),
    // Already has hooks and fileAssets: ours are added beside them.
    "existing-conversion-aws-hooks-fileassets": { input: "tests/integration/conversion/aws/v1alpha2.yaml" },
    // A full existing spec with kube-apiserver settings of its own.
    "existing-externalpolicies": existingCluster("externalpolicies"),
    // Service-account issuer discovery, a kube-apiserver feature gate of its own.
    "existing-public-jwks-apiserver": existingCluster("public-jwks-apiserver"),
};

/** The case names, sorted. */
export const kopsCases: string[] = Object.keys(cases).sort();

/** The create-cluster cases: those with the flags that produced them. */
export const kopsCasesWithOptions: string[] = kopsCases.filter((caseName) => cases[caseName].options !== undefined);

let moduleLookup: { dir?: string; problem?: string } | undefined;

/**
 * The module's directory in the Go module cache, looked up once without the network (GOPROXY=off):
 * `go mod download -json` prints it for a module the cache holds and fails for one it does not.
 */
function lookUpKopsModule(): { dir?: string; problem?: string } {
    if (moduleLookup === undefined) {
        const fetch = `\`go mod download ${kopsModule}\` (tests/setup/install-tools.sh does it) fetches it`;
        const go = findTool("go");
        if (!go) {
            moduleLookup = {
                problem: `kOps' test data comes from the Go module ${kopsModule}, and go is not installed (${fetch})`,
            };
        } else {
            const download = spawnSync(go, ["mod", "download", "-json", kopsModule], {
                cwd: os.tmpdir(),
                encoding: "utf8",
                env: { ...process.env, GOPROXY: "off" },
            });
            let info: { Dir?: string; Error?: string } = {};
            try {
                info = JSON.parse(download.stdout);
            } catch {
                info = { Error: download.stderr.trim() || `go exited ${download.status}` };
            }
            moduleLookup =
                download.status === 0 && info.Dir && fs.existsSync(info.Dir)
                    ? { dir: info.Dir }
                    : {
                          problem: `the Go module ${kopsModule} (kOps' test data) is not in the Go module cache (${info.Error?.replace(`${kopsModule}: `, "")}); ${fetch}`,
                      };
        }
    }
    return moduleLookup;
}

/** Skips the current test or suite when the kOps module is not in the Go module cache (under CI: fails). */
export function requireKopsModule(ctx: Mocha.Context): void {
    const { problem } = lookUpKopsModule();
    if (problem) {
        skipOrFail(ctx, problem);
    }
}

/** A file of the kOps module, by its path in the module (call requireKopsModule first to skip without it). */
export function kopsModuleFile(relativePath: string): string {
    const { dir, problem } = lookUpKopsModule();
    if (!dir) {
        throw new Error(problem);
    }
    return path.join(dir, relativePath);
}

function caseOf(caseName: string): KopsCase {
    const found = cases[caseName];
    if (!found) {
        throw new Error(`no kOps case ${caseName}; the cases are ${kopsCases.join(", ")}`);
    }
    return found;
}

/** The file holding what kops printed for a case. */
export function kopsInputFile(caseName: string): string {
    return kopsModuleFile(caseOf(caseName).input);
}

/** The kOps YAML of a case: one `Cluster`, then its `InstanceGroup`s. */
export function readKopsInput(caseName: string): string {
    return fs.readFileSync(kopsInputFile(caseName), "utf8");
}

/** The `kops create cluster` flags of a case (kOps' options.yaml), or undefined where it has none. */
export function readKopsOptions(caseName: string): Record<string, any> | undefined {
    const options = caseOf(caseName).options;
    return options === undefined ? undefined : YAML.parse(fs.readFileSync(kopsModuleFile(options), "utf8"));
}

/** Our expected patch of a case (checked in beside the other cases' under tests/fixtures/kops/). */
export function expectedPatchFile(caseName: string, file = "expected.yaml"): string {
    caseOf(caseName);
    return path.join(expectedPatchDir, caseName, file);
}
