import * as assert from "assert";
import { authenticatorObjectKeys, authenticatorObjectPrefix, stateStoreUrl } from "../../components/core/stateStoreLayout";

describe("state store layout", () => {
    it("puts the authenticator files at the 2018 recipe's keys", () => {
        assert.strictEqual(authenticatorObjectPrefix("k8s.example.com"), "k8s.example.com/addons/authenticator/");
        assert.deepStrictEqual(authenticatorObjectKeys("k8s.example.com"), {
            certPem: "k8s.example.com/addons/authenticator/cert.pem",
            keyPem: "k8s.example.com/addons/authenticator/key.pem",
            kubeconfig: "k8s.example.com/addons/authenticator/kubeconfig.yaml",
        });
    });

    it("gives the KOPS_STATE_STORE URL of a bucket", () => {
        assert.strictEqual(stateStoreUrl("kops-state"), "s3://kops-state");
    });
});
