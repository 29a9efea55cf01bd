// The slice of KopsIamCluster that runs without AWS: the authenticator's PKI, the kOps cluster
// commands, a Kubernetes provider on the cluster and the authenticator deployed through it, wired
// as KopsIamCluster wires them (components/kopsIamCluster.ts). A plain JavaScript program that
// imports the package by name, as a consumer project does.
"use strict";
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const { AuthenticatorPki, IamAuthenticator, KopsCluster } = require("kops-iam-auth");

const config = new pulumi.Config();
const clusterName = config.require("clusterName");

const pki = new AuthenticatorPki("auth-pki", {});
const cluster = new KopsCluster("cluster", {
    clusterName,
    stateStoreUrl: config.require("stateStoreUrl"),
    region: "us-east-1",
    zones: ["us-east-1a"],
    nodeCount: config.requireNumber("nodeCount"),
    kubernetesVersion: "1.34.4",
    networking: config.get("networking") || "cilium",
    kopsBinary: config.get("kopsBinary") || "kops",
    validateTimeout: "2m",
    webhookKubeconfig: pki.webhookKubeconfig,
});
const provider = new k8s.Provider("cluster-k8s", {
    kubeconfig: cluster.kubeconfig,
    clusterIdentifier: clusterName,
    enableConfigMapMutable: true,
    deleteUnreachable: true,
});
const authenticator = new IamAuthenticator("authenticator", {
    provider,
    clusterId: clusterName,
    mappings: config.requireObject("mappings"),
    clusterRoleBindings: config.getObject("clusterRoleBindings") || [],
});

exports.apiServerUrl = cluster.apiServerUrl;
exports.configMapName = authenticator.configMapName;
exports.daemonSetName = authenticator.daemonSetName;
exports.certPem = pki.certPem;
