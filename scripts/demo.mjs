// `npm run demo`: builds a throwaway git repository from examples/demo/base and examples/demo/head
// (one commit each) and runs the bundled CLI on the change, so the report shows real findings.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error('dist/cli.js is missing: run npm run build first');
  process.exit(2);
}
const repo = mkdtempSync(join(tmpdir(), 'lockgate-demo-'));
const git = (...args) =>
  execFileSync('git', args, {
    cwd: repo,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'demo',
      GIT_AUTHOR_EMAIL: 'demo@example.com',
      GIT_COMMITTER_NAME: 'demo',
      GIT_COMMITTER_EMAIL: 'demo@example.com',
      GIT_AUTHOR_DATE: '2026-11-26T09:00:00Z',
      GIT_COMMITTER_DATE: '2026-11-26T09:00:00Z',
    },
  });
try {
  git('init', '-q', '-b', 'main');
  cpSync(join(root, 'examples/demo/base'), repo, { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  rmSync(join(repo, '.github'), { recursive: true, force: true });
  cpSync(join(root, 'examples/demo/head'), repo, { recursive: true, force: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'head');

  const args = [cli, repo, '--base', 'HEAD~1', '--head', 'HEAD', '--offline', '--now', '2026-11-26T12:00:00Z', ...process.argv.slice(2)];
  console.log(`$ lockgate <demo repo> --base HEAD~1 --head HEAD --offline --now 2026-11-26T12:00:00Z ${process.argv.slice(2).join(' ')}\n`);
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  // Exit as the CLI did (0 or 1 by --fail-on), so `npm run demo` shows how a gate behaves.
  process.exitCode = run.status ?? 2;
} finally {
  rmSync(repo, { recursive: true, force: true });
}
