// The immutable-settings check the guard's dynamic provider runs (tests/engine/immutableGuard.test.ts
// runs the guard itself under the real engine).
import * as assert from "assert";
import { immutableSettingsCheckFailures } from "../../components/core/immutableGuard";

describe("immutableSettingsCheckFailures", () => {
    const inputs = {
        __provider: "exports.handler = ...",
        clusterName: "dev.example.com",
        zones: ["eu-west-1a"],
        networking: "cilium",
        topology: "public",
        controlPlaneCount: 1,
    };

    it("passes on creation (no old inputs) and when nothing changed (the serialized provider aside)", () => {
        assert.deepStrictEqual(immutableSettingsCheckFailures({}, inputs), []);
        assert.deepStrictEqual(immutableSettingsCheckFailures(inputs, { ...inputs, __provider: "changed code" }), []);
    });

    it("fails once per changed setting, naming the cluster, the setting and both values", () => {
        const failures = immutableSettingsCheckFailures(inputs, {
            ...inputs,
            zones: ["eu-west-1a", "eu-west-1b"],
            topology: "private",
        });
        assert.strictEqual(failures.length, 2);
        assert.deepStrictEqual(
            failures.map((f) => f.property),
            ["", ""],
        );
        assert.match(
            failures[0].reason,
            /^cluster dev\.example\.com: zones cannot change from \[eu-west-1a\] to \[eu-west-1a, eu-west-1b\]/,
        );
        assert.match(failures[1].reason, /^cluster dev\.example\.com: topology cannot change from "public" to "private"/);
        for (const failure of failures) {
            assert.match(failure.reason, /Nothing was changed; put the setting back/);
        }
    });
});
