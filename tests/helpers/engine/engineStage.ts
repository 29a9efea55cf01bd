// What the engine tests share: an engine beside a real kube-apiserver (the cluster a Kubernetes
// provider deploys onto), the admin kubeconfig the provider gets, the engine's own preview steps,
// and the figures tests/README.md quotes.
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Stack } from "@pulumi/pulumi/automation";
import { IamAuthenticator } from "../../../components/authenticator/iamAuthenticator";
import { RoleMapping } from "../../../components/core/mappings";
import { KubeApiserver, startKubeApiserver } from "../kube/kubeApiserver";
import { PulumiEngine, pulumiEngine, requirePulumi } from "./pulumiEngine";
import { requireTool } from "../processes/tools";

/** The roles the engine tests map: the blog's admin, and a viewer whose user name carries the session. */
export const adminRole: RoleMapping = {
    roleArn: "arn:aws:iam::111122223333:role/KubernetesAdmin",
    username: "kubernetes-admin",
    groups: ["system:masters"],
};
export const viewerRole: RoleMapping = {
    roleArn: "arn:aws:iam::111122223333:role/KubernetesViewer",
    username: "viewer:{{SessionName}}",
    groups: ["viewers"],
};

/**
 * In an inline program: the authenticator as KopsIamCluster deploys it, through a Kubernetes
 * provider made as KopsIamCluster makes its own (the admin kubeconfig a secret,
 * enableConfigMapMutable, deleteUnreachable), mapping `mapRoles`.
 */
export function deployAuthenticator(
    kubeconfig: string,
    clusterName: string,
    mapRoles: RoleMapping[],
    opts?: pulumi.CustomResourceOptions,
): IamAuthenticator {
    const provider = new k8s.Provider(
        "cluster-k8s",
        {
            kubeconfig: pulumi.secret(kubeconfig),
            clusterIdentifier: clusterName,
            enableConfigMapMutable: true,
            deleteUnreachable: true,
        },
        opts,
    );
    return new IamAuthenticator("authenticator", {
        provider,
        clusterId: clusterName,
        mappings: { mapRoles, mapUsers: [], mapAccounts: [] },
    });
}

/** An engine and the kube-apiserver its Kubernetes provider deploys onto. */
export interface ApiserverEngine {
    engine: PulumiEngine;
    apiserver: KubeApiserver;
    /** The apiserver's admin kubeconfig with the CA, certificate and key inline, as kOps exports one (`--admin`). */
    kubeconfig: string;
    /** The admin client key (PEM), to look for in the state. */
    adminKeyPem: string;
}

/**
 * Starts etcd and kube-apiserver (with the daemonset and garbage-collector controllers, which the
 * kubernetes provider awaits on create and on destroy) under `dir`, and an engine for `project`.
 * Skips (or under CI fails) when a tool is missing; the caller stops `apiserver` and the engine's
 * strays after its tests.
 */
export async function startApiserverEngine(ctx: Mocha.Context, dir: string, project: string): Promise<ApiserverEngine> {
    const pulumi = requirePulumi(ctx);
    const installHint = "bash tests/setup/install-tools.sh";
    const apiserver = await startKubeApiserver({
        etcd: requireTool(ctx, "etcd", installHint),
        kubeApiserver: requireTool(ctx, "kube-apiserver", installHint),
        kubeControllerManager: requireTool(ctx, "kube-controller-manager", installHint),
        dir: path.join(dir, "apiserver"),
        controllers: ["daemonset-controller", "garbage-collector-controller"],
    });
    try {
        const engine = await pulumiEngine(pulumi, dir, project);
        const user = JSON.parse(fs.readFileSync(apiserver.adminKubeconfig, "utf8")).users[0].user;
        const adminKeyPem = fs.readFileSync(user["client-key"], "utf8");
        const base64 = (text: string) => Buffer.from(text).toString("base64");
        const kubeconfig = JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                { name: "test", cluster: { server: apiserver.url, "certificate-authority-data": base64(apiserver.caPem) } },
            ],
            users: [
                {
                    name: "admin",
                    user: {
                        "client-certificate-data": base64(fs.readFileSync(user["client-certificate"], "utf8")),
                        "client-key-data": base64(adminKeyPem),
                    },
                },
            ],
            contexts: [{ name: "admin", context: { cluster: "test", user: "admin" } }],
            "current-context": "admin",
        });
        return { engine, apiserver, kubeconfig, adminKeyPem };
    } catch (err) {
        await apiserver.stop();
        throw err;
    }
}

/**
 * The steps of the engine's preview that change something, as `<op> <type> <name>`, sorted:
 * custom resources and providers only. Not components (their "update" is their outputs being
 * recomputed; it runs nothing), nor the engine's own `pulumi:providers:pulumi` (an up of an inline
 * program registers it and a preview does not, so every preview shows it deleted; it manages nothing).
 */
export async function previewSteps(stack: Stack): Promise<string[]> {
    const steps: string[] = [];
    await stack.preview({
        onEvent: (event) => {
            const step = event.resourcePreEvent?.metadata;
            if (
                step &&
                step.op !== "same" &&
                !/^(kops-iam-auth:|pulumi:pulumi:Stack$|pulumi:providers:pulumi$)/.test(step.type)
            ) {
                steps.push(`${step.op} ${step.type} ${step.urn.split("::").pop()}`);
            }
        },
    });
    return steps.sort();
}

/** Wall times and step counts a test measured, printed after it (tests/README.md quotes them). */
export class Figures {
    private readonly lines: string[] = [];

    /** Runs `action`, recording its wall time under `label`. */
    async timed<T>(label: string, action: () => Promise<T>): Promise<T> {
        const started = Date.now();
        try {
            return await action();
        } finally {
            this.add(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        }
    }

    add(line: string): void {
        this.lines.push(line);
    }

    print(): void {
        if (this.lines.length > 0) {
            console.log(`      figures: ${this.lines.join("; ")}`);
        }
    }
}
