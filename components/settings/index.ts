// KopsIamCluster's settings: its args, one per stack config key (args.ts), what each accepts and its
// default (table.ts), and the one check of a set of them, from a stack config or from a program
// (parse.ts, with its readers: simpleValues.ts, structuredLists.ts, identities.ts, identityChecks.ts,
// bindingsAndTags.ts; problemList.ts collects the problems; a program's Outputs are checked by it when
// they resolve: programArgs.ts). Above the concerns, whose rules it applies; below the recipe, which
// checks its args with it, and the stack config, which reads a stack into it.
export { parseStackSettings } from "./parse";
export type { ParseOptions } from "./parse";
export { ConfigError } from "./problemList";
export { checkedKopsIamClusterArgs } from "./programArgs";
export type { CheckedAccessRole, KopsIamClusterSettings } from "./programArgs";
export { configNamespace, simpleSettings, structuredSettings } from "./table";
export type { KopsIamClusterArgs, ResolvedKopsIamClusterArgs, RoleMappingArgs, UserMappingArgs } from "./args";
export type { SimpleSetting, SimpleSettingKey, StructuredField, StructuredSetting, StructuredSettingKey } from "./table";
