// The input diff the lifecycle tests and the plan tool use to say which command resources a change
// of settings touches.
import * as assert from "assert";
import { diffCommandInputs } from "../../tools/plan/inputDiff";

describe("diffCommandInputs", () => {
    const spec = { name: "kops-spec", inputs: { create: "c", environment: { NODE_COUNT: "2", ZONES: "a" } } };
    const kubeconfig = { name: "kops-kubeconfig", inputs: { create: "k", logging: "none" } };

    it("is empty when nothing differs, key order aside", () => {
        const reordered = { name: "kops-spec", inputs: { environment: { ZONES: "a", NODE_COUNT: "2" }, create: "c" } };
        assert.deepStrictEqual(diffCommandInputs([spec, kubeconfig], [kubeconfig, reordered]), []);
    });

    it("names each changed input, and each changed entry of a map input", () => {
        const after = { name: "kops-spec", inputs: { create: "c2", environment: { NODE_COUNT: "3", ZONES: "a", NEW: "x" } } };
        assert.deepStrictEqual(diffCommandInputs([spec, kubeconfig], [after, kubeconfig]), [
            { name: "kops-spec", change: "changed", changedInputs: ["create", "environment.NEW", "environment.NODE_COUNT"] },
        ]);
    });

    it("reports added and removed resources and inputs", () => {
        const withDelete = { name: "kops-kubeconfig", inputs: { ...kubeconfig.inputs, delete: "d" } };
        assert.deepStrictEqual(diffCommandInputs([spec, kubeconfig], [withDelete]), [
            { name: "kops-kubeconfig", change: "changed", changedInputs: ["delete"] },
            { name: "kops-spec", change: "removed", changedInputs: [] },
        ]);
        assert.deepStrictEqual(diffCommandInputs([], [spec]), [{ name: "kops-spec", change: "added", changedInputs: [] }]);
    });

    it("refuses a rendering with two resources of one name", () => {
        assert.throws(() => diffCommandInputs([spec, spec], []), /two resources are named kops-spec/);
    });
});
