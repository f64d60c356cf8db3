#!/usr/bin/env node
/**
 * Allowed import directions (issue 13 item 7, ../shared/architecture.md "Allowed import directions",
 * adapted to today's folders). Reads the import and export specifiers of every src/**\/*.ts with the
 * TypeScript scanner (type-only imports count: a type is a dependency too), resolves the relative
 * ones to files, maps each file to its layer and fails on an import a layer may not make.
 *
 *   node scripts/check-layers.mjs [--root DIR] [--no-allow-list]
 *
 * Prints `file -> imported file (layer a may not import layer b)` for each violation, and exits 1
 * when there is one, when a file maps to no layer, or when an allow-list entry no longer occurs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The layers, bottom up. `files`: path prefixes under the root (a trailing `/` is a folder; the
 * longest matching prefix wins). `may`: the other layers it may import (its own is always allowed).
 *
 *                           action   cli
 *                               \    /
 *                               engine
 *               ┌───────┬─────────┼──────────┐
 *            policy  report      rules       net (src/net, enrichers)
 *               │       │      ┌──┴──────┐   │
 *               │       │  typosquat   facts ┘
 *               │       │      │      ┌─┴───────┐
 *               │       │      uv ────┘     workflows
 *               │       │      └─────┬───────┘
 *               │       │          source
 *               └───────┴──────── settings
 *                                  core
 *
 * Beside them, `lockgate fix`: the planner (src/fix/, pure edits over the uv and workflow models)
 * and its edge (src/fix/run.ts, cli.ts: reads files, asks GitHub, runs the engine), which the CLI
 * calls; the action imports only the planner (suggested changes).
 */
export const LAYERS = [
  // Finding, severities, tool version, text helpers: what every layer speaks.
  { name: 'core', files: ['src/findings.ts', 'src/version.ts', 'src/core/'], may: [] },
  // The resolved settings and config: read by everything that runs, depends on nothing but core.
  { name: 'settings', files: ['src/settings/'], may: ['core'] },
  // The files of a revision (git, the working tree): the input every model is built from.
  { name: 'source', files: ['src/source/'], may: ['core', 'settings'] },
  // The uv model (lock, pyproject, uv config, TOML, PEP 440/508 today): facts about the project files.
  { name: 'uv', files: ['src/uv/'], may: ['core', 'settings', 'source'] },
  // The workflow model (YAML, uses: sites, shell, expressions): facts about the workflow files; never uv.
  { name: 'workflows', files: ['src/workflows/'], may: ['core', 'settings', 'source'] },
  // Name matching against the popular-package ranking: reads lock names, nothing above the models.
  { name: 'typosquat', files: ['src/typosquat/'], may: ['core', 'settings', 'source', 'uv'] },
  // What the network said (IndexFacts, GithubFacts), its keys and the pure checks over it: read by rules, written by net.
  { name: 'facts', files: ['src/facts/'], may: ['core', 'settings', 'source', 'uv', 'workflows'] },
  // The network edge: package index and GitHub clients that fill the facts before the rules run.
  { name: 'net', files: ['src/net/', 'src/enrichers.ts'], may: ['core', 'settings', 'source', 'uv', 'workflows', 'facts'] },
  // The rules: pure over the models and facts, never the network.
  { name: 'rules', files: ['src/rules/'], may: ['core', 'settings', 'source', 'uv', 'workflows', 'typosquat', 'facts'] },
  // Ignores, exemptions, baselines, zizmor config: decides over findings, so it needs only core and settings.
  { name: 'policy', files: ['src/policy/'], may: ['core', 'settings'] },
  // The reporters render a report: findings and settings, never the models or the rule registry.
  { name: 'report', files: ['src/report/'], may: ['core', 'settings'] },
  // The fix planner (issue 17): pure edits computed from findings and file texts; the network is an injected resolver.
  { name: 'fix', files: ['src/fix/'], may: ['core', 'settings', 'source', 'uv', 'workflows'] },
  // Orchestration: reads the sources, builds the models, asks the network, runs rules, policy, report.
  {
    name: 'engine',
    files: ['src/engine.ts'],
    may: ['core', 'settings', 'source', 'uv', 'workflows', 'typosquat', 'facts', 'net', 'rules', 'policy', 'report'],
  },
  // The two front ends: they call the engine and render; neither reaches into rules or models.
  // The edge of `lockgate fix`: scans through the engine, wires the GitHub client, writes the files.
  { name: 'fix-edge', files: ['src/fix/run.ts', 'src/fix/cli.ts'], may: ['core', 'settings', 'source', 'workflows', 'net', 'report', 'engine', 'fix'] },
  { name: 'action', files: ['src/action/'], may: ['core', 'settings', 'source', 'net', 'policy', 'report', 'engine', 'fix'] },
  { name: 'cli', files: ['src/cli/'], may: ['core', 'settings', 'source', 'net', 'policy', 'report', 'engine', 'fix-edge'] },
];

/**
 * Imports that break the table today, in files whose owner removes them with a later item of issue
 * 13. Each entry must still occur (a stale one fails the check), so the list only shrinks.
 */
export const ALLOWED = [];

const EXTENSIONS = ['.ts', '.d.ts'];

function listTs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

function toPosix(p) {
  return p.split(path.sep).join('/');
}

/** The .ts file a relative specifier names (`./x.js` is `./x.ts` under NodeNext), or null. */
function resolve(fromAbs, specifier) {
  const base = path.resolve(path.dirname(fromAbs), specifier);
  const candidates = [];
  if (/\.[cm]?js$/.test(base)) candidates.push(base.replace(/\.([cm]?)js$/, '.$1ts'));
  candidates.push(base);
  for (const ext of EXTENSIONS) candidates.push(base + ext);
  for (const ext of EXTENSIONS) candidates.push(path.join(base, `index${ext}`));
  return candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile()) ?? null;
}

export function layerOf(relPath, layers = LAYERS) {
  let best = null;
  let bestLength = -1;
  for (const layer of layers) {
    for (const prefix of layer.files) {
      const matches = prefix.endsWith('/') ? relPath.startsWith(prefix) : relPath === prefix;
      if (matches && prefix.length > bestLength) {
        best = layer;
        bestLength = prefix.length;
      }
    }
  }
  return best;
}

/** Every relative import of src/**\/*.ts below `root`, checked against the table. */
export function checkLayers(root, { layers = LAYERS, allowed = ALLOWED } = {}) {
  const problems = [];
  const used = new Set();
  let imports = 0;
  const files = listTs(path.join(root, 'src'));
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  for (const layer of layers) for (const other of layer.may) if (!byName.has(other)) problems.push(`layer ${layer.name}: unknown layer ${other}`);
  for (const abs of files) {
    const rel = toPosix(path.relative(root, abs));
    const from = layerOf(rel, layers);
    if (!from) {
      problems.push(`${rel}: in no layer (add its folder to the table in scripts/check-layers.mjs)`);
      continue;
    }
    const info = ts.preProcessFile(fs.readFileSync(abs, 'utf8'), true, true);
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith('.')) continue;
      imports++;
      const targetAbs = resolve(abs, specifier);
      if (!targetAbs) {
        problems.push(`${rel} -> ${specifier} (does not resolve to a file)`);
        continue;
      }
      const target = toPosix(path.relative(root, targetAbs));
      if (!target.startsWith('src/')) {
        problems.push(`${rel} -> ${target} (src/ may not import outside src/)`);
        continue;
      }
      const to = layerOf(target, layers);
      if (!to) continue; // reported as a file of no layer on its own turn
      if (to === from || from.may.includes(to.name)) continue;
      const exception = allowed.findIndex((entry) => entry.from === rel && entry.to === target);
      if (exception >= 0) {
        used.add(exception);
        continue;
      }
      problems.push(`${rel} -> ${target} (layer ${from.name} may not import layer ${to.name})`);
    }
  }
  allowed.forEach((entry, i) => {
    if (!used.has(i)) problems.push(`allow-list entry ${entry.from} -> ${entry.to} no longer occurs: remove it from scripts/check-layers.mjs`);
  });
  return { problems, files: files.length, imports, exceptions: used.size };
}

function main(argv) {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let allowed = ALLOWED;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = path.resolve(argv[++i] ?? '.');
    else if (argv[i] === '--no-allow-list') allowed = [];
    else {
      console.error(`check-layers: unknown argument ${argv[i]}`);
      return 2;
    }
  }
  const result = checkLayers(root, { allowed });
  for (const problem of result.problems) console.log(problem);
  console.log(
    `check-layers: ${result.files} files, ${result.imports} relative imports, ${result.exceptions} allow-listed, ${result.problems.length} violation${result.problems.length === 1 ? '' : 's'}`,
  );
  return result.problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
