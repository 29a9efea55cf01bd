// The components as a Pulumi package for other languages (plugin/PulumiPlugin.yaml). The schema is
// what `pulumi package add` generates Python, Go, .NET, Java or YAML SDKs from. It is made by the
// SDK's component provider (what the Node.js language host runs for the plugin: run-plugin ->
// componentProviderHost -> ComponentProvider.getSchema), which reads the components' Args and
// outputs from their TypeScript sources; checked here in-process. (`pulumi package get-schema`
// needs the Node.js language host to run the plugin, which this machine's engine does not have.)
import { strict as assert } from "assert";
import { simpleSettings, structuredSettings } from "../../components/settings/table";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as fs from "fs";
import * as path from "path";

const repoRoot = path.join(__dirname, "..", "..");
const pluginDir = path.join(repoRoot, "plugin");

describe("the component schema other languages get (plugin/)", function () {
    this.timeout(10 * 60 * 1000);
    let schema: any;

    before(async () => {
        const started = Date.now();
        const provider = new ComponentProvider({
            name: "kops-iam-auth",
            dirname: pluginDir,
            components: getPulumiComponents(require(pluginDir)),
        });
        schema = JSON.parse(await provider.getSchema());
        console.log(`      schema from the sources: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
    it("is the kops-iam-auth package at this package's version", () => {
        assert.equal(schema.name, "kops-iam-auth");
        const version = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version;
        assert.equal(schema.version, version);
        assert.equal(JSON.parse(fs.readFileSync(path.join(pluginDir, "package.json"), "utf8")).version, version);
    });

    it("lists KopsIamCluster and each part component, as components", () => {
        assert.deepEqual(Object.keys(schema.resources).sort(), [
            "kops-iam-auth:index:AccessRoles",
            "kops-iam-auth:index:AuthenticatorPki",
            "kops-iam-auth:index:IamAuthenticator",
            "kops-iam-auth:index:KopsCluster",
            "kops-iam-auth:index:KopsIamCluster",
            "kops-iam-auth:index:KopsStateStore",
        ]);
        for (const resource of Object.values<any>(schema.resources)) {
            assert.equal(resource.isComponent, true);
        }
    });

    it("KopsIamCluster: one input per setting, only clusterName and stateBucketName required; its outputs", () => {
        const cluster = schema.resources["kops-iam-auth:index:KopsIamCluster"];
        assert.deepStrictEqual([...cluster.requiredInputs].sort(), ["clusterName", "stateBucketName"]);
        // Every stack config key is an input of the same name, plus the region and profile of aws:.
        assert.deepStrictEqual(
            Object.keys(cluster.inputProperties).sort(),
            [...Object.keys(simpleSettings), ...Object.keys(structuredSettings), "region", "awsProfile"].sort(),
        );
        for (const output of [
            "clusterName",
            "stateStoreUrl",
            "apiServerUrl",
            "roleArns",
            "kubeconfigs",
            "nextSteps",
            "kubeconfig",
            "provider",
        ]) {
            assert.ok(cluster.properties[output], `no output ${output}`);
        }
        assert.equal(cluster.inputProperties.topology.$ref, "#/types/kops-iam-auth:index:ClusterTopology");
        assert.deepStrictEqual(
            schema.types["kops-iam-auth:index:ClusterTopology"].enum.map((e: any) => e.value),
            ["public", "private"],
        );
        // Mappings are camelCase, as pulumi-eks' RoleMapping; mappings.json's lowercase keys are the renderer's business.
        const roleMapping = schema.types[cluster.inputProperties.mapRoles.items.$ref.replace("#/types/", "")];
        assert.deepStrictEqual(Object.keys(roleMapping.properties).sort(), ["groups", "roleArn", "username"]);
        // Each input carries its description from the args' comment.
        assert.match(cluster.inputProperties.nodeCount.description, /^Number of worker nodes\./);
    });

    it("the parts: KopsCluster's and IamAuthenticator's inputs, and AuthenticatorPki's outputs", () => {
        const kops = schema.resources["kops-iam-auth:index:KopsCluster"];
        for (const input of [
            "clusterName",
            "stateStoreUrl",
            "region",
            "zones",
            "kubernetesVersion",
            "webhookKubeconfig",
            "extraFlags",
        ]) {
            assert.ok(kops.inputProperties[input], `KopsCluster has no input ${input}`);
        }
        const authenticator = schema.resources["kops-iam-auth:index:IamAuthenticator"];
        assert.match(authenticator.inputProperties.provider.$ref, /kubernetes/);
        assert.ok(authenticator.inputProperties.mappings);
        const pki = schema.resources["kops-iam-auth:index:AuthenticatorPki"];
        assert.deepEqual(Object.keys(pki.properties).sort(), ["certPem", "privateKeyPem", "webhookKubeconfig"]);
    });
});
