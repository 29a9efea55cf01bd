// Which EC2 instance types the stack config accepts for nodeSize and controlPlaneSize: those in kOps'
// own list (instanceTypeList.ts, generated), or those the user vouches for (extraInstanceTypes).
// Apart from rules.ts so that code checking only the shape (the spec patch in kops' helper program)
// does not load the 1,100-entry list.
import { kopsInstanceTypes, kopsInstanceTypesSource } from "./instanceTypeList";
import { isInstanceTypeShape } from "./rules";

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
export function similarInstanceTypes(type: string, limit = 6): string[] {
    const [family, size] = type.split(".");
    const sameFamily = kopsInstanceTypes.filter((t) => t.startsWith(`${family}.`));
    const pool = sameFamily.length > 0 ? sameFamily : kopsInstanceTypes.filter((t) => t.endsWith(`.${size}`));
    return pool.slice(0, limit);
}
