// Pulumi's mock runtime, set up the same way for every component test: every registered resource
// is recorded with its inputs, and providers' computed outputs get plausible fake values.
import * as pulumi from "@pulumi/pulumi";
import { isSecretValue, secretValue, unwrapSecrets as unwrapSecretValues } from "../../tools/plan/fakeProviders";

export { isSecretValue, secretValue };

export const fakeAccountId = "123456789012";
export const fakePrivateKeyPem = "-----BEGIN RSA PRIVATE KEY-----\nFAKEKEYMATERIAL\n-----END RSA PRIVATE KEY-----\n";
export const fakeCertPem = "-----BEGIN CERTIFICATE-----\nFAKECERTMATERIAL\n-----END CERTIFICATE-----\n";

export interface RecordedResource {
    type: string;
    name: string;
    /** Inputs as the engine received them; secrets still wrapped (see isSecretValue). */
    inputs: Record<string, any>;
    /** Inputs with secret wrappers removed. */
    plainInputs: Record<string, any>;
    custom: boolean;
    /** The resource's URN, as the mock monitor made it. */
    urn: string;
    /** Resource options as the SDK sent them to the engine (the mock API itself does not pass them). */
    options: RecordedOptions;
}

/** The resource options tests check, read from the SDK's RegisterResource request. */
export interface RecordedOptions {
    /** The parent's URN ("" for none). */
    parent: string;
    /** URNs of every resource this one depends on (dependsOn and input dependencies). */
    dependencies: string[];
    deleteBeforeReplace: boolean;
    additionalSecretOutputs: string[];
    replaceOnChanges: string[];
    ignoreChanges: string[];
    /** customTimeouts; "" where unset. */
    customTimeouts: { create: string; update: string; delete: string };
}

function recordedOptions(req: any): RecordedOptions {
    const timeouts = req.getCustomtimeouts?.();
    return {
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        ignoreChanges: req.getIgnorechangesList(),
        customTimeouts: { create: timeouts?.getCreate() ?? "", update: timeouts?.getUpdate() ?? "", delete: timeouts?.getDelete() ?? "" },
    };
}

export interface MockRecorder {
    resources: RecordedResource[];
    byType(type: string): RecordedResource[];
    one(type: string, name?: string): RecordedResource;
}

/** Removes the secret wrappers from a mock input value (deeply); typed loosely for assertions. */
export function unwrapSecrets(value: any): any {
    return unwrapSecretValues(value);
}

/** Provider-computed outputs, per resource type, that the code under test reads. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            // The tls provider marks the private key outputs secret (additionalSecretOutputs).
            return { privateKeyPem: secretValue(fakePrivateKeyPem), privateKeyPemPkcs8: secretValue(fakePrivateKeyPem), publicKeyPem: "-----BEGIN PUBLIC KEY-----\nFAKE\n-----END PUBLIC KEY-----\n" };
        case "tls:index/selfSignedCert:SelfSignedCert":
            return { certPem: fakeCertPem };
        case "aws:s3/bucket:Bucket": {
            const bucket = inputs.bucket ?? `${name}-generated`;
            return { bucket, arn: `arn:aws:s3:::${bucket}` };
        }
        case "aws:iam/role:Role": {
            const roleName = inputs.name ?? `${name}-generated`;
            const rolePath = inputs.path ?? "/";
            return { name: roleName, arn: `arn:aws:iam::${fakeAccountId}:role${rolePath}${roleName}` };
        }
        default:
            return {};
    }
}

/**
 * Installs Pulumi mocks that record every resource. `extraState` adds or overrides outputs for a
 * resource (for example a command's stdout). Call it before constructing components.
 */
export async function installMocks(options: {
    preview?: boolean;
    project?: string;
    stack?: string;
    extraState?: (type: string, name: string, inputs: Record<string, any>) => Record<string, any> | undefined;
    /** Answers (or throws for) a data source call before the defaults; undefined falls through to them. */
    call?: (args: pulumi.runtime.MockCallArgs) => Record<string, any> | undefined;
} = {}): Promise<MockRecorder> {
    const resources: RecordedResource[] = [];
    // Handed from the monitor's registerResource to newResource, which it calls synchronously.
    let pendingOptions: RecordedOptions | undefined;
    let lastRecorded: RecordedResource | undefined;
    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            lastRecorded = {
                type: args.type,
                name: args.name,
                inputs: args.inputs,
                plainInputs: unwrapSecrets(args.inputs),
                custom: args.custom ?? true,
                urn: "",
                options: pendingOptions!,
            };
            pendingOptions = undefined;
            resources.push(lastRecorded);
            const state = {
                ...args.inputs,
                ...computedState(args.type, args.name, unwrapSecrets(args.inputs)),
                ...(options.extraState?.(args.type, args.name, args.inputs) ?? {}),
            };
            return { id: args.custom === false ? undefined : `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            const answer = options.call?.(args);
            if (answer !== undefined) {
                return answer;
            }
            if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                return { accountId: fakeAccountId, arn: `arn:aws:iam::${fakeAccountId}:user/tester`, userId: "AIDAEXAMPLE", id: fakeAccountId };
            }
            if (args.token === "aws:index/getPartition:getPartition") {
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            }
            return args.inputs;
        },
    }, options.project ?? "kops-iam-auth", options.stack ?? "test", options.preview ?? false);
    // The mock API passes no resource options to newResource: read them from the request the SDK
    // sends to the (mock) monitor, and the URN from its response.
    const monitor: any = pulumi.runtime.getMonitor();
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, response: any) => void) => {
        pendingOptions = recordedOptions(req);
        lastRecorded = undefined;
        let recorded: RecordedResource | undefined;
        const done = registerResource(req, (err: any, response: any) => {
            if (!err && recorded) {
                recorded.urn = response.getUrn();
            }
            callback(err, response);
        });
        recorded = lastRecorded;
        return done;
    };
    return {
        resources,
        byType: (type) => resources.filter((r) => r.type === type),
        one(type, name) {
            const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
            if (found.length !== 1) {
                throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ` +
                    resources.map((r) => `${r.type}/${r.name}`).join(", "));
            }
            return found[0];
        },
    };
}

/** The value of an Output, once known. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => { resolve(v as T); return v; }));
}

/** Waits until every registration started so far has reached the mock monitor. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
        await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 50));
}
