// The ground floor: the rules, public types and defaults every other folder builds on. Nothing here
// imports anything of this package from outside core/ (npm run lint enforces it), so the concern
// folders (authenticator/, aws/, kops/), the recipe (kopsIamCluster.ts) and the stack config
// (config/) all check a value, or fall back to a default, with the same definition.
//   rules.ts, durations.ts, instanceTypes.ts   what each value accepts, with the words errors use
//   suggestions.ts                            "did you mean": the known word closest to a refused one
//   identityRules.ts, extraFlags.ts           IAM identities, and which extra kops flags may pass
//   updateRules.ts, immutableGuard.ts         which changes a running stack refuses, at preview
//   defaults.ts, types.ts, mappings.ts        every default; the public enums and shared types
//   stateStoreLayout.ts, hostLayout.ts        where files live in the state store and on a host
//   kopsCommandLines.ts                       how the kOps scripts are run, and the owner marker
//   problems.ts                               a refused value (Problem), its one wording, ProblemsError
export {
    defaultAccessRoles,
    defaultAuthenticatorImage,
    defaultAuthenticatorResources,
    defaultAuthenticatorUid,
    defaultKopsCommandTimeouts,
    kopsClusterDefaults,
} from "./defaults";
export { ClusterTopology, HookRunner, KubeconfigMode, TokenCommand } from "./types";
export type {
    AuthenticatorResourceOverrides,
    AuthenticatorResources,
    ResourceQuantities,
    ResourceQuantityOverrides,
} from "./types";
export type { AccessRole, IdentityMappings, RoleMapping, UserMapping } from "./mappings";
export { authenticatorObjectKeys, authenticatorObjectPrefix, stateStoreUrl } from "./stateStoreLayout";
export type { AuthenticatorObjectKeys } from "./stateStoreLayout";
export type { KopsCommandTimeouts } from "./defaults";
export { formatProblem, formatProblems, ProblemsError } from "./problems";
export type { Problem, ProblemKind } from "./problems";
