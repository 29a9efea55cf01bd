// What the providers would return for each resource at `pulumi up`, as plan's stand-ins: the
// inputs echoed back, plus the computed outputs the program reads (ARNs, the certificate, the key as
// a secret, the kubeconfig kOps exports). Values only AWS or kOps can know are placeholders.
import * as pulumi from "@pulumi/pulumi";
import { parseKopsCommandLine } from "../../components/core/kopsCommandLines";
import {
    placeholderAccountId, placeholderCertPem, placeholderPublicKeyOpenssh, placeholderExportedKubeconfig, placeholderPrivateKeyPem,
} from "./placeholders";

/** A value marked secret the way the engine marks provider outputs (the SDK's secret signature). */
export function secretValue(value: unknown): Record<string, unknown> {
    return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null
        && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** The value with every secret replaced by `replacement(secret)` (deeply). */
export function mapSecrets(value: unknown, replacement: (secret: unknown) => unknown): unknown {
    if (isSecretValue(value)) {
        return replacement(value.value);
    }
    if (Array.isArray(value)) {
        return value.map((v) => mapSecrets(v, replacement));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, replacement)]));
    }
    return value;
}

/** Secrets unwrapped: for comparing values, never for writing them. */
export function unwrapSecrets(value: unknown): unknown {
    return mapSecrets(value, (secret) => unwrapSecrets(secret));
}

/** The script a `local.Command` line runs (`... run kubeconfig.sh` → `kubeconfig.sh`). */
export function commandScript(line: unknown): string | undefined {
    return typeof line === "string" ? parseKopsCommandLine(line)?.script : undefined;
}

/** The values only AWS, the tls provider or kOps would know: the plan's placeholders, or a test's own. */
export interface FakeValues {
    accountId: string;
    certPem: string;
    privateKeyPem: string;
    publicKeyPem: string;
    /** What kubeconfig.sh prints for a cluster; without it, commands compute no outputs. */
    exportedKubeconfig?: (clusterName: string) => string;
}

export const placeholderValues: FakeValues = {
    accountId: placeholderAccountId,
    certPem: placeholderCertPem,
    privateKeyPem: placeholderPrivateKeyPem,
    publicKeyPem: "-----BEGIN PUBLIC KEY-----\nPLACEHOLDER-PUBLIC-KEY\n-----END PUBLIC KEY-----\n",
    exportedKubeconfig: placeholderExportedKubeconfig,
};

/** Outputs the providers compute, per resource type; `inputs` have their secrets unwrapped. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>, values: FakeValues): Record<string, unknown> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey":
            // The tls provider marks the private key outputs secret (additionalSecretOutputs).
            return {
                privateKeyPem: secretValue(values.privateKeyPem),
                privateKeyPemPkcs8: secretValue(values.privateKeyPem),
                publicKeyPem: values.publicKeyPem,
                publicKeyOpenssh: placeholderPublicKeyOpenssh,
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
            return { certPem: values.certPem };
        case "aws:s3/bucket:Bucket": {
            const bucket = inputs.bucket ?? `${name}-generated`;
            return { bucket, arn: `arn:aws:s3:::${bucket}` };
        }
        case "aws:iam/role:Role": {
            const roleName = inputs.name ?? `${name}-generated`;
            return { name: roleName, arn: `arn:aws:iam::${values.accountId}:role${inputs.path ?? "/"}${roleName}` };
        }
        case "command:local:Command":
            // kubeconfig.sh prints the kubeconfig kOps exports; the other scripts' output is not read.
            if (!values.exportedKubeconfig) {
                return {};
            }
            return commandScript(inputs.create) === "kubeconfig.sh"
                ? { stdout: secretValue(values.exportedKubeconfig(inputs.environment?.CLUSTER_NAME ?? name)), stderr: "" }
                : { stdout: "", stderr: "" };
        default:
            return {};
    }
}

/** The state a provider would return for a new resource: its inputs and the computed outputs. */
export function fakeResourceState(type: string, name: string, inputs: Record<string, unknown>,
    values: FakeValues = placeholderValues): Record<string, unknown> {
    return { ...inputs, ...computedOutputs(type, name, unwrapSecrets(inputs) as Record<string, any>, values) };
}

/** Results of provider functions (invokes) the program calls. */
export function fakeInvokeResult(token: string, inputs: Record<string, unknown>, region: string | undefined): Record<string, unknown> {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: placeholderAccountId,
                arn: `arn:aws:iam::${placeholderAccountId}:user/placeholder`,
                userId: "PLACEHOLDERUSERID",
                id: placeholderAccountId,
            };
        case "aws:index/getPartition:getPartition": {
            const partition = region?.startsWith("cn-") ? "aws-cn" : region?.startsWith("us-gov-") ? "aws-us-gov" : "aws";
            return { partition, dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com", id: partition };
        }
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region };
        default:
            return inputs;
    }
}
