#!/usr/bin/env node
// Runs the built CLI (dist/cli.js, offline, a full audit of each commit) over the recent commits of
// local git clones that touched uv.lock or a pyproject.toml, and counts lock-out-of-sync findings.
// Usage: node scripts/survey-repos.mjs [--commits N] [--rule ID] [--details] [--cli BUNDLE] CLONE...
// It only reads git objects of the clones (lockgate's own static reading): nothing there is run.
import { execFileSync, spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let commits = 20;
let rule = 'lock-out-of-sync';
let details = false;
let cliPath;
const clones = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--commits') commits = Number(args[++i]);
  else if (args[i] === '--rule') rule = args[++i];
  else if (args[i] === '--details') details = true;
  else if (args[i] === '--all-details') details = 'all';
  else if (args[i] === '--cli') cliPath = args[++i];
  else clones.push(args[i]);
}
const cli = cliPath ?? fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const rows = [];
for (const clone of clones) {
  const log = execFileSync(
    'git',
    ['-C', clone, 'log', '--first-parent', '--format=%H', `-n${commits}`, 'HEAD', '--', 'uv.lock', '**/uv.lock', 'pyproject.toml', '**/pyproject.toml'],
    { encoding: 'utf8' },
  );
  const shas = log.split('\n').filter(Boolean);
  let errors = 0;
  let notices = 0;
  let warnings = 0;
  const bad = [];
  for (const sha of shas) {
    const run = spawnSync('node', [cli, clone, '--head', sha, '--offline', '--format', 'json', '--fail-on', 'never', '--now', '2026-12-06T00:00:00Z'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (run.status !== 0) {
      bad.push(`${sha.slice(0, 12)} exit ${run.status}: ${run.stderr.trim()}`);
      continue;
    }
    const report = JSON.parse(run.stdout);
    for (const f of report.findings) {
      if (f.rule !== rule) continue;
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else notices++;
      if (details === 'all' || (details && f.severity !== 'notice')) bad.push(`${sha.slice(0, 12)} ${f.severity} ${f.file}:${f.line} ${f.message}`);
    }
  }
  rows.push({ repo: basename(clone), commits: shas.length, errors, warnings, notices });
  for (const line of bad) console.log(`  ${basename(clone)} ${line}`);
}
console.log('| repository | commits | errors | warnings | notices |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.repo} | ${r.commits} | ${r.errors} | ${r.warnings} | ${r.notices} |`);
