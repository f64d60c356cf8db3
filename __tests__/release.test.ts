/**
 * Releases (issue 14 item 1): scripts/release.mjs, the part of .github/workflows/release.yml that
 * runs without GitHub, run as a process on temporary git repositories (including the dry run of a
 * whole release); the workflow's own shape (triggers, SHA pins, permissions, steps); and lockgate's
 * workflow scan reporting nothing for it.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve('.');
const SCRIPT = join(ROOT, 'scripts/release.mjs');
const WORKFLOW_FILE = '.github/workflows/release.yml';
const ASSETS = ['dist/index.js', 'dist/index-check.js', 'dist/cli.js', 'dist/cli-check.js', 'dist/licenses.txt'];
const GIT_ENV = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_AUTHOR_DATE: '2026-12-01T09:00:00Z',
  GIT_COMMITTER_DATE: '2026-12-01T09:00:00Z',
};

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function release(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { cwd, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const NOTES_123 = `### Added

- \`lockgate completions bash|zsh|fish\`.

### Fixed

- The cooldown of a re-uploaded file.`;

function changelog(overrides: { heading?: string; body?: string; links?: string } = {}): string {
  return `# Changelog

All notable changes are recorded here ([Keep a Changelog](https://keepachangelog.com/en/1.1.0/)).

## [Unreleased]

## ${overrides.heading ?? '[1.2.3] - 2026-12-01'}

${overrides.body ?? NOTES_123}

## [1.2.2] - 2026-11-20

### Fixed

- Something older.

${
  overrides.links ??
  `[Unreleased]: https://github.com/lockgate-dev/lockgate/compare/v1.2.3...HEAD
[1.2.3]: https://github.com/lockgate-dev/lockgate/compare/v1.2.2...v1.2.3
[1.2.2]: https://github.com/lockgate-dev/lockgate/releases/tag/v1.2.2`
}
`;
}

/** A repository with v1.2.2 then v1.2.3 tagged, as a maintainer has it after following docs/releasing.md. */
function makeRepo(files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lockgate-release-'));
  temps.push(dir);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const write = (tree: Record<string, string>) => {
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  git('init', '-q', '-b', 'main');
  write({
    'package.json': '{ "name": "lockgate", "version": "1.2.2" }\n',
    'src/version.ts': "export const VERSION = '1.2.2';\n",
    'CHANGELOG.md':
      '# Changelog\n\n## [Unreleased]\n\n## [1.2.2] - 2026-11-20\n\n- Something older.\n\n[1.2.2]: https://github.com/lockgate-dev/lockgate/releases/tag/v1.2.2\n',
  });
  git('add', '-A');
  git('commit', '-q', '-m', 'v1.2.2');
  git('tag', 'v1.2.2');
  write({
    'package.json': '{ "name": "lockgate", "version": "1.2.3" }\n',
    'src/version.ts': "export const VERSION = '1.2.3';\n",
    'CHANGELOG.md': changelog(),
    ...Object.fromEntries(ASSETS.map((file) => [file, `// ${file}\n`])),
    ...files,
  });
  git('add', '-A');
  git('commit', '-q', '-m', 'Release 1.2.3');
  git('tag', '-a', 'v1.2.3', '-m', 'v1.2.3');
  return { dir, git, write };
}

describe('scripts/release.mjs', () => {
  it('check: a tag that agrees with package.json, src/version.ts and CHANGELOG.md', () => {
    const repo = makeRepo();
    expect(release(repo.dir, 'check', 'v1.2.3')).toEqual({ code: 0, stdout: 'v1.2.3: package.json, src/version.ts and CHANGELOG.md agree\n', stderr: '' });
  });

  it('notes: the section of the tag, without its heading or the links at the end', () => {
    const repo = makeRepo();
    expect(release(repo.dir, 'notes', 'v1.2.3')).toEqual({ code: 0, stdout: `${NOTES_123}\n`, stderr: '' });
    // The last section: the link definitions after it are not notes.
    expect(release(repo.dir, 'notes', 'v1.2.2')).toEqual({ code: 0, stdout: '### Fixed\n\n- Something older.\n', stderr: '' });
    expect(release(repo.dir, 'notes', 'v9.9.9')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'release: CHANGELOG.md has no "## [9.9.9] - YYYY-MM-DD" section\n',
    });
  });

  it('notes: the real CHANGELOG.md, its [Unreleased] section released as 9.9.9', () => {
    const real = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const start = real.indexOf('## [Unreleased]');
    const end = real.indexOf('\n## [', start + 1);
    const body = real
      .slice(start, end === -1 ? undefined : end)
      .split('\n')
      .slice(1)
      .filter((line) => !/^\[[^\]]+\]: \S+$/.test(line))
      .join('\n')
      .trim();
    expect(body.length).toBeGreaterThan(100);
    const repo = makeRepo({ 'CHANGELOG.md': real.replace('## [Unreleased]', '## [Unreleased]\n\n## [9.9.9] - 2026-12-07') });
    expect(release(repo.dir, 'notes', 'v9.9.9')).toEqual({ code: 0, stdout: `${body}\n`, stderr: '' });
  });

  it('major: v1 for v1.2.3; with --if-latest, nothing when a newer v1 tag exists', () => {
    const repo = makeRepo();
    expect(release(repo.dir, 'major', 'v1.2.3')).toEqual({ code: 0, stdout: 'v1\n', stderr: '' });
    expect(release(repo.dir, 'major', 'v0.4.0')).toEqual({ code: 0, stdout: 'v0\n', stderr: '' });
    expect(release(repo.dir, 'major', 'v1.2.3', '--if-latest')).toEqual({ code: 0, stdout: 'v1\n', stderr: '' });
    repo.git('tag', 'v1.10.0', 'v1.2.2'); // 10 > 2: compared as numbers, not text
    expect(release(repo.dir, 'major', 'v1.2.3', '--if-latest')).toEqual({
      code: 0,
      stdout: '',
      stderr: 'release: a newer v1.x.y tag exists, so v1 stays where it is\n',
    });
    repo.git('tag', 'v2.0.0');
    expect(release(repo.dir, 'major', 'v2.0.0', '--if-latest').stdout).toBe('v2\n');
  });

  it('dry run of a whole release on a temporary repository: checks, then the plan, changing nothing', () => {
    const repo = makeRepo();
    const tagsBefore = repo.git('tag', '--list');
    const sha = repo.git('rev-parse', 'v1.2.3^{commit}');
    const run = release(repo.dir, 'dry-run', 'v1.2.3');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        `dry run of v1.2.3 at ${sha} (nothing is changed):`,
        `- attest build provenance for ${ASSETS.join(', ')}`,
        `- create the GitHub release v1.2.3 with ${ASSETS.join(', ')} and these notes (7 lines):`,
        ...NOTES_123.split('\n').map((line) => `    ${line}`),
        `- move the tag v1 to ${sha}`,
        '',
      ].join('\n'),
    );
    expect(repo.git('tag', '--list')).toBe(tagsBefore);
    expect(repo.git('status', '--porcelain')).toBe('');
    // A missing bundle stops it.
    rmSync(join(repo.dir, 'dist/cli.js'));
    expect(release(repo.dir, 'dry-run', 'v1.2.3')).toMatchObject({ code: 1, stderr: 'release: dist/cli.js missing: run npm run build and commit dist/\n' });
  });

  it.each([
    [
      'package.json says another version',
      { 'package.json': '{ "version": "1.2.4" }\n' },
      'package.json says version 1.2.4, the tag v1.2.3: set "version": "1.2.3"',
    ],
    [
      'src/version.ts says another version',
      { 'src/version.ts': "export const VERSION = '1.2.2';\n" },
      "src/version.ts says VERSION = '1.2.2', the tag v1.2.3: set it to '1.2.3'",
    ],
    [
      'CHANGELOG.md has no section for it',
      { 'CHANGELOG.md': changelog({ heading: '[1.2.4] - 2026-12-01' }) },
      'CHANGELOG.md has no "## [1.2.3] - YYYY-MM-DD" section: move the [Unreleased] entries under it',
    ],
    [
      'its section has no date',
      { 'CHANGELOG.md': changelog({ heading: '[1.2.3]' }) },
      'CHANGELOG.md\'s heading "## [1.2.3]" needs the release date: "## [1.2.3] - YYYY-MM-DD"',
    ],
    ['its section is empty', { 'CHANGELOG.md': changelog({ body: '' }) }, "CHANGELOG.md's [1.2.3] section is empty"],
    [
      'its link is missing',
      { 'CHANGELOG.md': changelog({ links: '' }) },
      'CHANGELOG.md has no link for [1.2.3] (add "[1.2.3]: https://github.com/<owner>/<repo>/releases/tag/v1.2.3" at the end)',
    ],
    [
      '[Unreleased] is gone',
      { 'CHANGELOG.md': changelog().replace('## [Unreleased]\n', '') },
      'CHANGELOG.md has no "## [Unreleased]" section to collect the next changes',
    ],
  ])('check refuses a release when %s, naming the fix', (_name, files, message) => {
    const repo = makeRepo();
    repo.write(files);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'edit');
    repo.git('tag', '-f', '-a', 'v1.2.3', '-m', 'v1.2.3');
    const run = release(repo.dir, 'check', 'v1.2.3');
    expect(run).toEqual({ code: 1, stdout: '', stderr: `release: ${message}\n` });
    expect(release(repo.dir, 'dry-run', 'v1.2.3')).toMatchObject({ code: 1, stdout: '', stderr: `release: ${message}\n` });
  });

  it('check refuses a tag that is not on HEAD, and tags that are not vX.Y.Z', () => {
    const repo = makeRepo();
    repo.write({ 'NOTES.md': 'later\n' });
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'after the tag');
    const tagged = repo.git('rev-parse', 'v1.2.3^{commit}').slice(0, 12);
    const head = repo.git('rev-parse', 'HEAD').slice(0, 12);
    expect(release(repo.dir, 'check', 'v1.2.3')).toEqual({
      code: 1,
      stdout: '',
      stderr: `release: the tag v1.2.3 points at ${tagged}, not at HEAD (${head})\n`,
    });
    for (const tag of ['1.2.3', 'v1.2', 'v1.2.3-rc.1', 'v01.2.3', 'v1.2.3\n::error::x', 'refs/tags/v1.2.3']) {
      const run = release(repo.dir, 'check', tag);
      expect(run.code).toBe(1);
      // One line, the tag JSON-quoted: a newline in it cannot start a workflow command.
      expect(run.stderr).toBe(`release: the tag must be vMAJOR.MINOR.PATCH (such as v1.2.3), not ${JSON.stringify(tag)}\n`);
    }
  });

  it('usage errors exit 2', () => {
    const repo = makeRepo();
    for (const args of [[], ['check'], ['publish', 'v1.2.3'], ['notes', 'v1.2.3', '--if-latest'], ['major', 'v1.2.3', '--force']]) {
      expect(release(repo.dir, ...args)).toMatchObject({
        code: 2,
        stdout: '',
        stderr: 'usage: node scripts/release.mjs check|notes|major|dry-run <vX.Y.Z> (major takes --if-latest)\n',
      });
    }
  });
});

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; name?: string };
type Job = { permissions?: Record<string, string>; needs?: string; steps: Step[] };

describe('.github/workflows/release.yml', () => {
  const text = readFileSync(join(ROOT, WORKFLOW_FILE), 'utf8');
  const workflow = parse(text) as { on: { push: { tags: string[] } }; permissions: unknown; jobs: Record<string, Job> };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('runs on a vX.Y.Z tag push only, with no permissions by default', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(workflow.permissions).toEqual({});
  });

  it('pins every action to a full commit SHA with a # vX.Y.Z comment, the same SHA as ci.yml', () => {
    const uses = text.split('\n').filter((line) => /^\s*-?\s*uses:/.test(line));
    expect(uses.length).toBeGreaterThanOrEqual(5);
    const ci = readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8');
    for (const line of uses) {
      const m = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      expect({ line, pinned: m !== null }).toEqual({ line, pinned: true });
      const inCi = new RegExp(`uses: ${m![1]}@([0-9a-f]{40}) # (v[\\d.]+)`).exec(ci);
      if (inCi) expect(`${m![2]} # ${m![3]}`).toBe(`${inCi[1]} # ${inCi[2]}`);
    }
  });

  it('gives each job only what it writes with, and never persists the token', () => {
    expect(workflow.jobs.verify!.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.provenance!.permissions).toEqual({ contents: 'read', 'id-token': 'write', attestations: 'write' });
    expect(workflow.jobs.release!.permissions).toEqual({ contents: 'write' });
    expect(workflow.jobs.provenance!.needs).toBe('verify');
    expect(workflow.jobs.release!.needs).toBe('provenance');
    const checkouts = steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts).toHaveLength(3);
    for (const step of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
    // No expression inside a script: the tag reaches the shell as an environment variable.
    for (const step of steps) if (step.run) expect(step.run).not.toContain('${{');
  });

  it('verifies, attests dist/, releases with the CHANGELOG notes and moves the major tag', () => {
    const runs = (job: string) => workflow.jobs[job]!.steps.map((step) => step.run ?? '').join('\n');
    expect(runs('verify')).toMatch(/^npm ci$/m);
    expect(runs('verify')).toContain('node scripts/release.mjs check "$TAG"');
    expect(runs('verify')).toMatch(/npm run build\n\s*git diff --exit-code --stat -- dist\/ src\/rules\/docs\.generated\.ts/);
    expect(runs('verify')).toMatch(/^npm test$/m);
    const attest = workflow.jobs.provenance!.steps.find((step) => step.uses?.startsWith('actions/attest-build-provenance@'));
    expect(String(attest?.with?.['subject-path']).trim().split('\n')).toEqual(ASSETS);
    expect(runs('release')).toContain('node scripts/release.mjs notes "$TAG" > "$RUNNER_TEMP/notes.md"');
    expect(runs('release')).toContain(`gh release create "$TAG" --verify-tag --title "$TAG" --notes-file "$RUNNER_TEMP/notes.md" ${ASSETS.join(' ')}`);
    expect(runs('release')).toContain('node scripts/release.mjs major "$TAG" --if-latest');
    for (const step of steps.filter((s) => s.run?.includes('$TAG'))) expect(step.env?.TAG).toBe('${{ github.ref_name }}');
  });

  it("passes lockgate's own workflow scan: nothing reported for it on this repository", () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), ROOT, '--offline', '--format', 'json', '--fail-on', 'never'], {
      encoding: 'utf8',
      env: { ...process.env, GITHUB_TOKEN: '' },
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, { file: string; rule: string }[] | unknown>;
    const all = ['findings', 'preexisting', 'waived'].flatMap((key) => (Array.isArray(report[key]) ? (report[key] as { file: string; rule: string }[]) : []));
    expect(all.filter((finding) => finding.file === WORKFLOW_FILE)).toEqual([]);
    // It did read the workflow: the same file with a moved tag is reported.
    const dir = mkdtempSync(join(tmpdir(), 'lockgate-release-scan-'));
    temps.push(dir);
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, WORKFLOW_FILE), text.replace(/actions\/checkout@[0-9a-f]{40}/, 'actions/checkout@v7'));
    const broken = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), dir, '--offline', '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, GITHUB_TOKEN: '' },
    });
    expect((JSON.parse(broken.stdout).findings as { file: string; rule: string }[]).map((f) => `${f.file} ${f.rule}`)).toContain(
      `${WORKFLOW_FILE} unpinned-uses`,
    );
  });
});

describe('docs/releasing.md', () => {
  it('names only commands that exist', () => {
    const doc = readFileSync(join(ROOT, 'docs/releasing.md'), 'utf8');
    const commands = [...doc.matchAll(/node scripts\/release\.mjs (\S+)/g)].map((m) => m[1]);
    expect(new Set(commands)).toEqual(new Set(['check', 'notes', 'major', 'dry-run']));
    expect(doc).toContain(WORKFLOW_FILE);
  });
});
