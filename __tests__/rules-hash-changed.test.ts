import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/hash-changed.js';
import { CORPUS_PAIRS, caseContext, corpusPairContext, findingRows, type FindingRow } from './uv-helpers.js';

describe('hash-changed', () => {
  const cases: [string, FindingRow[]][] = [
    // Line 21 is the wheel whose digest changed, not the [[package]] header.
    ['hash-changed', [['hash-changed', 'uv.lock', 21, 'error']]],
    // A new file for the same release is not a changed file.
    ['new-wheel', []],
    ['reformatted', []],
    ['downgrade', []],
    ['registry-to-other-index', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(findingRows(rule, caseContext(name))).toEqual(expected);
  });

  it('names the file and both digests', () => {
    const [finding] = rule.check(caseContext('hash-changed'));
    expect(finding!.message).toContain('charset-normalizer 3.3.2 from registry https://pypi.org/simple');
    expect(finding!.message).toContain('charset_normalizer-3.3.2-py3-none-any.whl');
    expect(finding!.message).toMatch(/sha256:[0-9a-f]{16}… became sha256:[0-9a-f]{16}…/);
    expect(finding!.package).toEqual({ name: 'charset-normalizer', version: '3.3.2' });
    expect(finding!.introduced).toBe(true);
  });

  it.each(CORPUS_PAIRS)('fires on no corpus pair: %s %s -> %s', (repo, base, head) => {
    expect(findingRows(rule, corpusPairContext(repo, base, head))).toEqual([]);
  });
});
