/**
 * zizmor's inline ignores, honoured for the equivalent lockgate rule: a repository that already
 * reviewed a finding with `# zizmor: ignore[dangerous-triggers]` should not have to say it twice.
 *
 * zizmor's rule (zizmor 1.x, `Finding::ignored_from_inline_comments`): the comment is a real YAML
 * comment matching `# zizmor: ignore[<audit>[, <audit>…]]` (then whitespace or the end of the line),
 * on any line spanned by one of the finding's locations. Those locations are YAML nodes: the `on:`
 * block for dangerous-triggers, the step for template-injection and the pinning audits, and so on.
 * lockgate points at a line inside that node (the trigger, the expression, the `uses:`), so the span
 * is rebuilt here from the document: the node of the same kind that holds the finding's line. A
 * `#` inside a string or a block scalar (`run: |` content) is text, not a comment, as for zizmor.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { speedupEnabled } from '../core/speedups.js';
import { readWorkflowYaml } from '../core/yaml-fast.js';

/** zizmor audit id -> lockgate rule id, for every audit lockgate has an equivalent of. */
export const ZIZMOR_EQUIVALENTS: Readonly<Record<string, string>> = {
  'unpinned-uses': 'unpinned-uses',
  'unpinned-images': 'unpinned-image',
  'ref-version-mismatch': 'ref-version-mismatch',
  'impostor-commit': 'impostor-commit',
  'ref-confusion': 'ref-confusion',
  'stale-action-refs': 'stale-action-ref',
  'known-vulnerable-actions': 'vulnerable-action',
  'template-injection': 'template-injection',
  'dangerous-triggers': 'dangerous-trigger',
  'excessive-permissions': 'excessive-permissions',
  artipacked: 'artipacked',
  'secrets-inherit': 'secrets-inherit',
  'dependabot-cooldown': 'dependabot-cooldown',
  'bot-conditions': 'bot-condition',
  'overprovisioned-secrets': 'overprovisioned-secrets',
  'unredacted-secrets': 'unredacted-secret',
  obfuscation: 'obfuscation',
  'unsound-contains': 'unsound-contains',
  'unsound-condition': 'unsound-condition',
  'insecure-commands': 'insecure-commands',
  'archived-uses': 'archived-uses',
  'forbidden-uses': 'forbidden-uses',
  'typosquat-uses': 'typosquat-uses',
  'cache-poisoning': 'cache-poisoning',
  'use-trusted-publishing': 'use-trusted-publishing',
  'github-env': 'github-env',
  'hardcoded-container-credentials': 'hardcoded-container-credentials',
  'dependabot-execution': 'dependabot-execution',
  misfeature: 'misfeature',
  'github-app': 'github-app',
  'unpinned-tools': 'unpinned-tool',
};

/**
 * Which node a zizmor finding of each audit spans, around the line lockgate reports:
 * - `on`: the workflow's `on:` entry (dangerous-triggers);
 * - `step`: the step holding the line (or the job, for a reusable-workflow call's `uses:`);
 * - `job`: the job holding the line;
 * - `update`: the dependabot `updates:` entry holding the line;
 * - `node`: the entry whose key is on the line, with everything under it (a job key, a
 *   `permissions:` block, an `image:`).
 */
type Scope = 'on' | 'step' | 'job' | 'update' | 'node';

const SCOPE_OF_RULE: Readonly<Record<string, Scope>> = {
  'dangerous-trigger': 'on',
  'template-injection': 'step',
  'unpinned-uses': 'step',
  'ref-version-mismatch': 'step',
  'impostor-commit': 'step',
  'ref-confusion': 'step',
  'stale-action-ref': 'step',
  'vulnerable-action': 'step',
  artipacked: 'step',
  'secrets-inherit': 'job',
  'dependabot-cooldown': 'update',
  'unpinned-image': 'node',
  'excessive-permissions': 'node',
  // zizmor spans the job or step around the `if:` (bot-conditions names it, unsound-condition hides it).
  'bot-condition': 'step',
  'unsound-condition': 'step',
  // The expression, `uses:` or `if:` itself (zizmor's raw expression span or the keyed entry).
  'overprovisioned-secrets': 'node',
  'unredacted-secret': 'node',
  obfuscation: 'node',
  'unsound-contains': 'node',
  'insecure-commands': 'node',
  // The step holding the uses: (or the job, for a reusable-workflow call), as for unpinned-uses.
  'archived-uses': 'step',
  'forbidden-uses': 'step',
  'typosquat-uses': 'step',
  'cache-poisoning': 'step',
  'use-trusted-publishing': 'step',
  'github-env': 'step',
  'hardcoded-container-credentials': 'job',
  'dependabot-execution': 'update',
  misfeature: 'step',
  'github-app': 'step',
  'unpinned-tool': 'step',
};

/** Rules whose related locations are where zizmor reports the same finding (so its comment sits there). */
const REPORTED_AT_RELATED: ReadonlySet<string> = new Set(['unpinned-image']);

/** zizmor's own pattern: `# zizmor: ignore[…]`, exactly spaced, then whitespace or the end of the line. */
const COMMENT_RE = /# zizmor: ignore\[([^\]\n]+)\](?=\s|$)/g;

interface Comment {
  line: number;
  /** The audits named, as written. */
  audits: string[];
  /** The comment as written, for the waiver's reason. */
  text: string;
}

/** One entry on the way from the document root down to a line: a map pair or a sequence item. */
interface Step {
  kind: 'pair' | 'item';
  /** The pair's key, or the key of the pair holding the sequence. */
  key: string;
  /** Depth of the enclosing map pairs (0 for a root key). */
  depth: number;
  startLine: number;
  endLine: number;
}

interface ParsedFile {
  comments: Comment[];
  chainAt(line: number, column: number | undefined): Step[];
}

const rangeOf = (node: unknown): [number, number, number] | undefined => (node as { range?: [number, number, number] } | null)?.range;

/** yaml's options for reading a file's zizmor comments (looser than the workflow parse: a file with a problem still has its comments read). */
export const ZIZMOR_YAML_OPTIONS = { uniqueKeys: false, strict: false } as const;

/**
 * The document and line starts of a file: the quick reader's document where it takes the text (the
 * nodes a looser parse gives are the same for a text the strict one reads cleanly), yaml's otherwise.
 */
function documentOf(text: string): { contents: unknown; lineStarts: number[] } {
  const quick = speedupEnabled('yaml-reader') ? readWorkflowYaml(text) : null;
  if (quick) return { contents: quick.contents, lineStarts: lineStartsOf(text) };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, ...ZIZMOR_YAML_OPTIONS });
  return { contents: doc.contents, lineStarts: lines.lineStarts };
}

/** What yaml's LineCounter records for a text: 0, then the offset after each line feed. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** yaml's LineCounter.linePos(offset).line over `lineStarts` (0 before the first line start). */
function lineAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lineStarts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (lineStarts[low] === offset) return low + 1;
  return low;
}

function parseFile(text: string): ParsedFile | null {
  let doc;
  let lineStarts: number[];
  try {
    ({ lineStarts, ...doc } = documentOf(text));
  } catch {
    return null;
  }
  const lineOf = (offset: number) => lineAt(lineStarts, offset);
  // Text ranges that are scalar content, where a `#` is not a comment.
  const textRanges: [number, number][] = [];
  const collect = (node: unknown): void => {
    if (isScalar(node)) {
      const range = rangeOf(node);
      if (!range) return;
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
        // The header line (`run: | # comment`) may carry a comment; the content lines are text.
        const next = lineStarts[lineOf(range[0])];
        if (next !== undefined && next < range[1]) textRanges.push([next, range[1]]);
      } else textRanges.push([range[0], range[1]]);
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          collect(item.key);
          collect(item.value);
        } else collect(item);
      }
    }
  };
  collect(doc.contents);
  const inText = (offset: number) => textRanges.some(([from, to]) => offset >= from && offset < to);

  const comments: Comment[] = [];
  for (const match of text.matchAll(COMMENT_RE)) {
    if (inText(match.index)) continue;
    const audits = match[1]!
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    comments.push({ line: lineOf(match.index), audits, text: match[0] });
  }

  const spanOf = (from: number, to: number) => ({ startLine: lineOf(from), endLine: lineOf(Math.max(from, to - 1)) });
  const chainAt = (line: number, column: number | undefined): Step[] => {
    const start = lineStarts[line - 1];
    if (start === undefined) return [];
    const lineText = text.slice(start, lineStarts[line] ?? text.length);
    const offset = start + (column !== undefined && column >= 1 ? column - 1 : lineText.length - lineText.trimStart().length);
    const chain: Step[] = [];
    let node: unknown = doc.contents;
    let key = '';
    let depth = 0;
    for (let guard = 0; guard < 1000 && node; guard++) {
      if (isMap(node)) {
        const pair = node.items.find((p: Pair) => {
          const from = rangeOf(p.key)?.[0];
          const to = rangeOf(p.value)?.[2] ?? rangeOf(p.key)?.[2];
          return from !== undefined && to !== undefined && offset >= from && offset < Math.max(to, from + 1);
        });
        if (!pair) break;
        key = isScalar(pair.key) ? String(pair.key.value) : '';
        const from = rangeOf(pair.key)![0];
        const to = rangeOf(pair.value)?.[2] ?? rangeOf(pair.key)![2];
        chain.push({ kind: 'pair', key, depth, ...spanOf(from, to) });
        depth++;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items.find((i) => {
          const range = rangeOf(i);
          return range !== undefined && offset >= range[0] && offset < Math.max(range[2], range[0] + 1);
        }) as Node | undefined;
        if (!item) break;
        const range = rangeOf(item)!;
        chain.push({ kind: 'item', key, depth, ...spanOf(range[0], range[2]) });
        node = item;
      } else break;
    }
    return chain;
  };
  return { comments, chainAt };
}

/** The lines a zizmor finding of the rule's audit would span, around the finding's line. */
function spanFor(rule: string, chain: Step[], line: number): { startLine: number; endLine: number } | null {
  const scope = SCOPE_OF_RULE[rule] ?? 'node';
  const job = chain.find((s) => s.kind === 'pair' && s.depth === 1 && chain[0]?.key === 'jobs');
  switch (scope) {
    case 'on':
      return chain[0] && (chain[0].key === 'on' || chain[0].key === 'true') ? chain[0] : null;
    case 'step':
      return [...chain].reverse().find((s) => s.kind === 'item' && s.key === 'steps') ?? job ?? null;
    case 'job':
      return job ?? null;
    case 'update':
      return [...chain].reverse().find((s) => s.kind === 'item' && s.key === 'updates') ?? null;
    case 'node':
      return [...chain].reverse().find((s) => s.startLine === line) ?? null;
  }
}

export class ZizmorIgnores {
  private cache = new Map<string, ParsedFile | null>();
  constructor(private texts: ReadonlyMap<string, string>) {}

  private fileOf(file: string): ParsedFile | null {
    if (this.cache.has(file)) return this.cache.get(file)!;
    const text = this.texts.get(file);
    const parsed = text !== undefined && /\.ya?ml$/i.test(file) && text.includes('zizmor: ignore[') ? parseFile(text) : null;
    this.cache.set(file, parsed);
    return parsed;
  }

  /**
   * The zizmor comment that waives a finding, as `# zizmor: ignore[audit] in file:line`, or null.
   * Only audits that map to the finding's rule count.
   */
  reasonFor(finding: {
    rule: string;
    file: string;
    line?: number;
    endLine?: number;
    column?: number;
    related?: readonly { file: string; line: number; column?: number }[];
  }): string | null {
    if (finding.line === undefined) return null;
    const parsed = this.fileOf(finding.file);
    if (!parsed) return null;
    const relevant = parsed.comments.filter((c) => c.audits.some((audit) => ZIZMOR_EQUIVALENTS[audit] === finding.rule));
    if (relevant.length === 0) return null;
    const spans = [{ startLine: finding.line, endLine: Math.max(finding.line, finding.endLine ?? finding.line) }];
    const own = spanFor(finding.rule, parsed.chainAt(finding.line, finding.column), finding.line);
    if (own) spans.push(own);
    // zizmor reports a matrix-fed image at the `${{ matrix.X }}` image, lockgate at the value: its comment sits there.
    if (REPORTED_AT_RELATED.has(finding.rule)) {
      for (const at of finding.related ?? []) {
        if (at.file !== finding.file) continue;
        spans.push({ startLine: at.line, endLine: at.line });
        const span = spanFor(finding.rule, parsed.chainAt(at.line, at.column), at.line);
        if (span) spans.push(span);
      }
    }
    const hit = relevant.find((c) => spans.some((span) => c.line >= span.startLine && c.line <= span.endLine));
    return hit ? `${hit.text} in ${finding.file}:${hit.line}` : null;
  }
}
