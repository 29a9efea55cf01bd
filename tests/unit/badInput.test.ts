// Bad input (issue 12): each value is checked by one rule, defined once and used everywhere, and the
// errors name the entry the user wrote, its value and what is accepted.
import * as assert from "assert";
import { renderAuthenticatorConfig } from "../../components/authenticator/configFile";
import { parseStackSettings } from "../../components/settings";
import { formatProblem, Problem, ProblemKind, ProblemsError } from "../../components/core/problems";
import { PathAndKind, pathsAndKinds, problemsOf as problemsOfCall, refusedWith, said } from "../helpers/data/problems";
import { checkedKopsIamClusterArgs } from "../../components/settings/programArgs";
import { findDuplicateIdentities, identityKey } from "../../components/core/identityRules";
import { allowedKopsExtraFlags, kopsExtraFlagProblem, kopsExtraFlagsProblems } from "../../components/core/extraFlags";
import { kopsInstanceTypes } from "../../components/core/instanceTypeList";
import { validateSpecPatchOptions, SpecPatchOptions } from "../../components/kops/specPatchOptions";
import { checkedKopsClusterSettings, KopsClusterSettingsArgs } from "../../components/kops/cluster";
import {
    checkAuthenticatorImage,
    checkAuthenticatorUid,
    resolveAuthenticatorResources,
} from "../../components/authenticator/manifests";
import { defaultAuthenticatorImage } from "../../components/core/defaults";
import { renderUserKubeconfig } from "../../components/authenticator/userKubeconfig";
import { isGoDuration } from "../../components/core/durations";
import { isKnownInstanceType } from "../../components/core/instanceTypes";
import { isInstanceTypeShape } from "../../components/core/rules";
import { renderWebhookKubeconfig } from "../../components/authenticator/webhookKubeconfig";
import { libShVerdicts } from "../helpers/processes/stubKops";

const required = { clusterName: "dev.k8s.local", stateBucketName: "kops-state-test" };

function problemsOf(overrides: Record<string, unknown>, region = "eu-west-1"): readonly Problem[] {
    return problemsOfCall(() => parseStackSettings({ ...required, ...overrides }, region));
}

/** The one problem of the stack config with `overrides`, which must be at `path` (a setting, without the namespace) and of `kind`. */
function onlyProblem(overrides: Record<string, unknown>, [path, kind]: PathAndKind, region = "eu-west-1"): Problem {
    return refusedWith(() => parseStackSettings({ ...required, ...overrides }, region), [[`kops-iam-auth:${path}`, kind]])[0];
}

describe("kOps extra flags: one allow-list for the stack config and KopsCluster", () => {
    // Each was accepted by the stack config, or unchecked by KopsCluster, before.
    const refused: [string, ProblemKind, RegExp][] = [
        ["--dns=public", "forbidden", /flag --dns \(value "public"\) is set by this project: the scripts pass --dns none/],
        ["--dns=private", "forbidden", /flag --dns \(value "private"\)/],
        ["--dns", "forbidden", /flag --dns is set by this project/],
        ["--dns-zone=example.com", "forbidden", /flag --dns-zone \(value "example.com"\)/],
        ["--v=10", "forbidden", /^no --v flag: verbose kops logs land in the command output/],
        ["-v=10", "forbidden", /^no -v flag: verbose kops logs/],
        ["-v", "forbidden", /^no -v flag: verbose kops logs/],
        ["--vmodule=*=9", "forbidden", /^no --vmodule flag/],
        [
            "--log_dir=/tmp",
            "unknown",
            /flag --log_dir \(value "\/tmp"\) is not one of the kops create cluster flags allowed here/,
        ],
        ["--config=/tmp/evil.yaml", "forbidden", /^no --config flag: it makes kops read another config file/],
        ["--cloud=gce", "forbidden", /flag --cloud \(value "gce"\) is set by this project: this project runs kOps on AWS only/],
        [
            "--set=spec.kubeAPIServer.authorizationMode=AlwaysAllow",
            "forbidden",
            /^no --set flag: .*can change any field of the spec/,
        ],
        ["--unset=spec.authentication", "forbidden", /^no --unset flag/],
        ["--authorization=AlwaysAllow", "forbidden", /^no --authorization flag: .*RBAC/],
        ["--api-ssl-certificate=arn:aws:acm:eu-west-1:210987654321:certificate/x", "forbidden", /exports no cluster CA/],
        ["--project=my-gcp-project", "unknown", /flag --project .* is not one of/],
        ["--ipv6", "forbidden", /^no --ipv6 flag/],
        ["--master-volume-size=64", "invalid", /deprecated in kOps; write --control-plane-volume-size instead/],
        ["--image", "invalid", /flag --image needs a value in the same item: write --image=<value>/],
        ["--node-volume-size=big", "invalid", /takes a whole number/],
        ["--bastion=yes", "invalid", /on\/off flag/],
        ["ami-0123456789abcdef0", "invalid", /^a flag; write each flag as one item --flag=value/],
    ];
    for (const [flag, kind, says] of refused) {
        it(`refuses ${flag} (${kind}), naming the flag and its value`, () => {
            const refusal = kopsExtraFlagProblem(flag);
            assert.ok(refusal, `${flag} must be refused`);
            assert.strictEqual(refusal.kind, kind);
            assert.match([refusal.accepted, refusal.hint].join("; "), says);
        });
    }

    it("refuses every flag the stack config and the scripts refused before, and says which setting to use", () => {
        const before = [
            "--name",
            "--state",
            "--cloud",
            "--zones",
            "--node-count",
            "--node-size",
            "--control-plane-count",
            "--control-plane-size",
            "--master-count",
            "--master-size",
            "--kubernetes-version",
            "--networking",
            "--topology",
            "--ssh-public-key",
            "--dry-run",
            "--output",
            "--out",
            "--target",
            "--yes",
            "-o",
            "-y",
        ];
        for (const flag of before) {
            for (const item of [flag, `${flag}=x`]) {
                assert.ok(kopsExtraFlagProblem(item), `${item} must be refused`);
            }
        }
        assert.match(kopsExtraFlagProblem("--node-size=m7i.large")!.accepted!, /use the nodeSize setting instead/);
        assert.match(kopsExtraFlagProblem("--name=other.k8s.local")!.accepted!, /use the clusterName setting instead/);
    });

    it("accepts the flags that only add to the spec, written --flag=value or --flag for on/off flags", () => {
        const accepted = [
            "--node-volume-size=64",
            "--bastion",
            "--bastion=false",
            "--image=ami-0123456789abcdef0",
            "--cloud-labels=Team=platform,Owner=ops",
            "--admin-access=10.0.0.0/8,192.168.0.0/16",
            "--network-id=vpc-0123456789abcdef0",
            "--channel=file:///tmp/channel.yaml",
            "--encrypt-etcd-storage",
        ];
        assert.deepStrictEqual(kopsExtraFlagsProblems(accepted), []);
        // Every allowed flag is one kops create cluster v1.36.2 has, and none is one this project sets.
        for (const flag of Object.keys(allowedKopsExtraFlags)) {
            assert.match(flag, /^--[a-z][a-z0-9-]+$/);
        }
    });

    it("the stack config uses the same list: --dns=public, --v=10, --config=... and --cloud=gce are refused there", () => {
        const flags = ["--node-volume-size=64", "--dns=public", "--v=10", "--config=/x", "--cloud=gce"];
        const problems = refusedWith(
            () => parseStackSettings({ ...required, kopsExtraFlags: flags }, "eu-west-1"),
            [1, 2, 3, 4].map((index): PathAndKind => [`kops-iam-auth:kopsExtraFlags[${index}]`, "forbidden"]),
        );
        assert.deepStrictEqual(
            problems.map((problem) => problem.value),
            flags.slice(1),
        );
        // The same refusals as KopsCluster's extraFlags.
        assert.deepStrictEqual(
            problems.map((problem) => problem.accepted),
            kopsExtraFlagsProblems(flags).map((problem) => problem.accepted),
        );
    });

    it("names the index in a list for components", () => {
        assert.deepStrictEqual(pathsAndKinds(kopsExtraFlagsProblems(["--bastion", "--dns=public"])), [
            ["extraFlags[1]", "forbidden"],
        ]);
    });
});

describe("duplicate identity mappings: the authenticator's own comparison, in validation", () => {
    const role = (roleArn: string) => ({ roleArn, username: "u", groups: ["g"] });
    const user = (userArn: string) => ({ userArn, username: "u", groups: ["g"] });

    it("two role ARNs that differ only by IAM path are one identity, named where the user wrote the second", () => {
        const problem = onlyProblem(
            {
                mapRoles: [
                    role("arn:aws:iam::210987654321:role/Admin"),
                    role("arn:aws:iam::210987654321:role/Viewer"),
                    role("arn:aws:iam::210987654321:role/team/Admin"),
                ],
            },
            ["mapRoles[2].roleArn", "duplicate"],
        );
        assert.strictEqual(problem.value, "arn:aws:iam::210987654321:role/team/Admin");
        assert.match(said(problem), /the same identity as mapRoles\[0\]\.roleArn/);
        assert.match(said(problem), /ignoring letter case and the IAM path/);
    });

    it("two role ARNs that differ only by letter case are one identity", () => {
        const problem = onlyProblem(
            { mapRoles: [role("arn:aws:iam::210987654321:role/Admin"), role("arn:aws:iam::210987654321:role/ADMIN")] },
            ["mapRoles[1].roleArn", "duplicate"],
        );
        assert.match(said(problem), /the same identity as mapRoles\[0\]/);
    });

    it("user ARNs that differ only by letter case are one identity; a different path is another user", () => {
        const problem = onlyProblem(
            {
                mapUsers: [
                    user("arn:aws:iam::210987654321:user/alice"),
                    user("arn:aws:iam::210987654321:user/ops/alice"),
                    user("arn:aws:iam::210987654321:user/Alice"),
                ],
            },
            ["mapUsers[2].userArn", "duplicate"],
        );
        assert.match(said(problem), /the same identity as mapUsers\[0\]\.userArn/);
    });

    it("an account listed twice is refused", () => {
        const problem = onlyProblem({ mapAccounts: ["210987654321", "310987654321", "210987654321"] }, [
            "mapAccounts[2]",
            "duplicate",
        ]);
        assert.strictEqual(problem.value, "210987654321");
    });

    it("the renderer refuses by the same rule (identityRules), so what validation lets through renders", () => {
        const mapRoles = [role("arn:aws:iam::210987654321:role/Admin"), role("arn:aws:iam::210987654321:role/x/admin")];
        const [problem] = refusedWith(
            () => renderAuthenticatorConfig("dev.k8s.local", { mapRoles, mapUsers: [], mapAccounts: [] }),
            [["mapRoles[1].roleArn", "duplicate"]],
        );
        assert.match(said(problem), /the same identity as mapRoles\[0\]\.roleArn/);
        const fine = {
            mapRoles: [role("arn:aws:iam::210987654321:role/Admin"), role("arn:aws:iam::310987654321:role/Admin")],
            mapUsers: [user("arn:aws:iam::210987654321:user/ops/alice"), user("arn:aws:iam::210987654321:user/alice")],
            mapAccounts: ["210987654321"],
        };
        assert.deepStrictEqual(problemsOf(fine), []);
        assert.doesNotThrow(() => renderAuthenticatorConfig("dev.k8s.local", fine));
    });

    it("keys identities as aws-iam-authenticator v0.7.18 does (lowercase; roles without path; users with it)", () => {
        assert.strictEqual(
            identityKey({ kind: "role", value: "arn:aws-cn:iam::210987654321:role/a/b/Admin" }),
            "role:arn:aws-cn:iam::210987654321:role/admin",
        );
        assert.strictEqual(
            identityKey({ kind: "user", value: "arn:aws:iam::210987654321:user/Ops/Alice" }),
            "user:arn:aws:iam::210987654321:user/ops/alice",
        );
        assert.deepStrictEqual(
            findDuplicateIdentities([
                { label: "a", kind: "role", value: "arn:aws:iam::210987654321:role/Admin" },
                { label: "b", kind: "user", value: "arn:aws:iam::210987654321:user/Admin" },
            ]),
            [],
        );
    });
});

describe("instance types: kOps' list, pinned to v1.36.2, with a way to allow a newer type", () => {
    it("refuses t3.gigantic, naming it, what kOps knows like it, and how to allow a newer type", () => {
        const problem = onlyProblem({ nodeSize: "t3.gigantic" }, ["nodeSize", "invalid"]);
        assert.match(said(problem), /^an EC2 instance type kOps knows \(kOps v1\.36\.2's list, \d+ types\)/);
        assert.match(said(problem), /kOps does not know t3\.gigantic \(known types like it: t3\.2xlarge, t3\.large/);
        assert.match(said(problem), /add it to extraInstanceTypes/);
        onlyProblem({ controlPlaneSize: "m7i.huge" }, ["controlPlaneSize", "invalid"]);
    });

    it("accepts a type newer than the list once it is in extraInstanceTypes", () => {
        assert.deepStrictEqual(problemsOf({ nodeSize: "m99i.large", extraInstanceTypes: ["m99i.large"] }), []);
        const problem = onlyProblem({ extraInstanceTypes: ["not a type"] }, ["extraInstanceTypes[0]", "invalid"]);
        assert.match(said(problem), /^an EC2 instance type written family\.size/);
    });

    it("the list is sorted, unique, shaped like instance types, and has the defaults and the documented examples", () => {
        assert.ok(kopsInstanceTypes.length > 900, `${kopsInstanceTypes.length} types`);
        assert.deepStrictEqual([...kopsInstanceTypes].sort(), [...kopsInstanceTypes]);
        assert.strictEqual(new Set(kopsInstanceTypes).size, kopsInstanceTypes.length);
        assert.deepStrictEqual(
            kopsInstanceTypes.filter((t) => !isInstanceTypeShape(t)),
            [],
        );
        for (const type of ["t3.medium", "m6i.large", "m7i.large", "m7i-flex.large", "c7i.metal-24xl", "u-6tb1.112xlarge"]) {
            assert.ok(isKnownInstanceType(type), type);
        }
        assert.ok(!isKnownInstanceType("t3.gigantic"));
    });
});

describe("one rule per value: the stack config, each component and the scripts accept and refuse alike", () => {
    const kubeconfigArgs = {
        clusterName: "dev.k8s.local",
        server: "https://api.example.com",
        certificateAuthorityData: Buffer.from("-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n").toString("base64"),
        clusterId: "dev.k8s.local",
        roleArn: "arn:aws:iam::210987654321:role/KubernetesAdmin",
    };
    const patchOptions: SpecPatchOptions = {
        clusterName: "dev.k8s.local",
        stateBucket: "kops-state-test",
        webhookKubeconfig: renderWebhookKubeconfig("-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n"),
        webhookCacheTtl: "5m0s",
        hookRunner: "container",
        hookImage: "public.ecr.aws/aws-cli/aws-cli:2.31.23",
        authenticatorUid: 10000,
        kubernetesVersion: "1.34.10",
        nodeCount: 2,
        nodeSize: "t3.medium",
        controlPlaneCount: 1,
        controlPlaneSize: "t3.medium",
    };
    const clusterArgs: KopsClusterSettingsArgs = {
        clusterName: "dev.k8s.local",
        region: "eu-west-1",
        zones: ["eu-west-1a"],
        kubernetesVersion: "1.34.10",
    };
    // A refusal is a ProblemsError; anything else thrown fails the test.
    const accepts = (run: () => unknown) => problemsOfCall(run).length === 0;
    const config = (key: string) => (value: unknown) => problemsOf({ [key]: value }).length === 0;
    // KopsIamCluster given the value as an argument, in a program (no stack config), refusing before it registers anything.
    const kopsIamCluster = (key: string) => (value: unknown) =>
        accepts(() => checkedKopsIamClusterArgs("c", { ...required, [key]: value }, "eu-west-1"));
    const specPatch = (field: keyof SpecPatchOptions) => (value: unknown) =>
        accepts(() => validateSpecPatchOptions({ ...patchOptions, [field]: value }));
    const kopsCluster = (field: keyof KopsClusterSettingsArgs) => (value: unknown) =>
        accepts(() => checkedKopsClusterSettings("c", { ...clusterArgs, [field]: value }));
    const kubeconfig = (field: string) => (value: unknown) =>
        accepts(() => renderUserKubeconfig({ ...kubeconfigArgs, [field]: value }));
    // A script's check, run by bash on the values as the environment carries them (String(value)).
    const script =
        (check: string) =>
        (values: unknown[]): boolean[] =>
            libShVerdicts(check, values.map(String));

    interface Row {
        setting: string;
        accepted: unknown[];
        refused: unknown[];
        checks: Record<string, (value: unknown) => boolean>;
        /** The scripts' check, when a script checks the value too. */
        script?: (values: unknown[]) => boolean[];
        /** The script checks the value's grammar only (a Go duration); its bounds are held before the script runs. */
        scriptChecksShapeOnly?: (value: unknown) => boolean;
    }
    const table: Row[] = [
        {
            setting: "aws:region",
            accepted: ["eu-west-1", "us-gov-west-1", "us-isob-east-1", "eusc-de-east-1"],
            refused: ["eu-west", "EU-WEST-1", "eu-west-1a"],
            checks: {
                kopsIamCluster: (region) =>
                    accepts(() => checkedKopsIamClusterArgs("c", { ...required, region: region as string }, undefined)),
                config: (region) => problemsOf({}, region as string).length === 0,
                specPatch: specPatch("stateBucketRegion"),
                kopsCluster: (region) =>
                    accepts(() =>
                        checkedKopsClusterSettings("c", { ...clusterArgs, region: region as string, zones: [`${region}a`] }),
                    ),
                kubeconfig: kubeconfig("region"),
            },
        },
        {
            setting: "clusterName",
            accepted: ["dev.k8s.local", "dev.example.com"],
            refused: ["Dev.example.com", "dev_1.example.com", "dev", `${"a".repeat(64)}.k8s.local`, "-dev.k8s.local"],
            checks: {
                kopsIamCluster: kopsIamCluster("clusterName"),
                config: config("clusterName"),
                specPatch: specPatch("clusterName"),
                kubeconfig: kubeconfig("clusterName"),
            },
        },
        {
            setting: "stateBucketName",
            accepted: ["kops-state-test", "a.b-c"],
            refused: ["Kops", "ab", "a..b", "192.168.1.1", "xn--bucket", "bucket-s3alias"],
            checks: {
                kopsIamCluster: kopsIamCluster("stateBucketName"),
                config: config("stateBucketName"),
                specPatch: specPatch("stateBucket"),
            },
        },
        {
            setting: "nodeCount",
            accepted: [1, 2, 100],
            refused: [0, -1, 101, 1.5],
            checks: {
                kopsIamCluster: kopsIamCluster("nodeCount"),
                config: config("nodeCount"),
                specPatch: specPatch("nodeCount"),
            },
            script: script('is_node_count "$v"'),
        },
        {
            setting: "controlPlaneCount",
            accepted: [1, 3, 5],
            refused: [0, 2, 4, 7, -1, 1.5],
            checks: {
                kopsIamCluster: kopsIamCluster("controlPlaneCount"),
                config: config("controlPlaneCount"),
                specPatch: specPatch("controlPlaneCount"),
            },
            script: script('is_control_plane_count "$v"'),
        },
        {
            setting: "nodeSize",
            accepted: ["t3.medium", "m7i-flex.large", "c7i.metal-24xl"],
            refused: ["t3", "T3.medium", "t3.", "medium"],
            checks: { kopsIamCluster: kopsIamCluster("nodeSize"), config: config("nodeSize"), specPatch: specPatch("nodeSize") },
        },
        {
            setting: "controlPlaneSize",
            accepted: ["t3.medium", "m7i.large"],
            refused: ["t3", "T3.medium"],
            checks: {
                kopsIamCluster: kopsIamCluster("controlPlaneSize"),
                config: config("controlPlaneSize"),
                specPatch: specPatch("controlPlaneSize"),
            },
        },
        {
            setting: "webhookCacheTtl",
            accepted: ["5m0s", "30s", "0s", "1h"],
            refused: ["5", "1d", "-5m", "2h"],
            checks: {
                kopsIamCluster: kopsIamCluster("webhookCacheTtl"),
                config: config("webhookCacheTtl"),
                specPatch: specPatch("webhookCacheTtl"),
            },
        },
        {
            setting: "hookRunner",
            accepted: ["container", "host"],
            refused: ["docker", ""],
            checks: {
                kopsIamCluster: kopsIamCluster("hookRunner"),
                config: config("hookRunner"),
                specPatch: specPatch("hookRunner"),
            },
        },
        {
            setting: "hookImage",
            accepted: ["public.ecr.aws/aws-cli/aws-cli:2.31.23", `amazon/aws-cli@sha256:${"a".repeat(64)}`],
            refused: ["amazon/aws-cli", "amazon/aws-cli:latest", "amazon/AWS-cli:2.0.0", "amazon/aws-cli@sha256:abc", "a b:1"],
            checks: {
                kopsIamCluster: kopsIamCluster("hookImage"),
                config: config("hookImage"),
                specPatch: specPatch("hookImage"),
            },
        },
        {
            setting: "authenticatorImage",
            accepted: [defaultAuthenticatorImage, `registry.example.com:5000/team/authenticator@sha256:${"0".repeat(64)}`],
            refused: ["aws-iam-authenticator", "x/aws-iam-authenticator:latest", "X/Authenticator:v1", ":v1", "a b:v1"],
            checks: {
                kopsIamCluster: kopsIamCluster("authenticatorImage"),
                config: config("authenticatorImage"),
                manifests: (image) => accepts(() => checkAuthenticatorImage(image as string)),
            },
        },
        {
            setting: "authenticatorUid",
            accepted: [1, 10000, 2147483647],
            refused: [0, -1, 2147483648, 1.5],
            checks: {
                kopsIamCluster: kopsIamCluster("authenticatorUid"),
                config: config("authenticatorUid"),
                specPatch: specPatch("authenticatorUid"),
                manifests: (uid) => accepts(() => checkAuthenticatorUid(uid as number)),
            },
        },
        {
            setting: "kubernetesVersion",
            accepted: ["1.34.10", "v1.31.0", "1.36.2"],
            refused: ["1.30.5", "1.37.0", "1.34", "1.34.10-rc.1", "latest"],
            checks: {
                kopsIamCluster: kopsIamCluster("kubernetesVersion"),
                config: config("kubernetesVersion"),
                specPatch: specPatch("kubernetesVersion"),
            },
        },
        {
            setting: "validateTimeout",
            accepted: ["15m", "1h30m", "1m", "2h"],
            refused: ["59s", "3h", "15", "1d"],
            checks: {
                kopsIamCluster: kopsIamCluster("validateTimeout"),
                config: config("validateTimeout"),
                kopsCluster: kopsCluster("validateTimeout"),
            },
            script: script('is_go_duration "$v"'),
            scriptChecksShapeOnly: isGoDuration,
        },
        {
            setting: "adminCredentialTtl",
            accepted: ["1h", "90m", "24h"],
            refused: ["30s", "25h", "1", "1d"],
            checks: {
                kopsIamCluster: kopsIamCluster("adminCredentialTtl"),
                config: config("adminCredentialTtl"),
                kopsCluster: kopsCluster("adminTtl"),
            },
            script: script('is_go_duration "$v"'),
            scriptChecksShapeOnly: isGoDuration,
        },
        {
            setting: "zones",
            accepted: [["eu-west-1a"], ["eu-west-1a", "eu-west-1b"]],
            // [] is no refusal: the config reads it as the region's zone a, which is what the component gets.
            refused: [["eu-west-2a"], ["eu-west-1"], ["EU-WEST-1A"], ["eu-west-1a", "eu-west-1a"]],
            checks: { kopsIamCluster: kopsIamCluster("zones"), config: config("zones"), kopsCluster: kopsCluster("zones") },
        },
        {
            setting: "authenticatorCpuLimit",
            accepted: ["100m", "0.5", "1"],
            refused: ["0", "-1", "1x", "abc"],
            checks: {
                kopsIamCluster: kopsIamCluster("authenticatorCpuLimit"),
                config: config("authenticatorCpuLimit"),
                manifests: (cpu) => accepts(() => resolveAuthenticatorResources({ limits: { cpu: cpu as string } })),
            },
        },
        {
            setting: "authenticatorMemoryLimit",
            accepted: ["64Mi", "1Gi", "128M"],
            refused: ["0", "1Xi", "-1Mi", "abc"],
            checks: {
                kopsIamCluster: kopsIamCluster("authenticatorMemoryLimit"),
                config: config("authenticatorMemoryLimit"),
                manifests: (memory) => accepts(() => resolveAuthenticatorResources({ limits: { memory: memory as string } })),
            },
        },
        {
            setting: "topology",
            accepted: ["public", "private"],
            refused: ["Public", "gossip", ""],
            checks: { kopsIamCluster: kopsIamCluster("topology"), config: config("topology") },
            script: script('is_topology "$v"'),
        },
    ];

    for (const row of table) {
        it(`${row.setting}: ${[...Object.keys(row.checks), ...(row.script ? ["script"] : [])].join(", ")} accept and refuse alike`, () => {
            const values = [...row.accepted, ...row.refused];
            const scriptVerdicts = row.script?.(values);
            values.forEach((value, i) => {
                const expected = i < row.accepted.length;
                const verdicts = Object.fromEntries(Object.entries(row.checks).map(([name, check]) => [name, check(value)]));
                if (scriptVerdicts) {
                    verdicts.script = row.scriptChecksShapeOnly?.(value) ? expected : scriptVerdicts[i];
                    if (row.scriptChecksShapeOnly?.(value)) {
                        assert.ok(scriptVerdicts[i], `the script refuses ${JSON.stringify(value)}, which is well formed`);
                    }
                }
                assert.deepStrictEqual(
                    verdicts,
                    Object.fromEntries(Object.keys(verdicts).map((name) => [name, expected])),
                    `${row.setting} ${JSON.stringify(value)} should be ${expected ? "accepted" : "refused"} by all`,
                );
            });
        });
    }

    it("eusc-de-east-1, which the config accepts, renders a user kubeconfig", () => {
        assert.deepStrictEqual(problemsOf({}, "eusc-de-east-1"), []);
        assert.match(renderUserKubeconfig({ ...kubeconfigArgs, region: "eusc-de-east-1" }), /- eusc-de-east-1/);
    });
});

// Issue 17: values copied from the AWS console and the CLI, and configurations that lock every IAM
// identity out. Each is refused by the stack config parser, naming the setting, the value (redacted
// when it looks like a secret) and what is accepted.
describe("bad input, second round (issue 17)", () => {
    /** The one problem, whose accepted text and hint are returned. */
    const only = (problems: readonly Problem[]): string => {
        assert.strictEqual(problems.length, 1, JSON.stringify(problems, null, 2));
        return said(problems[0]);
    };
    const mapRole = (roleArn: unknown) => ({ mapRoles: [{ roleArn, username: "u", groups: ["g"] }] });

    describe("no IAM identity mapped", () => {
        const none = { accessRoles: [], mapRoles: [], mapUsers: [], mapAccounts: [] };
        it("is refused, naming the four settings, the consequence and kOps' admin way in", () => {
            const problem = said(onlyProblem(none, ["accessRoles", "invalid"]));
            assert.match(problem, /no accessRoles, mapRoles, mapUsers or mapAccounts entry/);
            assert.match(problem, /nobody can sign in through aws-iam-authenticator/);
            assert.match(problem, /kops export kubecfg --admin/);
            assert.match(problem, /allowNoIamSignIn/);
        });
        it("is accepted with the explicit opt-out allowNoIamSignIn", () => {
            assert.deepStrictEqual(problemsOf({ ...none, allowNoIamSignIn: "true" }), []);
            assert.strictEqual(
                parseStackSettings({ ...required, ...none, allowNoIamSignIn: "true" }, "eu-west-1").allowNoIamSignIn,
                true,
            );
        });
        it("a single mapping of any kind is enough", () => {
            assert.deepStrictEqual(problemsOf({ ...none, mapAccounts: ["210987654321"] }), []);
            assert.deepStrictEqual(problemsOf({ ...none, ...mapRole("arn:aws:iam::210987654321:role/Ci") }), []);
        });
    });

    describe("a mapRoles entry for a role accessRoles creates", () => {
        it("is refused by name (the stack's account is unknown before anything runs), ignoring case and path", () => {
            const problem = said(
                onlyProblem(mapRole("arn:aws:iam::210987654321:role/people/kubernetesadmin"), [
                    "mapRoles[0].roleArn",
                    "duplicate",
                ]),
            );
            assert.match(problem, /accessRoles\[0\] creates the role KubernetesAdmin/);
            assert.match(problem, /edit accessRoles\[0\]/);
        });
    });

    describe("ARNs of another partition than the region's", () => {
        for (const [region, partition] of [
            ["us-gov-west-1", "aws-us-gov"],
            ["cn-north-1", "aws-cn"],
            ["eu-west-1", "aws"],
        ]) {
            const wrong = partition === "aws" ? "aws-cn" : "aws";
            it(`in ${region}: ${wrong} is refused, naming ${partition}`, () => {
                const arn = `arn:${wrong}:iam::210987654321:role/Ci`;
                const problem = said(onlyProblem(mapRole(arn), ["mapRoles[0].roleArn", "invalid"], region));
                assert.ok(problem.includes(`the partition of ${region} (aws:region) is ${partition}`), problem);
                assert.ok(problem.includes(`arn:${partition}:iam::210987654321:role/Ci`), problem);
                assert.deepStrictEqual(problemsOf(mapRole(`arn:${partition}:iam::210987654321:role/Ci`), region), []);
            });
        }
        it("mapUsers and trustedPrincipals are checked too", () => {
            const settings = {
                ...required,
                mapUsers: [{ userArn: "arn:aws:iam::210987654321:user/alice", username: "alice" }],
                accessRoles: [
                    {
                        name: "Admin",
                        username: "admin",
                        groups: ["system:masters"],
                        trustedPrincipals: ["arn:aws:iam::210987654321:root"],
                    },
                ],
            };
            const problems = refusedWith(
                () => parseStackSettings(settings, "us-gov-east-1"),
                [
                    ["kops-iam-auth:accessRoles[0].trustedPrincipals[0]", "invalid"],
                    ["kops-iam-auth:mapUsers[0].userArn", "invalid"],
                ],
            );
            for (const problem of problems) {
                assert.match(said(problem), /aws-us-gov/);
            }
        });
    });

    describe("values that look like secrets are not echoed", () => {
        const secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        const accessKeyId = "AKIAIOSFODNN7EXAMPLE";
        const sessionToken = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDz" + "Ab3dE9fGh1JkLmN0pQrStUvWxYz".repeat(8);
        const privateKey =
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n";
        const cases: Array<[string, Record<string, unknown>, string]> = [
            ["a secret access key as an unknown setting", { awsSecretAccessKey: secretKey }, secretKey],
            ["a secret access key as the cluster name", { clusterName: secretKey }, secretKey],
            ["an access key id as a role ARN", mapRole(accessKeyId), accessKeyId],
            ["a session token as a tag value", { tags: { token: sessionToken } }, sessionToken.slice(0, 60)],
            ["a private key as the SSH public key", { sshPublicKey: privateKey }, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"],
            ["a session token as a tag key", { tags: { [sessionToken]: "x" } }, sessionToken.slice(0, 60)],
        ];
        for (const [what, overrides, secret] of cases) {
            it(what, () => {
                // The rendered text is the point here: no part of the value in it.
                const problems = problemsOf(overrides).map(formatProblem);
                assert.ok(problems.length >= 1, what);
                for (const problem of problems) {
                    assert.ok(!problem.includes(secret), `echoed: ${problem}`);
                    assert.ok(!problem.includes(secret.slice(0, 24)), `echoed in part: ${problem}`);
                }
                assert.match(problems.join("\n"), /\[redacted: (it looks like|looks like) /);
            });
        }
        it("nor by the config.yaml renderer, which components call with values of their own", () => {
            assert.throws(
                () =>
                    renderAuthenticatorConfig("dev.k8s.local", {
                        mapRoles: [{ roleArn: secretKey, username: "u", groups: [] }],
                        mapUsers: [],
                        mapAccounts: [],
                    }),
                (error: Error) => {
                    assert.ok(error instanceof ProblemsError);
                    assert.deepStrictEqual(pathsAndKinds(error.problems), [["mapRoles[0].roleArn", "invalid"]]);
                    assert.match(error.message, /"\[redacted: it looks like an AWS secret access key, 40 characters\]"/);
                    assert.ok(!error.message.includes(secretKey));
                    return true;
                },
            );
        });
        it("ordinary values are still shown whole", () => {
            const problem = formatProblem(onlyProblem({ clusterName: "Dev.Example.com" }, ["clusterName", "invalid"]));
            assert.ok(problem.includes('"Dev.Example.com"'), problem);
            // 40 characters of letters, digits and slashes after the colon: an ARN's resource, not a secret key.
            const arn = "arn:aws:iam::210987654321:role/Engineering/Platform/Team42/Admins1";
            const duplicate = formatProblem(
                onlyProblem({ mapRoles: [mapRole(arn).mapRoles[0], mapRole(arn).mapRoles[0]] }, [
                    "mapRoles[1].roleArn",
                    "duplicate",
                ]),
            );
            assert.ok(duplicate.includes(`"${arn}"`), duplicate);
        });
    });

    describe("AWS' own limits, before anything is created", () => {
        it("at most 50 tags (S3 buckets and IAM roles take 50)", () => {
            const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
            const problem = said(onlyProblem({ tags }, ["tags", "invalid"]));
            assert.match(problem, /^at most 50 tags/);
            const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
            assert.deepStrictEqual(problemsOf({ tags: fifty }), []);
        });
        it("tag keys and values of the characters IAM and S3 accept", () => {
            const problems = refusedWith(
                () => parseStackSettings({ ...required, tags: { "team!": "ok", owner: "a;b" } }, "eu-west-1"),
                [
                    ['kops-iam-auth:tags["team!"]', "invalid"],
                    ['kops-iam-auth:tags["owner"]', "invalid"],
                ],
            );
            assert.deepStrictEqual(
                problems.map((problem) => problem.value),
                ["team!", "a;b"],
            );
            assert.match(said(problems[0]), /^a tag key of 1 to 128 characters \(letters, digits, spaces/);
            assert.match(said(problems[1]), /^a tag value of at most 256 characters \(letters, digits, spaces/);
        });
        it("a trust policy of at most 4096 characters (IAM's maximum)", () => {
            const trustedPrincipals = Array.from({ length: 90 }, (_, i) => `arn:aws:iam::210987654321:role/team/Role${i}`);
            const problem = onlyProblem(
                { accessRoles: [{ name: "Admin", username: "admin", groups: ["system:masters"], trustedPrincipals }] },
                ["accessRoles[0].trustedPrincipals", "invalid"],
            );
            assert.strictEqual(problem.value, "90 principals");
            assert.match(said(problem), /^principals whose trust policy has at most 4096 characters/);
            assert.deepStrictEqual(
                problemsOf({
                    accessRoles: [
                        {
                            name: "Admin",
                            username: "admin",
                            groups: ["system:masters"],
                            trustedPrincipals: trustedPrincipals.slice(0, 40),
                        },
                    ],
                }),
                [],
            );
        });
        it("an IAM path of at most 512 characters in a role ARN", () => {
            const arn = `arn:aws:iam::210987654321:role/${"p/".repeat(300)}Ci`;
            const problem = said(onlyProblem(mapRole(arn), ["mapRoles[0].roleArn", "invalid"]));
            assert.match(problem, /IAM path of at most 512 characters/);
        });
        it("a ClusterRoleBinding name (aws-iam-authenticator:<group>:<clusterRole>) of at most 253 characters", () => {
            const group = "g".repeat(200);
            const problem = onlyProblem(
                {
                    accessRoles: [{ name: "Admin", username: "admin", groups: [group] }],
                    clusterRoleBindings: [{ group, clusterRole: "c".repeat(60) }],
                },
                ["clusterRoleBindings[0]", "invalid"],
            );
            assert.match(said(problem), /at most 253 characters/);
        });
    });

    describe("values copied from the console and the CLI", () => {
        it("an assumed-role ARN from aws sts get-caller-identity: names the role ARN to use instead", () => {
            const problem = said(
                onlyProblem(mapRole("arn:aws:sts::210987654321:assumed-role/Admin/session"), ["mapRoles[0].roleArn", "invalid"]),
            );
            assert.ok(problem.includes("arn:aws:iam::210987654321:role/Admin"), problem);
            assert.match(problem, /IAM path/);
        });
        it("the same in trustedPrincipals", () => {
            const problem = only(
                problemsOf({
                    accessRoles: [
                        {
                            name: "Admin",
                            username: "admin",
                            groups: ["system:masters"],
                            trustedPrincipals: ["arn:aws:sts::210987654321:assumed-role/Ops/alice"],
                        },
                    ],
                }),
            );
            assert.ok(problem.includes("arn:aws:iam::210987654321:role/Ops"), problem);
        });
        it("an ARN with a trailing newline or spaces: says so", () => {
            const problem = said(onlyProblem(mapRole("arn:aws:iam::210987654321:role/Ci\n"), ["mapRoles[0].roleArn", "invalid"]));
            assert.match(problem, /leading or trailing whitespace/);
            const spaced = only(problemsOf({ clusterName: " dev.k8s.local" }));
            assert.match(spaced, /leading or trailing whitespace/);
        });
        it("an account ID that YAML read as a number and lost its leading zero: names the quoted value", () => {
            const problem = only(problemsOf({ mapAccounts: [12345678901] }));
            assert.ok(problem.includes('"012345678901"'), problem);
        });
        it("an account's ARN in mapAccounts: names the account ID", () => {
            const problem = only(problemsOf({ mapAccounts: ["arn:aws:iam::210987654321:root"] }));
            assert.match(problem, /this is an ARN; the account ID alone is "210987654321"/);
        });
        it("an account root ARN as a user: points to mapAccounts", () => {
            const problem = only(problemsOf({ mapUsers: [{ userArn: "arn:aws:iam::210987654321:root", username: "root" }] }));
            assert.match(problem, /mapAccounts/);
            assert.ok(problem.includes('"210987654321"'), problem);
        });
        it("a user ARN in mapRoles and a role ARN in mapUsers: points to the other setting", () => {
            assert.match(only(problemsOf(mapRole("arn:aws:iam::210987654321:user/alice"))), /mapUsers/);
            assert.match(
                only(problemsOf({ mapUsers: [{ userArn: "arn:aws:iam::210987654321:role/Ci", username: "ci" }] })),
                /mapRoles/,
            );
        });
        it("a role name instead of its ARN: shows the ARN's form with the name", () => {
            assert.ok(
                only(problemsOf(mapRole("Deployer"))).includes(
                    "this is a name, not an ARN: arn:<partition>:iam::<12-digit account>:role/Deployer",
                ),
            );
        });
        it("an upper-case ARN prefix: says ARNs are written in lower case", () => {
            const problem = only(problemsOf(mapRole("ARN:AWS:IAM::210987654321:role/Ci")));
            assert.match(problem, /lower case/);
        });
    });
});
