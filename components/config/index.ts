// The stack config, read into KopsIamCluster's args (stackConfig.ts).
export { readStackSettings } from "./stackConfig";
