// The IAM roles people assume to use the cluster, and the identity mappings that turn them (and any
// existing roles, users and accounts) into Kubernetes users and groups.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { duplicateIdentityProblem, findDuplicateIdentities, IdentityEntry } from "../core/identityRules";
import { duplicate, throwProblems } from "../core/problems";
import { defaultAccessRoles } from "../core/defaults";
import { AccessRole, IdentityMappings, RoleMapping, UserMapping } from "../core/mappings";
import { renderTrustPolicy } from "./policies";

/**
 * An IAM role to create. Its name, username and groups are plain: the name names the IAM role (and
 * its Pulumi resource), and they are what the stack's kubeconfigs and next steps are written for.
 * Who may assume it may come from other resources.
 */
export interface AccessRoleArgs extends Omit<AccessRole, "trustedPrincipals"> {
    /** Principal ARNs (or account IDs) that may assume the role. Unset: the account root (the account's IAM decides). */
    trustedPrincipals?: pulumi.Input<pulumi.Input<string>[] | undefined>;
}

export interface AccessRolesArgs {
    /**
     * Roles to create (the 2018 recipe's by default). An empty list creates none.
     * @default `[{"name":"KubernetesAdmin","username":"kubernetes-admin","groups":["system:masters"]}]`
     */
    roles?: AccessRoleArgs[];
    /** Existing IAM roles to map as they are (appended after the created roles). */
    mapRoles?: pulumi.Input<RoleMapping[]>;
    /** Existing IAM users to map. */
    mapUsers?: pulumi.Input<UserMapping[]>;
    /** Accounts whose every identity may sign in, as its canonical ARN and with no groups. */
    mapAccounts?: pulumi.Input<string[]>;
    /** Tags for every created role. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** One IAM role per configured access role (no permissions), and the mappings for the authenticator. */
export class AccessRoles extends pulumi.ComponentResource {
    /** Created roles first (in the order given), then mapRoles; mapUsers; mapAccounts. */
    public readonly mappings: pulumi.Output<IdentityMappings>;
    /** Created role name → role ARN. */
    public readonly roleArns: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: AccessRolesArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("kops-iam-auth:index:AccessRoles", name, args, opts);
        const roles = args.roles ?? defaultAccessRoles;
        checkRoleNamesUnique(name, roles);
        const account: AccountOfRoles = {
            accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        };

        const created = roles.map((role) => ({ role, resource: accessRole(name, role, account, args.tags, this) }));
        const duplicatesChecked = mapRolesCheckedAgainstCreated(name, roles, account, args.mapRoles);

        this.mappings = identityMappings(duplicatesChecked, createdRoleMappings(created), args);
        this.roleArns = pulumi
            .all(created.map(({ role, resource }) => resource.arn.apply((arn): [string, string] => [role.name, arn])))
            .apply((entries) => Object.fromEntries(entries));

        this.registerOutputs({ mappings: this.mappings, roleArns: this.roleArns });
    }
}

/** The account and partition the created roles live in, known once the provider answers. */
interface AccountOfRoles {
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
}

/** Refuses a role name given twice: IAM role names are unique per account, case-insensitively. */
function checkRoleNamesUnique(name: string, roles: AccessRoleArgs[]): void {
    const seen = new Set<string>();
    throwProblems(
        `AccessRoles ${name}`,
        roles.flatMap((role, index) => {
            const key = role.name.toLowerCase();
            const repeated = seen.has(key);
            seen.add(key);
            return repeated
                ? [
                      duplicate(
                          `roles[${index}].name`,
                          role.name,
                          "a role name no earlier entry uses",
                          "IAM role names are unique per account, case-insensitively",
                      ),
                  ]
                : [];
        }),
    );
}

/**
 * One role people assume. No policies are attached: the authenticator checks only who the caller
 * is, and what they may do in the cluster comes from Kubernetes RBAC.
 */
function accessRole(
    name: string,
    role: AccessRoleArgs,
    account: AccountOfRoles,
    tags: AccessRolesArgs["tags"],
    parent: pulumi.Resource,
): aws.iam.Role {
    return new aws.iam.Role(
        `${name}-${role.name}`,
        {
            name: role.name,
            path: "/",
            assumeRolePolicy: pulumi
                .all([account.accountId, account.partition, role.trustedPrincipals])
                .apply(([accountId, partitionName, trustedPrincipals]) =>
                    JSON.stringify(
                        renderTrustPolicy({
                            accountId,
                            partition: partitionName,
                            trustedPrincipals,
                            requireMfa: role.requireMfa,
                        }),
                    ),
                ),
            maxSessionDuration: role.maxSessionDurationSeconds,
            tags,
        },
        { parent },
    );
}

/** The created roles' mappings, in the order given: each role's ARN to its username and groups. */
function createdRoleMappings(created: { role: AccessRoleArgs; resource: aws.iam.Role }[]): pulumi.Output<RoleMapping[]> {
    return pulumi.all(
        created.map(({ role, resource }) =>
            resource.arn.apply((arn): RoleMapping => ({
                roleArn: arn,
                username: role.username,
                groups: [...role.groups],
            })),
        ),
    );
}

/**
 * true once no mapRoles entry is a role this component creates (the same identity twice, of which
 * the authenticator keeps only one); fails the preview otherwise, naming the entries as the stack
 * config does. The created roles' ARNs are known before they exist (path /, fixed names), but only
 * once the account is known, after other resources may be registered: the stack config and
 * KopsIamCluster therefore refuse such an entry first, by role name
 * (identityRules.mapRolesRepeatingCreatedRoles); this check serves computed mapRoles.
 */
function mapRolesCheckedAgainstCreated(
    name: string,
    roles: AccessRoleArgs[],
    account: AccountOfRoles,
    mapRoles: AccessRolesArgs["mapRoles"],
): pulumi.Output<boolean> {
    return pulumi
        .all([account.accountId, account.partition, pulumi.output(mapRoles ?? [])])
        .apply(([accountId, partitionName, mapRoles]) => {
            const entries: IdentityEntry[] = [
                ...roles.map((role, index) => ({
                    label: `accessRoles[${index}] (the role ${role.name} this stack creates)`,
                    kind: "role" as const,
                    value: `arn:${partitionName}:iam::${accountId}:role/${role.name}`,
                })),
                ...mapRoles.map((mapping, index) => ({
                    label: `mapRoles[${index}].roleArn`,
                    kind: "role" as const,
                    value: mapping.roleArn,
                })),
            ];
            throwProblems(`AccessRoles ${name}`, findDuplicateIdentities(entries).map(duplicateIdentityProblem));
            return true;
        });
}

/** The authenticator's mappings: the created roles, then mapRoles; mapUsers; mapAccounts. */
function identityMappings(
    duplicatesChecked: pulumi.Output<boolean>,
    createdMappings: pulumi.Output<RoleMapping[]>,
    args: AccessRolesArgs,
): pulumi.Output<IdentityMappings> {
    return pulumi
        .all([
            duplicatesChecked,
            createdMappings,
            pulumi.output(args.mapRoles ?? []),
            pulumi.output(args.mapUsers ?? []),
            pulumi.output(args.mapAccounts ?? []),
        ])
        .apply(([, createdRoles, mapRoles, mapUsers, mapAccounts]): IdentityMappings => ({
            // As given: the authenticator's config.yaml strips IAM paths (and says so), since the
            // server matches canonical ARNs only (renderAuthenticatorConfig).
            mapRoles: [...createdRoles, ...mapRoles],
            mapUsers: [...mapUsers],
            mapAccounts: [...mapAccounts],
        }));
}
