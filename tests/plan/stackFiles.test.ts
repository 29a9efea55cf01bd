// How plan reads Pulumi.yaml and stack files into the config the engine would pass the program.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readProjectFile, readStackConfig, stackNameOfFile, StackFileError } from "../../tools/plan/stackFiles";

const root = path.join(__dirname, "..", "..");

describe("plan: project and stack files", () => {
    let dir: string;
    const write = (name: string, text: string) => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
    };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-stack-files-"));
        write("Pulumi.yaml", [
            "name: demo",
            "main: program.ts",
            "config:",
            "  count: {type: integer, default: 2}",
            "  zones: {type: array, items: {type: string}, default: []}",
            "  required: {type: string}",
            "  aws:region: {value: eu-west-1}",
            "  other:flag: true",
        ].join("\n"));
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("takes the project's defaults and namespaced values, as strings and JSON", () => {
        assert.deepStrictEqual(readProjectFile(dir), {
            name: "demo",
            main: "program.ts",
            config: { "demo:count": "2", "demo:zones": "[]", "aws:region": "eu-west-1", "other:flag": "true" },
        });
    });

    it("overlays the stack's values: scalars as text, lists and maps as JSON, bare keys in the project namespace", () => {
        const file = write("Pulumi.test.yaml", [
            "config:",
            "  demo:count: 5",
            "  zones: [eu-west-1a, eu-west-1b]",
            "  demo:roles:",
            "    - {name: Admin, groups: [system:masters]}",
            "  aws:region: us-east-2",
        ].join("\n"));
        assert.deepStrictEqual(readStackConfig(readProjectFile(dir), file), {
            stack: "test",
            file,
            config: {
                "demo:count": "5",
                "demo:zones": JSON.stringify(["eu-west-1a", "eu-west-1b"]),
                "demo:roles": JSON.stringify([{ name: "Admin", groups: ["system:masters"] }]),
                "aws:region": "us-east-2",
                "other:flag": "true",
            },
            skippedSecrets: [],
        });
    });

    it("the real Pulumi.dev.yaml: every default of Pulumi.yaml plus the stack's values", () => {
        const project = readProjectFile(root);
        const { config } = readStackConfig(project, path.join(root, "Pulumi.dev.yaml"));
        assert.strictEqual(config["kops-iam-auth:clusterName"], "dev.k8s.local");
        assert.strictEqual(config["kops-iam-auth:nodeCount"], "2");
        assert.strictEqual(config["kops-iam-auth:kopsExtraFlags"], "[]");
        // The example stack's mapAccounts is commented out, and structured settings have no Pulumi.yaml default.
        assert.strictEqual(config["kops-iam-auth:mapAccounts"], undefined);
        assert.strictEqual(config["aws:region"], "eu-west-1");
    });

    it("refuses an encrypted value of the project (naming the key) and leaves provider secrets out", () => {
        const refused = write("Pulumi.enc.yaml", "config:\n  demo:required:\n    secure: AAAB\n  demo:other:\n    secure: AAAC\n");
        assert.throws(() => readStackConfig(readProjectFile(dir), refused), (error: Error) => error instanceof StackFileError
            && /encrypted \(secure:\) values for demo:required, demo:other; plan never decrypts secrets/.test(error.message));
        const skipped = write("Pulumi.aws.yaml", "config:\n  demo:required: x\n  aws:secretKey:\n    secure: AAAB\n");
        const stack = readStackConfig(readProjectFile(dir), skipped);
        assert.deepStrictEqual(stack.skippedSecrets, ["aws:secretKey"]);
        assert.ok(!("aws:secretKey" in stack.config));
    });

    it("says which file is missing, not YAML, or uses an ESC environment", () => {
        const project = readProjectFile(dir);
        assert.throws(() => readStackConfig(project, path.join(dir, "Pulumi.nope.yaml")),
            new StackFileError(`the stack file ${path.join(dir, "Pulumi.nope.yaml")} does not exist`));
        const broken = write("Pulumi.broken.yaml", "config:\n  demo:count: [1\n");
        assert.throws(() => readStackConfig(project, broken), /the stack file .*Pulumi\.broken\.yaml is not valid YAML/);
        const esc = write("Pulumi.esc.yaml", "environment:\n  - demo/dev\n");
        assert.throws(() => readStackConfig(project, esc), /imports a Pulumi ESC environment/);
        assert.throws(() => readProjectFile(path.join(dir, "missing")), /the project file .*Pulumi\.yaml does not exist/);
    });

    it("names a stack after its file", () => {
        assert.strictEqual(stackNameOfFile("/x/Pulumi.prod.yaml"), "prod");
        assert.strictEqual(stackNameOfFile("tests/fixtures/plan/nodes.yaml"), "nodes");
    });
});
