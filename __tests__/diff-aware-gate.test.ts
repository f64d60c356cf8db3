/**
 * The diff-aware gate (only-new) on a dependency bump in a repository with old, unrelated problems:
 * the gate passes or fails on the bump alone; what existed before is listed, not gating; and a
 * full audit (only-new off) still fails on everything.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeFor } from '../src/report/github.js';
import { pipelineSettings, runPipeline, sourceFiles } from './support/pipeline.js';

const dir = join('fixtures', 'uv', 'sync', 'ok-basic');
const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
const lock = readFileSync(join(dir, 'uv.lock'), 'utf8');
// Old problems: an action pinned to a tag, not a commit (unpinned-uses, an error), and the
// project's uv hardening (no exclude-newer, no add-bounds), notices and warnings.
const workflow =
  'on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n      - run: uv sync --locked\n';

/** The lock with pytest bumped to `version`, its wheel uploaded at `uploaded`. */
function bumped(version: string, uploaded: string): string {
  const out = lock
    .replace('version = "8.3.4"', `version = "${version}"`)
    .replace('pytest-8.3.4-py3-none-any.whl', `pytest-${version}-py3-none-any.whl`)
    .replace(/(pytest-[^"]+\.whl", hash = "sha256:[0-9a-f]+", size = 1000, upload-time = )"[^"]+"/, `$1"${uploaded}"`);
  if (out === lock) throw new Error('the fixture lock changed shape: the bump did not apply');
  return out;
}

const base = sourceFiles({ 'pyproject.toml': pyproject, 'uv.lock': lock, '.github/workflows/ci.yml': workflow }, {}, 'BASE');
const head = (uploaded: string) =>
  sourceFiles({ 'pyproject.toml': pyproject, 'uv.lock': bumped('8.3.5', uploaded), '.github/workflows/ci.yml': workflow }, {}, 'HEAD');
const rules = (findings: { rule: string }[]) => findings.map((f) => f.rule).sort();
const OLD = ['add-bounds-not-exact', 'exclude-newer-missing', 'unpinned-uses'];
/** Offline, the bumped version was not checked against OSV: one notice says so (issue 15), gating nothing. */
const NOT_CHECKED = 'malicious-package';

describe('only-new on a one-package bump', () => {
  it('a bump to a release inside the cooldown fails on the bump alone; the old pin is listed as pre-existing', () => {
    const { result } = runPipeline(head('2026-11-25T00:00:00Z'), base, pipelineSettings(['--only-new']));
    expect(rules(result.report.findings)).toEqual(['cooldown', NOT_CHECKED]);
    expect(result.report.findings[0]!.package?.name).toBe('pytest');
    expect(rules(result.report.preexisting ?? [])).toEqual(OLD);
    expect(result.report.counts.error).toBe(1);
    expect(exitCodeFor(result.report, 'error')).toBe(1);
  });

  it('a bump to an old enough release passes, whatever existed before', () => {
    const { result, outputs } = runPipeline(head('2026-10-01T00:00:00Z'), base, pipelineSettings(['--only-new']));
    expect(result.report.findings.map((f) => [f.rule, f.severity])).toEqual([[NOT_CHECKED, 'notice']]);
    expect(result.report.findings[0]!.message).toMatch(
      /^The advisory check did not run for 1 introduced package version \(lockgate ran offline\): pytest 8\.3\.5\./,
    );
    expect(rules(result.report.preexisting ?? [])).toEqual(OLD);
    expect(exitCodeFor(result.report, 'error')).toBe(0);
    expect(outputs.text).toContain('existed before this change, not gating (3)');
  });

  it('without only-new the same change is a full gate: the old pin fails it too', () => {
    const { result } = runPipeline(head('2026-10-01T00:00:00Z'), base, pipelineSettings());
    expect(rules(result.report.findings)).toEqual([...OLD, NOT_CHECKED].sort());
    expect(result.report.preexisting).toEqual([]);
    expect(exitCodeFor(result.report, 'error')).toBe(1);
  });

  it('an old problem made worse is introduced: a second unpinned action in the same file', () => {
    const worse = workflow.replace('      - run:', '      - uses: actions/cache@v4\n      - run:');
    const changed = sourceFiles({ 'pyproject.toml': pyproject, 'uv.lock': lock, '.github/workflows/ci.yml': worse }, {}, 'HEAD');
    const { result } = runPipeline(changed, base, pipelineSettings(['--only-new']));
    expect(result.report.findings.map((f) => f.message)).toEqual([expect.stringContaining('actions/cache')]);
    expect(rules(result.report.preexisting ?? [])).toEqual(OLD);
  });

  it('a lock that was already out of sync at base does not fail a change that leaves it so', () => {
    const stale = pyproject.replace('"httpx>=0.27"', '"httpx>=0.28"');
    const staleBase = sourceFiles({ 'pyproject.toml': stale, 'uv.lock': lock }, {}, 'BASE');
    const staleHead = sourceFiles({ 'pyproject.toml': stale, 'uv.lock': bumped('8.3.5', '2026-10-01T00:00:00Z') }, {}, 'HEAD');
    const { result } = runPipeline(staleHead, staleBase, pipelineSettings(['--only-new']));
    expect(rules(result.report.findings)).toEqual([NOT_CHECKED]);
    expect(rules(result.report.preexisting ?? [])).toContain('lock-out-of-sync');
    // The same staleness brought by the change itself gates.
    const fresh = runPipeline(staleHead, sourceFiles({ 'pyproject.toml': pyproject, 'uv.lock': lock }, {}, 'BASE'), pipelineSettings(['--only-new']));
    expect(rules(fresh.result.report.findings)).toContain('lock-out-of-sync');
  });
});
