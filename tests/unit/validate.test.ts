import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { ConfigError, parseStackSettings } from "../../components/settings";
import { formatProblem, Problem, ProblemKind, showValue } from "../../components/core/problems";
import { problemsOf as problemsOfCall, refusedWith, said } from "../helpers/data/problems";
import { ResolvedKopsIamClusterArgs } from "../../components/settings/args";

const region = "eu-west-1";
/** The two settings without a default. */
const required = { clusterName: "dev.k8s.local", stateBucketName: "kops-state-test" };

function parse(
    overrides: Record<string, unknown>,
    options: { region?: string; awsProfile?: string } = {},
): ResolvedKopsIamClusterArgs {
    return parseStackSettings({ ...required, ...overrides }, "region" in options ? options.region : region, {
        awsProfile: options.awsProfile,
    });
}

/** The settings named by `keys`, to compare a part of the args. */
function pick(settings: ResolvedKopsIamClusterArgs, keys: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(keys.map((key) => [key, (settings as unknown as Record<string, unknown>)[key]]));
}
const stateBucketKeys = ["stateBucketName", "createStateBucket", "stateBucketForceDestroy"];

/** Asserts the settings `expected` names have its values. */
function assertSettings(settings: ResolvedKopsIamClusterArgs, expected: Record<string, unknown>): void {
    assert.deepStrictEqual(pick(settings, Object.keys(expected)), expected);
}

type ParseTestOptions = { region?: string; awsProfile?: string };

/** The problems parseStackSettings reports (none if it succeeds). */
function problemsOf(overrides: Record<string, unknown>, options: ParseTestOptions = {}): readonly Problem[] {
    return problemsOfCall(() => parse(overrides, options));
}

/**
 * Asserts that exactly one problem is reported, of `kind` (invalid unless said), for `key`, with the
 * value shown as `shownValue`, and that what it says is accepted (or its hint) says `accepted`; and
 * that the thrown error's message carries it.
 */
function assertRejected(
    overrides: Record<string, unknown>,
    key: string,
    shownValue: string,
    accepted: string | RegExp,
    options: ParseTestOptions & { kind?: ProblemKind } = {},
): void {
    const fullKey = key.startsWith("aws:") ? key : `kops-iam-auth:${key}`;
    const [problem] = refusedWith(() => parse(overrides, options), [[fullKey, options.kind ?? "invalid"]]);
    assert.strictEqual(showValue(problem.value), shownValue, "the problem's value");
    if (typeof accepted === "string") {
        assert.ok(said(problem).includes(accepted), `problem says what is accepted (${accepted}): ${said(problem)}`);
    } else {
        assert.match(said(problem), accepted);
    }
    assert.throws(
        () => parse(overrides, options),
        (error: Error) => error.message.includes(formatProblem(problem)),
    );
}

/** OpenSSH public key lines built from real keys (the blob: SSH strings and mpints, RFC 4253 §6.6). */
function sshString(data: Buffer): Buffer {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
}
function sshMpint(unsignedBigEndian: Buffer): Buffer {
    return sshString(unsignedBigEndian[0] & 0x80 ? Buffer.concat([Buffer.from([0]), unsignedBigEndian]) : unsignedBigEndian);
}
function ed25519PublicKeyLine(comment = "alice@laptop"): string {
    const { publicKey } = crypto.generateKeyPairSync("ed25519");
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const blob = Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(raw)]);
    return `ssh-ed25519 ${blob.toString("base64")} ${comment}`;
}
function rsaPublicKeyLine(): string {
    const { publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = publicKey.export({ format: "jwk" });
    const blob = Buffer.concat([
        sshString(Buffer.from("ssh-rsa")),
        sshMpint(Buffer.from(jwk.e!, "base64url")),
        sshMpint(Buffer.from(jwk.n!, "base64url")),
    ]);
    return `ssh-rsa ${blob.toString("base64")}`;
}

const digest = "sha256:" + "0123456789abcdef".repeat(4);

/** How a long string value is shown in a problem: as JSON, cut to 200 characters. */
function shownLong(value: string): string {
    return `${JSON.stringify(value).slice(0, 197)}...`;
}

describe("parseStackSettings", () => {
    describe("defaults", () => {
        it("give a small working cluster when only the required settings are set", () => {
            assert.deepStrictEqual(parse({}), {
                clusterName: "dev.k8s.local",
                stateBucketName: "kops-state-test",
                region: "eu-west-1",
                zones: ["eu-west-1a"],
                nodeCount: 2,
                nodeSize: "t3.medium",
                controlPlaneCount: 1,
                controlPlaneSize: "t3.medium",
                extraInstanceTypes: [],
                kubernetesVersion: "1.34.10",
                networking: "cilium",
                topology: "public",
                sshPublicKey: "",
                createStateBucket: true,
                stateBucketForceDestroy: false,
                authenticatorImage: "public.ecr.aws/eks-distro/kubernetes-sigs/aws-iam-authenticator:v0.6.20-eks-1-30-7",
                authenticatorUid: 10000,
                authenticatorCpuRequest: "10m",
                authenticatorMemoryRequest: "20Mi",
                authenticatorCpuLimit: "100m",
                authenticatorMemoryLimit: "20Mi",
                webhookCacheTtl: "5m0s",
                hookRunner: "container",
                hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
                kopsBinary: "kops",
                kopsExtraFlags: [],
                adoptExistingCluster: false,
                recreateMissingCluster: false,
                validateTimeout: "15m",
                adminCredentialTtl: "",
                certValidityHours: 876000,
                kubeconfigTokenCommand: "aws-iam-authenticator",
                kubeconfigAwsProfile: "",
                allowNoIamSignIn: false,
                allowExampleAccounts: false,
                accessRoles: [{ name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] }],
                mapRoles: [],
                mapUsers: [],
                mapAccounts: [],
                clusterRoleBindings: [],
                tags: {},
            });
        });

        it("are not shared between results (mutating one leaves the next intact)", () => {
            const first = parse({});
            first.accessRoles[0].groups.push("extra");
            first.kopsExtraFlags.push("--bastion");
            const second = parse({});
            assert.deepStrictEqual(second.accessRoles[0].groups, ["system:masters"]);
            assert.deepStrictEqual(second.kopsExtraFlags, []);
        });
    });

    describe("clusterName", () => {
        for (const name of ["dev.k8s.local", "dev.example.com", "a.b", `${"a".repeat(63)}.example.com`, "team-1.k8s.local"]) {
            it(`accepts ${name}`, () => assert.strictEqual(parse({ clusterName: name }).clusterName, name));
        }
        const accepted = "a lowercase DNS name with at least one dot";
        for (const [name, why] of [
            ["Dev.example.com", "uppercase"],
            ["dev", "no dot"],
            ["-dev.example.com", "leading hyphen"],
            ["dev-.example.com", "trailing hyphen"],
            ["dev..example.com", "empty label"],
            ["dev_1.example.com", "underscore"],
            [`${"a".repeat(64)}.example.com`, "label over 63"],
            ["dev.example.com.", "trailing dot"],
        ]) {
            it(`rejects ${why}`, () => assertRejected({ clusterName: name }, "clusterName", JSON.stringify(name), accepted));
        }
        it("rejects a name over 253 characters in all", () => {
            const name = Array(64).fill("abc").join(".");
            assert.strictEqual(name.length, 255);
            assertRejected({ clusterName: name }, "clusterName", shownLong(name), accepted);
        });
        it("is required, and the message says how to set it", () => {
            const [problem] = refusedWith(() => parse({ clusterName: undefined }), [["kops-iam-auth:clusterName", "required"]]);
            assert.match(said(problem), /^a lowercase DNS name.*pulumi config set clusterName <value>/);
        });
    });

    describe("aws:region", () => {
        for (const name of ["eu-west-1", "us-gov-west-1", "ap-southeast-5", "cn-north-1", "il-central-1"]) {
            it(`accepts ${name}`, () => assert.strictEqual(parse({}, { region: name }).region, name));
        }
        it("is required, and the message says to set aws:region", () => {
            for (const missing of [undefined, ""]) {
                const [problem] = refusedWith(() => parse({}, { region: missing }), [["aws:region", "required"]]);
                assert.match(said(problem), /pulumi config set aws:region <region>/);
            }
        });
        for (const name of ["eu-west", "EU-WEST-1", "eu-west-1a", "europe"]) {
            it(`rejects ${name}`, () =>
                assertRejected({}, "aws:region", JSON.stringify(name), "an AWS region name like eu-west-1", { region: name }));
        }
    });

    describe("zones", () => {
        it("default to the region's zone a", () => {
            assert.deepStrictEqual(parse({}, { region: "us-east-2" }).zones, ["us-east-2a"]);
            assert.deepStrictEqual(parse({ zones: [] }).zones, ["eu-west-1a"]);
        });
        it("accept zones of the region, as a list or as pulumi config's JSON text", () => {
            assert.deepStrictEqual(parse({ zones: ["eu-west-1a", "eu-west-1c"] }).zones, ["eu-west-1a", "eu-west-1c"]);
            assert.deepStrictEqual(parse({ zones: '["eu-west-1b"]' }).zones, ["eu-west-1b"]);
        });
        it("reject a zone of another region, naming the region", () => {
            assertRejected(
                { zones: ["eu-west-1a", "us-east-1a"] },
                "zones[1]",
                '"us-east-1a"',
                "an availability zone of eu-west-1 (aws:region): eu-west-1 plus one letter, like eu-west-1a",
            );
        });
        for (const zone of ["eu-west-1", "eu-west-1ab", "eu-west-1A", "eu-west-10a"]) {
            it(`reject ${zone}`, () =>
                assertRejected({ zones: [zone] }, "zones[0]", JSON.stringify(zone), "an availability zone of eu-west-1"));
        }
        it("reject a zone listed twice", () => {
            assertRejected({ zones: ["eu-west-1a", "eu-west-1a"] }, "zones[1]", '"eu-west-1a"', "each may appear once", {
                kind: "duplicate",
            });
        });
        it("reject what is not a list", () => {
            assertRejected({ zones: "eu-west-1a,eu-west-1b" }, "zones", '"eu-west-1a,eu-west-1b"', "a YAML list of");
        });
        it("reject items that are not strings", () => {
            assertRejected({ zones: [7] }, "zones[0]", "7", "written as a quoted string");
        });
        it("are checked for their form when the region itself is bad", () => {
            const problems = refusedWith(
                () => parse({ zones: ["eu-west-1a", "nowhere"] }, { region: "bad" }),
                [
                    ["aws:region", "invalid"],
                    ["kops-iam-auth:zones[1]", "invalid"],
                ],
            );
            assert.match(said(problems[1]), /^an availability zone: a region name plus one letter/);
        });
    });

    describe("nodeCount", () => {
        it("accepts integers from 1 to 100, as numbers or config strings", () => {
            assert.strictEqual(parse({ nodeCount: 1 }).nodeCount, 1);
            assert.strictEqual(parse({ nodeCount: "100" }).nodeCount, 100);
            assert.strictEqual(parse({ nodeCount: "7" }).nodeCount, 7);
        });
        it("rejects 0 (nothing could run CoreDNS)", () => {
            assertRejected({ nodeCount: "0" }, "nodeCount", "0", "an integer from 1 to 100");
        });
        for (const bad of [101, -1, 2.5, "two", "2.0", "", true]) {
            it(`rejects ${JSON.stringify(bad)}`, () =>
                assertRejected(
                    { nodeCount: bad },
                    "nodeCount",
                    typeof bad === "string" ? JSON.stringify(bad) : String(bad),
                    "an integer from 1 to 100",
                ));
        }
    });

    describe("controlPlaneCount", () => {
        for (const count of [1, 3, 5]) {
            it(`accepts ${count}`, () =>
                assert.strictEqual(parse({ controlPlaneCount: String(count) }).controlPlaneCount, count));
        }
        for (const count of [0, 2, 4, 7]) {
            it(`rejects ${count} (etcd needs an odd member count)`, () =>
                assertRejected(
                    { controlPlaneCount: count },
                    "controlPlaneCount",
                    String(count),
                    "1, 3 or 5: an odd number, so etcd keeps a quorum",
                ));
        }
    });

    describe("nodeSize and controlPlaneSize", () => {
        for (const type of ["t3.medium", "m7i-flex.large", "c7i.metal-24xl", "u-6tb1.112xlarge", "g4dn.xlarge", "t4g.nano"]) {
            it(`accept ${type}`, () => {
                const settings = parse({ nodeSize: type, controlPlaneSize: type });
                assert.strictEqual(settings.nodeSize, type);
                assert.strictEqual(settings.controlPlaneSize, type);
            });
        }
        for (const type of ["t3", "medium", "T3.medium", "t3.", ".medium", "t3 medium", "large.t"]) {
            it(`reject ${JSON.stringify(type)}`, () => {
                assertRejected({ nodeSize: type }, "nodeSize", JSON.stringify(type), "an EC2 instance type kOps knows");
                assertRejected(
                    { controlPlaneSize: type },
                    "controlPlaneSize",
                    JSON.stringify(type),
                    "an EC2 instance type kOps knows",
                );
            });
        }
    });

    describe("kubernetesVersion", () => {
        for (const [version, stored] of [
            ["1.31.0", "1.31.0"],
            ["v1.36.3", "1.36.3"],
            ["1.35.7", "1.35.7"],
            ["1.34.10", "1.34.10"],
        ]) {
            it(`accepts ${version}`, () => assert.strictEqual(parse({ kubernetesVersion: version }).kubernetesVersion, stored));
        }
        it("rejects 1.30.14, below what kOps 1.36 supports, and says why", () => {
            assertRejected(
                { kubernetesVersion: "1.30.14" },
                "kubernetesVersion",
                '"1.30.14"',
                "a version from 1.31.0 to 1.36.x written MAJOR.MINOR.PATCH (a leading v is allowed): kOps 1.36 refuses Kubernetes older than 1.31",
            );
        });
        it("rejects 1.37.0, newer than any supported kOps, and says why", () => {
            assertRejected(
                { kubernetesVersion: "1.37.0" },
                "kubernetesVersion",
                '"1.37.0"',
                "kOps refuses a minor newer than itself",
            );
        });
        for (const version of ["1.34", "1.34.10-rc.1", "2.0.0", "1.034.1", "latest", "v 1.34.1"]) {
            it(`rejects ${version}`, () =>
                assertRejected(
                    { kubernetesVersion: version },
                    "kubernetesVersion",
                    JSON.stringify(version),
                    "a version from 1.31.0 to 1.36.x",
                ));
        }
        it("rejects a YAML number (1.35), asking for a quoted string", () => {
            assertRejected({ kubernetesVersion: 1.35 }, "kubernetesVersion", "1.35", "written as a quoted string");
        });
    });

    describe("networking", () => {
        for (const mode of [
            "cilium",
            "cilium-eni",
            "calico",
            "flannel",
            "kindnet",
            "amazonvpc",
            "kube-router",
            "kubenet",
            "cni",
        ]) {
            it(`accepts ${mode}`, () => assert.strictEqual(parse({ networking: mode }).networking, mode));
        }
        for (const mode of ["weave", "canal", "romana", "gce", "Cilium"]) {
            it(`rejects ${mode}`, () =>
                assertRejected(
                    { networking: mode },
                    "networking",
                    JSON.stringify(mode),
                    "one of kOps' networking modes on AWS: cilium, cilium-eni",
                ));
        }
    });

    describe("topology", () => {
        it("accepts public and private", () => {
            assert.strictEqual(parse({ topology: "public" }).topology, "public");
            assert.strictEqual(parse({ topology: "private" }).topology, "private");
        });
        for (const topology of ["hybrid", "Private"]) {
            it(`rejects ${topology}`, () =>
                assertRejected({ topology }, "topology", JSON.stringify(topology), "public or private"));
        }
    });

    describe("sshPublicKey", () => {
        it("accepts real ed25519 and RSA public key lines", () => {
            const ed25519 = ed25519PublicKeyLine();
            assert.strictEqual(parse({ sshPublicKey: ed25519 }).sshPublicKey, ed25519);
            const rsa = rsaPublicKeyLine();
            assert.strictEqual(parse({ sshPublicKey: rsa }).sshPublicKey, rsa);
        });
        it("is empty when unset (no SSH key)", () => {
            assert.strictEqual(parse({}).sshPublicKey, "");
        });
        const accepted = "one OpenSSH public key line of type ssh-rsa or ssh-ed25519";
        it("rejects a key whose blob is not of the type it names", () => {
            const [, blob] = ed25519PublicKeyLine().split(" ");
            assertRejected({ sshPublicKey: `ssh-rsa ${blob}` }, "sshPublicKey", JSON.stringify(`ssh-rsa ${blob}`), accepted);
        });
        for (const [line, why] of [
            ["ssh-rsa AAAA", "a truncated blob"],
            [`${ed25519PublicKeyLine()}\n${ed25519PublicKeyLine()}`, "two lines"],
            ["-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"],
            [`ecdsa-sha2-nistp256 ${Buffer.from("ecdsa").toString("base64")}`, "an ECDSA key (EC2 does not import them)"],
        ]) {
            // A private key pasted by mistake is not echoed (issue 17).
            const shown =
                why === "a private key" ? '"[redacted: it looks like a private key, 35 characters]"' : JSON.stringify(line);
            // ...and is refused as what it is: a credential, in a setting kept in plain text.
            const reason = why === "a private key" ? "it looks like a private key" : accepted;
            const kind = why === "a private key" ? "forbidden" : "invalid";
            it(`rejects ${why}`, () => assertRejected({ sshPublicKey: line }, "sshPublicKey", shown, reason, { kind }));
        }
    });

    describe("stateBucketName", () => {
        for (const name of ["kops-state-test", "kops.state.example", "abc", "a".repeat(63), "1bucket"]) {
            it(`accepts ${name}`, () => assert.strictEqual(parse({ stateBucketName: name }).stateBucketName, name));
        }
        const accepted = "an S3 bucket name: 3 to 63 characters of lowercase letters, digits, dots and hyphens";
        for (const [name, why] of [
            ["ab", "too short"],
            ["a".repeat(64), "too long"],
            ["My-Bucket", "uppercase"],
            ["my_bucket", "underscore"],
            ["-bucket", "leading hyphen"],
            ["bucket-", "trailing hyphen"],
            ["my..bucket", "two dots"],
            ["192.168.1.1", "an IP address"],
            ["xn--bucket", "the xn-- prefix"],
            ["bucket-s3alias", "the -s3alias suffix"],
            ["bucket--ol-s3", "the --ol-s3 suffix"],
            ["sthree-bucket", "the sthree- prefix"],
        ]) {
            it(`rejects ${why}`, () =>
                assertRejected({ stateBucketName: name }, "stateBucketName", JSON.stringify(name), accepted));
        }
        it("is required", () => {
            const [problem] = refusedWith(
                () => parse({ stateBucketName: undefined }),
                [["kops-iam-auth:stateBucketName", "required"]],
            );
            assert.match(said(problem), /^an S3 bucket name.*pulumi config set stateBucketName/);
        });
    });

    describe("createStateBucket and stateBucketForceDestroy", () => {
        it("accept booleans and pulumi config's true/false strings", () => {
            assert.deepStrictEqual(pick(parse({ createStateBucket: "false" }), stateBucketKeys), {
                stateBucketName: "kops-state-test",
                createStateBucket: false,
                stateBucketForceDestroy: false,
            });
            assert.deepStrictEqual(pick(parse({ createStateBucket: true, stateBucketForceDestroy: "true" }), stateBucketKeys), {
                stateBucketName: "kops-state-test",
                createStateBucket: true,
                stateBucketForceDestroy: true,
            });
        });
        for (const bad of ["yes", 1, "True"]) {
            it(`reject ${JSON.stringify(bad)}`, () => {
                assertRejected(
                    { createStateBucket: bad },
                    "createStateBucket",
                    typeof bad === "string" ? JSON.stringify(bad) : String(bad),
                    "true or false",
                );
            });
        }
        it("reject forceDestroy for a bucket the stack does not create", () => {
            assertRejected(
                { createStateBucket: false, stateBucketForceDestroy: true },
                "stateBucketForceDestroy",
                "true",
                "false when createStateBucket is false",
                { kind: "forbidden" },
            );
        });
    });

    describe("authenticatorImage and hookImage", () => {
        for (const image of [
            "registry.example.com:5000/team/app:v1.2.3",
            "nginx:1.27",
            `repo@${digest}`,
            `public.ecr.aws/aws-cli/aws-cli:2.31.23@${digest}`,
            "localhost:5000/authenticator:dev_1",
        ]) {
            it(`accept ${image}`, () => {
                const settings = parse({ authenticatorImage: image, hookImage: image });
                assert.strictEqual(settings.authenticatorImage, image);
                assert.strictEqual(settings.hookImage, image);
            });
        }
        const accepted =
            "a pinned image reference, [registry/]repository:tag or [registry/]repository[:tag]@sha256:<64 hex digits>, with a tag other than latest";
        for (const [image, why] of [
            ["nginx", "no tag"],
            ["nginx:latest", "latest"],
            ["public.ecr.aws/aws-cli/aws-cli:latest", "latest with a registry"],
            ["Nginx:1.0", "an uppercase repository"],
            ["nginx:1.0 ", "trailing space"],
            ["repo@sha256:abc", "a short digest"],
        ]) {
            it(`reject ${why}`, () => {
                assertRejected({ authenticatorImage: image }, "authenticatorImage", JSON.stringify(image), accepted);
                assertRejected({ hookImage: image }, "hookImage", JSON.stringify(image), accepted);
            });
        }
    });

    describe("authenticatorUid", () => {
        it("accepts a non-root uid", () => assert.strictEqual(parse({ authenticatorUid: "65532" }).authenticatorUid, 65532));
        for (const bad of [0, -1, 1.5, 2147483648]) {
            it(`rejects ${bad}`, () =>
                assertRejected(
                    { authenticatorUid: bad },
                    "authenticatorUid",
                    String(bad),
                    "an integer from 1 to 2147483647 (not 0: the authenticator does not run as root)",
                ));
        }
    });

    describe("authenticator resources", () => {
        it("accept Kubernetes quantities", () => {
            assertSettings(
                parse({
                    authenticatorCpuRequest: "0.05",
                    authenticatorCpuLimit: "1",
                    authenticatorMemoryRequest: "64M",
                    authenticatorMemoryLimit: "1Gi",
                }),
                {
                    authenticatorCpuRequest: "0.05",
                    authenticatorMemoryRequest: "64M",
                    authenticatorCpuLimit: "1",
                    authenticatorMemoryLimit: "1Gi",
                },
            );
        });
        it("accept a request equal to the limit written differently", () => {
            assert.strictEqual(
                parse({ authenticatorCpuRequest: "1", authenticatorCpuLimit: "1000m" }).authenticatorCpuRequest,
                "1",
            );
        });
        for (const bad of ["10 m", "0m", "1.5.0", "-10m", "ten"]) {
            it(`reject CPU ${JSON.stringify(bad)}`, () =>
                assertRejected(
                    { authenticatorCpuLimit: bad },
                    "authenticatorCpuLimit",
                    JSON.stringify(bad),
                    "a Kubernetes CPU quantity greater than zero",
                ));
        }
        for (const bad of ["20MB", "0", "-20Mi", "20 Mi", "20mi"]) {
            it(`reject memory ${JSON.stringify(bad)}`, () =>
                assertRejected(
                    { authenticatorMemoryLimit: bad },
                    "authenticatorMemoryLimit",
                    JSON.stringify(bad),
                    "a Kubernetes memory quantity greater than zero",
                ));
        }
        it("reject a CPU request above its limit", () => {
            assertRejected(
                { authenticatorCpuRequest: "200m" },
                "authenticatorCpuRequest",
                '"200m"',
                'at most authenticatorCpuLimit ("100m"); Kubernetes refuses a request above its limit',
            );
        });
        it("reject a memory request above its limit", () => {
            assertRejected(
                { authenticatorMemoryRequest: "64Mi" },
                "authenticatorMemoryRequest",
                '"64Mi"',
                'at most authenticatorMemoryLimit ("20Mi")',
            );
        });
    });

    describe("durations", () => {
        const cases: [string, string[], string[], string][] = [
            [
                "webhookCacheTtl",
                ["30s", "0s", "1h", "1m30s", "5m0s"],
                ["2h", "5 minutes", "5", "-5m", "", "1d"],
                "a Go duration from 0s to 1h",
            ],
            ["validateTimeout", ["15m", "1h30m", "2h", "90s"], ["30s", "3h", "15"], "a Go duration from 1m to 2h"],
            ["adminCredentialTtl", ["1h", "24h", "1m", "0.5h"], ["25h", "30s", "1H"], "empty, or a Go duration from 1m to 24h"],
        ];
        const read = (s: ResolvedKopsIamClusterArgs, key: string) =>
            ({
                webhookCacheTtl: s.webhookCacheTtl,
                validateTimeout: s.validateTimeout,
                adminCredentialTtl: s.adminCredentialTtl,
            })[key];
        for (const [key, good, bad, accepted] of cases) {
            for (const value of good) {
                it(`${key} accepts ${value}`, () => assert.strictEqual(read(parse({ [key]: value }), key), value));
            }
            for (const value of bad) {
                it(`${key} rejects ${JSON.stringify(value)}`, () =>
                    assertRejected({ [key]: value }, key, JSON.stringify(value), accepted));
            }
        }
    });

    describe("hookRunner", () => {
        it("accepts container and host", () => {
            assert.strictEqual(parse({ hookRunner: "host" }).hookRunner, "host");
            assert.strictEqual(parse({ hookRunner: "container" }).hookRunner, "container");
        });
        it("rejects anything else", () =>
            assertRejected({ hookRunner: "docker" }, "hookRunner", '"docker"', "container or host"));
    });

    describe("kops settings", () => {
        it("accept a binary path, extra flags, adoption and aws:profile", () => {
            assertSettings(
                parse(
                    {
                        kopsBinary: "/usr/local/bin/kops-1.36.2",
                        kopsExtraFlags: '["--node-volume-size=64","--bastion"]',
                        adoptExistingCluster: "true",
                        recreateMissingCluster: "true",
                    },
                    { awsProfile: "admin" },
                ),
                {
                    kopsBinary: "/usr/local/bin/kops-1.36.2",
                    kopsExtraFlags: ["--node-volume-size=64", "--bastion"],
                    adoptExistingCluster: true,
                    recreateMissingCluster: true,
                    validateTimeout: "15m",
                    awsProfile: "admin",
                },
            );
        });
        for (const bad of ["kops --v=2", ""]) {
            it(`reject the binary ${JSON.stringify(bad)}`, () =>
                assertRejected(
                    { kopsBinary: bad },
                    "kopsBinary",
                    JSON.stringify(bad),
                    "a command name or path without whitespace",
                ));
        }
        it("reject an extra flag that another setting sets", () => {
            assertRejected(
                { kopsExtraFlags: ["--bastion", "--networking=calico"] },
                "kopsExtraFlags[1]",
                '"--networking=calico"',
                'flag --networking (value "calico") is set by this project: use the networking setting instead',
                { kind: "forbidden" },
            );
        });
        for (const [bad, says, kind] of [
            ["-v=2", "verbose kops logs", "forbidden"],
            ["64", "a flag; write each flag as one item --flag=value", "invalid"],
            ["--Node-Size=x", "not one of", "unknown"],
            ["bastion", "a flag; write each flag as one item --flag=value", "invalid"],
        ] as const) {
            it(`reject the extra flag ${JSON.stringify(bad)}`, () =>
                assertRejected({ kopsExtraFlags: [bad] }, "kopsExtraFlags[0]", JSON.stringify(bad), says, { kind }));
        }
        it("reject adoptExistingCluster that is not a boolean", () => {
            assertRejected({ adoptExistingCluster: "sometimes" }, "adoptExistingCluster", '"sometimes"', "true or false");
        });

        it("reject recreateMissingCluster that is not a boolean", () => {
            assertRejected({ recreateMissingCluster: "maybe" }, "recreateMissingCluster", '"maybe"', "true or false");
        });
        it("reject an aws:profile with whitespace", () => {
            assertRejected({}, "aws:profile", '"my profile"', "an AWS profile name without whitespace", {
                awsProfile: "my profile",
            });
        });
    });

    describe("certValidityHours", () => {
        it("accepts 24 and 876000", () => {
            assert.strictEqual(parse({ certValidityHours: "24" }).certValidityHours, 24);
            assert.strictEqual(parse({ certValidityHours: 876000 }).certValidityHours, 876000);
        });
        for (const bad of [23, 876001, 0]) {
            it(`rejects ${bad}`, () =>
                assertRejected({ certValidityHours: bad }, "certValidityHours", String(bad), "an integer from 24 to 876000"));
        }
    });

    describe("user kubeconfig settings", () => {
        it("accept aws as token command and a profile", () => {
            assert.deepStrictEqual(
                pick(parse({ kubeconfigTokenCommand: "aws", kubeconfigAwsProfile: "dev" }), [
                    "kubeconfigTokenCommand",
                    "kubeconfigAwsProfile",
                ]),
                {
                    kubeconfigTokenCommand: "aws",
                    kubeconfigAwsProfile: "dev",
                },
            );
        });
        it("reject another token command", () =>
            assertRejected(
                { kubeconfigTokenCommand: "kubectl" },
                "kubeconfigTokenCommand",
                '"kubectl"',
                "aws-iam-authenticator or aws",
            ));
        it("reject a profile with whitespace", () =>
            assertRejected(
                { kubeconfigAwsProfile: "my profile" },
                "kubeconfigAwsProfile",
                '"my profile"',
                "an AWS profile name without whitespace",
            ));
    });

    describe("unknown keys", () => {
        it("are rejected, so typos do not pass silently", () => {
            const [problem] = refusedWith(() => parse({ nodecount: "3" }), [["kops-iam-auth:nodecount", "unknown"]]);
            assert.strictEqual(problem.value, "3");
            assert.strictEqual(problem.hint, "did you mean nodeCount?");
            assert.match(said(problem), /docs\/configuration\.md/);
        });
    });

    describe("accessRoles", () => {
        const viewer = { name: "KubernetesViewer", username: "viewer:{{SessionName}}", groups: ["viewers"] };
        it("accept every field, as a list or as pulumi config's JSON text", () => {
            const role = {
                name: "KubernetesDeveloper",
                username: "developer",
                groups: ["developers", "team:{{AccountID}}"],
                trustedPrincipals: [
                    "arn:aws:iam::210987654321:role/sso/Engineering",
                    "310987654321",
                    "arn:aws:iam::210987654321:root",
                    "arn:aws:iam::210987654321:user/alice",
                ],
                requireMfa: true,
                maxSessionDurationSeconds: 7200,
            };
            assert.deepStrictEqual(parse({ accessRoles: [role, viewer] }).accessRoles, [role, viewer]);
            assert.deepStrictEqual(parse({ accessRoles: JSON.stringify([viewer]) }).accessRoles, [viewer]);
        });
        it("may be empty (no role is created) when another setting maps an identity", () =>
            assert.deepStrictEqual(parse({ accessRoles: [], mapAccounts: ["210987654321"] }).accessRoles, []));
        for (const name of ["Kubernetes Admin", "a".repeat(65), "admin/role", ""]) {
            it(`reject the role name ${JSON.stringify(name)}`, () =>
                assertRejected(
                    { accessRoles: [{ ...viewer, name }] },
                    "accessRoles[0].name",
                    JSON.stringify(name),
                    "an IAM role name: 1 to 64 letters, digits and + = , . @ _ -",
                ));
        }
        it("reject a role name used twice, ignoring case (IAM does)", () => {
            assertRejected(
                { accessRoles: [viewer, { ...viewer, name: "kubernetesviewer" }] },
                "accessRoles[1]",
                JSON.stringify({ ...viewer, name: "kubernetesviewer" }),
                "IAM role names are unique per account, ignoring case",
                { kind: "duplicate" },
            );
        });
        it("reject a system: username", () => {
            assertRejected(
                { accessRoles: [{ ...viewer, username: "system:admin" }] },
                "accessRoles[0].username",
                '"system:admin"',
                "not starting with the reserved system: prefix",
            );
        });
        for (const username of ["two words", "", "user:{{SessionNme}}"]) {
            it(`reject the username ${JSON.stringify(username)}`, () =>
                assertRejected(
                    { accessRoles: [{ ...viewer, username }] },
                    "accessRoles[0].username",
                    JSON.stringify(username),
                    "a Kubernetes username: not empty, no whitespace",
                ));
        }
        it("reject a group with whitespace", () => {
            assertRejected(
                { accessRoles: [{ ...viewer, groups: ["view ers"] }] },
                "accessRoles[0].groups[0]",
                '"view ers"',
                "a Kubernetes group: not empty, no whitespace",
            );
        });
        it("reject groups that are not a list", () => {
            assertRejected(
                { accessRoles: [{ ...viewer, groups: "viewers" }] },
                "accessRoles[0].groups",
                '"viewers"',
                "a YAML list, each item a Kubernetes group",
            );
        });
        it("reject an unknown field (a typo), naming the fields", () => {
            assertRejected(
                { accessRoles: [{ ...viewer, roleArn: "x" }] },
                "accessRoles[0].roleArn",
                '"x"',
                "an object with the fields name, username, groups, trustedPrincipals, requireMfa, maxSessionDurationSeconds",
                { kind: "unknown" },
            );
        });
        it("reject a missing required field", () => {
            const [problem] = refusedWith(
                () => parse({ accessRoles: [{ name: "KubernetesViewer", groups: ["viewers"] }] }),
                [["kops-iam-auth:accessRoles[0].username", "required"]],
            );
            assert.match(said(problem), /^a Kubernetes username/);
        });
        for (const principal of ["*", "arn:aws:iam::210987654321:group/admins", "11112222333"]) {
            it(`reject the trusted principal ${principal}`, () =>
                assertRejected(
                    { accessRoles: [{ ...viewer, trustedPrincipals: [principal] }] },
                    "accessRoles[0].trustedPrincipals[0]",
                    JSON.stringify(principal),
                    "an IAM principal: a 12-digit account ID (quoted), or an ARN of an account root",
                ));
        }
        it("reject an empty trustedPrincipals list", () => {
            assertRejected(
                { accessRoles: [{ ...viewer, trustedPrincipals: [] }] },
                "accessRoles[0].trustedPrincipals",
                "[]",
                "a non-empty list",
            );
        });
        it("reject requireMfa that is not a boolean", () => {
            assertRejected(
                { accessRoles: [{ ...viewer, requireMfa: "yes" }] },
                "accessRoles[0].requireMfa",
                '"yes"',
                "true or false",
            );
        });
        for (const seconds of [3599, 43201, "3600"]) {
            it(`reject maxSessionDurationSeconds ${JSON.stringify(seconds)}`, () =>
                assertRejected(
                    { accessRoles: [{ ...viewer, maxSessionDurationSeconds: seconds }] },
                    "accessRoles[0].maxSessionDurationSeconds",
                    typeof seconds === "string" ? JSON.stringify(seconds) : String(seconds),
                    "an integer from 3600 to 43200",
                ));
        }
        it("reject what is not a list", () => {
            assertRejected(
                { accessRoles: { name: "KubernetesViewer" } },
                "accessRoles",
                '{"name":"KubernetesViewer"}',
                "a list of access roles",
            );
        });
        it("reject an entry that is not an object", () => {
            assertRejected(
                { accessRoles: ["KubernetesViewer"] },
                "accessRoles[0]",
                '"KubernetesViewer"',
                "an object with the fields",
            );
        });
    });

    describe("mapRoles and mapUsers", () => {
        it("accept existing roles (with an IAM path) and users; groups default to none", () => {
            const settings = parse({
                mapRoles: '[{"roleArn":"arn:aws:iam::210987654321:role/ci/Deployer","username":"deployer"}]',
                mapUsers: [{ userArn: "arn:aws:iam::210987654321:user/alice", username: "alice", groups: ["viewers"] }],
            });
            assert.deepStrictEqual(settings.mapRoles, [
                { roleArn: "arn:aws:iam::210987654321:role/ci/Deployer", username: "deployer", groups: [] },
            ]);
            assert.deepStrictEqual(settings.mapUsers, [
                { userArn: "arn:aws:iam::210987654321:user/alice", username: "alice", groups: ["viewers"] },
            ]);
        });
        for (const arn of [
            "arn:aws:iam::1234:role/x",
            "arn:aws:iam::210987654321:user/x",
            "arn:aws:sts::210987654321:assumed-role/Dev/session",
            "Deployer",
        ]) {
            it(`mapRoles rejects ${arn}`, () =>
                assertRejected(
                    { mapRoles: [{ roleArn: arn, username: "u" }] },
                    "mapRoles[0].roleArn",
                    JSON.stringify(arn),
                    "an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>",
                ));
        }
        it("mapUsers rejects a role ARN", () => {
            assertRejected(
                { mapUsers: [{ userArn: "arn:aws:iam::210987654321:role/x", username: "u" }] },
                "mapUsers[0].userArn",
                '"arn:aws:iam::210987654321:role/x"',
                "an IAM user ARN, arn:<partition>:iam::<12-digit account>:user/",
            );
        });
        it("reject a role mapped twice", () => {
            const mapping = { roleArn: "arn:aws:iam::210987654321:role/x", username: "u" };
            assertRejected(
                { mapRoles: [mapping, { ...mapping, username: "v" }] },
                "mapRoles[1].roleArn",
                JSON.stringify(mapping.roleArn),
                "the same identity as mapRoles[0].roleArn",
                { kind: "duplicate" },
            );
        });
        it("read rolearn and userarn, aws-auth's spelling, as roleArn and userArn", () => {
            const settings = parse({
                mapRoles: [{ rolearn: "arn:aws:iam::210987654321:role/x", username: "u" }],
                mapUsers: [{ userarn: "arn:aws:iam::210987654321:user/y", username: "v", groups: ["g"] }],
            });
            assert.deepStrictEqual(settings.mapRoles, [
                { roleArn: "arn:aws:iam::210987654321:role/x", username: "u", groups: [] },
            ]);
            assert.deepStrictEqual(settings.mapUsers, [
                { userArn: "arn:aws:iam::210987654321:user/y", username: "v", groups: ["g"] },
            ]);
        });
        it("reject an entry with both spellings, naming the field", () => {
            assertRejected(
                {
                    mapRoles: [
                        {
                            roleArn: "arn:aws:iam::210987654321:role/x",
                            rolearn: "arn:aws:iam::210987654321:role/z",
                            username: "u",
                        },
                    ],
                },
                "mapRoles[0].rolearn",
                JSON.stringify("arn:aws:iam::210987654321:role/z"),
                "roleArn is set; keep one of the two spellings",
                { kind: "forbidden" },
            );
        });
        it("reject a field of neither spelling, naming the fields", () => {
            const [unknownField] = refusedWith(
                () => parse({ mapRoles: [{ roleARN: "arn:aws:iam::210987654321:role/x", username: "u" }] }),
                [
                    ["kops-iam-auth:mapRoles[0].roleARN", "unknown"],
                    ["kops-iam-auth:mapRoles[0].roleArn", "required"],
                ],
            );
            assert.strictEqual(unknownField.accepted, "an object with the fields roleArn, username, groups");
            assert.strictEqual(unknownField.hint, "did you mean roleArn?");
        });
        it("reject a system: username", () => {
            assertRejected(
                { mapUsers: [{ userArn: "arn:aws:iam::210987654321:user/bob", username: "system:kube-controller-manager" }] },
                "mapUsers[0].username",
                '"system:kube-controller-manager"',
                "the reserved system: prefix",
            );
        });
    });

    describe("AWS documentation's example accounts (allowExampleAccounts)", () => {
        const documentationMappings = {
            accessRoles: [
                { name: "KubernetesAdmin", username: "kubernetes-admin", groups: ["system:masters"] },
                { name: "Ops", username: "ops", groups: ["viewers"], trustedPrincipals: ["arn:aws:iam::777788889999:root"] },
            ],
            mapRoles: [{ roleArn: "arn:aws:iam::111122223333:role/ci/Deployer", username: "ci", groups: ["viewers"] }],
            mapUsers: [{ userArn: "arn:aws:iam::123456789012:user/alice", username: "alice", groups: ["viewers"] }],
            mapAccounts: ["444455556666"],
        };
        it("refuses each mapping and trusted principal in one, naming it and saying why", () => {
            const problems = refusedWith(
                () => parse(documentationMappings),
                [
                    ["kops-iam-auth:accessRoles[1].trustedPrincipals[0]", "invalid"],
                    ["kops-iam-auth:mapRoles[0].roleArn", "invalid"],
                    ["kops-iam-auth:mapUsers[0].userArn", "invalid"],
                    ["kops-iam-auth:mapAccounts[0]", "invalid"],
                ],
            );
            assert.strictEqual(problems[3].value, "444455556666");
            assert.match(
                said(problems[3]),
                /^an identity of your own accounts: 444455556666 is an account AWS's documentation uses in its examples, .* would let whoever holds that account sign in to this cluster\. .*set allowExampleAccounts to true if the mapping is meant$/,
            );
        });
        it("accepts them when allowExampleAccounts says they are meant", () => {
            const settings = parse({ ...documentationMappings, allowExampleAccounts: "true" });
            assert.deepStrictEqual(settings.mapAccounts, ["444455556666"]);
            assert.strictEqual(settings.allowExampleAccounts, true);
        });
        it("accepts other accounts without it", () => {
            assert.deepStrictEqual(
                problemsOf({
                    mapRoles: [{ roleArn: "arn:aws:iam::210987654321:role/ci/Deployer", username: "ci", groups: ["viewers"] }],
                    mapAccounts: ["310987654321"],
                }),
                [],
            );
        });
    });

    describe("mapAccounts", () => {
        it("keeps account IDs as strings, leading zeros included", () => {
            assert.deepStrictEqual(parse({ mapAccounts: ["010987654321", "310987654321"] }).mapAccounts, [
                "010987654321",
                "310987654321",
            ]);
        });
        it("rejects a YAML number, asking to quote it", () => {
            assertRejected(
                { mapAccounts: [123456789012] },
                "mapAccounts[0]",
                "123456789012",
                'a 12-digit AWS account ID, like "123456789012", written as a quoted string',
            );
        });
        for (const id of ["12345678901", "1234567890123", "12345678901a"]) {
            it(`rejects ${id}`, () =>
                assertRejected({ mapAccounts: [id] }, "mapAccounts[0]", JSON.stringify(id), "a 12-digit AWS account ID"));
        }
        it("rejects an account listed twice", () => {
            assertRejected(
                { mapAccounts: ["310987654321", "310987654321"] },
                "mapAccounts[1]",
                '"310987654321"',
                "each may appear once",
                { kind: "duplicate" },
            );
        });
    });

    describe("clusterRoleBindings", () => {
        const accessRoles = [{ name: "KubernetesViewer", username: "viewer", groups: ["viewers"] }];
        it("accept bindings for groups a mapping grants", () => {
            assert.deepStrictEqual(
                parse({
                    accessRoles,
                    mapUsers: [{ userArn: "arn:aws:iam::210987654321:user/alice", username: "alice", groups: ["editors"] }],
                    clusterRoleBindings: [
                        { group: "viewers", clusterRole: "view" },
                        { group: "editors", clusterRole: "edit" },
                    ],
                }).clusterRoleBindings,
                [
                    { group: "viewers", clusterRole: "view" },
                    { group: "editors", clusterRole: "edit" },
                ],
            );
        });
        it("reject a group no mapping grants, listing those granted", () => {
            assertRejected(
                { accessRoles, clusterRoleBindings: [{ group: "viewer", clusterRole: "view" }] },
                "clusterRoleBindings[0].group",
                '"viewer"',
                "a group that some accessRoles, mapRoles or mapUsers entry grants (granted: viewers)",
            );
        });
        it("reject a bad ClusterRole name", () => {
            assertRejected(
                { accessRoles, clusterRoleBindings: [{ group: "viewers", clusterRole: "a/b" }] },
                "clusterRoleBindings[0].clusterRole",
                '"a/b"',
                "a ClusterRole name like view, edit or admin",
            );
        });
        it("reject a missing clusterRole", () => {
            const [problem] = refusedWith(
                () => parse({ accessRoles, clusterRoleBindings: [{ group: "viewers" }] }),
                [["kops-iam-auth:clusterRoleBindings[0].clusterRole", "required"]],
            );
            assert.match(said(problem), /^a ClusterRole name/);
        });
    });

    describe("tags", () => {
        it("accept a map of strings", () => {
            assert.deepStrictEqual(parse({ tags: { team: "platform", "cost-center": "1234" } }).tags, {
                team: "platform",
                "cost-center": "1234",
            });
            assert.deepStrictEqual(parse({ tags: '{"team":"platform"}' }).tags, { team: "platform" });
        });
        it("reject a number value, asking to quote it", () => {
            assertRejected({ tags: { "cost-center": 1234 } }, 'tags["cost-center"]', "1234", "written as a quoted string");
        });
        it("reject a reserved aws: key", () => {
            assertRejected(
                { tags: { "aws:createdBy": "me" } },
                'tags["aws:createdBy"]',
                '"aws:createdBy"',
                "not starting with aws:",
            );
        });
        it("reject a value over 256 characters", () => {
            assertRejected(
                { tags: { note: "x".repeat(257) } },
                'tags["note"]',
                shownLong("x".repeat(257)),
                "a tag value of at most 256 characters",
            );
        });
        it("reject what is not a map", () => {
            assertRejected({ tags: ["team=platform"] }, "tags", '["team=platform"]', "a map of at most 50 tags");
        });
    });

    it("reports many bad values in one error that lists them all", () => {
        const bad = {
            clusterName: "Dev",
            zones: ["nowhere"],
            nodeCount: "0",
            nodeSize: "t3",
            controlPlaneCount: 2,
            kubernetesVersion: "1.29.0",
            networking: "weave",
            topology: "hybrid",
            stateBucketName: "My..Bucket",
            authenticatorImage: "foo:latest",
            webhookCacheTtl: "5 minutes",
            hookRunner: "docker",
            mapAccounts: [123456789012],
            accessRoles: [{ name: "Bad Name", username: "system:x", groups: [] }],
            tags: { owner: 7 },
        };
        let caught: unknown;
        try {
            parseStackSettings(bad, undefined);
        } catch (error) {
            caught = error;
        }
        assert.ok(caught instanceof ConfigError, "one ConfigError is thrown");
        assert.ok(pulumi.RunError.isInstance(caught), "a RunError, which Pulumi prints without a stack trace");
        const expected: Array<[path: string, kind: ProblemKind, value?: unknown]> = [
            ["aws:region", "required"],
            ["kops-iam-auth:clusterName", "invalid", "Dev"],
            ["kops-iam-auth:zones[0]", "invalid", "nowhere"],
            ["kops-iam-auth:nodeCount", "invalid", 0],
            ["kops-iam-auth:nodeSize", "invalid", "t3"],
            ["kops-iam-auth:controlPlaneCount", "invalid", 2],
            ["kops-iam-auth:kubernetesVersion", "invalid", "1.29.0"],
            ["kops-iam-auth:networking", "invalid", "weave"],
            ["kops-iam-auth:topology", "invalid", "hybrid"],
            ["kops-iam-auth:stateBucketName", "invalid", "My..Bucket"],
            ["kops-iam-auth:authenticatorImage", "invalid", "foo:latest"],
            ["kops-iam-auth:webhookCacheTtl", "invalid", "5 minutes"],
            ["kops-iam-auth:hookRunner", "invalid", "docker"],
            ["kops-iam-auth:accessRoles[0].name", "invalid", "Bad Name"],
            ["kops-iam-auth:accessRoles[0].username", "invalid", "system:x"],
            ["kops-iam-auth:mapAccounts[0]", "invalid", 123456789012],
            ['kops-iam-auth:tags["owner"]', "invalid", 7],
        ];
        assert.deepStrictEqual(
            caught.problems.map((p) => [p.path, p.kind, ...(p.kind === "required" ? [] : [p.value])]),
            expected,
            caught.message,
        );
        assert.match(caught.message, new RegExp(`^The stack configuration has ${expected.length} problems:\n`));
        for (const problem of caught.problems) {
            assert.ok(caught.message.includes(`\n  - ${formatProblem(problem)}`), `the message lists ${problem.path}`);
        }
    });

    it("parses Pulumi.dev.yaml cleanly", () => {
        const stack = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8"));
        const raw = Object.fromEntries(
            Object.entries(stack.config as Record<string, unknown>)
                .filter(([key]) => key.startsWith("kops-iam-auth:"))
                .map(([key, value]) => [key.slice("kops-iam-auth:".length), value]),
        );
        const settings = parseStackSettings(raw, stack.config["aws:region"]);
        assert.strictEqual(settings.region, "eu-west-1");
        assert.strictEqual(settings.clusterName, "dev.k8s.local");
        assert.deepStrictEqual(settings.zones, ["eu-west-1a"]);
        assert.deepStrictEqual(
            settings.accessRoles.map((r) => r.name),
            ["KubernetesAdmin", "KubernetesViewer"],
        );
        assert.deepStrictEqual(settings.clusterRoleBindings, [{ group: "viewers", clusterRole: "view" }]);
        // The example stack lets in only the roles it creates: no user or account of any other account.
        assert.deepStrictEqual(settings.mapRoles, []);
        assert.deepStrictEqual(settings.mapUsers, []);
        assert.deepStrictEqual(settings.mapAccounts, []);
        assert.ok(settings.accessRoles.every((role) => role.trustedPrincipals === undefined));
    });
});
