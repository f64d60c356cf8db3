/**
 * typosquat and sdist-only on the real locks of fixtures/uv (public projects): what they report on
 * real changes and full audits, against an independent reading of the lock TOML.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { rule as sdistOnly } from '../src/rules/uv/sdist-only.js';
import { rule as typosquat } from '../src/rules/uv/typosquat.js';
import type { RuleContext } from '../src/rules/types.js';
import { TyposquatMatcher } from '../src/typosquat/matcher.js';
import { shippedRanking } from '../src/typosquat/ranking.js';
import { pairProjects } from '../src/uv/diff.js';
import { loadUvProjects } from '../src/uv/load.js';
import { NOW, settingsWith } from './typosquat-helpers.js';
import { CORPUS_PAIRS, LIMITS, UV_FIXTURES, corpusPairContext, corpusSnapshots, sourceFromDir } from './uv-helpers.js';

function auditContext(dir: string, top?: number): RuleContext {
  const head = loadUvProjects(sourceFromDir(dir), LIMITS);
  const settings = settingsWith(top === undefined ? {} : { top });
  return {
    settings,
    now: NOW,
    headTime: NOW,
    projects: pairProjects(null, head.projects),
    workflows: [],
    baseWorkflows: null,
    invalidFiles: [],
    headFiles: [],
    index: null,
    github: null,
  };
}

/** Registry packages with an sdist and no wheels, read straight from the TOML (no lockgate model). */
function sdistOnlyFromToml(dir: string): string[] {
  const doc = parse(readFileSync(join(dir, 'uv.lock'), 'utf8')) as {
    package?: { name: string; version?: string; source?: Record<string, unknown>; sdist?: unknown; wheels?: unknown[] }[];
  };
  return (doc.package ?? [])
    .filter((pkg) => pkg.source && 'registry' in pkg.source && pkg.sdist !== undefined && (pkg.wheels ?? []).length === 0)
    .map((pkg) => `${pkg.name}@${pkg.version}`)
    .sort();
}

const snapshots = corpusSnapshots();

describe('typosquat on the corpus', () => {
  it('has real locks to read', () => {
    expect(snapshots.length).toBeGreaterThanOrEqual(20);
  });

  it.each(snapshots.map((s) => [`${s.repo}/${s.sha}`, s.dir] as const))('full audit of %s', (_label, dir) => {
    // starlette locks httpx2 and httpcore2, the maintained successors of httpx and httpcore listed in
    // data/typosquat-successors.tsv: not typosquats. Nothing else in the corpus looks like one.
    expect(typosquat.check(auditContext(dir))).toEqual([]);
  });

  it('compared with the whole ranking, the corpus shows no look-alike; without the successors list, only starlette’s two', () => {
    const flagged = snapshots.flatMap((s) => typosquat.check(auditContext(s.dir, 15000)).map((f) => `${s.repo}:${f.package?.name}`));
    expect(flagged).toEqual([]);
    const unlisted = new TyposquatMatcher(shippedRanking(), { top: 15000, successors: new Map() });
    const names = snapshots.flatMap((s) => {
      const doc = parse(readFileSync(join(s.dir, 'uv.lock'), 'utf8')) as { package?: { name: string; source?: Record<string, unknown> }[] };
      return (doc.package ?? []).filter((pkg) => pkg.source && 'registry' in pkg.source && unlisted.match(pkg.name)).map((pkg) => `${s.repo}:${pkg.name}`);
    });
    expect([...new Set(names)].sort()).toEqual(['Kludex__starlette:httpcore2', 'Kludex__starlette:httpx2']);
  });

  it.each(CORPUS_PAIRS)('change %s %s -> %s', (repo, base, head) => {
    // The starlette change upgrades httpx2/httpcore2: listed successors, so quiet like the rest.
    expect(typosquat.check(corpusPairContext(repo, base, head))).toEqual([]);
  });
});

describe('sdist-only on the corpus', () => {
  it.each(snapshots.map((s) => [`${s.repo}/${s.sha}`, s.dir] as const))('full audit of %s agrees with the TOML', (_label, dir) => {
    const findings = sdistOnly.check(auditContext(dir));
    expect(findings.map((f) => `${f.package?.name}@${f.package?.version}`).sort()).toEqual(sdistOnlyFromToml(dir));
  });

  it('finds the sdist-only packages the corpus really has', () => {
    const all = new Set(snapshots.flatMap((s) => sdistOnlyFromToml(s.dir)));
    expect([...all].sort()).toEqual(['evdev@1.9.2', 'pylatexenc@2.10', 'pytest-dependency@0.6.0', 'pytest-report@0.2.1']);
  });

  it.each(CORPUS_PAIRS)('change %s %s -> %s reports only sdist-only packages the change introduced', (repo, base, head) => {
    const findings = sdistOnly.check(corpusPairContext(repo, base, head));
    const before = new Set(sdistOnlyFromToml(join(UV_FIXTURES, repo, base)));
    const introduced = sdistOnlyFromToml(join(UV_FIXTURES, repo, head)).filter((id) => !before.has(id));
    expect(findings.map((f) => `${f.package?.name}@${f.package?.version}`).sort()).toEqual(introduced);
  });
});
