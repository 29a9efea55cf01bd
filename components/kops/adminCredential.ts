// Renews the static admin credential of `kubeconfigMode: admin` before it expires on a running stack.
//
// The kubeconfig command re-runs only when its inputs change, and nothing in the program changes
// when the credential's lifetime runs out: every later `pulumi up` that touches a Kubernetes object
// would fail. This dynamic resource records when the credential it stands for expires; its diff
// (run by the engine at every preview and up, on this machine's clock) finds a renewal due once
// less than half the lifetime is left, and its update issues a new renewal id. The kubeconfig
// command's environment carries the id (ADMIN_CREDENTIAL_RENEWAL), so it exports a new credential
// in the same up, before the Kubernetes provider uses it. Like the immutable-settings guard, the
// provider is serialized with what it references: keep it small and self-contained.
import * as pulumi from "@pulumi/pulumi";

/** The renewal resource's inputs. */
export interface AdminCredentialInputs {
    clusterName: string;
    /** The credential's lifetime (adminTtl), in seconds. */
    ttlSeconds: number;
}

/** What the renewal resource records. */
export interface AdminCredentialState extends AdminCredentialInputs {
    /** A new random id at each renewal: the kubeconfig command re-runs when it changes. */
    renewal: string;
    /** When the credential counts as expired (ISO 8601): issued no earlier than the renewal. */
    expiresAt: string;
}

/**
 * True when the recorded credential must be renewed at `nowMs`: with less than half of its
 * lifetime left (an up must still finish its Kubernetes operations with it), after a lifetime
 * change, or when nothing says when it expires (a state from before this resource kept one).
 */
export function adminCredentialRenewalDue(
    recorded: Partial<AdminCredentialState>,
    wanted: AdminCredentialInputs,
    nowMs: number,
): boolean {
    const expiresMs = recorded.expiresAt === undefined ? NaN : Date.parse(recorded.expiresAt);
    if (Number.isNaN(expiresMs) || recorded.ttlSeconds !== wanted.ttlSeconds) {
        return true;
    }
    return nowMs >= expiresMs - (wanted.ttlSeconds * 1000) / 2;
}

/** A new renewal for `inputs`, counted from `nowMs` (the credential is exported after this). */
export function issueAdminCredentialRenewal(inputs: AdminCredentialInputs, nowMs: number, id: string): AdminCredentialState {
    return {
        clusterName: inputs.clusterName,
        ttlSeconds: inputs.ttlSeconds,
        renewal: id,
        expiresAt: new Date(nowMs + inputs.ttlSeconds * 1000).toISOString(),
    };
}

const adminCredentialProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        const outs = issueAdminCredentialRenewal(inputs as AdminCredentialInputs, Date.now(), require("crypto").randomUUID());
        return { id: inputs.clusterName, outs };
    },
    async diff(_id, olds, news) {
        const changes = adminCredentialRenewalDue(olds, news as AdminCredentialInputs, Date.now());
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async update(_id, _olds, news) {
        return { outs: issueAdminCredentialRenewal(news as AdminCredentialInputs, Date.now(), require("crypto").randomUUID()) };
    },
};

/** Stands for the admin credential of one cluster; `renewal` changes whenever it must be exported again. */
export class AdminCredentialRenewal extends pulumi.dynamic.Resource {
    declare public readonly renewal: pulumi.Output<string>;
    declare public readonly expiresAt: pulumi.Output<string>;

    constructor(name: string, inputs: AdminCredentialInputs, opts?: pulumi.CustomResourceOptions) {
        super(
            adminCredentialProvider,
            name,
            { ...inputs, renewal: undefined, expiresAt: undefined },
            opts,
            "kops",
            "AdminCredentialRenewal",
        );
    }
}
