#!/usr/bin/env node
/**
 * Regenerates the two lists of GitHub Actions names the workflow rules ship:
 *   data/zizmor/archived-repos.txt            zizmor's archived repositories (archived-uses), as published
 *   data/zizmor/popular-actions.txt           zizmor's popular actions (typosquat-uses), as published
 *   data/zizmor/LICENSE                       zizmor's MIT licence, which the two copies keep
 *   src/workflows/archived-actions.generated.ts   the archived names plus data/archived-action-replacements.tsv
 *   src/typosquat/popular-actions.generated.ts    the popular names plus data/popular-actions-extra.txt
 *
 * Usage:
 *   node scripts/update-action-lists.mjs ZIZMOR [--out DIR]   # copy zizmor's lists, then render
 *   node scripts/update-action-lists.mjs [--out DIR]          # render from the copies in data/
 *
 * ZIZMOR is a zizmor checkout (a work tree) or a bare git directory of github.com/zizmorcore/zizmor;
 * the lists are read at its HEAD and the commit is written into every header. --out writes under DIR
 * instead of the repository (DIR/data, DIR/src/...), reading the hand-kept files from the repository.
 *
 * The lists are facts (names of repositories); zizmor's copies keep its copyright line and licence.
 * The hand-kept files are lockgate's own: replacements for archived actions, and popular actions of
 * the Python and uv ecosystem that zizmor's list does not have (seen in at least two repositories of
 * the workflow corpus, or the standard action of a Python packaging task).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ZIZMOR_URL = 'https://github.com/zizmorcore/zizmor';
export const ZIZMOR_ARCHIVED = 'crates/zizmor/data/archived-repos.txt';
export const ZIZMOR_POPULAR = 'crates/zizmor/data/popular-actions.txt';
const COPYRIGHT = 'Copyright (c) 2024 William Woodruff';

/** owner/repo as GitHub allows them (owner: letters, digits, `-`; repo: also `.` and `_`). */
const SLUG_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** The names of a list file: one `owner/repo` a line; `#` comments and blank lines skipped; a malformed line is an error. */
export function parseNames(text, where) {
  const names = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!SLUG_RE.test(line)) throw new Error(`${where}:${i + 1}: not an owner/repo name: ${JSON.stringify(line)}`);
    names.push(line);
  });
  return names;
}

/** `owner/repo<TAB>replacement` lines (comments and blank lines skipped). */
export function parseReplacements(text, where) {
  const rows = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const [name, replacement, ...rest] = raw.split('\t');
    if (!SLUG_RE.test(name ?? '') || !replacement?.trim() || rest.length > 0 || /[\r\n]/.test(replacement))
      throw new Error(`${where}:${i + 1}: expected owner/repo<TAB>replacement`);
    rows.push({ name, replacement: replacement.trim() });
  });
  return rows;
}

/** The header of a copied list: where it comes from, at which commit, under which licence. */
export function copyHeader(path, commit, date) {
  return [
    `# From zizmor (${ZIZMOR_URL}), ${path}`,
    `# at commit ${commit}${date ? ` (${date})` : ''}.`,
    `# ${COPYRIGHT}. MIT License: see data/zizmor/LICENSE.`,
    '# Regenerate with: node scripts/update-action-lists.mjs <zizmor checkout or git dir>',
    '',
  ].join('\n');
}

/** The commit and date a copied list names in its header. */
export function headerCommit(text) {
  const match = /^# at commit ([0-9a-f]{40})(?: \(([^)]+)\))?\./m.exec(text);
  return match ? { commit: match[1], date: match[2] ?? null } : null;
}

/** Names sorted case-insensitively, each once (compared case-insensitively: GitHub's names are). */
export function uniqueSorted(names) {
  const seen = new Map();
  for (const name of names) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, name]) => name);
}

/** One string of lines: a few thousand names cost a quote each, not quotes and a comma (see top-pypi.generated.ts). */
export function renderArchivedModule(archived, replacements, source) {
  const known = new Set(archived.map((name) => name.toLowerCase()));
  for (const { name } of replacements) {
    if (!known.has(name.toLowerCase())) throw new Error(`data/archived-action-replacements.tsv names ${name}, which is not in the archived list`);
  }
  const rows = [...replacements].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  return [
    '// Generated by scripts/update-action-lists.mjs. Do not edit by hand.',
    '/** Where the archived list comes from (zizmor, MIT License, Copyright (c) 2024 William Woodruff). */',
    `export const ARCHIVED_ACTIONS_SOURCE = ${JSON.stringify(source)};`,
    '/** Archived action repositories, `owner/repo` lower case, one a line. */',
    'export const ARCHIVED_ACTIONS =',
    `  ${JSON.stringify(uniqueSorted(archived.map((name) => name.toLowerCase())).join('\n'))};`,
    "/** lockgate's own `owner/repo<TAB>what to use instead` lines (data/archived-action-replacements.tsv). */",
    'export const ARCHIVED_ACTION_REPLACEMENTS =',
    `  ${JSON.stringify(rows.map(({ name, replacement }) => `${name.toLowerCase()}\t${replacement}`).join('\n'))};`,
    '',
  ].join('\n');
}

export function renderPopularModule(popular, extra, source) {
  return [
    '// Generated by scripts/update-action-lists.mjs. Do not edit by hand.',
    "/** Where the popular list comes from (zizmor, MIT License, Copyright (c) 2024 William Woodruff, plus lockgate's data/popular-actions-extra.txt). */",
    `export const POPULAR_ACTIONS_SOURCE = ${JSON.stringify(source)};`,
    '/** Popular actions, `owner/repo` as their owners spell them, one a line. */',
    'export const POPULAR_ACTIONS =',
    `  ${JSON.stringify(uniqueSorted([...popular, ...extra]).join('\n'))};`,
    '',
  ].join('\n');
}

/** Reads `path` at HEAD of a zizmor checkout or bare git directory: { text, commit, date }. */
export function readFromZizmor(dir, path) {
  const git = (...args) => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
  const gitDir = existsSync(join(dir, '.git')) ? join(dir, '.git') : dir;
  const commit = git('--git-dir', gitDir, 'rev-parse', 'HEAD');
  const date = git('--git-dir', gitDir, 'show', '-s', '--format=%cs', 'HEAD');
  const text = existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : git('--git-dir', gitDir, 'show', `HEAD:${path}`);
  return { text, commit, date };
}

const stripHeader = (text) =>
  text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');

async function main(argv) {
  let zizmor = null;
  let out = ROOT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write('usage: node scripts/update-action-lists.mjs [ZIZMOR-CHECKOUT-OR-GIT-DIR] [--out DIR]\n');
      return;
    } else zizmor = argv[i];
  }
  if (!out) throw new Error('--out needs a directory');
  let archivedText;
  let popularText;
  if (zizmor) {
    const archived = readFromZizmor(zizmor, ZIZMOR_ARCHIVED);
    const popular = readFromZizmor(zizmor, ZIZMOR_POPULAR);
    const license = readFromZizmor(zizmor, 'LICENSE');
    if (!license.text.includes('MIT License')) throw new Error('zizmor is no longer MIT-licensed: check its LICENSE before copying its lists');
    // Parsing first: a malformed upstream line stops the copy.
    parseNames(archived.text, ZIZMOR_ARCHIVED);
    parseNames(popular.text, ZIZMOR_POPULAR);
    archivedText = copyHeader(ZIZMOR_ARCHIVED, archived.commit, archived.date) + stripHeader(archived.text).trim() + '\n';
    popularText = copyHeader(ZIZMOR_POPULAR, popular.commit, popular.date) + stripHeader(popular.text).trim() + '\n';
    await mkdir(join(out, 'data', 'zizmor'), { recursive: true });
    await writeFile(join(out, 'data', 'zizmor', 'archived-repos.txt'), archivedText);
    await writeFile(join(out, 'data', 'zizmor', 'popular-actions.txt'), popularText);
    await writeFile(join(out, 'data', 'zizmor', 'LICENSE'), license.text.endsWith('\n') ? license.text : `${license.text}\n`);
  } else {
    archivedText = await readFile(join(ROOT, 'data', 'zizmor', 'archived-repos.txt'), 'utf8');
    popularText = await readFile(join(ROOT, 'data', 'zizmor', 'popular-actions.txt'), 'utf8');
  }
  const { archivedModule, popularModule, counts } = await renderModules(archivedText, popularText);
  await mkdir(join(out, 'src', 'workflows'), { recursive: true });
  await mkdir(join(out, 'src', 'typosquat'), { recursive: true });
  await writeFile(join(out, 'src', 'workflows', 'archived-actions.generated.ts'), archivedModule);
  await writeFile(join(out, 'src', 'typosquat', 'popular-actions.generated.ts'), popularModule);
  process.stdout.write(`wrote ${counts.archived} archived (${counts.replacements} with a replacement) and ${counts.popular} popular actions to ${out}\n`);
}

/** Both generated modules from the two copied lists and the hand-kept files of this repository. */
export async function renderModules(archivedText, popularText) {
  const archived = parseNames(archivedText, 'data/zizmor/archived-repos.txt');
  const popular = parseNames(popularText, 'data/zizmor/popular-actions.txt');
  const replacements = parseReplacements(
    await readFile(join(ROOT, 'data', 'archived-action-replacements.tsv'), 'utf8'),
    'data/archived-action-replacements.tsv',
  );
  const extra = parseNames(await readFile(join(ROOT, 'data', 'popular-actions-extra.txt'), 'utf8'), 'data/popular-actions-extra.txt');
  const a = headerCommit(archivedText);
  const p = headerCommit(popularText);
  if (!a || !p) throw new Error('a copied list has no "# at commit <sha>" header: regenerate it from a zizmor checkout');
  const archivedSource = `zizmor ${ZIZMOR_ARCHIVED} at ${a.commit}${a.date ? ` (${a.date})` : ''}, ${ZIZMOR_URL}`;
  const popularSource = `zizmor ${ZIZMOR_POPULAR} at ${p.commit}${p.date ? ` (${p.date})` : ''}, ${ZIZMOR_URL}; plus data/popular-actions-extra.txt`;
  return {
    archivedModule: renderArchivedModule(archived, replacements, archivedSource),
    popularModule: renderPopularModule(popular, extra, popularSource),
    counts: { archived: uniqueSorted(archived).length, replacements: replacements.length, popular: uniqueSorted([...popular, ...extra]).length },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`update-action-lists: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
