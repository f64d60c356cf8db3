import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { IndexFacts, IndexLookup } from '../src/facts/types.js';
import { rule } from '../src/rules/uv/ghost-file.js';
import { COOLDOWN_FIXTURES, contextFor, pairsOf, summarize } from './cooldown-helpers.js';
import { httpxLookup } from './index-server.js';

const facts = (lookup: IndexLookup | undefined): IndexFacts => ({ projects: new Map(lookup ? [['https://pypi.org/simple\nhttpx', lookup]] : []) });

describe('ghost-file', () => {
  const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade'));
  const listed = httpxLookup(pairs, () => false);
  if (listed.status !== 'found') throw new Error('fixture lookup not found');
  const without = (drop: (filename: string) => boolean) => ({ ...listed, files: listed.files.filter((f) => !drop(f.filename)) });
  const row = (line: number) => ({ rule: 'ghost-file', file: 'uv.lock', line, severity: 'error', package: 'httpx@0.28.1', introduced: true });

  const cases: [string, IndexFacts | null, ReturnType<typeof row>[]][] = [
    ['the project is gone', facts({ status: 'missing-project' }), [row(25)]],
    ['the version is no longer listed', facts({ ...listed, versions: ['0.27.0'], files: [] }), [row(25)]],
    ['the sdist is no longer listed (its line)', facts(without((f) => f.endsWith('.tar.gz'))), [row(33)]],
    ['a file is listed with another sha256', facts({ ...listed, files: listed.files.map((f) => ({ ...f, sha256: 'f'.repeat(64) })) }), [row(33)]],
    ['every locked file is listed', facts(listed), []],
    // A PEP 503 HTML index has no version list: only the files are compared.
    ['no version list, files listed', facts({ ...listed, versions: [], versionsListed: false }), []],
    ['no version list, a file missing', facts({ ...without((f) => f.endsWith('.whl')), versions: [], versionsListed: false }), [row(35)]],
    ['offline', null, []],
    ['the index did not answer', facts({ status: 'error', message: 'timeout' }), []],
  ];
  it.each(cases)('%s', (_, index, expected) => {
    expect(summarize(rule.check(contextFor(pairs, { index })))).toEqual(expected);
  });

  it('says what is gone and why it matters', () => {
    const [project] = rule.check(contextFor(pairs, { index: facts({ status: 'missing-project' }) }));
    expect(project!.message).toMatch(
      /^httpx 0\.28\.1 is locked, but https:\/\/pypi\.org\/simple no longer has the project httpx \(removed, renamed or quarantined\)\. Files deleted from an index usually stay downloadable/,
    );
    const [hash] = rule.check(contextFor(pairs, { index: facts({ ...listed, files: listed.files.map((f) => ({ ...f, sha256: 'f'.repeat(64) })) }) }));
    expect(hash!.message).toMatch(
      /^httpx 0\.28\.1 on https:\/\/pypi\.org\/simple: 2 are listed with another sha256 than the lock pins \(httpx-0\.28\.1\.tar\.gz, httpx-0\.28\.1-py3-none-any\.whl\)\./,
    );
    expect(project!.fix).toBe(
      'Find out why it was removed before installing it again; then re-resolve: uv lock --upgrade-package httpx, or drop the dependency: uv remove httpx.',
    );
  });
});
