import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeText, loadRevision, loadWorktree, openRepo, resolveRevision } from '../src/source/git.js';
import { SettingsError } from '../src/settings/types.js';

let dir: string;
let outside: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z' } }).toString().trim();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockgate-source-'));
  outside = mkdtempSync(join(tmpdir(), 'lockgate-outside-'));
  writeFileSync(join(outside, 'pyproject.toml'), '[project]\nname = "secret"\n');
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'pyproject.toml'), '\ufeff[project]\nname = "a"\n');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'uv.lock'), Buffer.from([0x76, 0x65, 0xff, 0xfe]));
  writeFileSync(join(dir, 'README.md'), 'not read');
  symlinkSync(join(outside, 'pyproject.toml'), join(dir, 'sub', 'pyproject.toml'));
  mkdirSync(join(dir, 'in'));
  symlinkSync('../pyproject.toml', join(dir, 'in', 'pyproject.toml'));
  writeFileSync(join(dir, 'untracked.toml'), '');
  git('add', 'pyproject.toml', 'sub', 'README.md', 'in');
  git('commit', '-q', '-m', 'one');
  mkdirSync(join(dir, 'big'));
  writeFileSync(join(dir, 'big', 'pyproject.toml'), 'x'.repeat(5000));
  writeFileSync(join(dir, 'big', 'uv.lock'), '');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('reading a revision from git objects', () => {
  it('lists tracked files, decodes text, strips the BOM and never follows a symlink out of the repo', () => {
    const repo = openRepo(dir, true);
    const files = loadRevision(repo, resolveRevision(repo, 'HEAD'), 1000);
    expect(files.paths).toEqual(['README.md', 'in/pyproject.toml', 'pyproject.toml', 'sub/pyproject.toml', 'sub/uv.lock']);
    expect(files.texts.get('pyproject.toml')).toBe('[project]\nname = "a"\n');
    expect(files.texts.get('in/pyproject.toml')).toBe('[project]\nname = "a"\n');
    expect(files.texts.has('README.md')).toBe(false);
    expect(files.unreadable.get('sub/uv.lock')).toBe('not valid UTF-8');
    expect(files.unreadable.get('sub/pyproject.toml')).toMatch(/symlink .* does not follow/);
    expect(files.time.toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });
  it('names an unknown revision', () => {
    expect(() => resolveRevision(openRepo(dir, true), 'no-such-branch')).toThrow(new SettingsError(`unknown revision "no-such-branch" in ${openRepo(dir, true).root}`));
  });
});

describe('reading the working tree', () => {
  it('reads tracked files only, with the same rules, and reports files over the size limit', () => {
    git('add', 'big/pyproject.toml');
    const files = loadWorktree(openRepo(dir, false), 1000, new Date('2026-11-26T00:00:00Z'));
    expect(files.paths).not.toContain('untracked.toml');
    expect(files.paths).not.toContain('big/uv.lock');
    expect(files.unreadable.get('big/pyproject.toml')).toMatch(/5000 bytes, over the limit of 1000 bytes/);
    expect(files.unreadable.get('sub/pyproject.toml')).toMatch(/outside the repository/);
    expect(files.texts.get('in/pyproject.toml')).toBe('[project]\nname = "a"\n');
    git('rm', '-q', '--cached', 'big/pyproject.toml');
  });
});

describe('opening a directory', () => {
  it('requires git only when a revision is asked', () => {
    const plain = mkdtempSync(join(tmpdir(), 'lockgate-plain-'));
    try {
      expect(openRepo(plain, false).isGit).toBe(false);
      expect(() => openRepo(plain, true)).toThrow(/is not a git repository/);
      expect(() => openRepo(join(plain, 'missing'), false)).toThrow(/does not exist/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('decoding', () => {
  it.each([
    [[0xef, 0xbb, 0xbf, 0x61], { text: 'a' }],
    [[0x61, 0x00, 0x62], { reason: 'a binary file (it contains NUL bytes)' }],
    [[0xc3, 0x28], { reason: 'not valid UTF-8' }],
  ])('%j', (bytes, expected) => {
    expect(decodeText(Uint8Array.from(bytes))).toEqual(expected);
  });
});
