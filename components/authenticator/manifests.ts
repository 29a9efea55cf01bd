// The Kubernetes objects that run aws-iam-authenticator on every control-plane node, as plain
// objects: the ConfigMap with config.yaml and mappings.json, the DaemonSet, and optional ClusterRoleBindings for
// mapped groups. Modelled on upstream's deploy/example.yaml and kOps' authentication.aws addon,
// with the choices explained where they differ.
import { createHash } from "crypto";
import { cpuCores, isAuthenticatorUid, isPinnedImage, memoryBytes, pinnedImageAccepted } from "../core/rules";
import { duplicate, invalid, Problem, refuse, showValue, throwProblems } from "../core/problems";
import { authenticatorPort } from "./webhookKubeconfig";
import { AuthenticatorResourceOverrides, AuthenticatorResources } from "../core/types";
import { defaultAuthenticatorImage, defaultAuthenticatorResources, defaultAuthenticatorUid } from "../core/defaults";
import { authenticatorCertDir } from "../core/hostLayout";
import { GroupClusterRoleBinding } from "../core/mappings";
import { authenticatorConfigDir, authenticatorConfigKey, authenticatorMappingsKey } from "./configFile";

export const authenticatorName = "aws-iam-authenticator";
export const authenticatorNamespace = "kube-system";
export const authenticatorLabels = { "k8s-app": authenticatorName };
const stateMountPath = "/var/aws-iam-authenticator/";

/**
 * sha256 (hex) of config.yaml, the file the server reads only at start: the pod-template annotation
 * that rolls the pods when it changes. mappings.json is left out on purpose: the running servers
 * reload it, so a mapping change must not roll them.
 */
export function configChecksum(configYaml: string): string {
    return createHash("sha256").update(configYaml, "utf8").digest("hex");
}

/**
 * The ConfigMap the server's `--config` and its DynamicFile mappings come from. Generic in the
 * values so that a component can pass not-yet-known files (Pulumi Outputs) and still get known
 * names at preview.
 */
export function renderAuthenticatorConfigMap<Text = string>(args: { configYaml: Text; mappingsJson: Text }) {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: authenticatorName, namespace: authenticatorNamespace, labels: { ...authenticatorLabels } },
        data: { [authenticatorConfigKey]: args.configYaml, [authenticatorMappingsKey]: args.mappingsJson },
    };
}

export interface AuthenticatorDaemonSetArgs<Checksum = string> {
    /** configChecksum(config.yaml): the `checksum/config` pod-template annotation (not of mappings.json). */
    configChecksum: Checksum;
    /**
     * Container image, pinned by tag or digest.
     * @default `public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7`
     */
    image?: string;
    /**
     * runAsUser and runAsGroup; must own the hook's cert.pem and key.pem.
     * @default `10000`
     */
    uid?: number;
    /** Requests and limits; unset fields keep defaultAuthenticatorResources. */
    resources?: AuthenticatorResourceOverrides;
}

// A quantity's value by resource: the stack config's rules (bytes, cores), undefined when malformed or zero.
const quantityValue = { memory: memoryBytes, cpu: cpuCores };

/**
 * The problem of a request above its limit, which Kubernetes refuses (at `paths.request`, naming
 * `paths.limit`); none when either is not a valid quantity (each is refused on its own).
 */
export function requestAboveLimit(
    resource: "memory" | "cpu",
    request: string,
    limit: string,
    paths: { request: string; limit: string },
): Problem | undefined {
    const requestValue = quantityValue[resource](request);
    const limitValue = quantityValue[resource](limit);
    return requestValue !== undefined && limitValue !== undefined && requestValue > limitValue
        ? invalid(
              paths.request,
              request,
              `at most ${paths.limit} (${showValue(limit)})`,
              "Kubernetes refuses a request above its limit",
          )
        : undefined;
}

/** Defaults filled in and every value checked; all problems reported at once. */
export function resolveAuthenticatorResources(resources: AuthenticatorDaemonSetArgs["resources"] = {}): AuthenticatorResources {
    const defaults = defaultAuthenticatorResources;
    const resolved: AuthenticatorResources = {
        requests: {
            memory: resources.requests?.memory ?? defaults.requests.memory,
            cpu: resources.requests?.cpu ?? defaults.requests.cpu,
        },
        limits: { memory: resources.limits?.memory ?? defaults.limits.memory, cpu: resources.limits?.cpu ?? defaults.limits.cpu },
    };
    const problems: Problem[] = [];
    for (const resource of ["memory", "cpu"] as const) {
        const request = resolved.requests[resource];
        const limit = resolved.limits[resource];
        const requestValue = quantityValue[resource](String(request));
        const limitValue = quantityValue[resource](String(limit));
        for (const [setting, value, parsed] of [
            [`requests.${resource}`, request, requestValue],
            [`limits.${resource}`, limit, limitValue],
        ] as const) {
            if (parsed === undefined) {
                problems.push(
                    invalid(
                        `resources.${setting}`,
                        value,
                        `a positive Kubernetes quantity such as ${defaults.requests[resource]} or ${defaults.limits[resource]}`,
                    ),
                );
            }
        }
        const aboveLimit = requestAboveLimit(resource, String(request), String(limit), {
            request: `resources.requests.${resource}`,
            limit: `resources.limits.${resource}`,
        });
        if (aboveLimit) {
            problems.push(aboveLimit);
        }
    }
    throwProblems("aws-iam-authenticator resources", problems);
    return resolved;
}

/** Refuses an image that is not pinned: a moving tag would change the server under a running cluster. */
export function checkAuthenticatorImage(image: string): string {
    if (!isPinnedImage(image)) {
        refuse("aws-iam-authenticator", invalid("image", image, `${pinnedImageAccepted}, like ${defaultAuthenticatorImage}`));
    }
    return image;
}

export function checkAuthenticatorUid(uid: number): number {
    if (!isAuthenticatorUid(uid)) {
        refuse(
            "aws-iam-authenticator",
            invalid(
                "uid",
                uid,
                "a whole number from 1 to 2147483647 (not root), the owner the hook gives cert.pem and key.pem " +
                    `(default ${defaultAuthenticatorUid})`,
            ),
        );
    }
    return uid;
}

/** The DaemonSet; generic in the checksum for the same reason as renderAuthenticatorConfigMap. */
export function renderAuthenticatorDaemonSet<Checksum = string>(args: AuthenticatorDaemonSetArgs<Checksum>) {
    // `as const` on Kubernetes enum values keeps their literal types, so that the object also
    // type-checks against kubernetes-models' DaemonSet type in the tests.
    const image = checkAuthenticatorImage(args.image ?? defaultAuthenticatorImage);
    const uid = checkAuthenticatorUid(args.uid ?? defaultAuthenticatorUid);
    const resources = resolveAuthenticatorResources(args.resources);
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: authenticatorName, namespace: authenticatorNamespace, labels: { ...authenticatorLabels } },
        spec: {
            selector: { matchLabels: { ...authenticatorLabels } },
            updateStrategy: { type: "RollingUpdate" as const },
            template: {
                metadata: {
                    labels: { ...authenticatorLabels },
                    // The server reads config.yaml once, at start (AIA#175): a new checksum is a new
                    // pod template. Mappings live in mappings.json, which the server reloads by itself.
                    annotations: { "checksum/config": args.configChecksum },
                },
                spec: {
                    // The apiserver calls https://127.0.0.1:21362 on its own node, and this must work
                    // before any CNI does.
                    hostNetwork: true,
                    // Resolve STS with the node's resolver: cluster DNS may not run yet, and IAM
                    // sign-in must not depend on it.
                    dnsPolicy: "Default" as const,
                    // DynamicFile reads a mounted file and never calls the Kubernetes API: no token to steal.
                    automountServiceAccountToken: false,
                    nodeSelector: { "node-role.kubernetes.io/control-plane": "" },
                    priorityClassName: "system-node-critical",
                    tolerations: [
                        {
                            key: "node-role.kubernetes.io/control-plane",
                            operator: "Exists" as const,
                            effect: "NoSchedule" as const,
                        },
                        // Clusters upgraded from before Kubernetes 1.24 may still carry the old taint.
                        { key: "node-role.kubernetes.io/master", operator: "Exists" as const, effect: "NoSchedule" as const },
                        { key: "CriticalAddonsOnly", operator: "Exists" as const },
                        // Sign-in must work before the cloud controller manager has initialised the node.
                        {
                            key: "node.cloudprovider.kubernetes.io/uninitialized",
                            operator: "Equal" as const,
                            value: "true",
                            effect: "NoSchedule" as const,
                        },
                    ],
                    containers: [
                        {
                            name: authenticatorName,
                            image,
                            args: [
                                "server",
                                `--config=${authenticatorConfigDir}${authenticatorConfigKey}`,
                                "--state-dir=/var/aws-iam-authenticator",
                                // cert.pem and key.pem come from the hook and the webhook kubeconfig from
                                // kOps: the server must neither generate nor write either (AIA#90).
                                "--kubeconfig-pregenerated=true",
                            ],
                            securityContext: {
                                runAsUser: uid,
                                runAsGroup: uid,
                                runAsNonRoot: true,
                                allowPrivilegeEscalation: false,
                                capabilities: { drop: ["ALL"] },
                                seccompProfile: { type: "RuntimeDefault" as const },
                                readOnlyRootFilesystem: true,
                            },
                            // Copies: the Kubernetes types want plain maps, which an interface is not.
                            resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
                            livenessProbe: {
                                httpGet: {
                                    host: "127.0.0.1",
                                    port: authenticatorPort,
                                    path: "/healthz",
                                    scheme: "HTTPS" as const,
                                },
                            },
                            volumeMounts: [
                                // The whole volume, never a subPath: kubelet updates a ConfigMap in place
                                // only for whole-volume mounts, and mappings.json must follow it.
                                { name: "config", mountPath: authenticatorConfigDir, readOnly: true },
                                // Read-only on purpose: if cert.pem or key.pem is missing the server would
                                // silently generate a new pair the apiserver does not trust
                                // (GetOrCreateX509KeyPair). Read-only turns that into a crash that says
                                // "could not load/generate a certificate".
                                { name: "state", mountPath: stateMountPath, readOnly: true },
                            ],
                        },
                    ],
                    volumes: [
                        // Not optional: without mappings.json the DynamicFile backend maps nobody.
                        { name: "config", configMap: { name: authenticatorName } },
                        // Directory, not DirectoryOrCreate: the hook makes it, and only with cert.pem
                        // and key.pem in it (it renames its staging directory into place). Until then
                        // the pod waits in ContainerCreating with an event naming the path, however
                        // long the hook retries, instead of crash-looping on an empty directory.
                        { name: "state", hostPath: { path: `${authenticatorCertDir}/`, type: "Directory" as const } },
                    ],
                },
            },
        },
    };
}

/** Kubernetes' limit for the name of a ClusterRoleBinding (any object named like a DNS subdomain). */
export const maxObjectNameLength = 253;

/** The ClusterRoleBinding's name: `aws-iam-authenticator:<group>:<clusterRole>`. */
export function clusterRoleBindingName(binding: GroupClusterRoleBinding): string {
    return `${authenticatorName}:${binding.group}:${binding.clusterRole}`;
}

/** The problem of a binding whose ClusterRoleBinding name would be longer than Kubernetes allows, at `path`. */
export function bindingNameTooLong(path: string, binding: GroupClusterRoleBinding): Problem | undefined {
    const name = clusterRoleBindingName(binding);
    return name.length > maxObjectNameLength
        ? invalid(
              path,
              binding,
              `a group and ClusterRole whose binding name (${name.slice(0, 40)}...) has at most ${maxObjectNameLength} ` +
                  "characters (Kubernetes' limit for object names)",
          )
        : undefined;
}

export function renderClusterRoleBindings(bindings: GroupClusterRoleBinding[]) {
    const problems: Problem[] = [];
    const names = new Set<string>();
    bindings.forEach((binding, i) => {
        for (const field of ["group", "clusterRole"] as const) {
            const value: unknown = binding[field];
            // RBAC object names may be anything but "."/".." or a string with "/" or "%"
            // (ValidateRBACName); keep them printable and within the usual 253 characters.
            if (typeof value !== "string" || !/^[\x21-\x7e]+$/.test(value) || /[/%]/.test(value)) {
                problems.push(
                    invalid(
                        `clusterRoleBindings[${i}].${field}`,
                        value,
                        "a non-empty name of printable characters without spaces, / or %",
                    ),
                );
            }
        }
        const name = clusterRoleBindingName(binding);
        const tooLong = bindingNameTooLong(`clusterRoleBindings[${i}]`, binding);
        if (tooLong) {
            problems.push(tooLong);
        }
        if (names.has(name)) {
            problems.push(
                duplicate(
                    `clusterRoleBindings[${i}]`,
                    binding,
                    `a binding not listed before: group ${binding.group} is bound to ${binding.clusterRole} already`,
                ),
            );
        }
        names.add(name);
    });
    throwProblems("aws-iam-authenticator ClusterRoleBindings", problems);
    return bindings.map((binding) => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: clusterRoleBindingName(binding), labels: { ...authenticatorLabels } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: binding.clusterRole },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: binding.group }],
    }));
}
