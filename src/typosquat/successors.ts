/**
 * The reviewed list of look-alikes that are not typosquats (data/typosquat-successors.tsv): a
 * successor, fork or sibling of the package it resembles, with a source. The matcher never reports
 * a listed name as an imitation of the name it is listed with.
 *
 * The data file is the reviewed artifact; ncc bundles TypeScript only, so its text is carried by
 * successors.generated.ts, which a test keeps identical to it (and rewrites on request).
 */
import { normalizeName } from '../core/text.js';
import { TYPOSQUAT_SUCCESSORS_TSV } from './successors.generated.js';

export interface Successor {
  name: string;
  imitates: string;
  source: string;
}

/** The rows of the TSV (comment lines start with `#`; the header names the columns). */
export function parseSuccessors(text: string): Successor[] {
  const rows: Successor[] = [];
  let header: string[] | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const cells = raw.split('\t').map((cell) => cell.trim());
    if (!header) {
      header = cells;
      continue;
    }
    const at = (column: string) => cells[header!.indexOf(column)] ?? '';
    const name = normalizeName(at('name'));
    const imitates = normalizeName(at('imitates'));
    if (name === '' || imitates === '') continue;
    rows.push({ name, imitates, source: at('source') });
  }
  return rows;
}

/** Candidate name -> the names it may resemble without being reported. */
export type SuccessorMap = ReadonlyMap<string, ReadonlySet<string>>;

export function successorMap(rows: readonly Successor[]): SuccessorMap {
  const map = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = map.get(row.name) ?? new Set<string>();
    set.add(row.imitates);
    map.set(row.name, set);
  }
  return map;
}

let shipped: SuccessorMap | null = null;

/** The list shipped in the bundle, parsed once. */
export function shippedSuccessors(): SuccessorMap {
  shipped ??= successorMap(parseSuccessors(TYPOSQUAT_SUCCESSORS_TSV));
  return shipped;
}

/** successors.generated.ts for a TSV text. */
export function renderSuccessorsModule(tsv: string): string {
  return (
    '// Generated from data/typosquat-successors.tsv by __tests__/typosquat-successors.test.ts. Do not edit by hand.\n' +
    '/** The text of data/typosquat-successors.tsv. */\n' +
    `export const TYPOSQUAT_SUCCESSORS_TSV = ${JSON.stringify(tsv)};\n`
  );
}
