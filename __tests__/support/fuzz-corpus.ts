/**
 * Material for the fuzz suites: the uv and workflow fixtures (copies of the shared corpus plus the
 * hand-made cases) as in-memory trees, hostile strings, and text mutations described as small
 * values (so a failing case prints a short counterexample, not a megabyte of TOML).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Files of one uv project as the repository would hold them: repo-relative path -> text. */
export type Tree = Record<string, string>;

const UV_NAMES = new Set(['pyproject.toml', 'uv.lock', 'uv.toml']);

function walkFiles(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walkFiles(full, out);
    else out.push(full);
  }
}

export interface UvTree {
  /** Fixture folder it came from (for messages). */
  origin: string;
  files: Tree;
  bytes: number;
}

let uvTreesCache: UvTree[] | null = null;

/**
 * Every fixture folder that holds a pyproject.toml or a uv.lock directly, with the uv files under it
 * (workspace members included), paths relative to that folder. Folders named base/head count as
 * separate trees; `pairs()` joins them.
 */
export function uvTrees(): UvTree[] {
  if (uvTreesCache) return uvTreesCache;
  const roots = ['uv', 'cooldown', 'uv-settings', 'typosquat']
    .map((d) => join(FIXTURES, d))
    .filter((d) => {
      try {
        return statSync(d).isDirectory();
      } catch {
        return false;
      }
    });
  const all: string[] = [];
  for (const root of roots) walkFiles(root, all);
  const uvFiles = all.filter((f) => UV_NAMES.has(f.slice(f.lastIndexOf(sep) + 1)));
  const dirs = [...new Set(uvFiles.map((f) => f.slice(0, f.lastIndexOf(sep))))].sort();
  // A tree root is a folder with uv files whose parent chain holds none (members join their root).
  const rootDirs = dirs.filter((dir) => !dirs.some((other) => other !== dir && dir.startsWith(other + sep)));
  uvTreesCache = rootDirs.map((root) => {
    const files: Tree = {};
    let bytes = 0;
    for (const file of uvFiles.filter((f) => f.startsWith(root + sep))) {
      const text = readFileSync(file, 'utf8');
      files[relative(root, file).split(sep).join('/')] = text;
      bytes += text.length;
    }
    return { origin: relative(FIXTURES, root), files, bytes };
  });
  return uvTreesCache;
}

/** Trees small enough to mutate thousands of times (a few KB to ~70 KB). */
export function smallUvTrees(maxBytes = 70_000): UvTree[] {
  return uvTrees().filter((t) => t.bytes <= maxBytes && Object.keys(t.files).some((p) => p.endsWith('uv.lock')));
}

/** base/head fixture pairs (cooldown, cases, sync…), as [base, head] trees. */
export function uvPairs(): [UvTree, UvTree][] {
  const byOrigin = new Map(uvTrees().map((t) => [t.origin, t]));
  const out: [UvTree, UvTree][] = [];
  for (const [origin, tree] of byOrigin) {
    if (!origin.endsWith(`${sep}base`)) continue;
    const head = byOrigin.get(origin.slice(0, -'base'.length) + 'head');
    if (head) out.push([tree, head]);
  }
  return out;
}

let workflowsCache: { path: string; text: string }[] | null = null;

/** Workflow, action and dependabot YAML of the fixtures, with a repo path that makes loaders read them. */
export function workflowTexts(): { path: string; text: string }[] {
  if (workflowsCache) return workflowsCache;
  const all: string[] = [];
  walkFiles(join(FIXTURES, 'workflows'), all);
  workflowsCache = all
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => {
      const rel = relative(join(FIXTURES, 'workflows'), f).split(sep).join('/');
      const base = rel.slice(rel.lastIndexOf('/') + 1);
      const path = /^action\.ya?ml$/.test(base) ? 'x/action.yml' : base.startsWith('dependabot') ? '.github/dependabot.yml' : `.github/workflows/${base}`;
      return { path, text: readFileSync(f, 'utf8') };
    });
  return workflowsCache;
}

/**
 * Strings that attack reporters and the runner: workflow commands (both syntaxes), escapes that
 * decode to newlines, HTML, Markdown links and images, mentions, terminal escapes, bidi overrides,
 * path tricks, huge and empty values.
 */
export const HOSTILE_STRINGS = [
  '::error::injected',
  '::error file=x,line=1::injected',
  '%0A::error::injected',
  '\n::error::injected',
  '\r\n::warning::injected',
  ' \n  ::notice::injected',
  'x ##[error]legacy',
  '##[stop-commands]tok',
  '##[add-mask]secret',
  '##[set-output name=x;]y',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<!-- lockgate-comment -->',
  '[click](https://evil.example/)',
  '![img](https://evil.example/p.png)',
  '@octocat',
  '@github/security please',
  'cc @someone',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  '\u202eevil\u202c',
  '\u0000nul',
  '`code` | pipe | *em* _u_ ~s~',
  '../../../etc/passwd',
  'x'.repeat(5000),
  '',
  ' ',
  'ünïcödé 🎉',
  '%25%0D%0A',
  '"quoted" \'single\' \\backslash',
  '${{ github.event.issue.title }}',
  'https://user:hunter2@evil.example/simple',
];

/** A TOML basic string holding `value` (so newlines and controls travel as escapes). */
export function tomlString(value: string): string {
  // JSON escapes every C0 control as TOML wants; DEL it leaves raw, and TOML refuses a raw DEL.
  return JSON.stringify(value).replace(/\u007f/g, '\\u007F');
}

/** A YAML double-quoted scalar holding `value`. */
export function yamlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * One text mutation. Positions are fractions of the text length (0..1) so that shrinking moves
 * them smoothly and they stay valid for any text.
 */
export type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'dupLine'; at: number }
  | { op: 'dropLine'; at: number }
  | { op: 'swapLines'; at: number; other: number }
  | { op: 'hostileValue'; at: number; hostile: number; quote: 'toml' | 'yaml' }
  | { op: 'indent'; at: number; by: number };

/** Characters that matter to TOML and YAML syntax, plus a few that matter to nobody. */
const SYNTAX_PIECES = [
  '"',
  "'",
  '"""',
  "'''",
  '[',
  ']',
  '[[',
  ']]',
  '{',
  '}',
  '=',
  ',',
  '.',
  '#',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '\\',
  ':',
  '- ',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>',
  '?',
  '%',
  '@',
  '0',
  '1.0',
  'true',
  'x',
  '-',
  '_',
  '\u00e9',
  '\ud83c\udf89',
  '\ufeff',
  '\u0000',
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.oneof(fc.constantFrom(...SYNTAX_PIECES), fc.string({ maxLength: 8 })),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('dupLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('dropLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('swapLines' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), other: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    op: fc.constant('hostileValue' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    hostile: fc.nat({ max: HOSTILE_STRINGS.length - 1 }),
    quote: fc.constantFrom('toml' as const, 'yaml' as const),
  }),
  fc.record({ op: fc.constant('indent' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), by: fc.integer({ min: -4, max: 4 }) }),
);

function lineBounds(text: string, offset: number): [number, number] {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const nl = text.indexOf('\n', offset);
  return [start, nl === -1 ? text.length : nl + 1];
}

/** Applies one mutation; `quote` picks how a hostile value is written (TOML or YAML scalar). */
export function mutate(text: string, m: Mutation): string {
  const pos = Math.min(text.length, Math.floor(m.at * text.length));
  switch (m.op) {
    case 'insert':
      return text.slice(0, pos) + m.text + text.slice(pos);
    case 'delete':
      return text.slice(0, pos) + text.slice(pos + m.length);
    case 'truncate':
      return text.slice(0, pos);
    case 'dupLine': {
      const [s, e] = lineBounds(text, pos);
      return text.slice(0, e) + text.slice(s, e) + text.slice(e);
    }
    case 'dropLine': {
      const [s, e] = lineBounds(text, pos);
      return text.slice(0, s) + text.slice(e);
    }
    case 'swapLines': {
      const lines = text.split('\n');
      const a = Math.min(lines.length - 1, Math.floor(m.at * lines.length));
      const b = Math.min(lines.length - 1, Math.floor(m.other * lines.length));
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'hostileValue': {
      // Replace the next quoted value at or after pos (or the value after the next `: `/`= `).
      const hostile = HOSTILE_STRINGS[m.hostile]!;
      const written = m.quote === 'toml' ? tomlString(hostile) : yamlString(hostile);
      const rest = text.slice(pos);
      const quoted = /"(?:[^"\\\n]|\\.)*"/.exec(rest);
      if (quoted) return text.slice(0, pos + quoted.index) + written + text.slice(pos + quoted.index + quoted[0].length);
      const plain = /(: |= )([^\n#]*)/.exec(rest);
      if (plain) return text.slice(0, pos + plain.index + 2) + written + text.slice(pos + plain.index + 2 + plain[2]!.length);
      return text + written;
    }
    case 'indent': {
      const [s] = lineBounds(text, pos);
      if (m.by >= 0) return text.slice(0, s) + ' '.repeat(m.by) + text.slice(s);
      let cut = s;
      while (cut < s - m.by && text[cut] === ' ') cut++;
      return text.slice(0, s) + text.slice(cut);
    }
  }
}

export function mutateAll(text: string, mutations: readonly Mutation[]): string {
  return mutations.reduce(mutate, text);
}

/** Number of lines a finding may point at in `text` (a final newline does not open a line). */
export function lineCount(text: string): number {
  if (text === '') return 1;
  const lines = text.split(/\r\n|\n/).length;
  return text.endsWith('\n') ? lines - 1 : lines;
}
