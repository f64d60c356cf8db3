// Issue 16's speed acceptance: the workflow scan of 300 workflows, per file, for one or more builds of
// the CLI side by side (this tree's dist/cli.js, and e.g. an older one taken out of git history with
// `git show <commit>:dist/cli.js > /tmp/old-cli.js`: dist/ is committed, so it is that commit's tool).
//
//   node scripts/bench-workflows.mjs [--runs=7] [--keep] [--json] [name=path/to/cli.js ...]
//
// `--json`: one JSON object a CLI on the last lines (what `npm run bench` reads).
//
// It builds a temporary repository of 300 workflow files from the corpus (the bench's selection:
// every corpus workflow, repeated in order up to 300, under .github/workflows/) and no uv project,
// then runs each CLI on it in fresh processes (a full offline audit, and base..head where the head
// edits every 33rd workflow, JSON to a pipe), alternating
// between the CLIs, and `--version` for the start-up to take off. It prints medians and the time per
// file: (audit − start-up) / 300. Not part of `npm run bench` (which needs no second build).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const json = args.includes('--json');
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 7);
const clis = args.filter((a) => !a.startsWith('--')).map((a) => (a.includes('=') ? a.split('=') : [a, a]));
if (clis.length === 0) clis.push(['this tree', 'dist/cli.js']);

const CORPUS = join('fixtures', 'workflows', 'corpus');
function walk(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}
const workflows = walk(CORPUS)
  .filter((file) => /[\\/]\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/.test(file))
  .map((file) => ({
    name: `${relative(CORPUS, file).split(sep)[0]}-${file.slice(file.lastIndexOf(sep) + 1).replace(/\.ya?ml$/, '')}`,
    text: readFileSync(file, 'utf8'),
  }));
const COUNT = 300;

const repo = mkdtempSync(join(tmpdir(), 'lockgate-bench-workflows-'));
try {
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  let bytes = 0;
  for (let i = 0; i < COUNT; i++) {
    const wf = workflows[i % workflows.length];
    writeFileSync(join(repo, '.github', 'workflows', `w${String(i).padStart(3, '0')}-${wf.name}.yml`), wf.text);
    bytes += Buffer.byteLength(wf.text);
  }
  const git = (...a) => execFileSync('git', a, { cwd: repo, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'workflows');
  // The head of a pull request that edits every 33rd workflow (as the bench's head does): its first
  // tagged or pinned action moves to @main.
  for (let i = 0; i < COUNT; i += 33) {
    const path = join(repo, '.github', 'workflows', readdirSync(join(repo, '.github', 'workflows')).sort()[i]);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/(uses:\s*[\w.-]+\/[\w./-]+)@[\w.-]+/, '$1@main'));
  }
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qam', 'head');

  const timeOf = (cli, cliArgs) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [cli, ...cliArgs], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 && result.status !== 1) throw new Error(`${cli} exited ${result.status}: ${result.stderr.slice(0, 400)}`);
    return { ms, out: result.stdout };
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const common = ['--offline', '--format', 'json', '--fail-on', 'never', '--now', '2026-12-07T00:00:00Z'];
  const audit = [repo, '--head', 'HEAD', ...common];
  const pr = [repo, '--base', 'HEAD~1', '--head', 'HEAD', ...common];
  const samples = new Map(clis.map(([name]) => [name, { audit: [], pr: [], start: [], findings: 0 }]));
  for (let round = 0; round < runs; round++) {
    for (const [name, cli] of round % 2 === 0 ? clis : [...clis].reverse()) {
      const entry = samples.get(name);
      const { ms, out } = timeOf(cli, audit);
      entry.audit.push(ms);
      entry.findings = JSON.parse(out).findings.length;
      entry.pr.push(timeOf(cli, pr).ms);
      entry.start.push(timeOf(cli, ['--version']).ms);
    }
  }
  if (!json) console.log(`${COUNT} workflows (${(bytes / 1024 / 1024).toFixed(1)} MB), ${runs} alternating fresh processes each, node ${process.version}`);
  for (const [name, entry] of samples) {
    if (json) {
      const s = median(entry.start);
      console.log(JSON.stringify({ name, count: COUNT, auditMs: median(entry.audit), prMs: median(entry.pr), startMs: s, findings: entry.findings }));
      continue;
    }
    const a = median(entry.audit);
    const s = median(entry.start);
    const p = median(entry.pr);
    console.log(
      `${name}: full audit ${a.toFixed(0)} ms (runs ${entry.audit.map((x) => x.toFixed(0)).join(', ')}), start-up ${s.toFixed(0)} ms, ` +
        `scan ${(a - s).toFixed(0)} ms = ${((a - s) / COUNT).toFixed(2)} ms a workflow; ${entry.findings} findings; ` +
        `base..head (10 of 300 changed) ${p.toFixed(0)} ms = ${((p - s) / COUNT).toFixed(2)} ms a workflow`,
    );
  }
} finally {
  if (keep) console.log(`kept ${repo}`);
  else rmSync(repo, { recursive: true, force: true });
}
