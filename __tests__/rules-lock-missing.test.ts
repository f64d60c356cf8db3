import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/lock-missing.js';
import { pairProjects } from '../src/uv/diff.js';
import { caseContext, findingRows, type FindingRow } from './uv-helpers.js';

describe('lock-missing', () => {
  const cases: [string, FindingRow[]][] = [
    // At the `dependencies = [` line.
    ['lock-missing/tool-uv', [['lock-missing', 'pyproject.toml', 5, 'error']]],
    ['lock-missing/workflow', [['lock-missing', 'pyproject.toml', 5, 'error']]],
    // The workflow runs uv in backend/ only; docs/ is not a uv project.
    ['lock-missing/workflow-subdir', [['lock-missing', 'backend/pyproject.toml', 5, 'error']]],
    // A virtual workspace root: the member declares the dependencies.
    ['lock-missing/virtual-workspace', [['lock-missing', 'packages/api/pyproject.toml', 5, 'error']]],
    ['lock-missing/poetry', []],
    ['lock-missing/setuptools', []],
    ['lock-missing/no-dependencies', []],
    ['lock-missing/present', []],
    // A lock that is there but broken is an invalid-file finding, not a missing lock.
    ['invalid/lock-syntax', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(findingRows(rule, caseContext(name))).toEqual(expected);
  });

  it('gives the command and marks a lock that was already missing at base as not introduced', () => {
    const context = caseContext('lock-missing/workflow-subdir');
    const [finding] = rule.check(context);
    expect(finding!.fix).toBe('Run `uv lock --directory backend`, commit backend/uv.lock, and install with `uv sync --locked`.');
    expect(finding!.introduced).toBe(true);
    const heads = context.projects.map((pair) => pair.head!);
    context.projects = pairProjects(heads, heads);
    expect(rule.check(context).map((f) => f.introduced)).toEqual([false]);
  });
});
