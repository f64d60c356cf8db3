/**
 * typosquat and sdist-only on the real locks of fixtures/uv (public projects): what they report on
 * real changes and full audits, against an independent reading of the lock TOML.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { rule as sdistOnly } from '../src/rules/sdist-only.js';
import { rule as typosquat } from '../src/rules/typosquat.js';
import type { RuleContext } from '../src/rules/types.js';
import { pairProjects } from '../src/uv/diff.js';
import { loadUvProjects } from '../src/uv/load.js';
import { NOW, settingsWith } from './typosquat-helpers.js';
import { CORPUS_PAIRS, LIMITS, UV_FIXTURES, corpusPairContext, corpusSnapshots, sourceFromDir } from './uv-helpers.js';

function auditContext(dir: string, top?: number): RuleContext {
  const head = loadUvProjects(sourceFromDir(dir), LIMITS);
  const settings = settingsWith(top === undefined ? {} : { top });
  return { settings, now: NOW, headTime: NOW, projects: pairProjects(null, head.projects), workflows: [], baseWorkflows: null, invalidFiles: [], headFiles: [], index: null, github: null };
}

/** Registry packages with an sdist and no wheels, read straight from the TOML (no lockgate model). */
function sdistOnlyFromToml(dir: string): string[] {
  const doc = parse(readFileSync(join(dir, 'uv.lock'), 'utf8')) as { package?: { name: string; version?: string; source?: Record<string, unknown>; sdist?: unknown; wheels?: unknown[] }[] };
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

  it.each(snapshots.map((s) => [`${s.repo}/${s.sha}`, s.dir] as const))('full audit of %s', (label, dir) => {
    // The one hit in the corpus: starlette locks httpx2 and httpcore2, named as successors of httpx
    // and httpcore. A version number added is a warning, never an error.
    const expected = label.startsWith('Kludex__starlette/')
      ? [
          ['httpcore2', 'warning', 'httpcore'],
          ['httpx2', 'warning', 'httpx'],
        ]
      : [];
    const findings = typosquat.check(auditContext(dir));
    expect(findings.map((f) => [f.package?.name, f.severity, /typosquat of "([^"]+)"/.exec(f.message)?.[1]]).sort()).toEqual(expected);
  });

  it('compared with the whole ranking, the corpus still shows only starlette’s two successors', () => {
    const flagged = snapshots.flatMap((s) => typosquat.check(auditContext(s.dir, 15000)).map((f) => `${s.repo}:${f.package?.name}`));
    expect([...new Set(flagged)].sort()).toEqual(['Kludex__starlette:httpcore2', 'Kludex__starlette:httpx2']);
  });

  it.each(CORPUS_PAIRS)('change %s %s -> %s', (repo, base, head) => {
    const findings = typosquat.check(corpusPairContext(repo, base, head));
    // Only the starlette change touches httpx2/httpcore2: an upgrade of names its base already had,
    // so reported again (a new version of a look-alike) but not as introduced.
    const expected = repo === 'Kludex__starlette' ? ['httpcore2', 'httpx2'] : [];
    expect(findings.map((f) => f.package?.name).sort()).toEqual(expected);
    for (const finding of findings) expect([finding.file, finding.introduced]).toEqual(['uv.lock', false]);
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
