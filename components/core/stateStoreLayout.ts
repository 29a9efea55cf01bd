// Where things live in the kOps state store: kOps keeps each cluster under `<cluster>/`, and the
// authenticator's files go where the 2018 recipe put them
// (`aws s3 cp ... ${KOPS_STATE_STORE}/${CLUSTER_NAME}/addons/authenticator/`).

/** The prefix of everything kOps and the state store component keep for one cluster. */
export function clusterStatePrefix(clusterName: string): string {
    if (clusterName === "" || clusterName.includes("/")) {
        throw new Error(`clusterStatePrefix: cluster name ${JSON.stringify(clusterName)} is empty or contains "/"`);
    }
    return `${clusterName}/`;
}

/** The three files `aws-iam-authenticator init` makes, by their object keys. */
export interface AuthenticatorObjectKeys {
    /** The self-signed certificate, PEM. */
    certPem: string;
    /** Its private key, PEM. Secret. */
    keyPem: string;
    /** The apiserver's webhook kubeconfig. */
    kubeconfig: string;
}

/** `<cluster>/addons/authenticator/`: the folder the control-plane hook copies from. */
export function authenticatorObjectPrefix(clusterName: string): string {
    return `${clusterStatePrefix(clusterName)}addons/authenticator/`;
}

export function authenticatorObjectKeys(clusterName: string): AuthenticatorObjectKeys {
    const prefix = authenticatorObjectPrefix(clusterName);
    return {
        certPem: `${prefix}cert.pem`,
        keyPem: `${prefix}key.pem`,
        kubeconfig: `${prefix}kubeconfig.yaml`,
    };
}

/** The KOPS_STATE_STORE value for a bucket. */
export function stateStoreUrl(bucketName: string): string {
    return `s3://${bucketName}`;
}
