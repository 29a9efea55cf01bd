// Where the authenticator's files live in the kOps state store: the keys of the 2018 recipe
// (`aws s3 cp ... ${KOPS_STATE_STORE}/${CLUSTER_NAME}/addons/authenticator/`).

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
    return `${clusterName}/addons/authenticator/`;
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
