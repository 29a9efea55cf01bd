// The checks across the identity settings, made once each is good on its own (identities.ts): a
// mapRoles entry naming a role accessRoles creates, an identity of an account AWS's documentation
// uses in its examples, and settings that let nobody sign in.
import { mapsNoIdentity, noIdentityReason } from "../authenticator/signInReach";
import {
    createdRoleRepeatReason,
    documentationAccountOf,
    documentationAccountReason,
    mapRolesRepeatingCreatedRoles,
} from "../core/identityRules";
import { AccessRole, RoleMapping, UserMapping } from "../core/mappings";
import { duplicate, invalid } from "../core/problems";
import { ProblemList } from "./problemList";

/** The identity settings, each undefined when it was refused (or is not known yet). */
export interface IdentitySettings {
    accessRoles: AccessRole[] | undefined;
    mapRoles: RoleMapping[] | undefined;
    mapUsers: UserMapping[] | undefined;
    mapAccounts: string[] | undefined;
}

/** Every identity the settings let in, by its path: the mapped ARNs and accounts, and the access roles' trusted principals. */
function grantedIdentities({
    accessRoles,
    mapRoles,
    mapUsers,
    mapAccounts,
}: IdentitySettings): Array<[path: string, value: string]> {
    return [
        ...(accessRoles ?? []).flatMap((role, index) =>
            (role.trustedPrincipals ?? []).map((principal, at): [string, string] => [
                `accessRoles[${index}].trustedPrincipals[${at}]`,
                principal,
            ]),
        ),
        ...(mapRoles ?? []).map((mapping, index): [string, string] => [`mapRoles[${index}].roleArn`, mapping.roleArn]),
        ...(mapUsers ?? []).map((mapping, index): [string, string] => [`mapUsers[${index}].userArn`, mapping.userArn]),
        ...(mapAccounts ?? []).map((account, index): [string, string] => [`mapAccounts[${index}]`, account]),
    ];
}

/**
 * The checks across identity settings: `allowExampleAccounts` and `allowNoIamSignIn` are the settings
 * of those names (undefined when refused).
 */
export function checkIdentitiesTogether(
    identities: IdentitySettings,
    allow: { allowExampleAccounts: boolean | undefined; allowNoIamSignIn: boolean | undefined },
    problems: ProblemList,
): void {
    const { accessRoles, mapRoles, mapUsers, mapAccounts } = identities;
    if (accessRoles && mapRoles) {
        for (const { mapIndex, roleIndex } of mapRolesRepeatingCreatedRoles(
            accessRoles.map((role) => role.name),
            mapRoles,
        )) {
            problems.add(
                duplicate(
                    `mapRoles[${mapIndex}].roleArn`,
                    mapRoles[mapIndex].roleArn,
                    "a role accessRoles does not create",
                    createdRoleRepeatReason(roleIndex, accessRoles[roleIndex].name),
                ),
            );
        }
    }
    if (allow.allowExampleAccounts === false) {
        for (const [path, value] of grantedIdentities(identities)) {
            const account = documentationAccountOf(value);
            if (account !== undefined) {
                problems.add(invalid(path, value, documentationAccountReason(account)));
            }
        }
    }
    if (accessRoles && mapRoles && mapUsers && mapAccounts && allow.allowNoIamSignIn === false) {
        if (mapsNoIdentity({ accessRoles, mapRoles, mapUsers, mapAccounts })) {
            problems.add(invalid("accessRoles", accessRoles, noIdentityReason));
        }
    }
}
