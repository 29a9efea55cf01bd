// clusterRoleBindings (a group some mapping grants, bound to a ClusterRole) and tags (the AWS tags
// of every resource): each read and checked with the readers of structuredLists.ts.
import { bindingNameTooLong } from "../authenticator/manifests";
import { invalid, showValue } from "../core/problems";
import {
    isClusterRoleName,
    isKubernetesGroup,
    isTagKey,
    isTagValue,
    maxTags,
    tagCountAccepted,
    tagKeyAccepted,
    tagValueAccepted,
} from "../core/rules";
import { ProblemList } from "./problemList";
import { parseJson } from "./simpleValues";
import { fieldAccepted, readObjectList, readString } from "./structuredLists";
import { kubernetesGroupAccepted, quotedNote, structuredSettings } from "./table";

/** `grantedGroups` is undefined when a mapping setting is bad: the groups are then not checked against it. */
export function parseClusterRoleBindings(raw: unknown, grantedGroups: Set<string> | undefined, problems: ProblemList) {
    if (raw === undefined || raw === null) {
        return [];
    }
    // A binding for a group no mapping grants binds nobody: most likely a typo.
    const groupAccepted = grantedGroups
        ? `${fieldAccepted("clusterRoleBindings", "group")} (granted: ${[...grantedGroups].join(", ") || "none"})`
        : kubernetesGroupAccepted;
    const bindings = readObjectList(
        "clusterRoleBindings",
        raw,
        problems,
        (entry, path) => ({
            group:
                readString(
                    `${path}.group`,
                    entry.group,
                    groupAccepted,
                    (v) => isKubernetesGroup(v) && (grantedGroups?.has(v) ?? true),
                    problems,
                ) ?? "",
            clusterRole:
                readString(
                    `${path}.clusterRole`,
                    entry.clusterRole,
                    fieldAccepted("clusterRoleBindings", "clusterRole"),
                    isClusterRoleName,
                    problems,
                ) ?? "",
        }),
        (entry) => JSON.stringify([entry.group, entry.clusterRole]),
        "a binding not listed before",
    );
    // The ClusterRoleBinding's name holds both; Kubernetes object names take at most 253 characters.
    bindings?.forEach((binding, index) => {
        const tooLong = bindingNameTooLong(`clusterRoleBindings[${index}]`, binding);
        if (tooLong) {
            problems.add(tooLong);
        }
    });
    return bindings;
}

export function parseTags(raw: unknown, problems: ProblemList): Record<string, string> | undefined {
    if (raw === undefined || raw === null) {
        return {};
    }
    const value = typeof raw === "string" ? parseJson(raw) : raw;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.add(invalid("tags", raw, structuredSettings.tags.accepted));
        return undefined;
    }
    const before = problems.count;
    const entries = Object.entries(value);
    if (entries.length > maxTags) {
        problems.add(invalid("tags", `${entries.length} tags`, tagCountAccepted));
    }
    for (const [tagKey, tagValue] of entries) {
        const path = `tags[${showValue(tagKey)}]`;
        if (!isTagKey(tagKey)) {
            problems.add(invalid(path, tagKey, tagKeyAccepted));
        }
        if (typeof tagValue !== "string" || !isTagValue(tagValue)) {
            problems.add(invalid(path, tagValue, `${tagValueAccepted}, ${quotedNote}`));
        }
    }
    return problems.count === before ? (value as Record<string, string>) : undefined;
}
