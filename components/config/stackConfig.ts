// The stack config: a stack's `Pulumi.<stack>.yaml` read into KopsIamCluster's args. The top floor:
// what each setting accepts and its default are the settings' (../settings/), checked there.
import * as pulumi from "@pulumi/pulumi";
import { ResolvedKopsIamClusterArgs } from "../settings/args";
import { simpleSettings, structuredSettings } from "../settings/table";
import { parseStackSettings } from "../settings/parse";

/**
 * Reads the stack's config (the project namespace, plus aws:region and aws:profile) and validates it.
 * Call it before creating any resource: a bad config then fails the update with nothing registered.
 */
export function readStackSettings(): ResolvedKopsIamClusterArgs {
    const config = new pulumi.Config();
    const raw: Record<string, unknown> = {};
    // Keys set in the stack but not in the tables (typos such as nodecount) are reported too.
    const prefix = `${config.name}:`;
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (fullKey.startsWith(prefix)) {
            raw[fullKey.slice(prefix.length)] = value;
        }
    }
    for (const key of Object.keys(simpleSettings)) {
        raw[key] = config.get(key);
    }
    for (const key of Object.keys(structuredSettings)) {
        try {
            raw[key] = config.getObject(key);
        } catch {
            // Not JSON: pass the text on, so it is reported with every other problem.
            raw[key] = config.get(key);
        }
    }
    const aws = new pulumi.Config("aws");
    return parseStackSettings(raw, aws.get("region"), { awsProfile: aws.get("profile"), namespace: config.name });
}
