/**
 * Acceptance: on every shared-corpus pair, with `now` fixed at the head commit's time, the cooldown
 * findings equal an independent computation done here from the raw TOML (smol-toml directly, not
 * lockgate's readers, diff or duration parser): introduced artifacts, their upload-time fields, the
 * cooldown length, the lock's own cutoff, and the eligibility instant.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { WaivedFinding } from '../src/findings.js';
import { rule } from '../src/rules/uv/cooldown.js';
import { contextFor, settingsFor } from './cooldown-helpers.js';
import { CORPUS_PAIRS, LIMITS, sourceFromDir, UV_FIXTURES } from './uv-helpers.js';
import { loadUvProjects } from '../src/uv/load.js';
import { pairProjects } from '../src/uv/diff.js';

/** Committer dates of the head commits, from fixtures/uv/SOURCES.md. */
const HEAD_DATES: Record<string, string> = {
  '976459f7cb35': '2026-02-03T10:20:49-08:00',
  '118ddcc9ac6c': '2025-01-03T15:30:49+00:00',
  a7ddfdae0721: '2026-01-23T21:00:20+01:00',
  '8f806da61113': '2026-04-12T12:48:13+00:00',
  a5e5d41ec407: '2024-08-28T10:43:11-05:00',
  '1557e7ce3e03': '2025-06-23T14:47:26+02:00',
  c2cb03146163: '2026-04-24T08:03:31+09:00',
  '2bd03971f9d2': '2026-07-10T17:24:10+09:00',
  '1d27f376566f': '2026-08-21T09:03:14+02:00',
  d26fc0c3944f: '2026-08-21T15:55:02+02:00',
  '44180d1e3d8e': '2026-05-23T08:53:20-04:00',
  '3ef314688c53': '2026-08-17T15:36:51-04:00',
  '16eccae49da3': '2026-08-21T20:22:29+00:00',
  e264d43a2f17: '2026-07-04T05:12:20+00:00',
};

const DAY = 86_400_000;
type Table = Record<string, unknown>;
const norm = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The few span spellings the corpus uses, read independently of src/uv/exclude-newer.ts. */
function spanDays(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const friendly = /^(\d+) (day|days|week|weeks)$/.exec(text);
  if (friendly) return Number(friendly[1]) * (friendly[2]!.startsWith('week') ? 7 : 1);
  const iso = /^P(\d+)([DW])$/.exec(text);
  if (iso) return Number(iso[1]) * (iso[2] === 'W' ? 7 : 1);
  return null;
}

function artifacts(pkg: Table): Table[] {
  const out: Table[] = [];
  if (pkg.sdist && typeof pkg.sdist === 'object') out.push(pkg.sdist as Table);
  for (const wheel of (pkg.wheels as Table[] | undefined) ?? []) out.push(wheel);
  return out;
}

const locator = (artifact: Table) => String(artifact.url ?? artifact.path ?? artifact.filename ?? '');
const uploadMs = (artifact: Table): number | null => {
  const text = artifact['upload-time'] ?? artifact.upload_time;
  return typeof text === 'string' ? Date.parse(text) : null;
};
const registryOf = (pkg: Table): string | null => {
  const source = pkg.source as Table | undefined;
  return source && typeof source.registry === 'string' ? source.registry : null;
};

interface Expected {
  kind: 'young' | 'breach';
  id: string;
  waived: boolean;
  introduced: boolean;
  eligible?: string;
}

function independent(repo: string, baseSha: string, headSha: string, now: number, settingsDays: number): Expected[] {
  const read = (sha: string) => parse(readFileSync(join(UV_FIXTURES, repo, sha, 'uv.lock'), 'utf8')) as Table;
  const pyproject = parse(readFileSync(join(UV_FIXTURES, repo, headSha, 'pyproject.toml'), 'utf8')) as Table;
  const toolUv = ((pyproject.tool as Table | undefined)?.uv as Table | undefined) ?? {};
  const head = read(headSha);
  const base = read(baseSha);
  const options = (head.options as Table | undefined) ?? {};
  const lockPackageTable = (options['exclude-newer-package'] as Table | undefined) ?? {};
  const configPackageTable = (toolUv['exclude-newer-package'] as Table | undefined) ?? {};
  const projectSpan = Math.max(spanDays(toolUv['exclude-newer']) ?? 0, spanDays(options['exclude-newer-span']) ?? 0);
  const basePackages = (base.package as Table[]) ?? [];
  const out: Expected[] = [];

  for (const pkg of (head.package as Table[]) ?? []) {
    const registry = registryOf(pkg);
    if (!registry) continue;
    const name = norm(String(pkg.name));
    const id = `${name}@${pkg.version}`;
    const optedOut = lockPackageTable[name] === false || configPackageTable[name] === false;

    // Introduced files: those base did not lock for the same name, version and registry.
    const same = basePackages.find((b) => norm(String(b.name)) === name && b.version === pkg.version && registryOf(b) === registry);
    const baseFiles = new Set(same ? artifacts(same).map(locator) : []);
    const fresh = artifacts(pkg).filter((a) => !baseFiles.has(locator(a)));
    const times = fresh.map(uploadMs).filter((t): t is number => t !== null);
    if (fresh.length > 0 && times.length > 0) {
      const youngest = Math.max(...times);
      const days = Math.max(settingsDays, projectSpan);
      if (now < youngest + days * DAY) {
        const eligible = new Date(Math.ceil((youngest + days * DAY) / 60_000) * 60_000).toISOString();
        out.push({ kind: 'young', id, waived: optedOut, introduced: true, eligible: `${eligible.slice(0, 10)} ${eligible.slice(11, 16)} UTC` });
      }
    }

    // The lock's own cutoff (global only in this corpus, besides `false` opt-outs).
    if (optedOut) continue;
    const span = spanDays(options['exclude-newer-span']);
    const recorded = typeof options['exclude-newer'] === 'string' ? Date.parse(options['exclude-newer'] as string) : null;
    let cutoff: number | null = null;
    if (span !== null) cutoff = recorded !== null && recorded > 0 && recorded <= now ? recorded : now - span * DAY;
    else if (recorded !== null) cutoff = recorded;
    if (cutoff === null) continue;
    const past = artifacts(pkg).filter((a) => (uploadMs(a) ?? -Infinity) > cutoff!);
    if (past.length > 0) {
      const baseOptions = (base.options as Table | undefined) ?? {};
      const baseSpan = spanDays(baseOptions['exclude-newer-span']);
      const baseRecorded = typeof baseOptions['exclude-newer'] === 'string' ? Date.parse(baseOptions['exclude-newer'] as string) : null;
      let baseCutoff: number | null = null;
      if (baseSpan !== null) baseCutoff = baseRecorded !== null && baseRecorded > 0 && baseRecorded <= now ? baseRecorded : now - baseSpan * DAY;
      else if (baseRecorded !== null) baseCutoff = baseRecorded;
      const youngestPast = past.reduce((a, b) => ((uploadMs(a) ?? 0) >= (uploadMs(b) ?? 0) ? a : b));
      const atBase =
        baseCutoff !== null &&
        same !== undefined &&
        artifacts(same).some((a) => locator(a) === locator(youngestPast) && (uploadMs(a) ?? -Infinity) > baseCutoff!);
      out.push({ kind: 'breach', id, waived: false, introduced: !atBase });
    }
  }
  // One finding per entry: a young, unwaived entry carries its breach in the same finding.
  const merged = out.filter((e) => !(e.kind === 'breach' && out.some((y) => y.kind === 'young' && y.id === e.id && !y.waived)));
  return merged.sort((a, b) => `${a.kind}${a.id}`.localeCompare(`${b.kind}${b.id}`));
}

describe('cooldown on the shared corpus equals an independent computation from upload-time fields', () => {
  const totals = new Map<number, number>();
  // lockgate's default 7 days, and 30 days to make most of each change young.
  const cases = [7, 30].flatMap((days) => CORPUS_PAIRS.map(([repo, base, head]) => [repo, base, head, days] as const));
  it.each(cases)('%s %s -> %s, cooldown %i days', (repo, baseSha, headSha, days) => {
    const now = new Date(HEAD_DATES[headSha]!);
    const head = loadUvProjects(sourceFromDir(join(UV_FIXTURES, repo, headSha)), LIMITS).projects;
    const base = loadUvProjects(sourceFromDir(join(UV_FIXTURES, repo, baseSha)), LIMITS).projects;
    const pairs = pairProjects(base, head).filter((pair) => pair.path === '');
    const findings = rule.check(contextFor(pairs, { now, headTime: now, settings: settingsFor({ cooldownDays: days }) }));
    const actual: Expected[] = findings
      .map((finding) => {
        const breach = finding.message.startsWith('The lock breaks its own');
        const row: Expected = {
          kind: breach ? 'breach' : 'young',
          id: `${finding.package!.name}@${finding.package!.version}`,
          waived: Boolean((finding as WaivedFinding).waiver),
          introduced: finding.introduced,
        };
        const eligible = /it becomes eligible on (\d{4}-\d\d-\d\d \d\d:\d\d UTC)/.exec(finding.message);
        if (eligible) row.eligible = eligible[1]!;
        return row;
      })
      .sort((a, b) => `${a.kind}${a.id}`.localeCompare(`${b.kind}${b.id}`));
    const expected = independent(repo, baseSha, headSha, now.getTime(), days);
    expect(actual).toEqual(expected);
    totals.set(days, (totals.get(days) ?? 0) + expected.length);
  });

  it('found something to compare', () => {
    // Dependabot's cryptography 46.0.7 bump in python-sdk was 4 days old; at 30 days, 18 entries of 6 changes are young.
    expect(totals.get(7)).toBe(1);
    expect(totals.get(30)).toBe(18);
  });
});
