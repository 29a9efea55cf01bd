// How the package runs its kOps scripts (components/kops/scripts/*.sh): the command lines every
// `local.Command` gets, the owner marker the scripts check, and the environment every kOps call
// gets. Shared by KopsCluster (spec, apply, kubeconfig) and KopsStateStore (the claim before the
// authenticator's files are uploaded). Values travel only through the environment; command lines
// are fixed strings.

/**
 * The owner marker a cluster carries (annotation kops-iam-auth/created-by):
 * `<organization>/<project>/<stack>/<component>`, the component being the KopsCluster's resource
 * name. Another stack, or another component of this one (a rename), is refused by it.
 */
export function clusterOwnerMarker(organization: string, project: string, stack: string, component: string): string {
    for (const [what, value] of [
        ["organization", organization],
        ["project", project],
        ["stack", stack],
    ]) {
        if (value === "" || value.includes("/")) {
            throw new Error(`clusterOwnerMarker: the ${what} ${JSON.stringify(value)} is empty or contains "/"`);
        }
    }
    if (component === "") {
        throw new Error("clusterOwnerMarker: the component name is empty");
    }
    return `${organization}/${project}/${stack}/${component}`;
}

/** The shell commands each `local.Command` runs, per lifecycle step. */
export interface KopsCommandLines {
    /** Checks, before the authenticator's files are uploaded, that no other stack owns the cluster (claim.sh). */
    claim: { create: string; update: string };
    spec: { create: string; update: string; delete: string };
    apply: { create: string; update: string };
    kubeconfig: { create: string; update: string };
}

/**
 * What `pulumi destroy` runs for an adopted cluster: it only says that the cluster stays. The
 * cluster existed before this stack, so deleting it is its owner's call, not the stack's.
 * CLUSTER_NAME comes from the command's environment.
 */
export const leaveAdoptedClusterRunning =
    'echo "kops-iam-auth: cluster $CLUSTER_NAME was adopted, not created, by this stack; ' +
    'it is left running (delete it with: kops delete cluster --name $CLUSTER_NAME --state $STATE_STORE --yes)"';

/** The package's name and the export of its compiled helper program (kopsHelper.ts). */
export const kopsHelperModule = "kops-iam-auth/kops-helper";

/** What every command line starts with: the helper's `run` job, followed by the script and its arguments. */
const kopsScriptRunner = `node -e 'require("${kopsHelperModule}").main(process.argv.slice(1))' run`;

/** The script and arguments a command line runs (`... run apply.sh update` → apply.sh, [update]); undefined for another line. */
export function parseKopsCommandLine(line: string): { script: string; args: string[] } | undefined {
    if (!line.startsWith(`${kopsScriptRunner} `)) {
        return undefined;
    }
    const [script, ...args] = line.slice(kopsScriptRunner.length + 1).split(" ");
    return { script, args };
}

/**
 * The command lines, the same strings on every machine and checkout (a moved checkout or another
 * machine must not re-run kOps). Node resolves the package from the command provider's working
 * directory, the Pulumi project directory, as it resolves `@pulumi/pulumi` there for dynamic
 * providers: this repo itself (package self-reference) or a project that installed the package.
 * An adopted cluster is never deleted, and its first apply rolls the nodes: the patch changed a
 * running cluster, which `apply.sh update` (update, rolling-update, validate) is for; a new
 * cluster boots with the patched spec and needs no roll (`apply.sh create`).
 */
export function kopsCommandLines(adoptExisting: boolean): KopsCommandLines {
    const script = (name: string, ...args: string[]) => [kopsScriptRunner, name, ...args].join(" ");
    return {
        claim: {
            create: script("claim.sh", "create"),
            update: script("claim.sh", "update"),
        },
        spec: {
            create: script("upsert-spec.sh", "create"),
            update: script("upsert-spec.sh", "update"),
            delete: adoptExisting ? leaveAdoptedClusterRunning : script("delete.sh"),
        },
        apply: {
            create: script("apply.sh", adoptExisting ? "update" : "create"),
            update: script("apply.sh", "update"),
        },
        kubeconfig: {
            create: script("kubeconfig.sh"),
            update: script("kubeconfig.sh"),
        },
    };
}

/** How kops runs and which cluster it acts on: what every kOps call's environment carries. */
export interface KopsRunSettings {
    kopsBinary: string;
    clusterName: string;
    /** `s3://<bucket>`. */
    stateStoreUrl: string;
    region: string;
    awsProfile?: string;
}

/** The environment every kOps call gets: the binary, the cluster, the state store, the AWS region and profile. */
export function kopsBaseEnvironment(s: KopsRunSettings): Record<string, string> {
    return {
        KOPS_BIN: s.kopsBinary,
        CLUSTER_NAME: s.clusterName,
        STATE_STORE: s.stateStoreUrl,
        // kOps reads the state bucket and calls EC2 through the AWS SDK's default chain: the same
        // region (and profile) as the stack's AWS provider keeps both in one account and region.
        AWS_REGION: s.region,
        ...(s.awsProfile ? { AWS_PROFILE: s.awsProfile } : {}),
    };
}

/** What the claim command needs of the settings: how kops runs, the cluster, its owner, adoption. */
export interface ClaimSettings extends KopsRunSettings {
    /** The owner marker of the KopsCluster that manages the cluster (clusterOwnerMarker). */
    clusterOwner: string;
    /** An unmarked cluster may be adopted. */
    adoptExisting: boolean;
}

/**
 * The claim command's environment (claim.sh): whose cluster it is, and whether an unmarked one may
 * be adopted. It runs before the authenticator's files are uploaded, so another stack's cluster is
 * refused before anything of it is overwritten.
 */
export function claimEnvironment(s: ClaimSettings): Record<string, string> {
    return {
        ...kopsBaseEnvironment(s),
        CLUSTER_OWNER: s.clusterOwner,
        ADOPT_EXISTING: String(s.adoptExisting),
    };
}
