// Why a binding to a ClusterRole the stack does not know is warned about (issue 17), on a real
// kube-apiserver (tests/helpers/kube/kubeApiserver.ts, built by tests/setup/install-tools.sh): the API server
// accepts the ClusterRoleBinding our manifests render for a ClusterRole that does not exist, and the
// group then gets nothing; the same binding to the built-in cluster-admin works at once. Only 127.0.0.1.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderClusterRoleBindings } from "../../components/authenticator/manifests";
import { unknownClusterRoleWarnings } from "../../components/authenticator/signInReach";
import { KubeApiserver, startKubeApiserver } from "../helpers/kube/kubeApiserver";
import { run, runOk } from "../helpers/processes/processes";
import { requireTool } from "../helpers/processes/tools";

const installHint = "bash tests/setup/install-tools.sh";

describe("a ClusterRoleBinding to a ClusterRole that does not exist, on a real kube-apiserver", function () {
    this.timeout(180000);
    let apiserver: KubeApiserver | undefined;
    let kubectl: string;
    let work: string;

    before(async function () {
        const etcd = requireTool(this, "etcd", installHint);
        const kubeApiserver = requireTool(this, "kube-apiserver", installHint);
        kubectl = requireTool(this, "kubectl", "https://kubernetes.io/docs/tasks/tools/");
        requireTool(this, "openssl", "apt-get install openssl");
        work = fs.mkdtempSync(path.join(os.tmpdir(), "crb-"));
        apiserver = await startKubeApiserver({ etcd, kubeApiserver, dir: path.join(work, "control-plane") });
        console.log(`      kube-apiserver ready in ${(apiserver.readyMs / 1000).toFixed(1)} s`);
    });

    after(async () => {
        await apiserver?.stop();
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    const admin = (args: string[], input?: string) =>
        runOk(kubectl, ["--kubeconfig", apiserver!.adminKubeconfig, ...args], { input });
    /** `kubectl auth can-i` as a member of `group`: "yes", or "no" with the authorizer's reason. */
    const canI = async (group: string, verb: string, resource: string) => {
        const result = await run(kubectl, [
            "--kubeconfig",
            apiserver!.adminKubeconfig,
            "auth",
            "can-i",
            verb,
            resource,
            "--as=someone",
            `--as-group=${group}`,
        ]);
        return result.stdout.trim();
    };

    it("is accepted silently and grants nothing, while the stack warns naming the role and the group", async () => {
        const bindings = [
            { group: "deployers", clusterRole: "deployer" },
            { group: "operators", clusterRole: "cluster-admin" },
        ];
        const objects = renderClusterRoleBindings(bindings);
        const applied = await admin(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
        assert.match(applied, /clusterrolebinding.rbac.authorization.k8s.io\/aws-iam-authenticator:deployers:deployer created/);
        const missing = await run(kubectl, ["--kubeconfig", apiserver!.adminKubeconfig, "get", "clusterrole", "deployer"]);
        assert.notEqual(missing.status, 0);
        assert.match(missing.stderr, /clusterroles.rbac.authorization.k8s.io "deployer" not found/);

        // Only the authorizer's reason shows the missing role; the binding itself was accepted.
        assert.equal(
            await canI("deployers", "get", "pods"),
            'no - RBAC: clusterrole.rbac.authorization.k8s.io "deployer" not found',
        );
        assert.equal(await canI("operators", "get", "pods"), "yes");

        const warnings = unknownClusterRoleWarnings(bindings);
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0], /clusterRoleBindings\[0\] binds the group deployers to the ClusterRole deployer/);
        assert.match(warnings[0], /kubectl get clusterrole deployer/);
    });
});
