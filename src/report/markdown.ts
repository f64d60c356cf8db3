/**
 * The Markdown report: job summary, sticky PR comment, check-run text and `--format markdown`.
 *
 * What a reviewer sees first is a to-do list: one table row per package, action (or image) or
 * workflow file, with its problems (rule ids, the worst first), where they are, and the command
 * that fixes them. Identical findings (the same action and ref in 120 places) are one row with a
 * count and the first places; so are many packages or actions with the same problem and nothing
 * else (30 requirements not pinned). The messages and the full fixes follow, one collapsed
 * `<details>` per row; the dependency changes, waived and pre-existing findings are collapsed too.
 *
 * Every value comes from hostile input (package names, versions, URLs, messages that quote them),
 * so each one goes through `escapeText` or `codeSpan` (Markdown context), `htmlText` (inside an
 * HTML block, where Markdown escapes would show) or `preBlock`: no raw HTML, no link or image
 * syntax, no @mention that pings, no table breakage, no line that starts with a value. Only the
 * structure written here is Markdown/HTML.
 *
 * The output is kept under `maxBytes` (UTF-8 bytes; GitHub counts characters, and a string never
 * has more characters than UTF-8 bytes): the to-do rows first, then their details, then dependency
 * changes, waived and pre-existing findings, with a closing line saying what was left out and
 * where the rest is (the run's job summary; never a path on the runner).
 */
import { redactUrl } from '../core/text.js';
import { compareFindings, severityRank, type Finding, type Severity, type WaivedFinding } from '../findings.js';
import { fixSegments, primaryCommand, type FixSegment } from './fix-text.js';
import { filteredLine, qualifiersOf } from './qualifiers.js';
import type { ChangeRow, Report } from './types.js';

export interface MarkdownOptions {
  /** Hard ceiling on the UTF-8 size of the result. */
  maxBytes: number;
  /**
   * Where the full JSON report was written. No longer shown: a path on the runner is gone when
   * anyone reads the comment. The report names the `report-json` output instead.
   */
  reportJsonPath?: string;
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY and the head SHA: together they make file links. */
  serverUrl?: string;
  repository?: string;
  sha?: string;
  /** At most this many findings are listed (config `limits.maxRenderedFindings`). */
  maxFindings?: number;
  /** The workflow run: its page holds the full job summary. Linked from the PR comment. */
  runUrl?: string;
  /** Prepended verbatim (trusted): the sticky-comment marker. */
  preamble?: string;
  /**
   * Who reads it. `comment`: the PR comment, short (at most 20 rows, pre-existing findings as one
   * line, links to the run's job summary for the rest). `summary`: the job summary, the check run
   * and `--format markdown`, everything that fits. Default: `comment` when `runUrl` is set (the
   * action passes it to the comment only), else `summary`.
   */
  audience?: 'comment' | 'summary';
}

type Audience = 'comment' | 'summary';

interface Layout {
  /** Rows of the to-do table. */
  maxRows: number;
  /** Places listed in a row's Where cell. */
  placesInRow: number;
  /** Places listed for one problem in the details. */
  placesInDetails: number;
  /** Packages/actions listed in the details of a merged row. */
  membersInDetails: number;
  /** The dependency changes open rather than collapsed. */
  changesOpen: boolean;
}

const LAYOUTS: Record<Audience, Layout> = {
  comment: { maxRows: 20, placesInRow: 3, placesInDetails: 10, membersInDetails: 10, changesOpen: false },
  summary: { maxRows: Infinity, placesInRow: 3, placesInDetails: 50, membersInDetails: 200, changesOpen: true },
};

/** Rows with one and the same problem merge into one row from this many on. */
const MERGE_MIN_ROWS = 4;

const SEVERITY_LABEL: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  notice: ['notice', 'notices'],
};
const SEVERITY_ICON: Record<Severity, string> = { error: '🔴', warning: '🟠', notice: '🔵' };
const SEVERITIES: Severity[] = ['error', 'warning', 'notice'];

const MAX_VALUE_CHARS = 300;
const MAX_MESSAGE_CHARS = 1_000;
const MAX_FIX_CHARS = 2_000;
/** A prose fix shown in the to-do table (when it has no command) is at most this long. */
const MAX_FIX_CELL_CHARS = 100;

// C0/C1 controls (tab and newline are folded first), bidi overrides and isolates (Trojan Source),
// line/paragraph separators.
const UNSAFE_CHARS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const NEWLINES = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/**
 * An `@` where GitHub would start a mention: at the start or after a non-word character (its
 * mention pattern). `actions/checkout@v4` and `user@host` are left alone, so copied text still works.
 */
const MENTION_AT = /(?<![A-Za-z0-9_])@/g;

function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  // Do not cut a surrogate pair in half.
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(value.charAt(end - 1))) end--;
  return `${value.slice(0, end)}…`;
}

/** `user:password@` in URLs becomes `***@` (core/text.ts redactUrl): lock sources and messages may quote an index URL. */
export const redactUrlCredentials = (text: string): string => redactUrl(text, { mask: '***' });

function fold(value: string): string {
  return redactUrlCredentials(value).replace(NEWLINES, ' ').replace(/\t/g, ' ').replace(UNSAFE_CHARS, '\uFFFD');
}

/**
 * One line of inert Markdown text: HTML special characters become entities, inline Markdown
 * punctuation is backslash-escaped (so `[x](javascript:…)`, `![x](…)`, `*`, `_`, `~`, backticks and
 * table pipes are literal), a URL cannot become an autolink, and a mention-position `@` gets a
 * zero-width joiner so `@user` / `@org/team` never ping.
 */
export function escapeText(value: string, max = MAX_VALUE_CHARS): string {
  return (
    clip(fold(value), max)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // Values never start a line (newlines are folded, and `lineStart` guards the lines that begin
      // with a fix's text), so only inline syntax needs escaping: with [ and ] escaped no link or
      // image can form, whatever the parentheses around them.
      .replace(/[\\`*_\[\]|~]/g, '\\$&')
      // GitHub (and marked) turn a URL written out in text into a link, even inside <code>: an
      // escaped colon or dot renders the same but is no longer a scheme or `www.` to them.
      .replace(/([A-Za-z][A-Za-z0-9+.-]*):(?=\/\/)/g, '$1\\:')
      .replace(/\b(www)\.(?=\S)/gi, '$1\\.')
      .replace(MENTION_AT, '@\u200D')
  );
}

/**
 * Inert text inside an HTML block (a `<summary>`): GitHub parses no Markdown there, so a backslash
 * escape would show; every special character is an entity instead, which renders as itself.
 */
function htmlText(value: string, max = MAX_VALUE_CHARS): string {
  return clip(fold(value), max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\\`*_\[\]|~]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(MENTION_AT, '@\u200D');
}

/**
 * Monospace text. Not a backtick code span: inside one, entities and backslash escapes are literal,
 * so `<script>` or our own comment marker would survive in the raw Markdown. `<code>` keeps the
 * escaped text inert and still monospace; GitHub processes no mentions inside it either.
 */
export function codeSpan(value: string, max = MAX_VALUE_CHARS): string {
  return `<code>${escapeText(value, max)}</code>`;
}

/**
 * A multi-line block (a fix that is a TOML table): `<pre>` with HTML-escaped lines, so no Markdown
 * is parsed inside and nothing in the value can close it.
 */
function preBlock(value: string, indent: string, max = MAX_FIX_CHARS): string {
  const text = clip(
    redactUrlCredentials(value)
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, '    ')
      .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '\uFFFD'),
    max,
  )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MENTION_AT, '@\u200D')
    // Printed to a workflow log (`--format markdown` in a step), a line of the block that starts
    // with `::` or holds `##[` would be a runner command; as entities it renders the same.
    .replace(/##\[/g, '##&#91;')
    .replace(/^([^\S\n]*)::/gm, '$1&#58;:');
  const lines = text.split('\n');
  return [`${indent}<pre>${lines[0]}`, ...lines.slice(1).map((line) => `${indent}${line}`), `${indent}</pre>`].join('\n');
}

/**
 * A rendered line that starts with a value: nothing in it may start a block (`# `, `- `, `1. `,
 * `> `, `===`, an indented code block) or a runner command (`::`). Leading spaces go, and a first
 * character that could do either is backslash-escaped (it renders as itself).
 */
function lineStart(rendered: string): string {
  const text = rendered.replace(/^\s+/, '');
  if (/^[#+\-=:]/.test(text)) return `\\${text}`;
  return text.replace(/^(\d+)([.)])/, '$1\\$2');
}

function plural(count: number, severity: Severity): string {
  const [one, many] = SEVERITY_LABEL[severity];
  return `${count} ${count === 1 ? one : many}`;
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Percent-encodes a path segment so nothing in it can end the link target. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function linkBase(options: MarkdownOptions): string | null {
  const { serverUrl, repository, sha } = options;
  if (!serverUrl || !repository || !sha || !SHA_RE.test(sha) || !REPO_RE.test(repository)) return null;
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/${repository}/blob/${sha}`;
}

function safeUrl(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return null;
    return url.toString().replace(/[()<>\s\\[\]`|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return null;
  }
}

function location(finding: Finding): string {
  return finding.line ? `${finding.file}:${finding.line}` : finding.file;
}

function fileUrl(finding: Finding, base: string | null): string | null {
  if (!base || !finding.file || finding.file.split('/').some((part) => part === '..' || part === '.' || part === '')) return null;
  const path = finding.file.split('/').map(encodeSegment).join('/');
  const anchor = finding.line && Number.isSafeInteger(finding.line) && finding.line > 0 ? `#L${finding.line}` : '';
  return `${base}/${path}${anchor}`;
}

/** `file:line` as a link to the head commit (when links can be made); `label` replaces the text. */
function placeLink(finding: Finding, base: string | null, label = location(finding)): string {
  const url = fileUrl(finding, base);
  return url ? `[${codeSpan(label)}](${url})` : codeSpan(label);
}

/**
 * The first places, the next ones in the same file shortened to `:line`; then "and N more".
 * `brief` names files by their last segment (the link goes to the full path): the to-do table.
 */
function placesText(all: Finding[], base: string | null, max: number, brief = false): string {
  const seen = new Set<string>();
  const places = all.filter((finding) => {
    const key = `${finding.file}\0${finding.line ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const shown = places.slice(0, max).map((finding, i) => {
    const previous = places[i - 1];
    const short = previous && previous.file === finding.file && finding.line !== undefined;
    const name = brief ? finding.file.split('/').pop() || finding.file : finding.file;
    return placeLink(finding, base, short ? `:${finding.line}` : finding.line ? `${name}:${finding.line}` : name);
  });
  const more = places.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Rows: what a finding is about, identical findings, rows with one and the same problem.

type SubjectKind = 'package' | 'action' | 'image' | 'file';

interface Subject {
  kind: SubjectKind;
  key: string;
  /** What the row names: a package, `owner/repo@ref`, an image, a file. */
  label: string;
  version?: string;
  /** Strings that vary between rows with the same problem (masked to compare messages). */
  masks: string[];
}

/**
 * The action or image a workflow finding is about, read from the message the pinning rules write
 * (src/workflows/pinning.ts). A message that does not match leaves the finding to its file's row.
 */
const WORKFLOW_SUBJECTS: Record<string, (message: string) => { kind: SubjectKind; label: string; masks: string[] } | null> = {
  'unpinned-uses': (message) => {
    const m = /^The (?:action|reusable workflow) (\S+) is pinned to (?:the branch |a short SHA \()?([^\s,()]+)/.exec(message);
    if (!m) return null;
    const repo = m[1]!.split('/').slice(0, 2).join('/');
    return { kind: 'action', label: `${m[1]}@${m[2]}`, masks: [m[1]!, m[2]!, repo] };
  },
  'unpinned-image': (message) => {
    const m = /^The image (\S+) \(/.exec(message);
    return m ? { kind: 'image', label: m[1]!, masks: [m[1]!, m[1]!.replace(/@.*$/, '')] } : null;
  },
  'impostor-commit': (message) => {
    const m = /^Commit ([0-9a-f]{7,40}) is on no branch or tag of ([^\s:]+):/.exec(message);
    return m ? { kind: 'action', label: `${m[2]}@${m[1]}`, masks: [m[1]!, m[2]!] } : null;
  },
  'ref-version-mismatch': (message) => {
    const m = /^The comment says (\S+), but (?:\S+ of )?([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+) /.exec(message);
    return m ? { kind: 'action', label: `${m[2]} # ${m[1]}`, masks: [m[1]!, m[2]!] } : null;
  },
};

function subjectOf(finding: Finding): Subject {
  if (finding.package?.name) {
    const { name, version } = finding.package;
    return { kind: 'package', key: `package\0${name}`, label: name, version, masks: [name, ...(version ? [version] : [])] };
  }
  const parsed = WORKFLOW_SUBJECTS[finding.rule]?.(finding.message);
  if (parsed) return { ...parsed, key: `${parsed.kind}\0${parsed.label}` };
  return { kind: 'file', key: `file\0${finding.file}`, label: finding.file, masks: [finding.file] };
}

/** Findings that say the same thing about the same subject, in several places. */
interface Cluster {
  subject: Subject;
  places: Finding[];
  /** Every place says exactly what the first says (else they say it of their own place). */
  same: boolean;
}

interface Row {
  subjects: Subject[];
  clusters: Cluster[];
  worst: Severity;
  /** Several subjects with one and the same problem. */
  merged: boolean;
  findings: number;
}

function mask(text: string, masks: string[]): string {
  let out = text;
  for (const value of [...masks].filter((m) => m.length >= 2).sort((a, b) => b.length - a.length)) out = out.split(value).join('\u0001');
  return out.replace(/\d+/g, '#');
}

function byFindingOrder(a: Cluster, b: Cluster): number {
  return compareFindings(a.places[0]!, b.places[0]!);
}

/** The to-do rows, most severe first, each with its clusters (most severe first). */
function buildRows(findings: Finding[]): Row[] {
  const clusters = new Map<string, Cluster>();
  for (const finding of [...findings].sort(compareFindings)) {
    const subject = subjectOf(finding);
    // The same rule and message shape: the subject's own names and the numbers (lines, counts) masked.
    const key = [
      subject.key,
      finding.rule,
      finding.severity,
      mask(finding.message, subject.masks),
      mask(finding.fix ?? '', subject.masks),
      finding.introduced ? '1' : '0',
      finding.package?.version ?? '',
      qualifiersOf(finding).join(','),
    ].join('\0');
    const cluster = clusters.get(key);
    if (cluster) {
      cluster.places.push(finding);
      const first = cluster.places[0]!;
      if (finding.message !== first.message || finding.fix !== first.fix) cluster.same = false;
    } else clusters.set(key, { subject, places: [finding], same: true });
  }
  const bySubject = new Map<string, Cluster[]>();
  for (const cluster of clusters.values()) {
    const list = bySubject.get(cluster.subject.key) ?? [];
    list.push(cluster);
    bySubject.set(cluster.subject.key, list);
  }
  const single: Row[] = [...bySubject.values()].map((list) => {
    list.sort(byFindingOrder);
    const versions = [...new Set(list.map((c) => c.places[0]!.package?.version).filter((v): v is string => Boolean(v)))];
    const subject = { ...list[0]!.subject, version: versions.join(', ') || undefined };
    return { subjects: [subject], clusters: list, worst: list[0]!.places[0]!.severity, merged: false, findings: list.reduce((n, c) => n + c.places.length, 0) };
  });

  // Rows whose only problem is the same one (masked: the subject's own names, and numbers) merge.
  const signatures = new Map<string, Row[]>();
  const rows: Row[] = [];
  for (const row of single) {
    const first = row.clusters[0]!;
    const f = first.places[0]!;
    if (row.clusters.length !== 1) {
      rows.push(row);
      continue;
    }
    const signature = [
      first.subject.kind,
      f.rule,
      f.severity,
      mask(f.message, first.subject.masks),
      mask(f.fix ?? '', first.subject.masks),
      qualifiersOf(f).join(','),
    ].join('\0');
    const list = signatures.get(signature);
    if (list) list.push(row);
    else signatures.set(signature, [row]);
  }
  for (const list of signatures.values()) {
    if (list.length < MERGE_MIN_ROWS) rows.push(...list);
    else {
      const clustersOf = list.flatMap((row) => row.clusters).sort(byFindingOrder);
      rows.push({
        subjects: list.map((row) => row.subjects[0]!),
        clusters: clustersOf,
        worst: list[0]!.worst,
        merged: true,
        findings: list.reduce((n, r) => n + r.findings, 0),
      });
    }
  }
  return rows.sort((a, b) => severityRank(b.worst) - severityRank(a.worst) || byFindingOrder(a.clusters[0]!, b.clusters[0]!));
}

const NOUNS: Record<SubjectKind, [string, string]> = {
  package: ['package', 'packages'],
  action: ['action', 'actions'],
  image: ['image', 'images'],
  file: ['file', 'files'],
};

function subjectText(subject: Subject): string {
  return subject.kind === 'package' && subject.version ? `${codeSpan(subject.label)} ${escapeText(subject.version)}` : codeSpan(subject.label);
}

function subjectHtml(subject: Subject): string {
  return subject.kind === 'package' && subject.version
    ? `<code>${htmlText(subject.label)}</code> ${htmlText(subject.version)}`
    : `<code>${htmlText(subject.label)}</code>`;
}

function mergedNoun(row: Row): string {
  const kinds = new Set(row.subjects.map((s) => s.kind));
  const [one, many] = kinds.size === 1 ? NOUNS[row.subjects[0]!.kind] : ['place', 'places'];
  return counted(row.subjects.length, one, many);
}

/** Rule ids of a row with how many findings each, the worst severity first. */
function ruleCounts(row: Row): { rule: string; severity: Severity; count: number }[] {
  const byRule = new Map<string, { rule: string; severity: Severity; count: number }>();
  for (const cluster of row.clusters) {
    const f = cluster.places[0]!;
    const entry = byRule.get(f.rule);
    if (entry) {
      entry.count += cluster.places.length;
      if (severityRank(f.severity) > severityRank(entry.severity)) entry.severity = f.severity;
    } else byRule.set(f.rule, { rule: f.rule, severity: f.severity, count: cluster.places.length });
  }
  return [...byRule.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.count - a.count || a.rule.localeCompare(b.rule));
}

/**
 * A message: prose, with what it quotes in backticks (`uv sync --locked`) as code. Only backticks
 * count here: a message is a sentence about the problem, not a command to run.
 */
function messageMarkdown(message: string): string {
  const text = clip(message, MAX_MESSAGE_CHARS);
  const parts = text.split(/`([^`\r\n]+)`/);
  return parts.map((part, i) => (i % 2 === 1 ? codeSpan(part, MAX_MESSAGE_CHARS) : part === '' ? '' : escapeText(part, MAX_MESSAGE_CHARS))).join('');
}

/** Inline segments (text and code) as Markdown; blocks and breaks are the caller's business. */
function inlineMarkdown(segments: FixSegment[]): string {
  return segments.map((s) => (s.kind === 'text' ? escapeText(s.text, MAX_FIX_CHARS) : s.kind === 'code' ? codeSpan(s.text, MAX_FIX_CHARS) : '')).join('');
}

function fixOf(finding: Finding): string | null {
  return finding.fix ? clip(redactUrlCredentials(finding.fix), MAX_FIX_CHARS) : null;
}

/** The fix cell: the command to run or paste first, else the first clause of the fix when short. */
function fixCell(row: Row): string {
  const commands = row.clusters.map((c) => fixOf(c.places[0]!)).map((fix) => (fix ? primaryCommand(fix) : null));
  const index = commands.findIndex((c) => c !== null);
  if (index >= 0) {
    const command = commands[index]!;
    const same = !row.merged || commands.every((c) => c === command);
    return `${same ? '' : 'e.g. '}${codeSpan(command)}`;
  }
  const fix = row.clusters.map((c) => fixOf(c.places[0]!)).find((f): f is string => f !== null);
  if (!fix) return '—';
  const segments = fixSegments(fix);
  const firstLine: FixSegment[] = [];
  for (const segment of segments) {
    if (segment.kind === 'break' || segment.kind === 'block') break;
    firstLine.push(segment);
  }
  const text = firstLine.map((s) => (s.kind === 'text' || s.kind === 'code' ? s.text : '')).join('');
  const clause = /^(.*?[^\s])(?:[.;:](?:\s|$)|$)/.exec(text)?.[1] ?? text;
  if (clause.length > MAX_FIX_CELL_CHARS || clause.length === 0) return '_see the details_';
  // Re-segment the clause so a command quoted in it stays code.
  const clauseSegments = fixSegments(clause).filter((s) => s.kind === 'text' || s.kind === 'code');
  return `${inlineMarkdown(clauseSegments)}${clause.length < text.length || segments.length > firstLine.length ? ' …' : ''}`;
}

const TABLE_HEAD = '| Package, action or file | Problems | Where | Fix |\n|---|---|---|---|';

function rowLine(row: Row, base: string | null, layout: Layout): string {
  const what = row.merged
    ? `${mergedNoun(row)}: ${row.subjects.slice(0, 3).map(subjectText).join(', ')}${row.subjects.length > 3 ? ` and ${row.subjects.length - 3} more` : ''}`
    : subjectText(row.subjects[0]!);
  const problems = ruleCounts(row)
    .map(({ rule, count }) => `${codeSpan(rule)}${count > 1 ? ` ×${count}` : ''}`)
    .join(' ');
  const places = row.clusters.flatMap((c) => c.places).sort(compareFindings);
  return `| ${SEVERITY_ICON[row.worst]} ${what} | ${problems} | ${placesText(places, base, layout.placesInRow, true)} | ${fixCell(row)} |`;
}

/** A fix as Markdown lines (indented for a list item): prose and code inline, snippets in <pre>. */
function fixLines(fix: string, indent: string): string[] {
  const out: string[] = [];
  let line: FixSegment[] = [];
  let first = true;
  const flush = (): void => {
    if (line.length === 0) return;
    const text = inlineMarkdown(line);
    out.push('', `${indent}${first ? `**Fix:** ${text}` : lineStart(text)}`);
    first = false;
    line = [];
  };
  for (const segment of fixSegments(fix)) {
    if (segment.kind === 'break') flush();
    else if (segment.kind === 'block') {
      flush();
      if (first) {
        out.push('', `${indent}**Fix:**`);
        first = false;
      }
      out.push('', preBlock(segment.text, indent));
    } else line.push(segment);
  }
  flush();
  return out;
}

/** ` _(medium confidence, pedantic)_` after the rule id, or '' for a high-confidence regular finding. */
function qualifierText(finding: Finding): string {
  const qualifiers = qualifiersOf(finding);
  return qualifiers.length > 0 ? ` _(${escapeText(qualifiers.join(', '))})_` : '';
}

/** One problem of a row: severity, rule, places, message, and the fix. */
function problemEntry(cluster: Cluster, base: string | null, layout: Layout): string {
  const f = cluster.places[0]!;
  const where =
    cluster.places.length > 1 ? `in ${cluster.places.length} places: ${placesText(cluster.places, base, layout.placesInDetails)}` : placeLink(f, base);
  const alike = cluster.same ? '' : ' _(the first place; the others alike)_';
  const lines = [
    `- ${SEVERITY_ICON[f.severity]} **${f.severity}** ${codeSpan(f.rule)}${qualifierText(f)} ${where}: ${messageMarkdown(f.message)}${alike}${f.introduced ? '' : ' _(already at base)_'}`,
  ];
  const fix = fixOf(f);
  if (fix) lines.push(...fixLines(fix, '  '));
  return lines.join('\n');
}

/** A merged row's details: the problem once (the first member's words), then each member. */
function mergedEntries(row: Row, base: string | null, layout: Layout): string[] {
  const first = row.clusters[0]!;
  const f = first.places[0]!;
  const lines = [
    `- ${SEVERITY_ICON[f.severity]} **${f.severity}** ${codeSpan(f.rule)}${qualifierText(f)}, for example ${placeLink(f, base)}: ${messageMarkdown(f.message)}`,
  ];
  const fix = fixOf(f);
  if (fix) lines.push(...fixLines(fix, '  '));
  const firstCommand = fix ? primaryCommand(fix) : null;
  const members = row.clusters.slice(0, layout.membersInDetails).map((cluster) => {
    const own = fixOf(cluster.places[0]!);
    const command = own ? primaryCommand(own) : null;
    const fixText = command && command !== firstCommand ? `: ${codeSpan(command)}` : '';
    return `- ${subjectText(cluster.subject)} ${placesText(cluster.places, base, layout.placesInDetails)}${fixText}${cluster.places[0]!.introduced ? '' : ' _(already at base)_'}`;
  });
  const more = row.clusters.length - members.length;
  return [lines.join('\n'), ...members, ...(more > 0 ? [`- and ${counted(more, 'more', 'more')}`] : [])];
}

interface DetailsBlock {
  head: string;
  entries: string[];
}

const DETAILS_TAIL = '\n\n</details>\n';

function rowDetails(row: Row, base: string | null, layout: Layout): DetailsBlock {
  const rules = ruleCounts(row)
    .map(({ rule }) => htmlText(rule))
    .join(', ');
  const what = row.merged ? `${mergedNoun(row)}` : subjectHtml(row.subjects[0]!);
  const entries = row.merged ? mergedEntries(row, base, layout) : row.clusters.map((cluster) => problemEntry(cluster, base, layout));
  return { head: `<details><summary>${SEVERITY_ICON[row.worst]} ${what} · ${rules}</summary>\n`, entries };
}

/**
 * The rows' details in order while they fit: a block with at least its first entry, then as many
 * entries as fit (a line says how many more). Returns the text, the rows with details, and the
 * entries left out of the shown blocks.
 */
function fitDetails(blocks: DetailsBlock[], budget: number): { text: string; rows: number; entriesLeft: number; used: number } {
  const out: string[] = [];
  let used = 0;
  let rows = 0;
  let entriesLeft = 0;
  const moreLine = (n: number): string => `- ${counted(n, 'more entry', 'more entries')} not shown here (size limit)`;
  for (const block of blocks) {
    const fixed = bytes(block.head) + bytes(DETAILS_TAIL) + 2;
    const first = block.entries.length > 0 ? bytes(block.entries[0]!) + 1 : 0;
    const reserve = block.entries.length > 1 ? bytes(moreLine(block.entries.length)) + 1 : 0;
    if (used + fixed + first + reserve > budget) break;
    used += fixed;
    const shown: string[] = [];
    for (const [index, entry] of block.entries.entries()) {
      const cost = bytes(entry) + 1;
      if (used + cost + (index + 1 < block.entries.length ? reserve : 0) > budget) break;
      shown.push(entry);
      used += cost;
    }
    const left = block.entries.length - shown.length;
    if (left > 0) {
      shown.push(moreLine(left));
      used += bytes(moreLine(left)) + 1;
      entriesLeft += left;
    }
    out.push(`${block.head}\n${shown.join('\n')}${DETAILS_TAIL}`);
    rows++;
  }
  return { text: out.join('\n'), rows, entriesLeft, used };
}

// ---------------------------------------------------------------------------------------------
// Dependency changes, waived findings.

/** "5 d", "30 h", "< 1 h"; the age of the newest file of the locked version (what a cooldown checks). */
export function formatAge(uploadedMs: number | null, nowMs: number): string {
  if (uploadedMs === null || !Number.isFinite(nowMs)) return '—';
  const hours = (nowMs - uploadedMs) / 3_600_000;
  if (hours < 0) return 'in the future';
  if (hours < 1) return '< 1 h';
  if (hours < 48) return `${Math.floor(hours)} h`;
  return `${Math.floor(hours / 24)} d`;
}

const cell = (value: string): string => codeSpan(value);

function sourceText(change: ChangeRow): string {
  if (change.kind === 'source-changed' && change.fromSource && change.toSource) return `${cell(change.fromSource)} → ${cell(change.toSource)}`;
  const source = change.toSource ?? change.fromSource;
  return source ? cell(source) : '—';
}

interface Section {
  /** Lines always shown when the section is shown at all. */
  head: string;
  entries: string[];
}

function changeSections(report: Report): Section[] {
  const nowMs = Date.parse(report.now);
  return report.projects
    .filter((project) => project.changes.length > 0)
    .map((project) => {
      const title = project.path ? `${codeSpan(project.path)} (${codeSpan(project.lock)})` : codeSpan(project.lock);
      const head = `\n#### ${title} · ${counted(project.changes.length, 'change', 'changes')}\n\n| Package | Change | From → to | Age | Source |\n|---|---|---|---|---|`;
      const entries = project.changes.map((change) => {
        const uploaded = change.uploadedAt === undefined ? Number.NaN : Date.parse(change.uploadedAt);
        const age = change.kind === 'removed' ? '—' : formatAge(Number.isFinite(uploaded) ? uploaded : null, nowMs);
        const versions = `${change.from ? cell(change.from) : '—'} → ${change.to ? cell(change.to) : '—'}`;
        return `| ${cell(change.name)} | ${escapeText(change.kind)} | ${versions} | ${age} | ${sourceText(change)} |`;
      });
      return { head, entries };
    });
}

function waivedEntries(waived: WaivedFinding[]): string[] {
  return [...waived].sort(compareFindings).map((finding) => {
    const why = finding.waiver.reason ? `: ${escapeText(finding.waiver.reason)}` : '';
    const until = finding.waiver.until ? ` (until ${escapeText(finding.waiver.until)})` : '';
    return `- ${codeSpan(finding.rule)} ${codeSpan(location(finding))} waived by ${escapeText(finding.waiver.by)}${why}${until}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Fitting into the budget.

/** Takes entries in order while they fit; returns the text and how many were left out. */
function fit(sections: Section[], budget: number): { text: string; shown: number; omitted: number; used: number } {
  let used = 0;
  let shown = 0;
  let omitted = 0;
  const out: string[] = [];
  let full = false;
  for (const section of sections) {
    if (full) {
      omitted += section.entries.length;
      continue;
    }
    const headCost = bytes(section.head) + 1;
    const firstCost = section.entries.length > 0 ? bytes(section.entries[0]!) + 1 : 0;
    if (used + headCost + firstCost > budget) {
      full = true;
      omitted += section.entries.length;
      continue;
    }
    out.push(section.head);
    used += headCost;
    for (const [index, entry] of section.entries.entries()) {
      const cost = bytes(entry) + 1;
      if (full || used + cost > budget) {
        full = true;
        omitted += section.entries.length - index;
        break;
      }
      out.push(entry);
      used += cost;
      shown++;
    }
  }
  return { text: out.join('\n'), shown, omitted, used };
}

function sectionBytes(sections: Section[]): number {
  return sections.reduce((sum, s) => sum + bytes(s.head) + 1 + s.entries.reduce((n, e) => n + bytes(e) + 1, 0), 0);
}

function shortRev(rev: string | null): string {
  if (rev === null) return 'none (full audit)';
  return codeSpan(SHA_RE.test(rev) ? rev.slice(0, 12) : rev);
}

function collapsed(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

export function renderMarkdown(report: Report, options: MarkdownOptions): string {
  const base = linkBase(options);
  const runUrl = safeUrl(options.runUrl);
  const audience: Audience = options.audience ?? (options.runUrl ? 'comment' : 'summary');
  const layout = LAYOUTS[audience];
  const preexisting = (report as { preexisting?: Finding[] }).preexisting ?? [];
  const runLink = (label: string): string => (runUrl ? `[${label}](${runUrl})` : label);

  const limit = options.maxFindings ?? Infinity;
  const listed = [...report.findings].sort(compareFindings);
  const cappedOut = Math.max(0, listed.length - limit);
  const rows = buildRows(listed.slice(0, limit));

  // Header: the verdict in one line.
  const counts = SEVERITIES.filter((severity) => (report.counts[severity] ?? 0) > 0).map(
    (severity) => `${SEVERITY_ICON[severity]} **${plural(report.counts[severity] ?? 0, severity)}**`,
  );
  const verdict = listed.length === 0 || counts.length === 0 ? `✅ **${preexisting.length > 0 ? 'No new findings.' : 'No findings.'}**` : counts.join(' · ');
  const headerLines = [...(options.preamble ? [options.preamble] : []), '## lockgate', '', verdict];
  if (preexisting.length > 0) {
    const where = audience === 'comment' ? runLink('see the full audit') : 'see the full audit below';
    headerLines.push('', `${counted(preexisting.length, 'finding', 'findings')} existed before this change: ${where}.`);
  }
  const header = headerLines.join('\n');

  const rowsShown = rows.slice(0, layout.maxRows);
  const rowsCapped = rows.length - rowsShown.length;
  const rowEntries = rowsShown.map((row) => rowLine(row, base, layout));
  const detailBlocks = rowsShown.map((row) => rowDetails(row, base, layout));
  const changes = changeSections(report);
  const waived = report.waived.length > 0 ? [{ head: '', entries: waivedEntries(report.waived) }] : [];
  const before = audience === 'summary' && preexisting.length > 0 ? buildRows([...preexisting].sort(compareFindings)).slice(0, Math.max(0, limit)) : [];

  // Room for the closing lines (numbers, revisions and a URL of bounded length).
  const footerReserve = 1_200;
  const budget = options.maxBytes - bytes(header) - footerReserve;

  // The to-do rows first, then their details, with a quarter kept for the dependency changes.
  const changesReserve = changes.length > 0 ? Math.min(sectionBytes(changes) + 200, Math.max(0, Math.floor(budget / 4))) : 0;
  const tableFit = fit(rowEntries.length > 0 ? [{ head: `\n${TABLE_HEAD}`, entries: rowEntries }] : [], Math.max(0, budget - changesReserve));
  const detailsFit = fitDetails(detailBlocks.slice(0, tableFit.shown), Math.max(0, budget - tableFit.used - changesReserve));
  let used = tableFit.used + detailsFit.used;
  const changesWrapper = 120;
  const changesFit = fit(changes, Math.max(0, budget - used - changesWrapper));
  if (changesFit.shown > 0) used += changesFit.used + changesWrapper;
  const waivedWrapper = 100;
  const waivedFit = fit(waived, Math.max(0, budget - used - waivedWrapper));
  if (waivedFit.shown > 0) used += waivedFit.used + waivedWrapper;
  const beforeWrapper = 200;
  const beforeFit = fit(
    before.length > 0 ? [{ head: `\n${TABLE_HEAD}`, entries: before.map((row) => rowLine(row, base, layout)) }] : [],
    Math.max(0, budget - used - beforeWrapper),
  );

  const out: string[] = [header];
  if (tableFit.shown > 0) out.push(tableFit.text);
  if (detailsFit.rows > 0) out.push('', detailsFit.text.trimEnd());
  if (changesFit.shown > 0) {
    const total = changes.reduce((n, s) => n + s.entries.length, 0);
    const locks = counted(changes.length, 'lock', 'locks');
    out.push('', collapsed(`Dependency changes: ${total} in ${locks}`, changesFit.text.replace(/^\n+/, ''), layout.changesOpen));
  }
  if (waivedFit.shown > 0) out.push('', collapsed(counted(report.waived.length, 'waived finding', 'waived findings'), waivedFit.text.replace(/^\n+/, '')));
  if (beforeFit.shown > 0)
    out.push('', collapsed(`Before this change: ${counted(preexisting.length, 'finding', 'findings')} (not gating)`, beforeFit.text.replace(/^\n+/, '')));

  // What was left out, and where the rest is.
  const findingsIn = (list: Row[]): number => list.reduce((n, row) => n + row.findings, 0);
  const rowsLeft = rows.slice(tableFit.shown);
  const left: string[] = [];
  const notListed = findingsIn(rowsLeft) + cappedOut;
  if (notListed > 0) left.push(counted(notListed, 'finding', 'findings'));
  const detailsLeft = tableFit.shown - detailsFit.rows;
  if (detailsLeft > 0) left.push(`the details of ${counted(detailsLeft, 'row', 'rows')}`);
  else if (detailsFit.entriesLeft > 0) left.push(`${counted(detailsFit.entriesLeft, 'detail entry', 'detail entries')}`);
  if (changesFit.omitted > 0) left.push(counted(changesFit.omitted, 'dependency change', 'dependency changes'));
  if (waivedFit.omitted > 0) left.push(counted(waivedFit.omitted, 'waived finding', 'waived findings'));
  const beforeLeft = audience === 'summary' && preexisting.length > 0 ? findingsIn(buildRows(preexisting).filter((_, i) => i >= beforeFit.shown)) : 0;
  if (beforeLeft > 0) left.push(counted(beforeLeft, 'earlier finding', 'earlier findings'));
  const footer: string[] = [];
  if (left.length > 0) {
    const reasons: string[] = [];
    if (rowsCapped > 0) reasons.push(`the comment lists ${layout.maxRows} rows`);
    if (cappedOut > 0) reasons.push(`limits.max-rendered-findings is ${limit}; set \`limits: max-rendered-findings\` in the lockgate config to list more`);
    if (tableFit.omitted > 0 || detailsLeft > 0 || detailsFit.entriesLeft > 0 || changesFit.omitted + waivedFit.omitted + beforeLeft > 0)
      reasons.push('the size limit');
    const rest =
      audience === 'comment' && runUrl
        ? ` Everything is in the job summary of the ${runLink('workflow run')}.`
        : ' Every finding is in the JSON report (the `report-json` output; see the docs to upload it as an artifact).';
    footer.push(`**${left.join(', ')} not shown here** (${reasons.join(', ') || 'the size limit'}).${rest}`);
  }
  // What the confidence and persona filters left out: counted here, as waived findings are.
  const filtered = filteredLine(report.filtered, 'settings');
  if (filtered) footer.push(escapeText(filtered, 1_000));
  const revisions = `Base ${shortRev(report.base)} → head ${report.head === 'WORKTREE' ? 'working tree' : shortRev(report.head)}${report.waived.length > 0 ? ` · ${report.waived.length} waived` : ''}`;
  footer.push(`${revisions}${runUrl ? ` · [Workflow run](${runUrl}): the full report is in its job summary` : ''}`);
  out.push('', '---', '', footer.join('\n\n'));
  let text = `${out.join('\n')}\n`;
  if (bytes(text) > options.maxBytes) text = hardTruncate(text, options.maxBytes);
  return text;
}

/** Last resort when even the header does not fit (a tiny maxBytes): cut at a line boundary. */
function hardTruncate(text: string, maxBytes: number): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    const cost = bytes(line) + 1;
    if (size + cost > maxBytes) break;
    kept.push(line);
    size += cost;
  }
  return kept.length > 0 ? `${kept.join('\n')}\n` : '';
}
