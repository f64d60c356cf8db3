import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/downgrade.js';
import { ruleTester } from './support/rule-tester.js';
import { corpusPairContext, findingRows } from './uv-helpers.js';

const CASES = 'fixtures/uv/cases';
const tester = ruleTester(rule);

tester.run({
  valid: [
    { fixture: `${CASES}/forked` },
    { fixture: `${CASES}/reformatted` },
    { fixture: `${CASES}/registry-to-git` },
    { fixture: `${CASES}/directory-to-registry` },
  ],
  invalid: [
    // urllib3 2.2.2 -> 2.2.1 (notice at its [[package]] line); certifi goes up in the same change.
    { fixture: `${CASES}/downgrade`, expected: [{ file: 'uv.lock', line: 63, severity: 'notice' }] },
  ],
});

describe('downgrade messages and the corpus', () => {
  it('names both versions', () => {
    const [finding] = tester.findings({ fixture: `${CASES}/downgrade` });
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
