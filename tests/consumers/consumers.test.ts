// The package as other projects use it: `npm pack`ed, installed from the tarball into new Pulumi
// projects (TypeScript with Pulumi's template tsconfig, and plain JavaScript), type-checked against
// the shipped declarations, and each example of the README's "Use the components" section run
// under Pulumi's mocks, with the consumer's own copy of the SDK (tools/plan/mockRuntime.ts). The
// consumer's @pulumi/pulumi is another version than the lock's, and the package must use it rather
// than bring its own. The install is offline: npm takes every package from its cache, as this
// repository's `npm ci` left it, and tests/setup/install-tools.sh for the consumer's SDK.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kopsCommandLines } from "../../components/core/kopsCommandLines";
import { checkedCommandSettings, kopsCommandEnvironments } from "../../components/kops/commandEnvironment";
import { renderProgram, RecordedResource } from "../../tools/plan/mockRuntime";
import { requireKopsModule } from "../helpers/data/kopsFixtures";
import { baseSettings, kopsLifecycleCalls, readStubCalls, stubKopsEnv, stubsDir } from "../helpers/processes/stubKops";
import { runOk } from "../helpers/processes/processes";
import { skipOrFail } from "../helpers/processes/tools";

const repoRoot = path.join(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
const repoManifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
const repoLock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8"));
/** The SDK the repository is locked to. */
const lockedSdkVersion: string = repoLock.packages["node_modules/@pulumi/pulumi"].version;
/** The consumer's own SDK: the oldest @pulumi/pulumi package.json accepts (its caret range's floor). */
const consumerSdkVersion: string = repoManifest.dependencies["@pulumi/pulumi"].replace(/^\^/, "");

/** The code blocks of the README's "Use the components from your own program" section, by language. */
function readmeExamples(): { ts: string[]; js: string[] } {
    const section = readme.slice(
        readme.indexOf("## Use the components from your own program"),
        readme.indexOf("## Architecture"),
    );
    const blocks = [...section.matchAll(/```(ts|js)\n([\s\S]*?)```/g)];
    return {
        ts: blocks.filter((b) => b[1] === "ts").map((b) => b[2]),
        js: blocks.filter((b) => b[1] === "js").map((b) => b[2]),
    };
}

/** The files beside components/ that `npm pack` builds and ships the package from. */
const packageSources = ["package.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE"];

/** The tsconfig.json of Pulumi's `typescript` project template. */
const pulumiTemplateTsconfig = {
    compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
};

/**
 * package.json and package-lock.json of a consumer: this repository's dependencies, its own
 * @pulumi/pulumi (consumerSdkVersion) and the tarball, and this repository's lock, so that npm
 * resolves everything from the lock and its cache offline.
 */
function writeConsumerManifests(dir: string, name: string, tarball: string): void {
    const manifest = {
        name,
        private: true,
        main: "index.ts",
        dependencies: {
            ...repoManifest.dependencies,
            "@pulumi/pulumi": consumerSdkVersion,
            "kops-iam-auth": `file:${path.relative(dir, tarball)}`,
        },
        devDependencies: {
            typescript: repoManifest.devDependencies.typescript,
            "@types/node": repoManifest.devDependencies["@types/node"],
        },
    };
    const lock = structuredClone(repoLock);
    lock.name = name;
    lock.packages[""] = { name, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
}

/** Resource types (and names without the component's own name) a rendering registered, sorted. */
function registrations(resources: RecordedResource[], componentName: string): string[] {
    return resources
        .filter((r) => r.type !== "pulumi:pulumi:Stack")
        .map((r) => `${r.type} ${r.name.replace(new RegExp(`^${componentName}(?=-|$)`), "<name>")}`)
        .sort();
}

/**
 * A consumer program whose mapRoles entry is an Output that resolves to an IAM user's ARN, not a
 * role's: it type-checks, and fails when the value resolves, naming the argument.
 */
const badRoleArnProgram = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KopsIamCluster } from "kops-iam-auth";

const caller = aws.getCallerIdentityOutput();
new KopsIamCluster("ci", {
    clusterName: "ci.k8s.local",
    stateBucketName: "my-kops-state",
    mapRoles: [{ roleArn: pulumi.interpolate\`arn:aws:iam::\${caller.accountId}:user/alice\`, username: "alice", groups: ["deployers"] }],
});
`;

describe("consumers: the packed package in new TypeScript and JavaScript projects", function () {
    this.timeout(15 * 60 * 1000);
    const examples = readmeExamples();
    const figures: string[] = [];
    let dir: string;
    let packed: { filename: string; size: number; files: Array<{ path: string }> };
    let tsDir: string;
    let jsDir: string;

    before(async function () {
        const cached = await runOk("npm", ["cache", "ls", `@pulumi/pulumi@${consumerSdkVersion}`]);
        if (!cached.includes(`/pulumi-${consumerSdkVersion}.tgz`)) {
            skipOrFail(
                this,
                `@pulumi/pulumi ${consumerSdkVersion} is not in npm's cache (bash tests/setup/install-tools.sh puts it there)`,
            );
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumers-"));
        let started = Date.now();
        // Packed from a copy of what the package is built from: npm pack's prepack deletes dist/ and
        // its prepare rebuilds it, which must not happen under the feet of tests running beside this one.
        const source = path.join(dir, "source");
        for (const entry of [...packageSources, "components"]) {
            fs.cpSync(path.join(repoRoot, entry), path.join(source, entry), { recursive: true });
        }
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(source, "node_modules"));
        packed = JSON.parse(
            await runOk("npm", ["pack", "--json", "--pack-destination", dir], { cwd: source, timeoutMs: 300000 }),
        )[0];
        figures.push(`npm pack: ${((Date.now() - started) / 1000).toFixed(1)} s, tarball ${packed.size} bytes`);
        const tarball = path.join(dir, packed.filename);

        tsDir = path.join(dir, "typescript");
        fs.mkdirSync(tsDir);
        writeConsumerManifests(tsDir, "consumer-typescript", tarball);
        const tsFiles = [...examples.ts.map((_, i) => (i === 0 ? "index.ts" : `example${i + 1}.ts`)), "badRoleArn.ts"];
        fs.writeFileSync(
            path.join(tsDir, "tsconfig.json"),
            JSON.stringify({ ...pulumiTemplateTsconfig, files: tsFiles }, null, 4),
        );
        fs.writeFileSync(path.join(tsDir, "Pulumi.yaml"), "name: consumer-typescript\nruntime: nodejs\n");
        examples.ts.forEach((code, i) => fs.writeFileSync(path.join(tsDir, tsFiles[i]), code));
        fs.writeFileSync(path.join(tsDir, "badRoleArn.ts"), badRoleArnProgram);
        started = Date.now();
        await runOk("npm", ["install", "--offline", "--no-audit", "--no-fund"], { cwd: tsDir, timeoutMs: 600000 });
        figures.push(`offline npm install: ${((Date.now() - started) / 1000).toFixed(1)} s`);

        // The JavaScript project uses the same installed node_modules (one install is enough to test).
        jsDir = path.join(dir, "javascript");
        fs.mkdirSync(jsDir);
        writeConsumerManifests(jsDir, "consumer-javascript", tarball);
        fs.writeFileSync(path.join(jsDir, "Pulumi.yaml"), "name: consumer-javascript\nruntime: nodejs\n");
        examples.js.forEach((code, i) => fs.writeFileSync(path.join(jsDir, i === 0 ? "index.js" : `example${i + 1}.js`), code));
        fs.symlinkSync(path.join(tsDir, "node_modules"), path.join(jsDir, "node_modules"));
    });

    after(() => {
        console.log(`      figures: ${figures.join("; ")}`);
    });

    it("the README has the examples these tests run: three in TypeScript, one in JavaScript", () => {
        assert.equal(examples.ts.length, 3);
        assert.equal(examples.js.length, 1);
    });

    it("npm pack ships the build, the scripts, README and LICENSE, and no test or source file", () => {
        const files = packed.files.map((f) => f.path);
        // No source maps: they would point at components/*.ts, which the package does not ship.
        const unexpected = files.filter(
            (f) => !/^(dist\/.+\.(js|d\.ts)|components\/kops\/scripts\/[a-z-]+\.sh|README\.md|LICENSE|package\.json)$/.test(f),
        );
        assert.deepEqual(unexpected, []);
        for (const needed of [
            "dist/index.js",
            "dist/index.d.ts",
            "dist/kops/kopsHelper.js",
            "components/kops/scripts/lib.sh",
            "LICENSE",
        ]) {
            assert.ok(files.includes(needed), `${needed} is not in the package`);
        }
        // Nor a reference to a map: a debugger would look for it, and for the sources behind it.
        const installed = path.join(tsDir, "node_modules", "kops-iam-auth");
        const mapped = files.filter(
            (f) => /\.(js|d\.ts)$/.test(f) && fs.readFileSync(path.join(installed, f), "utf8").includes("sourceMappingURL"),
        );
        assert.deepEqual(mapped, []);
    });

    it("the consumer has one @pulumi/pulumi, its own, which the package and the provider SDKs use", async () => {
        assert.notEqual(
            consumerSdkVersion,
            lockedSdkVersion,
            "package.json's @pulumi/pulumi floor is the locked version: this test needs another version to install beside the package",
        );
        const ls = await runOk("npm", ["ls", "@pulumi/pulumi", "--all", "--offline"], { cwd: tsDir });
        figures.push(`npm ls @pulumi/pulumi:\n${ls.trimEnd()}`);
        const installed = JSON.parse(await runOk("npm", ["query", "#@pulumi/pulumi", "--offline"], { cwd: tsDir })) as Array<{
            location: string;
            version: string;
        }>;
        assert.deepEqual(
            installed.map((node) => `${node.location}@${node.version}`),
            [`node_modules/@pulumi/pulumi@${consumerSdkVersion}`],
        );
        const fromPackage = spawnSync(
            process.execPath,
            ["-p", "require.resolve('@pulumi/pulumi', { paths: [require.resolve('kops-iam-auth')] })"],
            { cwd: tsDir, encoding: "utf8" },
        );
        assert.equal(
            fromPackage.stdout.trim(),
            path.join(tsDir, "node_modules", "@pulumi", "pulumi", "index.js"),
            fromPackage.stderr,
        );
    });

    it("the TypeScript project type-checks against the shipped declarations (Pulumi's template tsconfig)", async () => {
        const started = Date.now();
        const tsc = path.join(tsDir, "node_modules", "typescript", "bin", "tsc");
        const check = spawnSync(process.execPath, [tsc, "--noEmit", "-p", ".", "--listFiles"], { cwd: tsDir, encoding: "utf8" });
        assert.equal(check.status, 0, check.stdout + check.stderr);
        assert.match(
            check.stdout,
            /node_modules\/kops-iam-auth\/dist\/index\.d\.ts/,
            "not checked against the shipped declarations",
        );
        figures.push(`consumer type-check: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    describe("under mocks, each consumer registers what this repository's own program registers", () => {
        let own: string[];
        before(async () => {
            const rendering = await renderProgram({
                projectDir: repoRoot,
                program: "index.ts",
                project: "kops-iam-auth",
                stack: "consumers",
                config: {
                    "aws:region": "eu-west-1",
                    "kops-iam-auth:clusterName": "ci.k8s.local",
                    "kops-iam-auth:stateBucketName": "my-kops-state",
                },
            });
            own = registrations(rendering.resources, "cluster");
        });

        it("TypeScript, the whole recipe: the same resources, plus the consumer's own Namespace", async () => {
            const rendering = await renderProgram({
                projectDir: tsDir,
                program: "index.ts",
                project: "consumer-typescript",
                stack: "dev",
                // The README's TypeScript example passes only the two required args: the region is the stack's.
                config: { "aws:region": "eu-west-1" },
            });
            assert.deepEqual(registrations(rendering.resources, "ci"), [...own, "kubernetes:core/v1:Namespace apps"].sort());
            assert.ok(
                rendering.resources.every((r) => !r.urn.includes("kops-iam-auth::")),
                "registered under the consumer's project",
            );
        });

        it("JavaScript: the same resources; getKubeconfig gives the mapRoles role a kubeconfig", async () => {
            const rendering = await renderProgram({
                projectDir: jsDir,
                program: "index.js",
                project: "consumer-javascript",
                stack: "dev",
                config: {},
            });
            assert.deepEqual(registrations(rendering.resources, "ci"), own);
            const outputs = rendering.outputs as Record<string, any>;
            // The role ARN is built from the account lookup (the plan's placeholder account).
            assert.match(outputs.deployerKubeconfig, /arn:aws:iam::000000000000:role\/ci\/Deployer/);
            assert.match(outputs.deployerKubeconfig, /AWS_PROFILE/);
        });

        it("TypeScript, wired to its own bucket, role and SSH key: the ConfigMap, spec patch and commands carry the resolved values", async () => {
            const rendering = await renderProgram({
                projectDir: tsDir,
                program: "example2.ts",
                project: "consumer-typescript",
                stack: "dev",
                config: { "aws:region": "eu-west-1" },
            });
            const one = (type: string, name: string) => rendering.resources.find((r) => r.type === type && r.name === name)!;
            // The fake providers' names and ARNs for the consumer's own resources (tools/plan/fakeProviders.ts).
            const bucket = "state-generated";
            const roleArn = "arn:aws:iam::000000000000:role/deployer-generated";
            const configMap = one("kubernetes:core/v1:ConfigMap", "ci-authenticator-config");
            const mappings = JSON.parse(configMap.plainInputs.data["mappings.json"]);
            assert.ok(
                mappings.mapRoles.some((m: { rolearn: string }) => m.rolearn === roleArn),
                JSON.stringify(mappings.mapRoles),
            );
            const spec = one("command:local:Command", "ci-kops-spec").plainInputs.environment;
            assert.match(spec.SSH_PUBLIC_KEY, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5/);
            assert.equal(JSON.parse(spec.SPEC_PATCH).stateBucket, bucket);
            for (const step of ["spec", "apply", "kubeconfig"]) {
                assert.equal(
                    one("command:local:Command", `ci-kops-${step}`).plainInputs.environment.STATE_STORE,
                    `s3://${bucket}`,
                    step,
                );
            }
            // The component made no bucket of its own: the consumer's is the state store.
            assert.deepEqual(
                rendering.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name),
                ["state"],
            );
            assert.match((rendering.outputs as Record<string, string>).deployerKubeconfig, new RegExp(roleArn));
        });

        it("TypeScript, a mapRoles Output that resolves to a user's ARN: the program fails naming the argument", async () => {
            await assert.rejects(
                renderProgram({
                    projectDir: tsDir,
                    program: "badRoleArn.ts",
                    project: "consumer-typescript",
                    stack: "dev",
                    config: { "aws:region": "eu-west-1" },
                }),
                /KopsIamCluster ci: its args have 1 problem:\n {2}- mapRoles\[0\]\.roleArn: "arn:aws:iam::000000000000:user\/alice" is not allowed: an IAM role ARN/,
            );
        });

        it("TypeScript, only the authenticator with the consumer's own provider: its ConfigMap and DaemonSet through that provider", async () => {
            const rendering = await renderProgram({
                projectDir: tsDir,
                program: "example3.ts",
                project: "consumer-typescript",
                stack: "dev",
                // The README's TypeScript example passes only the two required args: the region is the stack's.
                config: { "aws:region": "eu-west-1" },
            });
            const provider = rendering.resources.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "existing")!;
            const objects = rendering.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.deepEqual(objects.map((r) => r.type).sort(), ["kubernetes:apps/v1:DaemonSet", "kubernetes:core/v1:ConfigMap"]);
            for (const object of objects) {
                assert.ok(
                    object.options.provider.startsWith(provider.urn),
                    `${object.name} is not deployed through the consumer's provider`,
                );
            }
        });
    });

    it("the installed package's kOps commands find its scripts from the consumer's directory", async function () {
        requireKopsModule(this);
        const resolved = spawnSync(process.execPath, ["-p", "require.resolve('kops-iam-auth/kops-helper')"], {
            cwd: tsDir,
            encoding: "utf8",
        });
        assert.equal(resolved.stdout.trim(), path.join(tsDir, "node_modules", "kops-iam-auth", "dist", "kops", "kopsHelper.js"));
        const stubState = path.join(dir, "kops-state");
        const settings = checkedCommandSettings("consumer", baseSettings);
        const result = spawnSync("bash", ["-c", kopsCommandLines(false).spec.create], {
            cwd: tsDir,
            encoding: "utf8",
            env: {
                PATH: `${stubsDir}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
                HOME: dir,
                ...stubKopsEnv(stubState),
                ...kopsCommandEnvironments(settings).spec,
            },
        });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(kopsLifecycleCalls(readStubCalls(stubState)), ["get cluster", "create cluster", "replace"]);
    });
});
