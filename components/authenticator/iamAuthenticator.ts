// aws-iam-authenticator on a running cluster: the ConfigMap with config.yaml and the identity
// mappings (mappings.json, which the running servers reload: no restart for a mapping change), the
// DaemonSet on the control-plane nodes, and optional ClusterRoleBindings for mapped groups. It
// needs only a Kubernetes provider, so it also serves a kOps cluster made elsewhere, as long as its
// control-plane nodes have cert.pem/key.pem in /srv/kubernetes/aws-iam-authenticator/ and the
// apiserver's webhook kubeconfig trusts that certificate.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { renderAuthenticatorConfig } from "./configFile";
import { refuse, required } from "../core/problems";
import { GroupClusterRoleBinding, IdentityMappings } from "../core/mappings";
import {
    AuthenticatorDaemonSetArgs,
    configChecksum,
    renderAuthenticatorConfigMap,
    renderAuthenticatorDaemonSet,
    renderClusterRoleBindings,
} from "./manifests";
import { unknownClusterRoleWarnings } from "./signInReach";

export interface IamAuthenticatorArgs {
    /**
     * The Kubernetes provider of the cluster to deploy onto. Required: the objects go nowhere else.
     * Give it `enableConfigMapMutable: true`, so that a mapping change updates the ConfigMap in
     * place; otherwise Pulumi replaces it (deleting it first, as its name is fixed).
     */
    provider: k8s.Provider;
    /**
     * The cluster ID every token is signed for (`aws-iam-authenticator token -i`, `aws eks get-token
     * --cluster-name`); by convention the kOps cluster name.
     */
    clusterId: pulumi.Input<string>;
    /**
     * Roles, users and accounts that may sign in. Role ARNs with an IAM path are written without it
     * (with a warning): the server matches role sessions by role name only. Pass computed ARNs as one
     * Output, e.g. `pulumi.output({ mapRoles: [{ roleArn: role.arn, ... }], mapUsers: [], mapAccounts: [] })`.
     */
    mappings: pulumi.Input<IdentityMappings>;
    /**
     * Server image, pinned by tag or digest (the one kOps uses by default).
     * @default `public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7`
     */
    image?: string;
    /**
     * runAsUser/runAsGroup of the server; must own cert.pem and key.pem on the nodes.
     * @default `10000`
     */
    uid?: number;
    /**
     * CPU and memory requests and limits; unset fields keep the default.
     * @default `{"requests":{"memory":"20Mi","cpu":"10m"},"limits":{"memory":"20Mi","cpu":"100m"}}`
     */
    resources?: AuthenticatorDaemonSetArgs["resources"];
    /**
     * Mapped groups to bind to ClusterRoles, e.g. `[{ group: "readers", clusterRole: "view" }]`.
     * @default `[]`
     */
    clusterRoleBindings?: GroupClusterRoleBinding[];
}

/** aws-iam-authenticator's ConfigMap, DaemonSet and group bindings on a cluster. */
export class IamAuthenticator extends pulumi.ComponentResource {
    /** `aws-iam-authenticator` (in kube-system). */
    public readonly configMapName: pulumi.Output<string>;
    /** `aws-iam-authenticator` (in kube-system). */
    public readonly daemonSetName: pulumi.Output<string>;
    /** The config.yaml the server reads at start: clusterID and the DynamicFile backend. */
    public readonly configYaml: pulumi.Output<string>;
    /** The mappings.json the server watches: the canonical mappings. */
    public readonly mappingsJson: pulumi.Output<string>;

    constructor(name: string, args: IamAuthenticatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kops-iam-auth:index:IamAuthenticator", name, args, opts);
        if (!args.provider) {
            refuse(
                `IamAuthenticator ${name}`,
                required(
                    "provider",
                    "the Kubernetes provider of the cluster to deploy onto",
                    "without it the objects would go to whatever cluster the ambient kubeconfig names",
                ),
            );
        }
        // Everything plain is rendered (and so validated) now, before any child is registered.
        const bindings = renderClusterRoleBindings(args.clusterRoleBindings ?? []);
        for (const warning of unknownClusterRoleWarnings(args.clusterRoleBindings ?? [])) {
            pulumi.log.warn(warning, this);
        }
        const files = authenticatorFiles(args, this);
        this.configYaml = files.configYaml;
        this.mappingsJson = files.mappingsJson;
        // Of config.yaml only: a mapping change updates the ConfigMap and leaves the pods running.
        const daemonSetObject = renderAuthenticatorDaemonSet({
            configChecksum: this.configYaml.apply(configChecksum),
            image: args.image,
            uid: args.uid,
            resources: args.resources,
        });
        const configMapObject = renderAuthenticatorConfigMap({ configYaml: this.configYaml, mappingsJson: this.mappingsJson });

        // The names are fixed (the DaemonSet mounts the ConfigMap by name; other tools look for
        // them), so a replacement must delete the old object first.
        const childOpts = { parent: this, provider: args.provider, deleteBeforeReplace: true };
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            {
                metadata: configMapObject.metadata,
                data: configMapObject.data,
            },
            childOpts,
        );
        // Pods started without the ConfigMap cannot mount their config; on destroy the DaemonSet
        // goes first, so no pod is left without it.
        const daemonSet = new k8s.apps.v1.DaemonSet(
            `${name}-daemonset`,
            {
                metadata: daemonSetObject.metadata,
                spec: daemonSetObject.spec,
            },
            { ...childOpts, dependsOn: [configMap] },
        );
        groupClusterRoleBindings(name, bindings, childOpts);

        this.configMapName = configMap.metadata.name;
        this.daemonSetName = daemonSet.metadata.name;
        this.registerOutputs({
            configMapName: this.configMapName,
            daemonSetName: this.daemonSetName,
            configYaml: this.configYaml,
            mappingsJson: this.mappingsJson,
        });
    }
}

/**
 * config.yaml and mappings.json rendered from the cluster ID and the mappings; what the rendering
 * warns about is logged on the component.
 */
function authenticatorFiles(args: IamAuthenticatorArgs, component: pulumi.Resource) {
    const rendered = pulumi.all([args.clusterId, args.mappings]).apply(([clusterId, mappings]) => {
        const files = renderAuthenticatorConfig(clusterId, mappings);
        for (const warning of files.warnings) {
            pulumi.log.warn(warning, component);
        }
        return files;
    });
    return { configYaml: rendered.configYaml, mappingsJson: rendered.mappingsJson };
}

/** One ClusterRoleBinding per mapped group bound to a ClusterRole. */
function groupClusterRoleBindings(
    name: string,
    bindings: ReturnType<typeof renderClusterRoleBindings>,
    opts: pulumi.CustomResourceOptions,
): void {
    for (const binding of bindings) {
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-${binding.metadata.name}`,
            {
                metadata: binding.metadata,
                roleRef: binding.roleRef,
                subjects: binding.subjects,
            },
            opts,
        );
    }
}
