/**
 * Advisory facts: what OSV (https://osv.dev) says about the exact (name, version) pairs a change
 * locks from PyPI. Written by src/net/osv.ts, read by the malicious-package and
 * vulnerable-package rules. Pure: the OSV record shapes (OSV schema, https://ossf.github.io/osv-schema/)
 * are read here, defensively, into the few fields the rules use.
 */
import { canonicalIndexUrl } from './index-facts.js';
import { normalizeName } from '../uv/names.js';
import { compareVersions, isPep440 } from '../uv/version.js';
import type { LockPackage, ProjectPair } from '../uv/model.js';

export type AdvisorySeverity = 'low' | 'medium' | 'high' | 'critical';
const ADVISORY_SEVERITIES: readonly AdvisorySeverity[] = ['low', 'medium', 'high', 'critical'];

export interface Advisory {
  id: string;
  summary: string;
  /** RFC 3339, when the record has it. */
  published?: string;
  aliases: string[];
  /** A MAL- record (OpenSSF malicious-packages), or one whose data marks the code malicious (CWE-506). */
  malicious: boolean;
  /** From a CVSS v3 vector (computed), else the database's own label (GHSA's database_specific.severity). */
  severity?: AdvisorySeverity;
  /** The CVSS v3 base score, when a v3 vector was given. */
  cvssScore?: number;
  /** Versions that fix it for this package (ECOSYSTEM ranges' `fixed` events), as written. */
  fixed: string[];
}

export type AdvisoryLookup =
  /** OSV answered for this version: `advisories` is what it lists (empty: none known). */
  | { status: 'checked'; advisories: Advisory[] }
  /** Not checked: offline, OSV unreachable, out of budget, a bad answer. */
  | { status: 'unchecked'; reason: string };

export interface AdvisoryFacts {
  /** advisoryKey(name, version) → what OSV said. */
  packages: Map<string, AdvisoryLookup>;
}

/** The key of a (name, version) pair: PEP 503 name, version as locked. */
export function advisoryKey(name: string, version: string): string {
  return `${normalizeName(name)}==${version}`;
}

const PYPI = 'https://pypi.org/simple';

/**
 * Whether OSV's PyPI ecosystem speaks for this lock entry: a registry package locked from pypi.org.
 * A package of the same name on another index is another package, so it is not asked about.
 */
export function isPypiSourced(pkg: LockPackage): boolean {
  if (pkg.source?.kind !== 'registry' || typeof pkg.source.url !== 'string') return false;
  return canonicalIndexUrl(pkg.source.url) === PYPI;
}

export interface AdvisorySubject {
  name: string;
  version: string;
  key: string;
}

/** The introduced PyPI-sourced (name, version) pairs of every project (all locked ones in a full audit), once each. */
export function advisorySubjects(pairs: readonly ProjectPair[]): AdvisorySubject[] {
  const seen = new Map<string, AdvisorySubject>();
  for (const pair of pairs) {
    for (const entry of Array.isArray(pair.introduced) ? pair.introduced : []) {
      const pkg = entry?.package;
      if (!pkg || typeof pkg.name !== 'string' || typeof pkg.version !== 'string' || pkg.version === '') continue;
      if (!isPypiSourced(pkg)) continue;
      const key = advisoryKey(pkg.name, pkg.version);
      if (!seen.has(key)) seen.set(key, { name: normalizeName(pkg.name), version: pkg.version, key });
    }
  }
  return [...seen.values()];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** CWE-506, Embedded Malicious Code: how GHSA malware and malicious-packages records classify themselves. */
const MALICIOUS_CWE = 'CWE-506';

function marksMalicious(data: unknown): boolean {
  if (!isObject(data)) return false;
  if ('malicious-packages-origins' in data) return true;
  const cwes = [...strings(data.cwe_ids), ...(Array.isArray(data.cwes) ? data.cwes.map((c) => (isObject(c) ? c.cweId : undefined)) : [])];
  return cwes.includes(MALICIOUS_CWE);
}

/**
 * One OSV record (GET /v1/vulns/{id}) as the rules need it, for package `name`; null when the
 * body is not an OSV record.
 */
export function readAdvisory(record: unknown, name: string): Advisory | null {
  if (!isObject(record) || typeof record.id !== 'string' || record.id === '') return null;
  const wanted = normalizeName(name);
  const affected = (Array.isArray(record.affected) ? record.affected : []).filter(
    (a): a is Json =>
      isObject(a) && isObject(a.package) && a.package.ecosystem === 'PyPI' && typeof a.package.name === 'string' && normalizeName(a.package.name) === wanted,
  );
  const fixed = new Set<string>();
  for (const entry of affected) {
    for (const range of Array.isArray(entry.ranges) ? entry.ranges : []) {
      if (!isObject(range) || range.type !== 'ECOSYSTEM') continue;
      for (const event of Array.isArray(range.events) ? range.events : []) if (isObject(event) && typeof event.fixed === 'string') fixed.add(event.fixed);
    }
  }
  const advisory: Advisory = {
    id: record.id,
    summary: typeof record.summary === 'string' ? record.summary.replace(/\s+/g, ' ').trim().slice(0, 200) : '',
    aliases: strings(record.aliases),
    malicious: record.id.startsWith('MAL-') || marksMalicious(record.database_specific) || affected.some((a) => marksMalicious(a.database_specific)),
    fixed: [...fixed],
  };
  if (typeof record.published === 'string') advisory.published = record.published;
  const v3 = (Array.isArray(record.severity) ? record.severity : []).find((s): s is Json => isObject(s) && s.type === 'CVSS_V3' && typeof s.score === 'string');
  const score = v3 ? cvss3BaseScore(v3.score as string) : null;
  if (score !== null) {
    advisory.cvssScore = score;
    advisory.severity = severityOfScore(score);
  } else {
    const label = isObject(record.database_specific) ? record.database_specific.severity : undefined;
    const named = typeof label === 'string' ? labelSeverity(label) : undefined;
    if (named) advisory.severity = named;
  }
  return advisory;
}

function labelSeverity(label: string): AdvisorySeverity | undefined {
  const lower = label.toLowerCase();
  if (lower === 'moderate') return 'medium';
  return (ADVISORY_SEVERITIES as readonly string[]).includes(lower) ? (lower as AdvisorySeverity) : undefined;
}

/** CVSS's qualitative rating of a base score (CVSS v3.1 specification, table 14); 0 (none) reads as low. */
function severityOfScore(score: number): AdvisorySeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

const WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};

/** CVSS v3.1's Roundup: the smallest one-decimal number >= the input, without float drift. */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/** The base score of a CVSS v3.0/v3.1 vector ("CVSS:3.1/AV:N/AC:L/..."), or null when it is not one. */
export function cvss3BaseScore(vector: string): number | null {
  const parts = vector.trim().split('/');
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? '')) return null;
  const metrics = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const [key, value] = part.split(':');
    if (key && value) metrics.set(key, value);
  }
  const scope = metrics.get('S');
  const pr = metrics.get('PR');
  const weight = (key: string): number | undefined => WEIGHTS[key]?.[metrics.get(key) ?? ''];
  const [av, ac, ui, c, i, a] = ['AV', 'AC', 'UI', 'C', 'I', 'A'].map(weight);
  if (scope !== 'U' && scope !== 'C') return null;
  const prWeight = pr === 'N' ? 0.85 : pr === 'L' ? (scope === 'C' ? 0.68 : 0.62) : pr === 'H' ? (scope === 'C' ? 0.5 : 0.27) : undefined;
  if (av === undefined || ac === undefined || ui === undefined || c === undefined || i === undefined || a === undefined || prWeight === undefined) return null;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av * ac * prWeight * ui;
  if (impact <= 0) return 0;
  return scope === 'U' ? roundUp(Math.min(impact + exploitability, 10)) : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

/**
 * The smallest version that clears every advisory: for each, its smallest fixed version above the
 * locked one; the largest of those. Null when an advisory has no such fixed version (no fix yet,
 * or versions lockgate cannot order).
 */
export function smallestFix(locked: string, advisories: readonly Advisory[]): string | null {
  if (!isPep440(locked) || advisories.length === 0) return null;
  let needed: string | null = null;
  for (const advisory of advisories) {
    const above = advisory.fixed.filter((v) => isPep440(v) && compareVersions(v, locked) > 0).sort(compareVersions);
    const first = above[0];
    if (first === undefined) return null;
    if (needed === null || compareVersions(first, needed) > 0) needed = first;
  }
  return needed;
}

/** Whether `severity` (unknown counts as medium: not ignorable by a threshold) is at least `min`. */
export function atLeast(severity: AdvisorySeverity | undefined, min: AdvisorySeverity): boolean {
  return ADVISORY_SEVERITIES.indexOf(severity ?? 'medium') >= ADVISORY_SEVERITIES.indexOf(min);
}
