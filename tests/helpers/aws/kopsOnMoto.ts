// The real kops (the pinned build from tests/setup/install-tools.sh) on this machine against
// moto_server on 127.0.0.1, for the tests that run it (kopsMoto, kopsContract, destroyMatrixMoto,
// statePurgeMoto): one cluster's settings for it (kopsOnMotoSettings), and its environment:
// - AWS SDK: moto's environment (AWS_ENDPOINT_URL, fake static credentials, no IMDS, a region);
// - kops' own S3 client: S3_ENDPOINT/S3_REGION/S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY (with only
//   AWS_ENDPOINT_URL it fails: "Cannot set dual-stack in combination with a custom endpoint");
// - kops' own binaries (nodeup, protokube, image tarballs): KOPS_BASE_URL=file://<local mirror>
//   whose files are placeholders with their real sha256 files. `kops update` records those hashes
//   in the instances' user data; only a booting node would download the files, and nothing boots
//   here. (KOPS_BASE_URL also stops kops looking up image digests on registry.k8s.io.)
// - the channel: `--channel file://<kopsChannelFile()>` on `create cluster`, so that kops reads no
//   channel from the network.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { KopsCommandSettings } from "../../../components/kops/commandEnvironment";
import { kopsModuleFile, kopsVersion } from "../data/kopsFixtures";
import { Moto, testRegion } from "./moto";

/**
 * The image the channel gives AWS clusters. `kops update cluster` looks the channel's image name up
 * with ec2:DescribeImages, and moto_server knows only the AMIs it ships, whose only Canonical
 * (owner 099720109477) x86_64 images are Ubuntu 14.04 and 16.04; kOps' stable channel names Ubuntu
 * 24.04 ones. Nothing boots here, so which Ubuntu it is does not matter; that kops resolves a
 * channel image by owner and name does.
 */
const motoKnownImage = {
    name: "099720109477/ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-20170721",
    providerID: "aws",
    architectureID: "amd64",
    kubernetesVersion: ">=1.32.0",
};

let channelFile: string | undefined;

/**
 * kOps' own stable channel (channels/stable in the k8s.io/kops module: its Kubernetes and kOps
 * version recommendations) with moto's image as its only image, written once per test process.
 * Call requireKopsModule first to skip where the module is missing.
 */
export function kopsChannelFile(): string {
    if (channelFile === undefined) {
        const channel = YAML.parseDocument(fs.readFileSync(kopsModuleFile("channels/stable"), "utf8"));
        channel.setIn(["spec", "images"], [motoKnownImage]);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kops-channel-"));
        process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        channelFile = path.join(dir, "stable");
        fs.writeFileSync(channelFile, channel.toString());
    }
    return channelFile;
}

/** What kops fetches from KOPS_BASE_URL during `update cluster` (found by running it). */
const kopsBaseUrlFiles = [
    ...["amd64", "arm64"].flatMap((arch) => [`linux/${arch}/nodeup`, `linux/${arch}/protokube`]),
    ...["amd64", "arm64"].flatMap((arch) =>
        ["kops-utils-cp", "kops-controller", "kops-channels", "dns-controller", "kube-apiserver-healthcheck"].map(
            (image) => `images/${image}-${arch}.tar.gz`,
        ),
    ),
];

/**
 * The environment that runs the real kops against `moto` from inside `work`: a KOPS_BASE_URL
 * mirror of placeholders, and a HOME and KUBECONFIG of its own.
 */
export function kopsOnMotoEnv(moto: Moto, work: string): NodeJS.ProcessEnv {
    const mirror = path.join(work, "kops-base-url", kopsVersion);
    for (const file of kopsBaseUrlFiles) {
        const target = path.join(mirror, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const placeholder = `placeholder for kOps ${kopsVersion} ${file}: only a booting node downloads it\n`;
        fs.writeFileSync(target, placeholder);
        fs.writeFileSync(`${target}.sha256`, createHash("sha256").update(placeholder).digest("hex") + "\n");
    }
    fs.mkdirSync(path.join(work, "home"), { recursive: true });
    return {
        ...moto.env,
        // kops' own S3 client (util/pkg/vfs/s3context.go) takes these for a non-AWS endpoint.
        S3_ENDPOINT: moto.endpoint,
        S3_REGION: testRegion,
        S3_ACCESS_KEY_ID: moto.env.AWS_ACCESS_KEY_ID,
        S3_SECRET_ACCESS_KEY: moto.env.AWS_SECRET_ACCESS_KEY,
        KOPS_BASE_URL: `file://${mirror}/`,
        HOME: path.join(work, "home"),
        KUBECONFIG: path.join(work, "home", "kubeconfig"),
    };
}

/**
 * One cluster's command settings as KopsCluster resolves them, for the real kops on moto: one zone,
 * one node, explicit instance sizes (kops picks none itself under moto), the channel
 * (kopsChannelFile) as an extra flag, a short validate timeout (nothing boots here).
 */
export function kopsOnMotoSettings(
    values: Pick<KopsCommandSettings, "kopsBinary" | "clusterName" | "stateStoreUrl" | "webhookKubeconfig">,
): KopsCommandSettings {
    return {
        clusterOwner: "organization/kops-iam-auth/moto/moto-kops",
        ...values,
        region: testRegion,
        zones: [`${testRegion}a`],
        nodeCount: 1,
        nodeSize: "t3.medium",
        controlPlaneCount: 1,
        controlPlaneSize: "t3.medium",
        kubernetesVersion: "1.34.8",
        networking: "cilium",
        topology: "public",
        extraFlags: ["--channel", `file://${kopsChannelFile()}`],
        adoptExisting: false,
        validateTimeout: "5s",
        kubeconfigMode: "auth-plugin",
        adminTtl: "18h",
        webhookCacheTtl: "5m0s",
        hookRunner: "container",
        hookImage: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
        authenticatorUid: 10000,
    };
}
