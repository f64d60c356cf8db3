// Builds the action and the CLI with @vercel/ncc as ESM bundles, each as two files: a small entry
// that starts fast (dist/index.js, dist/cli.js: an event that exits early, --version, --help) and
// the full check it imports only when there is one to run (dist/index-check.js, dist/cli-check.js),
// with the licences of the bundled packages in dist/licenses.txt. Deterministic: CI rebuilds and diffs.
// ncc type-checks what tsconfig.json includes: the sources only (tests use tsconfig.test.json).
//
// `node scripts/build.mjs [--out DIR] [--only action|cli]`: DIR (default dist) gets the files (and
// the licences of what was built); only a build into dist/ regenerates src/rules/docs.generated.ts
// first (the e2e tests build a copy of src/ elsewhere, the action only).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const option = (name) => {
  const at = process.argv.indexOf(name);
  if (at !== -1 && !process.argv[at + 1]) throw new Error(`${name} needs a value`);
  return at === -1 ? null : process.argv[at + 1];
};
const out = option('--out') ?? 'dist';
const only = option('--only');
if (only !== null && only !== 'action' && only !== 'cli') throw new Error('--only is action or cli');
if (option('--out') === null) {
  const { generateDocsModule } = await import('./gen-docs.mjs');
  writeFileSync('src/rules/docs.generated.ts', generateDocsModule());
}

const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
/**
 * Each entry imports its check by the source's relative specifier with `webpackIgnore` (ncc leaves
 * the import as it is); the build points it at the check's file name in the output.
 */
const targets = [
  { part: 'cli', entry: 'src/cli/main.ts', file: 'cli.js', shebang: true, imports: { specifier: './run.js', file: 'cli-check.js' } },
  { part: 'cli', entry: 'src/cli/run.ts', file: 'cli-check.js' },
  { part: 'action', entry: 'src/action/main.ts', file: 'index.js', imports: { specifier: './check.js', file: 'index-check.js' } },
  { part: 'action', entry: 'src/action/check.ts', file: 'index-check.js' },
].filter((target) => only === null || target.part === only);
const work = mkdtempSync(join(tmpdir(), 'lockgate-build-'));
try {
  // Two at a time: ncc is mostly single-threaded.
  const built = [];
  for (let i = 0; i < targets.length; i += 2) {
    built.push(...(await Promise.all(targets.slice(i, i + 2).map((target, j) => bundle(target, join(work, String(i + j)))))));
  }
  mkdirSync(out, { recursive: true });
  for (const { target, code } of built) writeFileSync(join(out, target.file), code, { mode: target.imports ? 0o755 : 0o644 });
  writeFileSync(join(out, 'licenses.txt'), licences(built));
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function bundle(target, outDir) {
  await promisify(execFile)(process.execPath, [ncc, 'build', target.entry, '-o', outDir, '--license', 'licenses.txt', '--quiet', '--target', 'es2022'], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error) => {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw new Error(`ncc failed for ${target.entry}`);
  });
  const file = ['index.js', 'index.mjs'].map((name) => join(outDir, name)).find(existsSync);
  if (!file) throw new Error(`ncc produced no bundle for ${target.entry}`);
  let code = readFileSync(file, 'utf8');
  if (target.imports) code = pointImport(code, target);
  if (target.shebang && !code.startsWith('#!')) code = `#!/usr/bin/env node\n${code}`;
  const licencesFile = join(outDir, 'licenses.txt');
  return { target, code, licences: existsSync(licencesFile) ? readFileSync(licencesFile, 'utf8') : '' };
}

/** `import('./run.js')` in the entry's bundle becomes `import('./cli-check.js')`: exactly one, or the build fails. */
function pointImport(code, target) {
  const { specifier, file } = target.imports;
  const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pattern = new RegExp(`import\\((\\s*/\\*[^*]*\\*/)?\\s*(["'])${escaped}\\2\\s*\\)`, 'g');
  const found = code.match(pattern)?.length ?? 0;
  if (found !== 1) throw new Error(`${target.entry}: expected one import('${specifier}') left by ncc in the bundle, found ${found}`);
  return code.replace(pattern, `import("./${file}")`);
}

/**
 * One licences file for the four bundles: the union of ncc's lists. ncc writes each package as its
 * name, its licence id and its licence text, after a blank line (two when the text ends with a
 * newline), in name order. Package names come from node_modules; each list must render back to
 * itself, and a package two bundles list must read the same, or the build fails rather than ship a
 * wrong file.
 */
function licences(built) {
  const names = new Set();
  for (const entry of readdirSync('node_modules')) {
    if (entry.startsWith('@')) for (const inner of readdirSync(join('node_modules', entry))) names.add(`${entry}/${inner}`);
    else names.add(entry);
  }
  /** name → its text without trailing newlines, and the newlines after it when another follows. */
  const render = (blocks) => {
    const sorted = [...blocks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return sorted.map(([, { text, gap }], i) => text + (i === sorted.length - 1 ? '\n' : '\n'.repeat(gap ?? 2))).join('');
  };
  const union = new Map();
  for (const { target, licences: list } of built) {
    if (list.trim() === '') continue;
    const lines = list.split('\n');
    const starts = lines.flatMap((line, i) => ((i === 0 || lines[i - 1] === '') && names.has(line) ? [i] : []));
    if (starts[0] !== 0) throw new Error(`${target.entry}: its licences do not start with a package name`);
    const blocks = new Map();
    for (const [k, start] of starts.entries()) {
      const raw = lines.slice(start, starts[k + 1] ?? lines.length).join('\n');
      const text = raw.replace(/\n+$/, '');
      blocks.set(lines[start], { text, gap: k + 1 < starts.length ? raw.length - text.length + 1 : undefined });
    }
    if (render(blocks) !== list) throw new Error(`${target.entry}: its licences did not parse back to themselves`);
    for (const [name, block] of blocks) {
      const known = union.get(name);
      if (known && known.text !== block.text) throw new Error(`${name}: two bundles list different licence texts`);
      union.set(name, { text: block.text, gap: block.gap ?? known?.gap });
    }
  }
  return render(union);
}
