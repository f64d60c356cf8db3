/**
 * `lock-out-of-sync` against uv's own tests (issue 11). Every directory of
 * __tests__/fixtures/uv-conformance/ is a project exactly as a uv test leaves it when it runs
 * `uv lock --locked` / `uv lock --check` / `uv sync --locked`, with uv's verdict in scenario.json
 * (extracted from astral-sh/uv at the commit it names; `a-` and `b-` directories come from two
 * extractions of different test files). lockgate's verdict: an error issue is `reject`, no issue
 * is `accept`, notices only are `undecided`, which agrees with an `accept` (lockgate says it cannot
 * tell and does not fail the check) but not with a `reject` (a missed rejection is a miss).
 *
 * known-disagreements.json lists the scenarios lockgate still gets wrong, with the reason; the
 * list must stay true both ways.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadUvProjects } from '../src/uv/load.js';
import { checkLockSync, type SyncIssue } from '../src/uv/sync.js';
import type { Table } from '../src/uv/values.js';
import { LIMITS, sourceFromTexts } from './uv-helpers.js';

const ROOT = fileURLToPath(new URL('./fixtures/uv-conformance/', import.meta.url));

interface Scenario {
  uv: string;
  source: string;
  test: string;
  line: number;
  command: string;
  commandLine: Table;
  verdict: 'accept' | 'reject';
  uvSays: string;
  edit: string;
  note?: string;
}

type Verdict = 'accept' | 'reject' | 'undecided';

function filesOf(dir: string): Record<string, string> {
  const texts: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else texts[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  delete texts['scenario.json'];
  return texts;
}

function lockgateOn(dir: string, scenario: Scenario): { verdict: Verdict | 'no project'; issues: SyncIssue[] } {
  const project = loadUvProjects(sourceFromTexts(filesOf(dir)), LIMITS).projects.find((p) => p.root === '');
  // A fixture lockgate cannot load as a locked project at its root agrees with nothing.
  if (!project?.lock) return { verdict: 'no project', issues: [] };
  const issues = checkLockSync(project, { commandLine: scenario.commandLine });
  const verdict: Verdict = issues.some((i) => i.kind === 'mismatch') ? 'reject' : issues.length ? 'undecided' : 'accept';
  return { verdict, issues };
}

const agrees = (uv: Scenario['verdict'], lockgate: Verdict | 'no project') => lockgate !== 'no project' && (uv === 'accept' ? lockgate !== 'reject' : lockgate === 'reject');

const names = existsSync(ROOT)
  ? readdirSync(ROOT)
      .filter((name) => existsSync(join(ROOT, name, 'scenario.json')))
      .sort()
  : [];
const known: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'known-disagreements.json'), 'utf8'));

const results = names.map((name) => {
  const dir = join(ROOT, name);
  const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as Scenario;
  const { verdict, issues } = lockgateOn(dir, scenario);
  return { name, scenario, verdict, issues, agree: agrees(scenario.verdict, verdict) };
});

const total = results.length;
const agreeing = results.filter((r) => r.agree).length;
const rejects = results.filter((r) => r.scenario.verdict === 'reject');
const rejectsAgreeing = rejects.filter((r) => r.agree).length;
const percent = (n: number, m: number) => (m === 0 ? 100 : (100 * n) / m);
const figure = `${agreeing} of ${total} overall (${percent(agreeing, total).toFixed(1)}%), ${rejectsAgreeing} of ${rejects.length} rejections`;

describe(`lock-out-of-sync agrees with uv's own tests: ${figure}`, () => {
  it('has scenarios of both verdicts', () => {
    expect(total).toBeGreaterThan(100);
    expect(rejects.length).toBeGreaterThan(0);
    expect(results.some((r) => r.scenario.verdict === 'accept')).toBe(true);
  });

  it('every scenario.json is well formed', () => {
    for (const { name, scenario } of results) {
      expect({ name, ok: /^[0-9a-f]{40}$/.test(scenario.uv) && ['accept', 'reject'].includes(scenario.verdict) && typeof scenario.line === 'number' && typeof scenario.test === 'string' && typeof scenario.uvSays === 'string' }).toEqual({ name, ok: true });
    }
  });

  it('disagrees only where known-disagreements.json says so', () => {
    const unlisted = results
      .filter((r) => !r.agree && !(r.name in known))
      .map((r) => ({ name: r.name, uv: r.scenario.verdict, lockgate: r.verdict, test: `${r.scenario.source}:${r.scenario.line}`, issues: r.issues.map((i) => `${i.kind} ${i.member} ${i.what}: ${i.inPyproject ?? ''} | ${i.inLock ?? ''} ${i.detail ?? ''}`) }));
    expect(unlisted).toEqual([]);
  });

  it('known-disagreements.json lists only scenarios that exist and still disagree', () => {
    const byName = new Map(results.map((r) => [r.name, r]));
    const stale = Object.keys(known).filter((name) => !byName.has(name) || byName.get(name)!.agree);
    expect(stale).toEqual([]);
    for (const reason of Object.values(known)) expect(reason.length).toBeGreaterThan(10);
  });

  it('agrees on at least 98% of all scenarios and on every rejection', () => {
    // eslint-disable-next-line no-console
    console.log(`uv conformance: ${figure}`);
    expect(percent(agreeing, total)).toBeGreaterThanOrEqual(98);
    expect(rejectsAgreeing).toBe(rejects.length);
  });
});
