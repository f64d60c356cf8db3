/**
 * Projects without a [tool.uv] of their own take the settings of the nearest folder above that has
 * one (uv's FilesystemOptions::find), as ruff's 30 fixture projects take ruff's root `exclude-newer`.
 * The findings about that one file must say which lock they are about (lock-out-of-sync: one a lock,
 * each naming its lock, with distinct fingerprints) or come once (add-bounds-not-exact: one fix).
 */
import { describe, expect, it } from '@jest/globals';
import { rule as addBounds } from '../src/rules/uv/add-bounds-not-exact.js';
import { rule as lockOutOfSync } from '../src/rules/uv/lock-out-of-sync.js';
import { sourceFromTexts, uvContext } from './uv-helpers.js';

const lock = (name: string) =>
  `version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n[[package]]\nname = "${name}"\nversion = "1"\nsource = { virtual = "." }\n`;
const project = (name: string) => `[project]\nname = "${name}"\nversion = "1"\nrequires-python = ">=3.12"\n`;

const files = {
  // The root: a project of its own with a lock that has the setting.
  'pyproject.toml': `${project('root')}\n[tool.uv]\nexclude-newer = "2026-11-01T00:00:00Z"\n`,
  'uv.lock': lock('root').replace('requires-python = ">=3.12"\n', 'requires-python = ">=3.12"\n\n[options]\nexclude-newer = "2026-11-01T00:00:00Z"\n'),
  'fixtures/one/pyproject.toml': project('one'),
  'fixtures/one/uv.lock': lock('one'),
  'fixtures/two/pyproject.toml': project('two'),
  'fixtures/two/uv.lock': lock('two'),
};

describe('settings inherited from a folder above', () => {
  it('lock-out-of-sync: one finding a lock, each naming its lock, with fingerprints of their own', () => {
    const found = lockOutOfSync.check(uvContext(sourceFromTexts(files))).filter((f) => f.severity === 'error');
    expect(found.map((f) => [f.file, f.message.split(' does not match')[0]])).toEqual([
      ['pyproject.toml', 'fixtures/one/uv.lock'],
      ['pyproject.toml', 'fixtures/two/uv.lock'],
    ]);
    expect(found[0]!.message).toContain('exclude-newer');
    expect(new Set(found.map((f) => f.fingerprint)).size).toBe(2);
  });

  it("lock-out-of-sync: a project's own files keep the short message and the fingerprint they had", () => {
    const own = { 'pyproject.toml': project('root'), 'uv.lock': lock('root').replace('version = "1"\nsource', 'version = "2"\nsource') };
    const [finding] = lockOutOfSync.check(uvContext(sourceFromTexts(own)));
    expect(finding!.message).toMatch(/^uv\.lock does not match /);
  });

  it('add-bounds-not-exact: one finding for the file all of them read, saying how many', () => {
    const found = addBounds.check(uvContext(sourceFromTexts(files)));
    expect(found.map((f) => [f.file, f.line])).toEqual([['pyproject.toml', 6]]);
    expect(found[0]!.message).toContain('(the setting of the 3 uv projects that read pyproject.toml)');
    const alone = addBounds.check(uvContext(sourceFromTexts({ 'pyproject.toml': files['pyproject.toml'], 'uv.lock': files['uv.lock'] })));
    expect(alone[0]!.message).not.toContain('the setting of the');
  });
});
