// "Did you mean ...?": the known word closest to a refused one, for unknown setting and argument names
// and for instance types. Pure; one definition for every message that suggests a fix.

/**
 * The Damerau-Levenshtein distance of `a` and `b` (optimal string alignment): how many single-character
 * insertions, deletions, substitutions and swaps of two neighbours turn one into the other.
 */
export function editDistance(a: string, b: string): number {
    // rows[i][j]: the distance of a's first i characters and b's first j.
    const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
            rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + substitution);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
            }
        }
    }
    return rows[a.length][b.length];
}

/**
 * How many edits still make a typo of a word of `length` characters: one for up to five characters, then
 * one more per five (`nodeCont` for nodeCount is 1 of 2; `zone` for `nodeSize` is not close).
 */
export function typoAllowance(length: number): number {
    return Math.max(1, Math.floor(length / 5));
}

/**
 * The candidate `word` most likely misspells, or undefined when none is close: one equal to it but for
 * letter case first; else the one at the least edit distance (ignoring case) within typoAllowance of the
 * longer of the two, the first listed on a tie. `word` itself, if listed, is not suggested.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
    const lower = word.toLowerCase();
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        if (candidate === word) {
            continue;
        }
        const candidateLower = candidate.toLowerCase();
        if (candidateLower === lower) {
            return candidate;
        }
        const distance = editDistance(lower, candidateLower);
        if (distance <= typoAllowance(Math.max(word.length, candidate.length)) && (!best || distance < best.distance)) {
            best = { candidate, distance };
        }
    }
    return best?.candidate;
}

/** `did you mean <candidate>?` for the closest candidate (a problem's hint), or undefined when none is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
    const match = closestMatch(word, candidates);
    return match === undefined ? undefined : `did you mean ${match}?`;
}
