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
import { checkLockSync, type SyncIssue } from '../src/uv/sync/index.js';
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

const agrees = (uv: Scenario['verdict'], lockgate: Verdict | 'no project') =>
  lockgate !== 'no project' && (uv === 'accept' ? lockgate !== 'reject' : lockgate === 'reject');

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
      expect({
        name,
        ok:
          /^[0-9a-f]{40}$/.test(scenario.uv) &&
          ['accept', 'reject'].includes(scenario.verdict) &&
          typeof scenario.line === 'number' &&
          typeof scenario.test === 'string' &&
          typeof scenario.uvSays === 'string',
      }).toEqual({ name, ok: true });
    }
  });

  it('disagrees only where known-disagreements.json says so', () => {
    const unlisted = results
      .filter((r) => !r.agree && !(r.name in known))
      .map((r) => ({
        name: r.name,
        uv: r.scenario.verdict,
        lockgate: r.verdict,
        test: `${r.scenario.source}:${r.scenario.line}`,
        issues: r.issues.map((i) => `${i.kind} ${i.member} ${i.what}: ${i.inPyproject ?? ''} | ${i.inLock ?? ''} ${i.detail ?? ''}`),
      }));
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

/** Issues of a scenario directory with some files replaced (for the cases beside the model fixes). */
function issuesOf(name: string, replace: Record<string, (text: string) => string>, commandLine?: Table): SyncIssue[] {
  const files = filesOf(join(ROOT, name));
  for (const [path, edit] of Object.entries(replace)) {
    const before = files[path]!;
    files[path] = edit(before);
    if (files[path] === before) throw new Error(`${name}/${path}: the edit changed nothing`);
  }
  const project = loadUvProjects(sourceFromTexts(files), LIMITS).projects.find((p) => p.root === '')!;
  const scenario = JSON.parse(readFileSync(join(ROOT, name, 'scenario.json'), 'utf8')) as Scenario;
  return checkLockSync(project, { commandLine: commandLine ?? scenario.commandLine });
}
const kinds = (issues: SyncIssue[]) => issues.map((i) => [i.kind, i.what]);

describe('model fixes the conformance scenarios called for', () => {
  // uv-workspace pyproject.rs, `Source` deserialization strips a `git+` prefix from `git = "..."`.
  it('a git source written `git+https://...` is the same repository', () => {
    expect(issuesOf('a-lock_git_plus_prefix', {})).toEqual([]);
  });
  it('a git source of another repository still fires', () => {
    const issues = issuesOf('a-lock_git_plus_prefix', {
      'pyproject.toml': (t) => t.replace('git+https://github.com/astral-test/uv-public-pypackage"', 'git+https://github.com/astral-test/uv-private-pypackage"'),
    });
    expect(kinds(issues)).toEqual([['mismatch', 'requires-dist']]);
  });

  // uv-distribution metadata/requires_dist.rs: with no-sources a requirement is taken as written.
  it('--no-sources lowers nothing: a registry lock of a path source is in sync', () => {
    expect(issuesOf('a-lock_no_sources-2', {})).toEqual([]);
  });
  it('without --no-sources the same lock fires (the source applies)', () => {
    expect(kinds(issuesOf('a-lock_no_sources-2', {}, { 'exclude-newer': '2024-03-25T00:00:00Z' }))).toEqual([['mismatch', 'requires-dist']]);
  });
  it('no-sources = true in [tool.uv] and no-sources-package do the same; another package does not', () => {
    const inFile = (t: string) => t.replace('[tool.uv]\n', '[tool.uv]\nno-sources = true\n');
    expect(issuesOf('a-lock_no_sources-2', { 'pyproject.toml': inFile }, { 'exclude-newer': '2024-03-25T00:00:00Z' })).toEqual([]);
    const forAnyio = (t: string) => t.replace('[tool.uv]\n', '[tool.uv]\nno-sources-package = ["anyio"]\n');
    expect(issuesOf('a-lock_no_sources-2', { 'pyproject.toml': forAnyio }, { 'exclude-newer': '2024-03-25T00:00:00Z' })).toEqual([]);
    const forOther = (t: string) => t.replace('[tool.uv]\n', '[tool.uv]\nno-sources-package = ["idna"]\n');
    expect(kinds(issuesOf('a-lock_no_sources-2', { 'pyproject.toml': forOther }, { 'exclude-newer': '2024-03-25T00:00:00Z' }))).toEqual([
      ['mismatch', 'requires-dist'],
    ]);
  });

  // uv-workspace pyproject.rs, `Source::Git`: a git source may name a `path` (an archive in the repository).
  it('a git source with a path is read, and compared', () => {
    expect(issuesOf('a-lock_sdist_git_archive', {})).toEqual([]);
    const other = issuesOf('a-lock_sdist_git_archive', {
      'pyproject.toml': (t) => t.replace('archives/iniconfig-2.0.0.tar.gz', 'archives/iniconfig-1.0.0.tar.gz'),
    });
    expect(kinds(other)).toEqual([['mismatch', 'requires-dist']]);
  });

  // The lowered requirement's index (`[package.metadata] requires-dist`), exact since uv 0.7.20.
  const indexProject = (url: string, revision: number, lockUrl: string) => {
    const pyproject = `[project]\nname = "project"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["anyio"]\n\n[[tool.uv.index]]\nname = "proxy"\nurl = "${url}"\n\n[tool.uv.sources]\nanyio = { index = "proxy" }\n`;
    const lock = `version = 1\nrevision = ${revision}\nrequires-python = ">=3.12"\n\n[[package]]\nname = "anyio"\nversion = "4.3.0"\nsource = { registry = "${lockUrl}" }\nwheels = [{ url = "https://files.pythonhosted.org/packages/14/fd/2f20c40b45e4fb4324834aea24bd4afdf1143390242c0b33774da0e2e34f/anyio-4.3.0-py3-none-any.whl", hash = "sha256:048e05d0f6caeed70d731f3db756d35dcc1f35747c8c403364a8332c630441b8" }]\n\n[[package]]\nname = "project"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "anyio" }]\n\n[package.metadata]\nrequires-dist = [{ name = "anyio", index = "${lockUrl}" }]\n`;
    const project = loadUvProjects(sourceFromTexts({ 'pyproject.toml': pyproject, 'uv.lock': lock }), LIMITS).projects[0]!;
    return checkLockSync(project);
  };
  it('a source index whose URL differs by a trailing slash fires for a lock of revision 2 or later', () => {
    expect(indexProject('https://example.org/simple', 2, 'https://example.org/simple')).toEqual([]);
    expect(kinds(indexProject('https://example.org/simple', 2, 'https://example.org/simple/'))).toContainEqual(['mismatch', 'requires-dist']);
    expect(kinds(indexProject('https://example.org/simple/', 3, 'https://example.org/simple'))).toContainEqual(['mismatch', 'requires-dist']);
    expect(kinds(indexProject('https://example.org/simple/', 1, 'https://example.org/simple')).every(([kind]) => kind === 'undecidable')).toBe(true);
  });

  // uv-resolver lock/mod.rs, `Lock::satisfies`: `remotes.contains(url)`, exact since uv 0.7.20.
  const slashed = (t: string) => t.replace('find-links = ["https://pypi.org/simple/packaging"]', 'find-links = ["https://pypi.org/simple/packaging/"]');
  it('an index URL that differs by a trailing slash fires for a lock of revision 2 or later', () => {
    expect(kinds(issuesOfSlash(slashed, 2))).toEqual([['mismatch', 'package index']]);
    const issues = issuesOfSlash(slashed, 3);
    expect(issues.map((i) => [i.kind, i.what, i.inPyproject, i.inLock])).toEqual([
      ['mismatch', 'package index', 'https://pypi.org/simple/packaging/', 'packaging 23.2 from https://pypi.org/simple/packaging'],
    ]);
  });
  it('is a notice for a lock older than revision 2 (uv 0.7.16 to 0.7.19 stripped the slash)', () => {
    expect(kinds(issuesOfSlash(slashed, 1))).toEqual([['undecidable', 'package index']]);
  });
  it('the same URL as written is in sync', () => {
    expect(issuesOfSlash((t) => t, 3)).toEqual([]);
  });
});

/** A find-links project whose lock takes `packaging` from `https://pypi.org/simple/packaging`. */
function issuesOfSlash(editPyproject: (text: string) => string, revision: number): SyncIssue[] {
  const pyproject =
    '[project]\nname = "project"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["packaging==23.2"]\n\n[tool.uv]\nno-index = true\nfind-links = ["https://pypi.org/simple/packaging"]\n';
  const lock = `version = 1\nrevision = ${revision}\nrequires-python = ">=3.12"\n\n[options]\nexclude-newer = "2024-03-25T00:00:00Z"\n\n[[package]]\nname = "packaging"\nversion = "23.2"\nsource = { registry = "https://pypi.org/simple/packaging" }\nwheels = [\n    { url = "https://files.pythonhosted.org/packages/ec/1a/610693ac4ee14fcdf2d9bf3c493370e4f2ef7ae2e19217d7a237ff42367d/packaging-23.2-py3-none-any.whl", hash = "sha256:8c491190033a9af7e1d931d0b5dacc2ef47509b34dd0de67ed209b5203fc88c7" },\n]\n\n[[package]]\nname = "project"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [\n    { name = "packaging" },\n]\n\n[package.metadata]\nrequires-dist = [{ name = "packaging", specifier = "==23.2" }]\n`;
  const project = loadUvProjects(sourceFromTexts({ 'pyproject.toml': editPyproject(pyproject), 'uv.lock': lock }), LIMITS).projects[0]!;
  return checkLockSync(project, { commandLine: { 'exclude-newer': '2024-03-25T00:00:00Z' } });
}
