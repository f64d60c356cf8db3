/**
 * Findings about what a change does to the lock: source-changed, hash-changed, new-index, downgrade,
 * lock-missing. Pure functions over ProjectPair; the rule modules in src/rules only call them.
 * Names, URLs and paths come from hostile files and go into messages as they are (reporters escape),
 * except that credentials in URLs are removed.
 */
import { makeFinding, type Finding } from '../findings.js';
import type { ChangeDetail, IndexConfig, LockPackage, LockSource, ProjectPair, Pyproject, UvProject } from './model.js';
import { describeSource } from './lock.js';
import { keyPath, lineOf } from './toml.js';
import { asStringArray, isTable, own } from './values.js';

/** A URL with any `user:password@` removed, for messages and fingerprints. */
export function redactCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, '$1');
}

function label(pkg: LockPackage): string {
  return pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name;
}

function packageRef(pkg: LockPackage): { name: string; version?: string } {
  return pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name };
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9._=@:+\/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function details(pair: ProjectPair): ChangeDetail[] {
  return pair.changeDetails ?? [];
}

// ---------------------------------------------------------------------------------------------
// source-changed

/** A git URL compared loosely: case-insensitive host, no trailing `.git` or `/`. */
function gitRepoKey(url: string): string {
  let out = url.trim().replace(/\/+$/, '').replace(/\.git$/i, '');
  out = out.replace(/^(git\+)?([a-z]+:\/\/)([^/]+)/i, (_m, _plus: string, scheme: string, host: string) => `${scheme.toLowerCase()}${host.toLowerCase()}`);
  return out;
}

/**
 * Whether a source move takes the package somewhere else. Moves onto a registry are what a project
 * normally does (a local checkout or fork given up for the release), and a git source moving to
 * another commit of the same repository is an update, not a new origin; everything else is.
 */
export function isSuspiciousSourceChange(from: LockSource, to: LockSource): boolean {
  if (to.kind === 'registry') return from.kind === 'registry' && from.url !== to.url;
  if (from.kind === 'git' && to.kind === 'git') {
    return gitRepoKey(from.url) !== gitRepoKey(to.url) || (from.subdirectory ?? '') !== (to.subdirectory ?? '');
  }
  if (from.kind === 'url' && to.kind === 'url') return from.url !== to.url || (from.subdirectory ?? '') !== (to.subdirectory ?? '');
  const local = (s: LockSource): s is Extract<LockSource, { path: string }> => s.kind === 'path' || s.kind === 'directory' || s.kind === 'editable' || s.kind === 'virtual';
  // The same local path, only made editable (or not): not a new origin.
  if (local(from) && local(to)) return from.path !== to.path;
  return true;
}

export function sourceChangedFindings(pairs: ProjectPair[]): Finding[] {
  const out: Finding[] = [];
  for (const pair of pairs) {
    for (const detail of details(pair)) {
      if (detail.change.kind !== 'source-changed' || !detail.base || !detail.head) continue;
      const from = detail.base.source;
      const to = detail.head.source;
      if (!isSuspiciousSourceChange(from, to)) continue;
      const fromText = redactCredentials(describeSource(from));
      const toText = redactCredentials(describeSource(to));
      const why =
        from.kind === 'registry' && to.kind === 'registry'
          ? 'Another index can serve different files under the same name and version (dependency confusion).'
          : from.kind === 'registry'
            ? 'The package no longer comes from its index: whoever controls the new source decides what gets installed, and the index release no longer vouches for it.'
            : 'Whoever controls the new source decides what gets installed.';
      out.push(
        makeFinding({
          rule: 'source-changed',
          severity: 'error',
          file: pair.lockFile,
          line: detail.head.line,
          message: `${label(detail.head)} now comes from ${toText}, no longer from ${fromText}${detail.base.version && detail.base.version !== detail.head.version ? ` (${detail.base.version})` : ''}. ${why}`,
          fix:
            `If the move is not intended, remove the entry for ${detail.head.name} from [tool.uv.sources] (or the index setting that moved it) and run \`uv lock\`. ` +
            `If it is, review the new source, then record the decision in the lockgate config:\nignore:\n  - rule: source-changed\n    package: ${JSON.stringify(detail.head.name)}\n    reason: <why this source is trusted>\n    until: <YYYY-MM-DD>`,
          package: packageRef(detail.head),
          introduced: true,
          subject: `${detail.head.name}:${toText}`,
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// hash-changed

function shortHash(hash: string | undefined): string {
  if (!hash) return '(none)';
  const colon = hash.indexOf(':');
  const digest = colon === -1 ? hash : hash.slice(colon + 1);
  return `${colon === -1 ? '' : hash.slice(0, colon + 1)}${digest.slice(0, 16)}${digest.length > 16 ? '…' : ''}`;
}

export function hashChangedFindings(pairs: ProjectPair[]): Finding[] {
  const out: Finding[] = [];
  for (const pair of pairs) {
    for (const detail of details(pair)) {
      if (detail.change.kind !== 'hash-changed' || !detail.head || !detail.changedArtifacts?.length) continue;
      const [first, ...rest] = detail.changedArtifacts;
      const filename = first!.head.filename ?? first!.head.url ?? first!.head.kind;
      const more = rest.length > 0 ? ` (and ${rest.length} more of its files: ${rest.slice(0, 3).map((c) => c.head.filename ?? c.head.kind).join(', ')}${rest.length > 3 ? ', …' : ''})` : '';
      const source = redactCredentials(describeSource(detail.head.source));
      out.push(
        makeFinding({
          rule: 'hash-changed',
          severity: 'error',
          file: pair.lockFile,
          line: first!.head.line ?? detail.head.line,
          message:
            `${label(detail.head)} from ${source} is locked with other bytes for ${filename}: ${shortHash(first!.base.hash)} became ${shortHash(first!.head.hash)}${more}. ` +
            `A published file never changes, so this is a hand-edited lock, a re-uploaded file or a tampered index.`,
          fix:
            `Do not merge until you know why. Restore the previous lock entry (\`git checkout <base> -- ${shellWord(pair.lockFile)}\`) and run \`uv lock\`; ` +
            `if uv writes the new hash again, the index now serves different bytes: ask its owner before trusting them.`,
          package: packageRef(detail.head),
          introduced: true,
          subject: `${detail.head.name}@${detail.head.version ?? ''}:${filename}`,
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// downgrade

export function downgradeFindings(pairs: ProjectPair[]): Finding[] {
  const out: Finding[] = [];
  for (const pair of pairs) {
    for (const detail of details(pair)) {
      if (detail.change.kind !== 'downgraded' || !detail.head || !detail.base) continue;
      out.push(
        makeFinding({
          rule: 'downgrade',
          severity: 'notice',
          file: pair.lockFile,
          line: detail.head.line,
          message: `${detail.head.name} goes down from ${detail.base.version ?? '?'} to ${detail.head.version ?? '?'}. A downgrade can bring back bugs and vulnerabilities fixed in between; make sure it is intended.`,
          fix: `If it is not intended, undo the change that lowered it (a tighter specifier, constraint or override) and run \`uv lock --upgrade-package ${shellWord(detail.head.name)}\`.`,
          package: packageRef(detail.head),
          introduced: true,
          subject: `${detail.head.name}:${detail.base.version ?? ''}->${detail.head.version ?? ''}`,
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// new-index

/** PyPI is where uv resolves without any index setting; it is never "new". */
const DEFAULT_INDEX_URLS = new Set(['https://pypi.org/simple', 'https://pypi.org/simple/']);

function indexKey(url: string): string {
  return redactCredentials(url.trim()).replace(/\/+$/, '');
}

function lockRegistryLines(project: UvProject | null): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const pkg of project?.lock?.packages ?? []) {
    if (pkg.source.kind !== 'registry') continue;
    const key = indexKey(pkg.source.url);
    if (!out.has(key)) out.set(key, pkg.line);
  }
  return out;
}

function knownIndexes(project: UvProject | null): Set<string> {
  const out = new Set<string>();
  if (!project) return out;
  for (const index of project.indexes) out.add(indexKey(index.url));
  for (const key of lockRegistryLines(project).keys()) out.add(key);
  return out;
}

function declaration(index: IndexConfig): string {
  switch (index.declaredAs) {
    case 'index-url':
      return '`index-url`';
    case 'extra-index-url':
      return '`extra-index-url`';
    case 'find-links':
      return '`find-links`';
    default:
      return index.name ? `[[tool.uv.index]] "${index.name}"` : '[[tool.uv.index]]';
  }
}

export function newIndexFindings(pairs: ProjectPair[]): Finding[] {
  const out: Finding[] = [];
  for (const pair of pairs) {
    const head = pair.head;
    if (!head) continue;
    const known = knownIndexes(pair.base);
    const reported = new Set<string>();
    for (const index of head.indexes) {
      const key = indexKey(index.url);
      if (DEFAULT_INDEX_URLS.has(key) || DEFAULT_INDEX_URLS.has(`${key}/`) || known.has(key) || reported.has(key)) continue;
      reported.add(key);
      const file = index.file ?? head.rootPyproject.file;
      const explicitNote = index.explicit
        ? 'It is `explicit`, so only packages pinned to it in [tool.uv.sources] use it.'
        : 'It is not `explicit`, so uv may take any package from it, including names that also exist on PyPI (dependency confusion).';
      out.push(
        makeFinding({
          rule: 'new-index',
          severity: 'warning',
          file,
          line: index.line,
          message: `${key} is a new package index for this project (${declaration(index)}). ${explicitNote} Whoever runs an index decides what code it serves.`,
          fix: index.explicit
            ? 'Make sure you trust this index and that only the packages that need it are pinned to it in [tool.uv.sources].'
            : `If only some packages need it, declare it explicit and pin them:\n[[tool.uv.index]]\nname = "${index.name ?? 'private'}"\nurl = "${key}"\nexplicit = true\n\n[tool.uv.sources]\n<package> = { index = "${index.name ?? 'private'}" }\nthen run \`uv lock\`. If it is not needed, remove it and run \`uv lock\`.`,
          introduced: true,
          subject: `index:${key}`,
        }),
      );
    }
    for (const [key, line] of lockRegistryLines(head)) {
      if (DEFAULT_INDEX_URLS.has(key) || DEFAULT_INDEX_URLS.has(`${key}/`) || known.has(key) || reported.has(key)) continue;
      reported.add(key);
      out.push(
        makeFinding({
          rule: 'new-index',
          severity: 'warning',
          file: pair.lockFile,
          line,
          message: `The lock takes packages from ${key}, a package index it did not use before and that the project settings do not declare. Whoever runs an index decides what code it serves.`,
          fix: 'Find out which setting or command added this index (an environment variable such as UV_INDEX_URL, or a user uv.toml); declare it in pyproject.toml if it is intended, otherwise run `uv lock` without it.',
          introduced: true,
          subject: `index:${key}`,
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// lock-missing

function hasEntries(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isTable(value)) return Object.values(value).some((list) => Array.isArray(list) && list.length > 0);
  return false;
}

/** The line of the first dependency declaration of a pyproject, or undefined when it declares none. */
function dependencyLine(pyproject: Pyproject): number | undefined {
  const project = own(pyproject.raw, 'project');
  const candidates: [unknown, string][] = [
    [own(project, 'dependencies'), keyPath('project', 'dependencies')],
    [own(project, 'optional-dependencies'), keyPath('project', 'optional-dependencies')],
    [own(pyproject.raw, 'dependency-groups'), keyPath('dependency-groups')],
    [own(own(own(pyproject.raw, 'tool'), 'uv'), 'dev-dependencies'), keyPath('tool', 'uv', 'dev-dependencies')],
  ];
  for (const [value, path] of candidates) {
    if (hasEntries(value)) return lineOf(pyproject.lines, path) ?? lineOf(pyproject.lines, 'project') ?? 1;
  }
  // `dynamic = ["dependencies"]`: the build backend supplies them; a lock is still needed.
  if ((asStringArray(own(project, 'dynamic')) ?? []).some((key) => key === 'dependencies' || key === 'optional-dependencies')) {
    return lineOf(pyproject.lines, keyPath('project', 'dynamic')) ?? 1;
  }
  return undefined;
}

export function lockMissingFindings(pairs: ProjectPair[]): Finding[] {
  const out: Finding[] = [];
  for (const pair of pairs) {
    const head = pair.head;
    if (!head || head.lock || (head.lockState ?? 'missing') !== 'missing') continue;
    let where: { file: string; line: number } | undefined;
    for (const pyproject of [head.rootPyproject, ...head.members]) {
      const line = dependencyLine(pyproject);
      if (line !== undefined) {
        where = { file: pyproject.file, line };
        break;
      }
    }
    if (!where) continue;
    const dir = head.root === '' ? '' : ` --directory ${shellWord(head.root)}`;
    const introduced = !(pair.base && !pair.base.lock && (pair.base.lockState ?? 'missing') === 'missing');
    out.push(
      makeFinding({
        rule: 'lock-missing',
        severity: 'error',
        file: where.file,
        line: where.line,
        message: `This uv project declares dependencies but has no ${head.lockFile}, so every install resolves afresh: versions, files and indexes are whatever they are that day, and nothing in review pins them.`,
        fix: `Run \`uv lock${dir}\`, commit ${head.lockFile}, and install with \`uv sync --locked\`.`,
        introduced,
        subject: head.lockFile,
      }),
    );
  }
  return out;
}
