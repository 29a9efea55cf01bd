// Pulumi's mock runtime (tools/plan/mockRuntime.ts, the plan tool's), set up the same way for every
// component test: every registered resource is recorded with its inputs and options, and providers'
// computed outputs get plausible fake values.
import * as pulumi from "@pulumi/pulumi";
import {
    fakeResourceState,
    FakeValues,
    isSecretValue,
    secretValue,
    unwrapSecrets as unwrapSecretValues,
} from "../../../tools/plan/fakeProviders";
import { installRecordingMocks, RecordedOptions, RecordedResource, settleRegistrations } from "../../../tools/plan/mockRuntime";

export { isSecretValue, secretValue };
export type { RecordedOptions, RecordedResource };

export const fakeAccountId = "123456789012";
export const fakePrivateKeyPem = "-----BEGIN RSA PRIVATE KEY-----\nFAKEKEYMATERIAL\n-----END RSA PRIVATE KEY-----\n";
export const fakeCertPem = "-----BEGIN CERTIFICATE-----\nFAKECERTMATERIAL\n-----END CERTIFICATE-----\n";

export interface MockRecorder {
    resources: RecordedResource[];
    byType(type: string): RecordedResource[];
    one(type: string, name?: string): RecordedResource;
}

/** Removes the secret wrappers from a mock input value (deeply); typed loosely for assertions. */
export function unwrapSecrets(value: any): any {
    return unwrapSecretValues(value);
}

/** The tests' fake provider values (tools/plan/fakeProviders.ts computes the outputs from them); commands compute none. */
const testValues: FakeValues = {
    accountId: fakeAccountId,
    certPem: fakeCertPem,
    privateKeyPem: fakePrivateKeyPem,
    publicKeyPem: "-----BEGIN PUBLIC KEY-----\nFAKE\n-----END PUBLIC KEY-----\n",
};

/** The resources the last installMocks() records. */
let installed: RecordedResource[] = [];

/**
 * Installs Pulumi mocks that record every resource. `extraState` adds or overrides outputs for a
 * resource (for example a command's stdout). Call it before constructing components.
 */
export async function installMocks(
    options: {
        preview?: boolean;
        project?: string;
        stack?: string;
        extraState?: (type: string, name: string, inputs: Record<string, any>) => Record<string, any> | undefined;
        /** Answers (or throws for) a data source call before the defaults; undefined falls through to them. */
        call?: (args: pulumi.runtime.MockCallArgs) => Record<string, any> | undefined;
    } = {},
): Promise<MockRecorder> {
    const resources = await installRecordingMocks(
        {
            newResource: (args) => ({
                ...fakeResourceState(args.type, args.name, args.inputs, testValues),
                ...(options.extraState?.(args.type, args.name, args.inputs) ?? {}),
            }),
            call(args) {
                const answer = options.call?.(args);
                if (answer !== undefined) {
                    return answer;
                }
                if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                    return {
                        accountId: fakeAccountId,
                        arn: `arn:aws:iam::${fakeAccountId}:user/tester`,
                        userId: "AIDAEXAMPLE",
                        id: fakeAccountId,
                    };
                }
                if (args.token === "aws:index/getPartition:getPartition") {
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
                }
                return args.inputs;
            },
        },
        { project: options.project ?? "kops-iam-auth", stack: options.stack ?? "test", preview: options.preview },
    );
    installed = resources;
    return {
        resources,
        byType: (type) => resources.filter((r) => r.type === type),
        one(type, name) {
            const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
            if (found.length !== 1) {
                throw new Error(
                    `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ` +
                        resources.map((r) => `${r.type}/${r.name}`).join(", "),
                );
            }
            return found[0];
        },
    };
}

/** The value of an Output, once known. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) =>
        pulumi.output(output).apply((v) => {
            resolve(v as T);
            return v;
        }),
    );
}

/** Waits until every registration started so far has reached the mock monitor. */
export async function settle(): Promise<void> {
    await settleRegistrations(installed);
}
