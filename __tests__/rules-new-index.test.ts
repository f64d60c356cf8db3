import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/new-index.js';
import { CORPUS_PAIRS, caseContext, corpusPairContext, findingRows, type FindingRow } from './uv-helpers.js';

describe('new-index', () => {
  const cases: [string, FindingRow[]][] = [
    // At the `url =` line of the new [[tool.uv.index]].
    ['new-index-pyproject', [['new-index', 'pyproject.toml', 12, 'warning']]],
    // uv.toml replaces [tool.uv]: its extra-index-url counts, the pyproject index-url does not.
    ['new-index-uv-toml', [['new-index', 'uv.toml', 2, 'warning']]],
    // Declared in pyproject and used by the lock: reported once, at the declaration.
    ['registry-to-other-index', [['new-index', 'pyproject.toml', 12, 'warning']]],
    // Used by the lock only: at the first [[package]] that uses it.
    ['registry-to-undeclared-index', [['new-index', 'uv.lock', 5, 'warning']]],
    ['index-known', []],
    ['reformatted', []],
    ['registry-to-git', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(findingRows(rule, caseContext(name))).toEqual(expected);
  });

  it('says whether the index is explicit, and never shows credentials', () => {
    const [explicit] = rule.check(caseContext('new-index-pyproject'));
    expect(explicit!.message).toContain('https://download.pytorch.org/whl/cpu is a new package index for this project ([[tool.uv.index]] "pytorch-cpu")');
    expect(explicit!.message).toContain('It is `explicit`');
    const [withCredentials] = rule.check(caseContext('new-index-uv-toml'));
    expect(withCredentials!.message).toContain('https://private.example.com/simple');
    expect(JSON.stringify(withCredentials)).not.toContain('secret');
    expect(withCredentials!.fix).toContain('explicit = true');
  });

  it('reports non-PyPI indexes in a full audit, and never PyPI', () => {
    const context = caseContext('new-index-pyproject');
    context.projects = context.projects.map((pair) => ({ ...pair, base: null }));
    expect(findingRows(rule, context)).toEqual([['new-index', 'pyproject.toml', 12, 'warning']]);
    const plain = caseContext('lock-missing/present');
    expect(findingRows(rule, plain)).toEqual([]);
  });

  it.each(CORPUS_PAIRS)('fires on no corpus pair: %s %s -> %s', (repo, base, head) => {
    expect(findingRows(rule, corpusPairContext(repo, base, head))).toEqual([]);
  });
});
