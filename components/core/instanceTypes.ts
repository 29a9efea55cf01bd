// Which EC2 instance types the stack config accepts for nodeSize and controlPlaneSize: those in kOps'
// own list (instanceTypeList.ts, generated), or those the user vouches for (extraInstanceTypes).
// Apart from rules.ts so that code checking only the shape (the spec patch in kops' helper program)
// does not load the 1,100-entry list.
import { kopsInstanceTypes, kopsInstanceTypesSource } from "./instanceTypeList";
import { isInstanceTypeShape } from "./rules";
import { closestMatch } from "./suggestions";

const knownInstanceTypes = new Set(kopsInstanceTypes);

/**
 * An EC2 instance type kOps v1.36.2 knows (instanceTypeList.ts), or one of `extra`: the types a
 * user vouches for that are newer than that list (the stack setting extraInstanceTypes).
 */
export function isKnownInstanceType(type: unknown, extra: readonly string[] = []): type is string {
    return isInstanceTypeShape(type) && (knownInstanceTypes.has(type) || extra.includes(type));
}

export const instanceTypeAccepted =
    `an EC2 instance type kOps knows (${kopsInstanceTypesSource}), like t3.medium ` +
    "or m7i.large; a newer type than that list is accepted once it is listed in extraInstanceTypes";

/** The known types closest to a refused one (same family, or same size), at most `limit`, for error messages. */
function similarInstanceTypes(type: string, limit = 6): string[] {
    const [family, size] = type.split(".");
    const sameFamily = kopsInstanceTypes.filter((t) => t.startsWith(`${family}.`));
    const pool = sameFamily.length > 0 ? sameFamily : kopsInstanceTypes.filter((t) => t.endsWith(`.${size}`));
    return pool.slice(0, limit);
}

const knownFamilies = new Set(kopsInstanceTypes.map((t) => t.split(".")[0]));
const digitsOf = (text: string) => text.replace(/\D/g, "");

/**
 * The known type `type` misspells, when it is a typo rather than a type newer than kOps' list: close
 * to it (closestMatch), with the same digits (a new generation or size differs in a digit: m8i.large
 * is not a typo of m7i.large), and either not written family.size at all (m5large) or of a family kOps
 * knows (t3.medum). A new family (m9gn.large) is never called a typo.
 */
export function misspelledInstanceType(type: string): string | undefined {
    const match = closestMatch(type, kopsInstanceTypes);
    if (match === undefined || digitsOf(match) !== digitsOf(type)) {
        return undefined;
    }
    return !isInstanceTypeShape(type) || knownFamilies.has(type.split(".")[0]) ? match : undefined;
}

/**
 * Why `type` is refused for nodeSize or controlPlaneSize, given that it is not a known type (nor one
 * of extraInstanceTypes): a typo of a known type gets that type, and not extraInstanceTypes, as its
 * fix; anything else gets the known types like it and extraInstanceTypes (it may be newer than kOps' list).
 */
export function unknownInstanceTypeReason(type: string): string {
    const typo = misspelledInstanceType(type);
    if (typo !== undefined) {
        return `an EC2 instance type kOps knows (${kopsInstanceTypesSource}); did you mean ${typo}?`;
    }
    if (!isInstanceTypeShape(type)) {
        return instanceTypeAccepted;
    }
    const similar = similarInstanceTypes(type);
    return (
        `${instanceTypeAccepted}. kOps does not know ${type}` +
        (similar.length > 0 ? ` (known types like it: ${similar.join(", ")})` : "") +
        `; if EC2 has it, add it to extraInstanceTypes: pulumi config set --path 'extraInstanceTypes[0]' ${type}`
    );
}
