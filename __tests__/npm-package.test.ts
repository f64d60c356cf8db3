/**
 * The npm package (issue 14 item 3): what `npm pack` ships, and that the packed tarball runs as
 * `npx ./lockgate-X.Y.Z.tgz` from a temporary directory without the network. It packs the committed
 * dist/cli.js and dist/cli-check.js (the check it imports), so it checks what a release would publish.
 *
 * Offline: npm runs with `--offline`, so the runtime dependencies package.json lists come from the
 * npm cache that `npm ci` filled (dist/cli.js bundles them; npm still installs them).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve('.');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
const TARBALL = `lockgate-${pkg.version as string}.tgz`;
/** npm without the update notifier, audit or funding messages, and never the network. */
const NPM_ENV = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  NO_COLOR: '1',
  GITHUB_TOKEN: '',
};

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lockgate-npm-'));
});
afterAll(() => {
  // npx installs into <cache>/_npx/<hash>; remove the ones this test made (they name its temp dir).
  const npx = join(process.env.npm_config_cache ?? join(homedir(), '.npm'), '_npx');
  if (work && existsSync(npx)) {
    for (const entry of readdirSync(npx)) {
      const manifest = join(npx, entry, 'package.json');
      if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes(work.split('/').pop()!)) rmSync(join(npx, entry), { recursive: true, force: true });
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('package.json', () => {
  it('is publishable as lockgate, with the CLI bundle as its bin', () => {
    expect(pkg.name).toBe('lockgate');
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(pkg.bin).toEqual({ lockgate: 'dist/cli.js' });
    expect(readFileSync(join(ROOT, 'dist/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('npm pack ships only the CLI bundle (its entry and the check it imports), its licences, README, LICENSE and package.json', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, env: NPM_ENV, encoding: 'utf8' });
    const [packed] = JSON.parse(out) as { name: string; files: { path: string }[] }[];
    expect(packed!.name).toBe('lockgate');
    expect(packed!.files.map((file) => file.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist/cli-check.js',
      'dist/cli.js',
      'dist/licenses.txt',
      'package.json',
    ]);
  });
});

describe('npx from the packed tarball, offline, in a temporary directory', () => {
  const run = (args: string[]) =>
    spawnSync('npx', ['--yes', `./${TARBALL}`, ...args], { cwd: join(work, 'elsewhere'), env: NPM_ENV, encoding: 'utf8', timeout: 120_000 });
  const direct = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], { env: NPM_ENV, encoding: 'utf8' });

  beforeAll(() => {
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, env: NPM_ENV, stdio: 'pipe' });
    execFileSync('mkdir', [join(work, 'elsewhere')]);
    copyFileSync(join(work, TARBALL), join(work, 'elsewhere', TARBALL));
  }, 120_000);

  it('npx ./lockgate-X.Y.Z.tgz --help prints the help of the bundle', () => {
    const help = run(['--help']);
    expect(help.error).toBeUndefined();
    expect({ status: help.status, stdout: help.stdout }).toEqual({ status: 0, stdout: direct(['--help']).stdout });
    expect(help.stdout).toMatch(/Usage: lockgate \[DIR\]/);
  }, 120_000);

  it('--version names the package version, and a run keeps the exit codes (2 for a usage error)', () => {
    expect(run(['--version'])).toMatchObject({ status: 0, stdout: `lockgate ${pkg.version as string}\n` });
    const bad = run(['--fail-on', 'sometimes']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^lockgate: --fail-on must be one of error, warning, notice, never/m);
  }, 120_000);

  it('a check runs from the tarball (dist/cli.js imports dist/cli-check.js beside it)', () => {
    const project = join(work, 'elsewhere', 'project');
    mkdirSync(join(project, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(project, '.github', 'workflows', 'ci.yml'),
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    );
    const checked = run([project, '--offline', '--format', 'json', '--fail-on', 'never']);
    expect({ status: checked.status, stderr: checked.stderr }).toEqual({ status: 0, stderr: '' });
    const report = JSON.parse(checked.stdout) as { findings: { rule: string }[] };
    expect(report.findings.map((finding) => finding.rule)).toContain('unpinned-uses');
  }, 120_000);
});
