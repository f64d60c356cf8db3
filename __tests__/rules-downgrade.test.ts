import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/downgrade.js';
import { caseContext, corpusPairContext, findingRows, type FindingRow } from './uv-helpers.js';

describe('downgrade', () => {
  const cases: [string, FindingRow[]][] = [
    // urllib3 2.2.2 -> 2.2.1 (notice at its [[package]] line); certifi goes up in the same change.
    ['downgrade', [['downgrade', 'uv.lock', 63, 'notice']]],
    ['forked', []],
    ['reformatted', []],
    ['registry-to-git', []],
    ['directory-to-registry', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(findingRows(rule, caseContext(name))).toEqual(expected);
  });

  it('names both versions', () => {
    const [finding] = rule.check(caseContext('downgrade'));
    expect(finding!.message).toMatch(/^urllib3 goes down from 2\.2\.2 to 2\.2\.1\./);
    expect(finding!.package).toEqual({ name: 'urllib3', version: '2.2.1' });
    expect(finding!.fix).toContain('uv lock --upgrade-package urllib3');
  });

  it('fires on the real downgrade of the corpus (python-sdk narrows coverage to <=7.13)', () => {
    const context = corpusPairContext('modelcontextprotocol__python-sdk', '3cfdea0e975c', 'a7ddfdae0721');
    const findings = rule.check(context);
    expect(findings.map((f) => [f.package?.name, f.file, f.severity])).toEqual([['coverage', 'uv.lock', 'notice']]);
    const line = context.projects[0]!.head!.lock!.packages.find((p) => p.name === 'coverage')!.line;
    expect(findings[0]!.line).toBe(line);
  });

  it('fires on nothing else of the corpus', () => {
    expect(findingRows(rule, corpusPairContext('Kludex__starlette', 'dfc717feae72', 'e264d43a2f17'))).toEqual([]);
    expect(findingRows(rule, corpusPairContext('pallets__flask', '5e621a2801da', '976459f7cb35'))).toEqual([]);
  });
});
