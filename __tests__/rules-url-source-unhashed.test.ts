import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule } from '../src/rules/uv/url-source-unhashed.js';
import { COOLDOWN_FIXTURES, contextFor, pairsOf, settingsFindings, summarize } from './cooldown-helpers.js';

type Row = ReturnType<typeof summarize>[number];
const row = (line: number, pkg: string): Row => ({ rule: 'url-source-unhashed', file: 'uv.lock', line, severity: 'warning', package: pkg, introduced: true });

describe('url-source-unhashed', () => {
  const cases: [string, Row[]][] = [
    // bare: no archive at all (the package line); urldep: a wheel without a hash (its line). hashed: quiet.
    ['url-unhashed', [row(5, 'bare@1.0'), row(23, 'urldep@2.0.0')]],
    ['hardened', []],
    ['git-sources', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(summarize(settingsFindings(rule, name))).toEqual(expected);
  });

  it('is quiet on a hashed direct-URL wheel', () => {
    expect(rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'git-and-url'))))).toEqual([]);
  });

  it('names where the project declares the URL, and the command that records the hash', () => {
    const [, urldep] = settingsFindings(rule, 'url-unhashed');
    expect(urldep!.message).toMatch(
      /^urldep 2\.0\.0 comes from a direct URL \(https:\/\/example\.com\/dist\/urldep-2\.0\.0-py3-none-any\.whl\), declared at pyproject\.toml:19, and locks an archive without a hash/,
    );
    expect(urldep!.fix).toBe("Let uv record the archive's hash: uv lock --refresh-package urldep; then check the archive you reviewed has that sha256.");
  });
});
