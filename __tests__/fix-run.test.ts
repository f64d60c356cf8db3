/**
 * The edge of `lockgate fix`: a real git working tree, the engine's scan, files written in place or
 * a diff printed; and the CLI words (`fix`, --fix, --dry-run, --update). The bundled CLI itself is
 * run by the last block (LOCKGATE_CLI, default dist/cli.js).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runFix } from '../src/fix/run.js';
import { settingsFromArgv } from '../src/settings/resolve.js';
import { SettingsError } from '../src/settings/types.js';
import { fakeResolver, fakeSha } from './support/fix.js';
import { makeRepo, type TestRepo } from './support/git-repo.js';

const WF = '.github/workflows/ci.yml';
const WORKFLOW =
  'name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n      - run: uv sync\n';
const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

function repo(files: Record<string, string>): TestRepo {
  const r = makeRepo({}, files);
  repos.push(r);
  return r;
}

function settings(dir: string, args: string[] = []) {
  const command = settingsFromArgv(['fix', dir, '--now', '2026-11-26T12:00:00Z', ...args], {}, '/');
  if (command.kind !== 'run') throw new Error('not a run');
  return command.settings;
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (l: string) => err.push(l) } };
}

describe('runFix', () => {
  it('rewrites the files in place and says what it fixed', async () => {
    const r = repo({ [WF]: WORKFLOW });
    const o = io();
    const result = await runFix(settings(r.dir), { dryRun: false, update: null }, fakeResolver(), o.io);
    expect(result.written).toEqual([WF]);
    expect(readFileSync(join(r.dir, WF), 'utf8')).toBe(
      WORKFLOW.replace('setup-python@v5', `setup-python@${fakeSha('actions', 'setup-python', 'v5')} # v5`).replace('uv sync', 'uv sync --locked'),
    );
    expect(o.err[0]).toBe(`fixed 2 findings in 1 file: ${WF}.`);
    // Twice: nothing left to do.
    const again = io();
    expect((await runFix(settings(r.dir), { dryRun: false, update: null }, fakeResolver(), again.io)).written).toEqual([]);
    expect(again.err[0]).toBe('fixed 0 findings in 0 files.');
  });

  it('prints a unified diff with --dry-run and writes nothing', async () => {
    const r = repo({ [WF]: WORKFLOW });
    const o = io();
    await runFix(settings(r.dir, ['--dry-run']), { dryRun: true, update: null }, fakeResolver(), o.io);
    expect(readFileSync(join(r.dir, WF), 'utf8')).toBe(WORKFLOW);
    expect(o.out.join('')).toContain(`--- a/${WF}\n+++ b/${WF}\n@@ -6,5 +6,5 @@\n`);
    expect(o.out.join('')).toContain('-      - run: uv sync\n');
    expect(o.out.join('')).toContain('+      - run: uv sync --locked\n');
    expect(o.err[0]).toBe(`would fix 2 findings in 1 file: ${WF}.`);
  });

  it('offline: one notice for the pins, the rest fixed', async () => {
    const r = repo({ [WF]: WORKFLOW });
    const o = io();
    await runFix(settings(r.dir, ['--offline']), { dryRun: false, update: null }, fakeResolver(), o.io);
    expect(readFileSync(join(r.dir, WF), 'utf8')).toBe(WORKFLOW.replace('uv sync', 'uv sync --locked'));
    expect(o.err.filter((l) => l.startsWith('Offline'))).toEqual([
      'Offline: 1 pin not made (pinning needs GitHub and the image registries); run without --offline to pin.',
    ]);
    expect(o.err.filter((l) => l.startsWith('not fixed'))).toEqual([]);
  });

  it('keeps a byte-order mark, leaves a file that is not UTF-8 alone, and prints the uv lock to run', async () => {
    const r = repo({
      [WF]: `\ufeff${WORKFLOW}`,
      'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n',
      'uv.lock': 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\n',
    });
    const o = io();
    await runFix(settings(r.dir), { dryRun: false, update: null }, fakeResolver(), o.io);
    expect(readFileSync(join(r.dir, WF), 'utf8').startsWith('\ufeffname: ci\n')).toBe(true);
    expect(readFileSync(join(r.dir, WF), 'utf8')).toContain('uv sync --locked');
    expect(readFileSync(join(r.dir, 'pyproject.toml'), 'utf8')).toContain('[tool.uv]\nexclude-newer = "7 days"\n');
    expect(o.err).toContain('then run: uv lock   (the settings changed; only uv can re-lock)');

    const latin1 = repo({ [WF]: WORKFLOW });
    const bytes = Buffer.concat([Buffer.from(WORKFLOW), Buffer.from('# caf\xe9\n', 'latin1')]);
    writeFileSync(join(latin1.dir, WF), bytes);
    await runFix(settings(latin1.dir), { dryRun: false, update: null }, fakeResolver(), io().io);
    expect(readFileSync(join(latin1.dir, WF)).equals(bytes)).toBe(true);
  });

  it('refuses --base and --head: it edits the working tree', async () => {
    const r = repo({ [WF]: WORKFLOW });
    await expect(runFix(settings(r.dir, ['--base', 'HEAD']), { dryRun: false, update: null }, fakeResolver(), io().io)).rejects.toThrow(SettingsError);
  });
});

describe('the CLI words', () => {
  it('reads fix as a command, --fix, --dry-run and --update as flags', () => {
    expect(settingsFromArgv(['fix'], {}, '/tmp')).toEqual(expect.objectContaining({ kind: 'run', fix: { only: true, dryRun: false, update: null } }));
    expect(settingsFromArgv(['fix', 'sub', '--dry-run'], {}, '/tmp')).toEqual(
      expect.objectContaining({ fix: { only: true, dryRun: true, update: null }, settings: expect.objectContaining({ dir: '/tmp/sub' }) }),
    );
    expect(settingsFromArgv(['--fix', '.'], {}, '/tmp')).toEqual(expect.objectContaining({ fix: { only: false, dryRun: false, update: null } }));
    expect(settingsFromArgv(['fix', '--update', '--update-major'], {}, '/tmp')).toEqual(
      expect.objectContaining({ fix: { only: true, dryRun: false, update: { major: true } } }),
    );
    // A directory named fix is ./fix; without any fix word there is no fix.
    expect(settingsFromArgv(['./fix'], {}, '/tmp')).toEqual({ kind: 'run', settings: expect.objectContaining({ dir: '/tmp/fix' }) });
  });
});

describe('the bundled CLI', () => {
  const CLI = resolve(process.env.LOCKGATE_CLI ?? 'dist/cli.js');
  it('lockgate fix --dry-run --offline prints the diff; lockgate fix --offline writes it; exit 0', () => {
    const r = repo({ [WF]: WORKFLOW });
    const run = (args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { cwd: r.dir, encoding: 'utf8', env: { ...process.env, GITHUB_TOKEN: '', NO_COLOR: '1' } });
    const dry = run(['fix', '--dry-run', '--offline']);
    expect([dry.status, dry.stderr]).toEqual([0, expect.stringContaining('lockgate: would fix 1 finding in 1 file')]);
    expect(dry.stdout).toContain('+      - run: uv sync --locked\n');
    const real = run(['fix', '--offline']);
    expect(real.status).toBe(0);
    expect(readFileSync(join(r.dir, WF), 'utf8')).toContain('uv sync --locked');
  });
});
