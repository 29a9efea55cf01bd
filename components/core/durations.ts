// Go durations, the one grammar for every duration setting: the stack config, KopsCluster, the spec
// patch, and the scripts (lib.sh is_go_duration spells the same pattern for bash; a test keeps them
// equal). kOps stores durations as Go's Duration.String() prints them, hence the canonical form.

const durationUnitSeconds: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
};

/**
 * Go's duration grammar (`time.ParseDuration`: 5m, 1h30m, 15m0s, .5h, 90000ms, 0), without the
 * sign. The one rule for every duration: the config, KopsCluster, the spec patch, and the scripts'
 * check (lib.sh is_go_duration spells the same pattern for bash; a test keeps them equal).
 */
export function isGoDuration(text: unknown): text is string {
    return typeof text === "string" && /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$|^0$/.test(text);
}

/** Seconds in a Go duration (isGoDuration), or undefined if it is not one. */
export function goDurationSeconds(text: string): number | undefined {
    if (!isGoDuration(text)) {
        return undefined;
    }
    let seconds = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
        seconds += Number(amount) * durationUnitSeconds[unit];
    }
    return seconds;
}

/** A Go duration within bounds, with the words that say what is accepted. */
export interface DurationRule {
    minSeconds: number;
    maxSeconds: number;
    accepted: string;
}

/** The durations kOps takes, the same rule for the stack config and for KopsCluster's arguments. */
export const kopsDurationRules = {
    validateTimeout: { minSeconds: 60, maxSeconds: 7200, accepted: "a Go duration from 1m to 2h, like 15m or 1h30m" },
    adminTtl: { minSeconds: 60, maxSeconds: 86400, accepted: "a Go duration from 1m to 24h, like 1h or 30m" },
    webhookCacheTtl: { minSeconds: 0, maxSeconds: 3600, accepted: "a Go duration from 0s to 1h, like 5m0s or 30s" },
} as const satisfies Record<string, DurationRule>;

/** True when `text` is a Go duration within the rule's bounds. */
export function isDurationWithin(text: string, rule: DurationRule): boolean {
    const seconds = goDurationSeconds(text);
    return seconds !== undefined && seconds >= rule.minSeconds && seconds <= rule.maxSeconds;
}

const nanosecondsPerUnit: Record<string, bigint> = {
    ns: 1n,
    us: 1_000n,
    "µs": 1_000n,
    "μs": 1_000n,
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
};

/** A Go duration (`5m`, `1h30m`, `1.5s`) in the form Go's Duration.String() prints (`5m0s`), as kOps stores it; undefined if invalid. */
export function canonicalGoDuration(text: unknown): string | undefined {
    if (!isGoDuration(text)) {
        return undefined;
    }
    let total = 0n;
    for (const [, number, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
        const [whole, fraction = ""] = number.split(".");
        const scale = nanosecondsPerUnit[unit];
        total += BigInt(whole || "0") * scale + (BigInt(fraction.padEnd(18, "0").slice(0, 18)) * scale) / 10n ** 18n;
    }
    return formatGoDuration(total);
}

function formatGoDuration(total: bigint): string {
    const decimal = (value: bigint, unit: bigint, digits: number) => {
        const fraction = (value % unit).toString().padStart(digits, "0").replace(/0+$/, "");
        return `${value / unit}${fraction ? "." + fraction : ""}`;
    };
    if (total === 0n) {
        return "0s";
    }
    if (total < 1_000n) {
        return `${total}ns`;
    }
    if (total < 1_000_000n) {
        return `${decimal(total, 1_000n, 3)}µs`;
    }
    if (total < 1_000_000_000n) {
        return `${decimal(total, 1_000_000n, 6)}ms`;
    }
    const hours = total / nanosecondsPerUnit.h;
    const minutes = (total % nanosecondsPerUnit.h) / nanosecondsPerUnit.m;
    const seconds = decimal(total % nanosecondsPerUnit.m, nanosecondsPerUnit.s, 9);
    return `${hours > 0n ? `${hours}h` : ""}${hours > 0n || minutes > 0n ? `${minutes}m` : ""}${seconds}s`;
}
