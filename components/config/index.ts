// The stack config: the settings and their tables (settings.ts), reading and validating a stack
// (parse.ts). The value rules they use are the ground floor's (core/).
export { ConfigError, parseStackSettings, readStackSettings } from "./parse";
export { configNamespace, simpleSettings, structuredSettings } from "./settings";
export type { SimpleSetting, SimpleSettingKey, StructuredField, StructuredSetting, StructuredSettingKey } from "./settings";
