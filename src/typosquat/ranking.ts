import { normalizeName } from '../core/text.js';
import { TOP_PYPI_MONTH, TOP_PYPI_NAMES, TOP_PYPI_SOURCE } from './top-pypi.generated.js';

const NORMALIZED_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The popularity ranking the rule compares against: PEP 503 names, rank 1 = most downloaded. */
export interface Ranking {
  /** Rank of a normalized name, undefined when the ranking does not list it. */
  rankOf(name: string): number | undefined;
  /** [name, rank] pairs, best rank first. */
  entries(): readonly (readonly [string, number])[];
  /** The month the ranking was taken (YYYY-MM). */
  month: string;
  source: string;
}

/** Line N of `text` is the name ranked N; empty lines are ranks the source had no usable name for. */
export function rankingFromLines(text: string, month: string, source: string): Ranking {
  const ranks = new Map<string, number>();
  const entries: [string, number][] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // The generated ranking is normalized already; the test costs less than normalizing 15,000 names.
    const name = NORMALIZED_RE.test(line) ? line : normalizeName(line.trim());
    if (name === '' || ranks.has(name)) continue;
    ranks.set(name, i + 1);
    entries.push([name, i + 1]);
  }
  return { rankOf: (name) => ranks.get(name), entries: () => entries, month, source };
}

let shipped: Ranking | null = null;

/** The ranking shipped in the bundle (src/typosquat/top-pypi.generated.ts), parsed once. */
export function shippedRanking(): Ranking {
  shipped ??= rankingFromLines(TOP_PYPI_NAMES, TOP_PYPI_MONTH, TOP_PYPI_SOURCE);
  return shipped;
}
