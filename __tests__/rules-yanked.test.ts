import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { IndexFacts, IndexLookup } from '../src/facts/types.js';
import { rule } from '../src/rules/uv/yanked.js';
import { COOLDOWN_FIXTURES, contextFor, pairsOf, summarize } from './cooldown-helpers.js';
import { httpxLookup } from './index-server.js';

const facts = (lookup: IndexLookup | undefined): IndexFacts => ({ projects: new Map(lookup ? [['https://pypi.org/simple\nhttpx', lookup]] : []) });

describe('yanked', () => {
  const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade'));
  const row = { rule: 'yanked', file: 'uv.lock', line: 25, severity: 'error', package: 'httpx@0.28.1', introduced: true };
  const cases: [string, IndexFacts | null, (typeof row)[]][] = [
    ['a yanked release, with a reason', facts(httpxLookup(pairs, () => 'Broken release')), [row]],
    ['a yanked release, without a reason', facts(httpxLookup(pairs, () => true)), [row]],
    ['one yanked file of two', facts(httpxLookup(pairs, (_, i) => (i === 1 ? 'bad wheel' : false))), [row]],
    ['nothing yanked', facts(httpxLookup(pairs, () => false)), []],
    ['offline', null, []],
    ['the index did not answer', facts({ status: 'error', message: 'HTTP 503' }), []],
    ['the project is gone (ghost-file reports it)', facts({ status: 'missing-project' }), []],
  ];
  it.each(cases)('%s', (_, index, expected) => {
    expect(summarize(rule.check(contextFor(pairs, { index })))).toEqual(expected);
  });

  it('gives the reason and the command', () => {
    const [withReason] = rule.check(contextFor(pairs, { index: facts(httpxLookup(pairs, () => 'Broken release')) }));
    expect(withReason!.message).toBe(
      'httpx 0.28.1 is yanked on https://pypi.org/simple, with the reason: "Broken release". Maintainers yank broken or unsafe releases, and uv still installs a yanked version from the lock without asking the index.',
    );
    expect(withReason!.fix).toBe(
      'Move to a release that is not yanked: uv lock --upgrade-package httpx (add a version, e.g. "httpx==<version>", to choose one).',
    );
    const [noReason] = rule.check(contextFor(pairs, { index: facts(httpxLookup(pairs, () => true)) }));
    expect(noReason!.message).toMatch(/^httpx 0\.28\.1 is yanked on https:\/\/pypi\.org\/simple \(no reason given\)\./);
    const [partial] = rule.check(contextFor(pairs, { index: facts(httpxLookup(pairs, (_, i) => (i === 1 ? 'bad wheel' : false))) }));
    expect(partial!.message).toMatch(
      /^httpx 0\.28\.1 is yanked on https:\/\/pypi\.org\/simple \(1 of its 2 locked files: httpx-0\.28\.1-py3-none-any\.whl\), with the reason: "bad wheel"\./,
    );
  });
});
