/**
 * Scores the matcher on a labeled set: recall on known malicious typosquats, false flags on
 * legitimate look-alikes. Used by `npm run score:typosquat` and by the regression test.
 */
import { normalizeName } from '../core/text.js';
import { POPULAR_RANK, type TyposquatMatch, type TyposquatMatcher } from './matcher.js';

/** The level the rule gives a match offline (the typosquat rule's `typosquatLevel`): the score measures that. */
export type LevelOf = (match: TyposquatMatch) => 'error' | 'warning' | 'notice';

export interface MaliciousExample {
  name: string;
  /** The name it imitated, per the dataset. */
  target: string;
  /** The dataset's technique label (del, ins, sub, swap, py-affix, ...). */
  technique: string;
}

export interface LegitExample {
  name: string;
  looksLike: string;
  /** `tier3-unranked` is little-used; every other category is in the top 15,000. */
  category: string;
}

export const UNRANKED_CATEGORY = 'tier3-unranked';

/** Rows of a TSV with a header line, as objects keyed by the header's column names. */
export function parseTsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const header = (lines.shift() ?? '').split('\t').map((cell) => cell.trim());
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(header.map((column, i) => [column, (cells[i] ?? '').trim()]));
  });
}

export function parseMalicious(text: string): MaliciousExample[] {
  return parseTsv(text)
    .filter((row) => row.name)
    .map((row) => ({ name: normalizeName(row.name!), target: normalizeName(row.target ?? ''), technique: row.technique || '?' }));
}

export function parseLegit(text: string): LegitExample[] {
  return parseTsv(text)
    .filter((row) => row.name)
    .map((row) => ({ name: normalizeName(row.name!), looksLike: normalizeName(row.looks_like ?? ''), category: row.category || '?' }));
}

export interface Tally {
  total: number;
  /** Flagged at warning or error. */
  warned: number;
  /** Flagged at any severity (notice included). */
  flagged: number;
}

export interface ScoredName {
  name: string;
  label: string;
  match: TyposquatMatch | null;
  severity: 'error' | 'warning' | 'notice' | null;
}

export interface TyposquatScore {
  malicious: Tally & {
    /** Warned and naming the dataset's target. */
    warnedRightTarget: number;
    recall: number;
    byLabel: Map<string, Tally>;
    /** Detections counted by the technique the matcher reported. */
    byDetectedTechnique: Map<string, number>;
    bySeverity: Map<string, number>;
    missed: ScoredName[];
  };
  legit: {
    total: number;
    byCategory: Map<string, Tally>;
    /** Flagged (any severity) while in a ranked category: must stay empty. */
    rankedFlagged: ScoredName[];
    /** Flagged little-used legitimate names, reported so the cost of the rule is visible. */
    unrankedFlagged: ScoredName[];
    unrankedTotal: number;
  };
  /**
   * What the popular-name exemption (a name ranked within POPULAR_RANK is never flagged) saves and
   * costs at each depth: ranked legitimate look-alikes that would be flagged without it, with their
   * rank, and malicious names that are ranked at all (an exemption that deep would hide them).
   */
  popularity: {
    /** Legitimate ranked names the matcher flags when their own rank is ignored. */
    legitFlaggedWithout: { name: string; rank: number; severity: 'error' | 'warning' | 'notice' }[];
    /** Malicious names found in the ranking, with their rank. */
    maliciousRanked: { name: string; rank: number }[];
  };
}

function tallyOf(map: Map<string, Tally>, key: string): Tally {
  let tally = map.get(key);
  if (!tally) map.set(key, (tally = { total: 0, warned: 0, flagged: 0 }));
  return tally;
}

function scoreName(matcher: TyposquatMatcher, name: string, label: string, levelOf: LevelOf): ScoredName {
  const match = matcher.match(name);
  return { name, label, match, severity: match ? levelOf(match) : null };
}

export function scoreTyposquat(
  matcher: TyposquatMatcher,
  malicious: readonly MaliciousExample[],
  legit: readonly LegitExample[],
  levelOf: LevelOf,
): TyposquatScore {
  const byLabel = new Map<string, Tally>();
  const byDetectedTechnique = new Map<string, number>();
  const bySeverity = new Map<string, number>();
  const missed: ScoredName[] = [];
  let warned = 0;
  let flagged = 0;
  let warnedRightTarget = 0;
  for (const example of malicious) {
    const scored = scoreName(matcher, example.name, example.technique, levelOf);
    const tally = tallyOf(byLabel, example.technique);
    tally.total++;
    bySeverity.set(scored.severity ?? 'none', (bySeverity.get(scored.severity ?? 'none') ?? 0) + 1);
    if (scored.match) {
      flagged++;
      tally.flagged++;
    }
    if (scored.severity === 'warning' || scored.severity === 'error') {
      warned++;
      tally.warned++;
      if (scored.match!.target === example.target) warnedRightTarget++;
      byDetectedTechnique.set(scored.match!.technique, (byDetectedTechnique.get(scored.match!.technique) ?? 0) + 1);
    } else {
      missed.push({ ...scored, label: `${example.technique} of ${example.target}` });
    }
  }

  const byCategory = new Map<string, Tally>();
  const rankedFlagged: ScoredName[] = [];
  const unrankedFlagged: ScoredName[] = [];
  let unrankedTotal = 0;
  for (const example of legit) {
    const scored = scoreName(matcher, example.name, example.category, levelOf);
    const tally = tallyOf(byCategory, example.category);
    tally.total++;
    const unranked = example.category === UNRANKED_CATEGORY;
    if (unranked) unrankedTotal++;
    if (!scored.match) continue;
    tally.flagged++;
    if (scored.severity !== 'notice') tally.warned++;
    (unranked ? unrankedFlagged : rankedFlagged).push(scored);
  }

  const legitFlaggedWithout: TyposquatScore['popularity']['legitFlaggedWithout'] = [];
  for (const example of legit) {
    const rank = matcher.rankOf(example.name);
    if (rank === undefined) continue;
    const match = matcher.matchIgnoringPopularity(example.name);
    if (match) legitFlaggedWithout.push({ name: example.name, rank, severity: levelOf(match) });
  }
  const maliciousRanked: TyposquatScore['popularity']['maliciousRanked'] = [];
  for (const example of malicious) {
    const rank = matcher.rankOf(example.name);
    if (rank !== undefined) maliciousRanked.push({ name: example.name, rank });
  }

  return {
    popularity: { legitFlaggedWithout, maliciousRanked },
    malicious: {
      total: malicious.length,
      warned,
      flagged,
      warnedRightTarget,
      recall: malicious.length === 0 ? 0 : warned / malicious.length,
      byLabel,
      byDetectedTechnique,
      bySeverity,
      missed,
    },
    legit: { total: legit.length, byCategory, rankedFlagged, unrankedFlagged, unrankedTotal },
  };
}

const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

function describe(scored: ScoredName): string {
  const m = scored.match;
  return m ? `${scored.name} -> ${m.target} (#${m.targetRank}, ${m.technique}, ${scored.severity})` : `${scored.name} (${scored.label})`;
}

/** The report `npm run score:typosquat` prints. */
export function formatScore(score: TyposquatScore, heading: string): string {
  const out: string[] = [heading, ''];
  const m = score.malicious;
  out.push(`Malicious typosquats: ${m.total}`);
  out.push(`  recall at warning or above: ${m.warned}/${m.total} = ${pct(m.warned, m.total)}`);
  out.push(`  ... naming the dataset's target: ${m.warnedRightTarget}/${m.total} = ${pct(m.warnedRightTarget, m.total)}`);
  out.push(`  flagged at any severity (notice included): ${m.flagged}/${m.total} = ${pct(m.flagged, m.total)}`);
  out.push(`  by severity: ${[...m.bySeverity].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push('  by dataset technique (warned / flagged / total):');
  for (const [label, t] of [...m.byLabel].sort((a, b) => b[1].total - a[1].total)) {
    out.push(
      `    ${label.padEnd(12)} ${String(t.warned).padStart(4)} / ${String(t.flagged).padStart(4)} / ${String(t.total).padStart(4)}  recall ${pct(t.warned, t.total)}`,
    );
  }
  out.push('  by detected technique (warned):');
  for (const [technique, n] of [...m.byDetectedTechnique].sort((a, b) => b[1] - a[1])) out.push(`    ${technique.padEnd(20)} ${n}`);
  out.push(`  missed (${m.missed.length}):`);
  for (const scored of m.missed) out.push(`    ${describe(scored)}`);
  out.push('');
  const l = score.legit;
  out.push(`Legitimate look-alikes: ${l.total}`);
  out.push('  by category (warned / flagged / total):');
  for (const [category, t] of [...l.byCategory].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`    ${category.padEnd(16)} ${String(t.warned).padStart(4)} / ${String(t.flagged).padStart(4)} / ${String(t.total).padStart(4)}`);
  }
  out.push(`  ranked legitimate names flagged (must be 0): ${l.rankedFlagged.length}`);
  for (const scored of l.rankedFlagged) out.push(`    ${describe(scored)}`);
  out.push(`  unranked legitimate names flagged: ${l.unrankedFlagged.length}/${l.unrankedTotal}`);
  for (const scored of l.unrankedFlagged) out.push(`    ${describe(scored)}`);
  out.push('');
  const p = score.popularity;
  out.push(`Popular-name exemption (a name ranked within the depth is never flagged; shipped depth ${POPULAR_RANK}):`);
  out.push(`  ranked legitimate look-alikes the matcher flags when their own rank is ignored: ${p.legitFlaggedWithout.length}`);
  out.push(
    `  malicious names in the ranking at any depth: ${p.maliciousRanked.length}${p.maliciousRanked.length ? ` (${p.maliciousRanked.map((m) => `${m.name} #${m.rank}`).join(', ')})` : ''}`,
  );
  out.push('  depth   legitimate flagged (warning or above)   malicious hidden');
  for (const depth of [1000, 2500, 5000, 10000, 15000]) {
    const flagged = p.legitFlaggedWithout.filter((f) => f.rank > depth);
    const warned = flagged.filter((f) => f.severity !== 'notice').length;
    const hidden = p.maliciousRanked.filter((m) => m.rank <= depth).length;
    out.push(
      `  ${String(depth).padStart(5)}${depth === POPULAR_RANK ? '*' : ' '}  ${String(flagged.length).padStart(4)} (${warned})${' '.repeat(31)}${hidden}`,
    );
  }
  return out.join('\n') + '\n';
}
