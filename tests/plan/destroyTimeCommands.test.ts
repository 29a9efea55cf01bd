// What `npm run plan -- --compare` says about resources a change deletes or replaces: a command's
// delete line (`kops delete cluster`, the state purge) is meant for `pulumi destroy`, so a change that
// removes, moves or replaces such a command gets a DANGER line first. Synthetic renderings: the
// provider rules themselves (what replaces a local.Command) are what is tested here.
import * as assert from "assert";
import { kopsCommandLines } from "../../components/core/kopsCommandLines";
import { compareRenderings, replacementCauses } from "../../tools/plan/compare";
import type { ProgramRendering, RecordedResource } from "../../tools/plan/mockRuntime";
import { renderComparisonReport } from "../../tools/plan/report";

const commandType = "command:local:Command";
const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";

interface Options {
    parent?: string;
    deleteBeforeReplace?: boolean;
    replaceOnChanges?: string[];
    propertyDependencies?: Record<string, string[]>;
    replacementTrigger?: unknown;
    replaceWith?: string[];
    retainOnDelete?: boolean;
}

function command(name: string, inputs: Record<string, unknown>, options: Options = {}): RecordedResource {
    const parent = options.parent ?? stackUrn;
    return {
        type: commandType,
        name,
        urn: `urn:pulumi:dev::p::${parent === stackUrn ? "" : "kops-iam-auth:index:KopsCluster$"}${commandType}::${name}`,
        custom: true,
        inputs,
        plainInputs: inputs,
        outputs: {},
        options: {
            parent,
            dependencies: Object.values(options.propertyDependencies ?? {}).flat(),
            propertyDependencies: options.propertyDependencies ?? {},
            provider: "",
            deleteBeforeReplace: options.deleteBeforeReplace ?? false,
            additionalSecretOutputs: [],
            replaceOnChanges: options.replaceOnChanges ?? [],
            replacementTrigger: options.replacementTrigger,
            replaceWith: options.replaceWith ?? [],
            retainOnDelete: options.retainOnDelete ?? false,
            ignoreChanges: [],
            customTimeouts: { create: "", update: "", delete: "" },
        },
    };
}

const rendering = (...resources: RecordedResource[]): ProgramRendering => ({ project: "p", stack: "dev", resources, outputs: {}, warnings: [] });

const spec = (environment: Record<string, string>, extra: Record<string, unknown> = {}, options: Options = {}) =>
    command("cluster-kops-spec", {
        ...kopsCommandLines(false).spec,
        environment,
        ...extra,
    }, { deleteBeforeReplace: true, ...options });
const status = (environment: Record<string, string>) => command("status", { create: "echo status", environment });

describe("plan --compare: resources a change deletes or replaces, and the DANGER line", () => {
    it("a local.Command is replaced only for triggers or a replaceOnChanges option (pulumi-command's schema)", () => {
        const plain = spec({});
        assert.deepStrictEqual(replacementCauses(plain, ["create", "update", "delete", "environment.NODE_COUNT", "interpreter"]), []);
        assert.deepStrictEqual(replacementCauses(plain, ["triggers", "environment.X"]), ["triggers"]);
        const option = spec({}, {}, { replaceOnChanges: ["environment.CLUSTER_NAME"] });
        assert.deepStrictEqual(replacementCauses(option, ["environment.CLUSTER_NAME", "environment.NODE_COUNT"]), ["environment.CLUSTER_NAME"]);
        assert.deepStrictEqual(replacementCauses(spec({}, {}, { replaceOnChanges: ["*"] }), ["environment.NODE_COUNT"]), ["environment.NODE_COUNT"]);
        assert.deepStrictEqual(replacementCauses(spec({}, {}, { replaceOnChanges: ["environment"] }), ["environment.NODE_COUNT"]), ["environment.NODE_COUNT"]);
    });

    it("an environment change updates the command in place: no DANGER", async () => {
        const comparison = await compareRenderings(rendering(spec({ NODE_COUNT: "2" })), rendering(spec({ NODE_COUNT: "3" })));
        assert.deepStrictEqual(comparison.resourceChanges.map((c) => c.change), ["changed"]);
        assert.deepStrictEqual(comparison.destroyTimeRuns, []);
        assert.doesNotMatch(renderComparisonReport({ before: "a", after: "b" }, comparison), /DANGER|deleted or replaced/);
    });

    it("a command with a delete line leaving the program: DANGER first, naming what its delete line runs", async () => {
        const comparison = await compareRenderings(rendering(spec({}), status({})), rendering(status({})));
        assert.deepStrictEqual(comparison.destroyTimeRuns, [{
            type: commandType, name: "cluster-kops-spec", cause: "leaves the program",
            runs: "kops delete cluster --yes (a cluster already gone counts as deleted)",
        }]);
        const report = renderComparisonReport({ before: "a", after: "b" }, comparison).split("\n");
        assert.strictEqual(report[1], "DANGER: `pulumi up` would run the delete line of command:local:Command cluster-kops-spec, " +
            "because it leaves the program: kops delete cluster --yes (a cluster already gone counts as deleted). " +
            "Put the setting back, or make the change so that this resource stays.");
        assert.ok(report.includes("Resources deleted or replaced (1):"), report.join("\n"));
        assert.ok(report.includes("  - command:local:Command cluster-kops-spec"), report.join("\n"));
    });

    it("a command without a delete line leaving the program: listed as deleted, no DANGER", async () => {
        const comparison = await compareRenderings(rendering(spec({}), status({})), rendering(spec({})));
        assert.deepStrictEqual(comparison.destroyTimeRuns, []);
        const report = renderComparisonReport({ before: "a", after: "b" }, comparison);
        assert.doesNotMatch(report, /DANGER/);
        assert.match(report, /\nResources deleted or replaced \(1\):\n {2}- command:local:Command status\n/);
    });

    it("a command whose URN changes (another parent): its delete line runs, DANGER", async () => {
        const moved = spec({}, {}, { parent: "urn:pulumi:dev::p::kops-iam-auth:index:KopsCluster::cluster" });
        const comparison = await compareRenderings(rendering(spec({})), rendering(moved));
        assert.deepStrictEqual(comparison.destroyTimeRuns.map((r) => [r.name, r.cause]), [["cluster-kops-spec", "changes URN"]]);
        assert.deepStrictEqual(comparison.resourceChanges.map((c) => c.change), ["added", "removed"]);
    });

    it("a trigger change replaces the command, deleting first as deleteBeforeReplace says: DANGER", async () => {
        const comparison = await compareRenderings(rendering(spec({}, { triggers: ["a"] })), rendering(spec({}, { triggers: ["b"] })));
        assert.deepStrictEqual(comparison.resourceChanges.map((c) => [c.change, c.replacement]),
            [["replaced", { causes: ["triggers"], deleteBeforeReplace: true }]]);
        assert.deepStrictEqual(comparison.operations.map((o) => [o.resource, o.step]), [["cluster-kops-spec", "delete"], ["cluster-kops-spec", "create"]]);
        assert.deepStrictEqual(comparison.destroyTimeRuns.map((r) => [r.name, r.cause]), [["cluster-kops-spec", "is replaced"]]);
        const report = renderComparisonReport({ before: "a", after: "b" }, comparison);
        assert.match(report, /^Change from a to b:\nDANGER: `pulumi up` would run the delete line of command:local:Command cluster-kops-spec, because it is replaced: kops delete cluster --yes/);
        assert.match(report, /\n {2}\+- command:local:Command cluster-kops-spec: triggers \(replaced, for triggers; the old one is deleted first\)\n/);
    });

    it("the replacementTrigger and replaceWith options replace a command whatever its inputs; retainOnDelete keeps its delete line from running", async () => {
        const triggered = await compareRenderings(rendering(spec({}, {}, { replacementTrigger: "1" })), rendering(spec({}, {}, { replacementTrigger: "2" })));
        assert.deepStrictEqual(triggered.resourceChanges.map((c) => [c.change, c.replacement?.causes]), [["replaced", ["replacementTrigger"]]]);
        assert.deepStrictEqual(triggered.destroyTimeRuns.map((r) => [r.name, r.cause]), [["cluster-kops-spec", "is replaced"]]);

        const other = (trigger: string) => command("other", { create: "true", triggers: [trigger] });
        const withOther = spec({}, {}, { replaceWith: [other("a").urn] });
        const replacedWith = await compareRenderings(rendering(other("a"), withOther), rendering(other("b"), withOther));
        assert.deepStrictEqual(replacedWith.resourceChanges.map((c) => [c.name, c.change, c.replacement?.causes]),
            [["other", "replaced", ["triggers"]], ["cluster-kops-spec", "replaced", ["replaceWith other"]]]);

        const retained = await compareRenderings(rendering(spec({}, {}, { retainOnDelete: true })), rendering());
        assert.deepStrictEqual(retained.resourceChanges.map((c) => c.change), ["removed"]);
        assert.deepStrictEqual(retained.destroyTimeRuns, []);
        assert.deepStrictEqual(retained.operations, []);
    });

    it("a replaced certificate's new outputs change the inputs that come from it (placeholders alike or not)", async () => {
        const certType = "tls:index/selfSignedCert:SelfSignedCert";
        const cert = (hours: number, earlyRenewal: number): RecordedResource => ({
            ...command("cluster-pki-cert", {}),
            type: certType,
            urn: `urn:pulumi:dev::p::${certType}::cluster-pki-cert`,
            inputs: { validityPeriodHours: hours, earlyRenewalHours: earlyRenewal },
            plainInputs: { validityPeriodHours: hours, earlyRenewalHours: earlyRenewal },
        });
        const fromCert = { propertyDependencies: { environment: [cert(1, 0).urn] } };
        const renewal = await compareRenderings(rendering(cert(8760, 0), spec({}, {}, fromCert)), rendering(cert(8760, 24), spec({}, {}, fromCert)));
        assert.deepStrictEqual(renewal.resourceChanges.map((c) => [c.change, c.name]), [["changed", "cluster-pki-cert"]]);

        const comparison = await compareRenderings(rendering(cert(8760, 0), spec({}, {}, fromCert)), rendering(cert(876000, 0), spec({}, {}, fromCert)));
        assert.deepStrictEqual(comparison.resourceChanges.map((c) => [c.change, c.name, c.changedInputs, c.details]), [
            ["replaced", "cluster-pki-cert", ["validityPeriodHours"], []],
            ["changed", "cluster-kops-spec", ["environment"],
                [`environment: from replaced ${certType} cluster-pki-cert (unknown until pulumi up)`]],
        ]);
        assert.deepStrictEqual(comparison.operations.map((o) => [o.resource, o.script]), [["cluster-kops-spec", "upsert-spec.sh update"]]);
        assert.deepStrictEqual(comparison.destroyTimeRuns, []);
    });

    it("a refused change runs nothing: no DANGER, the deletions listed as what would happen", async () => {
        const guardType = "pulumi-nodejs:dynamic/kops:ImmutableClusterSettings";
        const refusing = (value: string): RecordedResource => ({
            ...command("guard", {}),
            type: guardType,
            urn: `urn:pulumi:dev::p::${guardType}::guard`,
            inputs: { value },
            plainInputs: {
                value,
                __provider: "exports.handler = () => ({ check: async (olds, news) => ({ inputs: news, " +
                    "failures: olds.value === news.value ? [] : [{ property: '', reason: 'value cannot change' }] }) });",
            },
        });
        const comparison = await compareRenderings(rendering(refusing("a"), spec({})), rendering(refusing("b")));
        assert.strictEqual(comparison.impact, "refused");
        assert.deepStrictEqual(comparison.destroyTimeRuns, []);
        const report = renderComparisonReport({ before: "a", after: "b" }, comparison);
        assert.doesNotMatch(report, /DANGER/);
        assert.match(report, /\nResources that would be deleted or replaced, were the change allowed \(1\):\n {2}- command:local:Command cluster-kops-spec\n/);
    });
});
