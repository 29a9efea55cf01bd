// Where the authenticator's files live on a control-plane host: the hook (kops/certFetchHook.ts)
// writes them there and the DaemonSet (authenticator/manifests.ts) mounts the directory.

/**
 * The host directory where the control-plane hook (kops/certFetchHook.ts) puts cert.pem and key.pem,
 * and which the DaemonSet mounts as the server's state directory.
 */
export const authenticatorCertDir = "/srv/kubernetes/aws-iam-authenticator";
