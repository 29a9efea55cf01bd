// The plan's files from a hand-made rendering: secrets stay out (and a file that would hold one is
// refused), secret outputs are not written as kubeconfigs, several top-level components get a
// directory each.
import * as assert from "assert";
import * as YAML from "yaml";
import { checkNoSecrets, planFiles } from "../../tools/plan/artifacts";
import { secretValue, unwrapSecrets } from "../../tools/plan/fakeProviders";
import type { ProgramRendering, RecordedResource } from "../../tools/plan/mockRuntime";
import { placeholderPrivateKeyPem } from "../../tools/plan/placeholders";

const kubeconfig = (user: string) => YAML.stringify({ apiVersion: "v1", kind: "Config", clusters: [], users: [{ name: user }] });

function resource(type: string, name: string, parent: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): RecordedResource {
    return {
        type, name, urn: `urn:pulumi:s::p::${type}::${name}`, custom: !type.startsWith("test:"),
        inputs, plainInputs: unwrapSecrets(inputs) as Record<string, unknown>, outputs,
        options: {
            parent, dependencies: [], propertyDependencies: {}, provider: "", deleteBeforeReplace: false, additionalSecretOutputs: [],
            replaceOnChanges: [], replacementTrigger: undefined, replaceWith: [], retainOnDelete: false, ignoreChanges: [],
            customTimeouts: { create: "", update: "", delete: "" },
        },
    };
}

/** A Stack with one component per name, each holding a bucket object with a secret and a role. */
function rendering(components: string[]): ProgramRendering {
    const stack = resource("pulumi:pulumi:Stack", "p-s", "", {});
    const resources = [stack];
    for (const name of components) {
        const component = resource("test:index:Cluster", name, stack.urn, {}, {
            kubeconfigs: { Admin: kubeconfig(`${name}-admin`) },
            adminKubeconfig: secretValue(kubeconfig(`${name}-secret-admin-credential`)),
        });
        resources.push(component,
            resource("aws:s3/bucketObjectv2:BucketObjectv2", `${name}-key`, component.urn,
                { bucket: "b", key: `${name}/key.pem`, contentType: "application/x-pem-file", content: secretValue(placeholderPrivateKeyPem) }),
            resource("aws:iam/role:Role", `${name}-role`, component.urn,
                { name: `Admin-${name}`, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }));
    }
    return { project: "p", stack: "s", resources, outputs: { token: secretValue("stack-output-secret-value-1234") }, warnings: [] };
}

describe("plan: files", () => {
    it("writes a secret object's key but not its content; secret outputs neither as kubeconfigs nor in stack-outputs.json", () => {
        const files = Object.fromEntries(planFiles(rendering(["one"]), "report\n").map((f) => [f.path, f.content]));
        assert.deepStrictEqual(Object.keys(files).sort(), [
            "PLACEHOLDERS.md", "iam/Admin-one.trust-policy.json", "kubeconfigs/Admin.yaml", "plan.txt", "stack-outputs.json", "state-store.json",
        ]);
        assert.deepStrictEqual(JSON.parse(files["state-store.json"]).objects,
            [{ key: "one/key.pem", contentType: "application/x-pem-file", secret: true }]);
        assert.deepStrictEqual(JSON.parse(files["stack-outputs.json"]), { token: "[secret]" });
        assert.deepStrictEqual(YAML.parse(files["kubeconfigs/Admin.yaml"]).users, [{ name: "one-admin" }]);
        assert.ok(!Object.values(files).some((text) => text.includes("secret-admin-credential") || text.includes("PRIVATE KEY")));
    });

    it("gives each top-level component a directory when there are several", () => {
        const paths = planFiles(rendering(["one", "two"]), "report\n").map((f) => f.path);
        assert.ok(paths.includes("one/iam/Admin-one.trust-policy.json") && paths.includes("two/kubeconfigs/Admin.yaml"), paths.join(", "));
    });

    it("refuses a file that would hold a secret value of the rendering or any private key", () => {
        const r = rendering(["one"]);
        assert.throws(() => checkNoSecrets([{ path: "x.txt", content: "token: stack-output-secret-value-1234" }], r),
            /internal error: x\.txt would hold a secret value; nothing was written/);
        assert.throws(() => checkNoSecrets([{ path: "k.pem", content: "-----BEGIN PRIVATE KEY-----" }], r), /k\.pem would hold a secret/);
        checkNoSecrets([{ path: "ok.txt", content: "nothing secret here" }], r);
    });
});
