import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/lock-missing.js';
import { pairProjects } from '../src/uv/diff.js';
import { caseContext, findingRows, type FindingRow } from './uv-helpers.js';

describe('lock-missing', () => {
  const cases: [string, FindingRow[]][] = [
    // A change that deletes the lock: at the `dependencies = [` line.
    ['lock-missing/deleted', [['lock-missing', 'pyproject.toml', 5, 'error']]],
    // A virtual workspace root whose lock went: the member declares the dependencies.
    ['lock-missing/deleted-member', [['lock-missing', 'packages/api/pyproject.toml', 5, 'error']]],
    // Without a lock now or at base, nothing makes it a uv project for uv itself: `[tool.uv]`, a
    // workspace table or a workflow running `uv sync` in its folder do not (issue 12).
    ['lock-missing/tool-uv', []],
    ['lock-missing/workflow', []],
    ['lock-missing/workflow-subdir', []],
    ['lock-missing/virtual-workspace', []],
    ['lock-missing/poetry', []],
    ['lock-missing/stray-empty', []],
    ['lock-missing/setuptools', []],
    ['lock-missing/no-dependencies', []],
    ['lock-missing/present', []],
    // A lock that is there but broken is an invalid-file finding, not a missing lock.
    ['invalid/lock-syntax', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(findingRows(rule, caseContext(name))).toEqual(expected);
  });

  it('gives the command, and a lock already missing at base is not introduced', () => {
    const context = caseContext('lock-missing/deleted');
    const [finding] = rule.check(context);
    expect(finding!.fix).toBe('Run `uv lock`, commit uv.lock, and install with `uv sync --locked`.');
    expect(finding!.introduced).toBe(true);
    const heads = context.projects.map((pair) => pair.head!);
    context.projects = pairProjects(heads, heads);
    expect(rule.check(context).map((f) => f.introduced)).toEqual([false]);
  });
});
