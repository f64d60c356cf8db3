import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeText,
  ignoredReadableFiles,
  loadRevision,
  loadRevisions,
  loadWorktree,
  openRepo,
  openRepoWithRevisions,
  resolveRevision,
  worktreeDescription,
} from '../src/source/git.js';
import { SettingsError } from '../src/settings/types.js';

let dir: string;
let outside: string;
const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
      GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z',
    },
  })
    .toString()
    .trim();

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
    expect(() => resolveRevision(openRepo(dir, true), 'no-such-branch')).toThrow(
      new SettingsError(`unknown revision "no-such-branch" in ${openRepo(dir, true).root}`),
    );
  });
});

describe('reading the working tree', () => {
  it('reads tracked and untracked files with the same rules, and reports files over the size limit', () => {
    git('add', 'big/pyproject.toml');
    const files = loadWorktree(openRepo(dir, false), 1000, new Date('2026-11-26T00:00:00Z'));
    // Untracked and not ignored: part of the working tree a user sees (and `git add -A` would stage).
    expect(files.paths).toContain('untracked.toml');
    expect(files.paths).toContain('big/uv.lock');
    expect(files.texts.get('big/uv.lock')).toBe('');
    expect(files.unreadable.get('big/pyproject.toml')).toMatch(/5000 bytes, over the limit of 1000 bytes/);
    expect(files.unreadable.get('sub/pyproject.toml')).toMatch(/outside the repository/);
    expect(files.texts.get('in/pyproject.toml')).toBe('[project]\nname = "a"\n');
    git('rm', '-q', '--cached', 'big/pyproject.toml');
  });

  describe('as a user sees it', () => {
    let tree: string;
    let elsewhere: string;
    const g = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: tree,
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
      }).toString();
    beforeAll(() => {
      tree = mkdtempSync(join(tmpdir(), 'lockgate-tree-'));
      elsewhere = mkdtempSync(join(tmpdir(), 'lockgate-elsewhere-'));
      writeFileSync(join(elsewhere, 'uv.lock'), 'version = 1\n');
      g('init', '-q', '-b', 'main');
      mkdirSync(join(tree, '.github', 'workflows'), { recursive: true });
      writeFileSync(join(tree, 'pyproject.toml'), '[project]\nname = "committed"\n');
      writeFileSync(join(tree, '.github', 'workflows', 'old.yml'), 'on: push\n');
      writeFileSync(join(tree, '.gitignore'), 'ignored/\nsecret.toml\nlib/uv.lock\n');
      g('add', '-A');
      g('commit', '-q', '-m', 'one');
      // Unstaged edit, untracked workflow and lock, a tracked file deleted, ignored files, a link out.
      writeFileSync(join(tree, 'pyproject.toml'), '[project]\nname = "edited"\n');
      writeFileSync(join(tree, '.github', 'workflows', 'new.yml'), 'on: pull_request\n');
      writeFileSync(join(tree, 'uv.lock'), 'version = 1\n');
      rmSync(join(tree, '.github', 'workflows', 'old.yml'));
      mkdirSync(join(tree, 'ignored'));
      writeFileSync(join(tree, 'ignored', 'pyproject.toml'), '[project]\n');
      mkdirSync(join(tree, 'lib'));
      writeFileSync(join(tree, 'lib', 'pyproject.toml'), '[project]\nname = "lib"\n');
      writeFileSync(join(tree, 'lib', 'uv.lock'), 'version = 1\n');
      writeFileSync(join(tree, 'secret.toml'), 'x');
      mkdirSync(join(tree, 'linked'));
      symlinkSync(join(elsewhere, 'uv.lock'), join(tree, 'linked', 'uv.lock'));
      // A nested repository is listed by git as `nested/`: neither read nor a path.
      mkdirSync(join(tree, 'nested'));
      execFileSync('git', ['init', '-q'], { cwd: join(tree, 'nested') });
      writeFileSync(join(tree, 'nested', 'pyproject.toml'), '[project]\n');
    });
    afterAll(() => {
      rmSync(tree, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    });

    it('reads tracked files as they are on disk plus untracked ones, without deleted or ignored files', () => {
      const files = loadWorktree(openRepo(tree, false), 1000, new Date('2026-11-26T00:00:00Z'));
      expect(files.paths).toEqual(['.github/workflows/new.yml', '.gitignore', 'lib/pyproject.toml', 'linked/uv.lock', 'pyproject.toml', 'uv.lock']);
      expect(files.texts.get('pyproject.toml')).toBe('[project]\nname = "edited"\n');
      expect(files.texts.get('.github/workflows/new.yml')).toBe('on: pull_request\n');
      expect(files.texts.get('uv.lock')).toBe('version = 1\n');
      // The symlink protection holds for untracked files too.
      expect(files.texts.has('linked/uv.lock')).toBe(false);
      expect(files.unreadable.get('linked/uv.lock')).toMatch(/outside the repository/);
    });

    it('names the files lockgate would read that .gitignore hides, and says how the tree is read', () => {
      const repo = openRepo(tree, false);
      expect(ignoredReadableFiles(repo)).toEqual(['lib/uv.lock']);
      expect(worktreeDescription(repo)).toBe('the working tree (tracked and untracked files, .gitignore applied)');
    });
  });

  it('reports a tracked lock that is there but cannot be inspected, instead of dropping it as deleted', () => {
    const looped = mkdtempSync(join(tmpdir(), 'lockgate-loop-'));
    const g = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: looped,
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
      });
    try {
      g('init', '-q', '-b', 'main');
      mkdirSync(join(looped, 'loop'));
      writeFileSync(join(looped, 'loop', 'uv.lock'), 'version = 1\n');
      g('add', '-A');
      g('commit', '-q', '-m', 'one');
      // The folder becomes a symlink to itself: lstat of loop/uv.lock fails with ELOOP, not ENOENT.
      rmSync(join(looped, 'loop'), { recursive: true });
      symlinkSync('loop', join(looped, 'loop'));
      const files = loadWorktree(openRepo(looped, false), 1000, new Date('2026-11-26T00:00:00Z'));
      expect(files.paths).toContain('loop/uv.lock');
      expect(files.unreadable.get('loop/uv.lock')).toBe('not accessible: ELOOP');
    } finally {
      rmSync(looped, { recursive: true, force: true });
    }
  });

  it('does not pass a workflows folder it cannot list for an absent one: the CLI names the error', () => {
    const looped = mkdtempSync(join(tmpdir(), 'lockgate-loop-'));
    try {
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: looped });
      mkdirSync(join(looped, '.github'));
      symlinkSync('workflows', join(looped, '.github', 'workflows')); // a symlink to itself: ELOOP
      expect(() => ignoredReadableFiles(openRepo(looped, false))).toThrow(/ELOOP/);
      rmSync(join(looped, '.github'), { recursive: true });
      expect(ignoredReadableFiles(openRepo(looped, false))).toEqual([]); // no folder at all: nothing to say
    } finally {
      rmSync(looped, { recursive: true, force: true });
    }
  });

  it('walks every file of a folder that is not a git repository', () => {
    const plain = mkdtempSync(join(tmpdir(), 'lockgate-plain-'));
    try {
      writeFileSync(join(plain, 'pyproject.toml'), '[project]\n');
      mkdirSync(join(plain, '.venv'));
      writeFileSync(join(plain, '.venv', 'pyproject.toml'), '[project]\n');
      const repo = openRepo(plain, false);
      expect(loadWorktree(repo, 1000, new Date()).paths).toEqual(['pyproject.toml']);
      expect(ignoredReadableFiles(repo)).toEqual([]);
      expect(worktreeDescription(repo)).toBe('the working tree (every file; not a git repository)');
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
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

describe('one rev-parse for the repository and both revisions', () => {
  let plain: string;
  const gitIn = (cwd: string, date: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_COMMITTER_DATE: date },
    })
      .toString()
      .trim();
  beforeAll(() => {
    // No symlinks: the commits are read in the same cat-file batch as the blobs.
    plain = mkdtempSync(join(tmpdir(), 'lockgate-revs-'));
    gitIn(plain, '2026-11-01T08:00:00Z', 'init', '-q', '-b', 'main');
    mkdirSync(join(plain, 'pkg'));
    writeFileSync(join(plain, 'pkg', 'pyproject.toml'), '[project]\nname = "one"\n');
    gitIn(plain, '2026-11-01T08:00:00Z', 'add', '.');
    gitIn(plain, '2026-11-01T08:00:00Z', 'commit', '-q', '-m', 'one');
    writeFileSync(join(plain, 'pkg', 'pyproject.toml'), '[project]\nname = "two"\n');
    // A file named like a revision expression must not be taken for one.
    writeFileSync(join(plain, 'main^{commit}'), '');
    gitIn(plain, '2026-11-02T09:30:00Z', 'commit', '-q', '-am', 'two');
  });
  afterAll(() => rmSync(plain, { recursive: true, force: true }));

  it('gives the top level and the SHAs the one-call-each path gives, from a subfolder too', () => {
    const fast = openRepoWithRevisions(join(plain, 'pkg'), true, ['HEAD', null, 'HEAD~1']);
    const repo = openRepo(join(plain, 'pkg'), true);
    expect(fast.repo).toEqual(repo);
    expect(fast.shas).toEqual([resolveRevision(repo, 'HEAD'), null, resolveRevision(repo, 'HEAD~1')]);
    expect(fast.shas[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(fast.shas[0]).not.toBe(fast.shas[2]);
  });

  it.each([['no-such-rev'], ['HEAD~1..HEAD'], ['^HEAD'], ['--all'], ['main^{commit}:x']])('names the revision %s it cannot resolve, as before', (rev) => {
    expect(() => openRepoWithRevisions(plain, true, ['HEAD', rev])).toThrow(new SettingsError(`unknown revision "${rev}" in ${plain}`));
  });

  it('says a folder is not a repository, as before', () => {
    expect(() => openRepoWithRevisions(outside, true, ['HEAD'])).toThrow(/is not a git repository/);
    expect(openRepoWithRevisions(outside, false, [null])).toEqual({ repo: { root: outside, isGit: false }, shas: [null] });
  });

  it('reads each commit time out of the blob batch when there is no symlink', () => {
    const { repo, shas } = openRepoWithRevisions(plain, true, ['HEAD', 'HEAD~1']);
    const [head, base] = loadRevisions(repo, shas as string[], 1000);
    expect(head!.time.toISOString()).toBe('2026-11-02T09:30:00.000Z');
    expect(base!.time.toISOString()).toBe('2026-11-01T08:00:00.000Z');
    expect(head!.texts.get('pkg/pyproject.toml')).toBe('[project]\nname = "two"\n');
    expect(base!.texts.get('pkg/pyproject.toml')).toBe('[project]\nname = "one"\n');
  });
});
