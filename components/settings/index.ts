// KopsIamCluster's settings: its args, one per stack config key (args.ts), what each accepts and its
// default (table.ts), and the one check of a set of them, from a stack config or from a program
// (validate.ts). Above the concerns, whose rules it applies; below the recipe, which checks its args
// with it, and the stack config, which reads a stack into it.
export { checkedKopsIamClusterArgs, ConfigError, parseStackSettings } from "./validate";
export { configNamespace, simpleSettings, structuredSettings } from "./table";
export type { KopsIamClusterArgs, ResolvedKopsIamClusterArgs } from "./args";
export type { SimpleSetting, SimpleSettingKey, StructuredField, StructuredSetting, StructuredSettingKey } from "./table";
