import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { secretValue } from "../helpers/mocks/pulumiMocks";
import { plainStringsContaining } from "../helpers/mocks/secretScan";

// The component tests rely on this scan finding nothing; here it must find what is there.
describe("plainStringsContaining (test helper)", () => {
    const key = "-----BEGIN RSA PRIVATE KEY-----\nX\n-----END RSA PRIVATE KEY-----\n";

    it("finds a private key in a plain input, however deep, and not in a secret one", async () => {
        const resources = [
            { type: "t:m:R", name: "leaky", inputs: { a: [{ b: key }] } },
            { type: "t:m:R", name: "safe", inputs: { a: secretValue({ b: key }) } },
        ];
        assert.deepStrictEqual(await plainStringsContaining("PRIVATE KEY", resources, {}), ["t:m:R/leaky.a[0].b"]);
    });

    it("finds a private key in a plain output, and not in a secret one", async () => {
        const outputs = { plain: pulumi.output({ pem: key }), secret: pulumi.secret(key) };
        assert.deepStrictEqual(await plainStringsContaining("PRIVATE KEY", [], outputs), ["output plain.pem"]);
    });
});
