/**
 * The pre-commit hook (.pre-commit-hooks.yaml, issue 14 item 2), run by the real `pre-commit`
 * (Debian's package) the way a user's repository runs it: `repo:` is a git repository holding this
 * tree's hook manifest, package.json, package-lock.json, .npmrc and the committed dist/ bundle, so
 * pre-commit reads the manifest, installs the hook with its `language: node` installer (npm install
 * in the clone, npm pack, npm install -g of the tarball, offline from the npm cache that `npm ci`
 * filled) and runs `lockgate` from that install on a copy of examples/demo. A `repo: local` config
 * would exercise neither the manifest nor the installer.
 *
 * Where pre-commit is absent the real-run tests are skipped with a note; the manifest checks run
 * everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { isReadByLockgate } from '../src/source/types.js';

const ROOT = resolve('.');
const NOW = '2026-11-26T12:00:00Z';
const manifest = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
const hook = manifest.find((h) => h.id === 'lockgate')!;

const GIT_ENV = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_AUTHOR_DATE: '2026-11-26T09:00:00Z',
  GIT_COMMITTER_DATE: '2026-11-26T09:00:00Z',
};

describe('.pre-commit-hooks.yaml', () => {
  it('declares the lockgate hook: node, the CLI offline on the whole tree', () => {
    expect(manifest).toHaveLength(1);
    expect(hook).toMatchObject({
      id: 'lockgate',
      name: 'lockgate',
      language: 'node',
      entry: 'lockgate --offline',
      pass_filenames: false,
      require_serial: true,
    });
    // The entry's command is the package's bin.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin)).toContain(String(hook.entry).split(' ')[0]);
  });

  it("the README's example config names this hook, from the repository the action's example uses", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```yaml\n(repos:\n[^`]*)```/.exec(readme)?.[1];
    const config = parse(block ?? '') as { repos: { repo: string; rev: string; hooks: { id: string }[] }[] };
    const owner = /uses: ([\w-]+\/lockgate)@v\d+\n/.exec(readme)?.[1];
    expect(owner).toBeDefined();
    expect(config.repos[0]).toMatchObject({ repo: `https://github.com/${owner}`, hooks: [{ id: hook.id }] });
  });

  // pre-commit matches `files` with Python's re.search; this pattern uses only syntax that JavaScript reads the same way.
  it('files: triggers on exactly the files lockgate reads', () => {
    const files = new RegExp(String(hook.files));
    const paths = [
      'uv.lock',
      'pyproject.toml',
      'uv.toml',
      'packages/api/uv.lock',
      'packages/api/pyproject.toml',
      'tools/uv.toml',
      '.github/workflows/ci.yml',
      '.github/workflows/release.yaml',
      'action.yml',
      'actions/setup/action.yaml',
      '.github/dependabot.yml',
      '.github/dependabot.yaml',
      '.github/lockgate.yml',
      '.github/lockgate.yaml',
      // and not:
      'README.md',
      'src/app.py',
      'requirements.txt',
      'uv.lock.bak',
      'my-pyproject.toml',
      '.github/workflows/sub/ci.yml',
      '.github/workflows/ci.yml.orig',
      'docs/.github/workflows/ci.yml',
      'action.yml.j2',
      'subaction.yml',
      'x/.github/lockgate.yml',
      '.github/CODEOWNERS',
      'setup.cfg',
      '.pre-commit-config.yaml',
    ];
    for (const path of paths) expect({ path, hook: files.test(path) }).toEqual({ path, hook: isReadByLockgate(path) });
    expect(paths.filter((path) => files.test(path))).toHaveLength(14);
  });
});

const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const havePreCommit = version.status === 0;
if (!havePreCommit) {
  console.warn(
    'pre-commit.test.ts: `pre-commit` is not installed, so the hook is not run here (Debian/Ubuntu: apt-get install pre-commit; or pipx install pre-commit).',
  );
}

(havePreCommit ? describe : describe.skip)(`pre-commit run with the hook (${version.stdout?.trim() || 'pre-commit absent'})`, () => {
  let work = '';
  let hookRepo = '';
  let demo = '';
  let env: NodeJS.ProcessEnv = {};
  let rev = '';

  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const preCommit = (...args: string[]) => spawnSync('pre-commit', args, { cwd: demo, env, encoding: 'utf8', timeout: 300_000 });
  const writeConfig = (args: string[]) =>
    writeFileSync(
      join(demo, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: lockgate\n        args: ${JSON.stringify(args)}\n`,
    );
  const direct = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
      cwd: demo,
      env: { ...process.env, NO_COLOR: '1', GITHUB_TOKEN: '' },
      encoding: 'utf8',
    });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'lockgate-pre-commit-'));
    hookRepo = join(work, 'lockgate');
    demo = join(work, 'demo');
    // The hook repository: what a clone of lockgate at a release tag gives pre-commit.
    mkdirSync(join(hookRepo, 'dist'), { recursive: true });
    for (const file of [
      '.pre-commit-hooks.yaml',
      'package.json',
      'package-lock.json',
      '.npmrc',
      'README.md',
      'LICENSE',
      'dist/cli.js',
      'dist/cli-check.js',
      'dist/licenses.txt',
    ])
      cpSync(join(ROOT, file), join(hookRepo, file));
    git(hookRepo, 'init', '-q', '-b', 'main');
    git(hookRepo, 'add', '-A');
    git(hookRepo, 'commit', '-q', '-m', 'lockgate');
    rev = git(hookRepo, 'rev-parse', 'HEAD');
    // The user's repository: the demo's head commit.
    cpSync(join(ROOT, 'examples/demo/head'), demo, { recursive: true });
    git(demo, 'init', '-q', '-b', 'main');
    writeConfig(['--now', NOW]);
    git(demo, 'add', '-A');
    git(demo, 'commit', '-q', '-m', 'demo');
    env = {
      ...process.env,
      ...GIT_ENV,
      PRE_COMMIT_HOME: join(work, 'cache'),
      PRE_COMMIT_COLOR: 'never',
      NO_COLOR: '1',
      GITHUB_TOKEN: '',
      // No network: npm installs the hook from the npm cache, and lockgate runs --offline.
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pre-commit run --all-files installs the hook and reports the demo findings, failing with exit code 1', () => {
    const run = preCommit('run', '--all-files');
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^lockgate\.+Failed$/m);
    expect(run.stdout).toContain('- hook id: lockgate\n- exit code: 1\n');
    // Exactly the CLI's report of the same tree, offline, with the same clock.
    const cli = direct('--offline', '--now', NOW);
    expect(cli.status).toBe(1);
    expect(run.stdout).toContain(cli.stdout);
    for (const rule of ['unpinned-uses', 'uv-unlocked', 'lock-out-of-sync', 'cooldown', 'typosquat', 'sdist-only']) expect(run.stdout).toContain(`[${rule}]`);
    expect(run.stdout).toContain('4 errors, 2 warnings, 5 notices');
    expect(run.stdout).toContain('lockgate: Offline: no network request was made');
  }, 300_000);

  it('args pass through: --fail-on never passes the same findings (exit code 0)', () => {
    writeConfig(['--now', NOW, '--fail-on', 'never']);
    const run = preCommit('run', '--all-files');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^lockgate\.+Passed$/m);
  }, 300_000);

  it('a usage error is exit code 2', () => {
    writeConfig(['--now', NOW, '--fail-on', 'sometimes']);
    const run = preCommit('run', '--all-files');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('- exit code: 2\n');
    expect(run.stdout).toContain('lockgate: --fail-on must be one of error, warning, notice, never');
  }, 300_000);

  it('as the git pre-commit hook: a commit that touches only other files skips it; one that touches pyproject.toml is refused', () => {
    writeConfig(['--now', NOW]);
    git(demo, 'add', '-A');
    git(demo, 'commit', '-q', '--no-verify', '--allow-empty', '-m', 'config');
    expect(preCommit('install').status).toBe(0);
    const commit = (...args: string[]) => spawnSync('git', ['commit', '-m', 'change', ...args], { cwd: demo, env, encoding: 'utf8', timeout: 300_000 });

    writeFileSync(join(demo, 'NOTES.md'), 'notes\n');
    git(demo, 'add', 'NOTES.md');
    const skipped = commit();
    expect(skipped.status).toBe(0);
    expect(skipped.stdout + skipped.stderr).toMatch(/^lockgate\.+\(no files to check\)Skipped$/m);

    const before = git(demo, 'rev-parse', 'HEAD');
    writeFileSync(join(demo, 'pyproject.toml'), `${readFileSync(join(demo, 'pyproject.toml'), 'utf8')}\n`);
    git(demo, 'add', 'pyproject.toml');
    const refused = commit();
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('[lock-out-of-sync]');
    expect(git(demo, 'rev-parse', 'HEAD')).toBe(before);
  }, 300_000);
});
