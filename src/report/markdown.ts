/**
 * The Markdown report: job summary, sticky PR comment, check-run text and `--format markdown`.
 *
 * Every value comes from hostile input (package names, versions, URLs, messages that quote them),
 * so each one goes through `escapeText` or `codeSpan`: no raw HTML, no link or image syntax, no
 * @mention that pings, no table breakage. Only the structure written here is Markdown/HTML.
 *
 * The output is kept under `maxBytes` (UTF-8 bytes; GitHub counts characters, and a string never
 * has more characters than UTF-8 bytes): findings first, then dependency changes, then waived
 * findings, with a closing line saying how many were left out and where the full JSON report is.
 */
import { compareFindings, severityRank, type Finding, type Severity, type WaivedFinding } from '../findings.js';
import type { LockArtifact, LockPackage, PackageChange, ProjectPair } from '../uv/model.js';
import type { RunResult } from './types.js';

export interface MarkdownOptions {
  /** Hard ceiling on the UTF-8 size of the result. */
  maxBytes: number;
  /** Where the full JSON report was written (shown when something is left out, and in the footer). */
  reportJsonPath?: string;
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY and the head SHA: together they make file links. */
  serverUrl?: string;
  repository?: string;
  sha?: string;
  /** At most this many findings are listed (config `limits.maxRenderedFindings`). */
  maxFindings?: number;
  /** A link to the workflow run, for readers of the PR comment. */
  runUrl?: string;
  /** Prepended verbatim (trusted): the sticky-comment marker. */
  preamble?: string;
}

const SEVERITY_LABEL: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  notice: ['notice', 'notices'],
};
const SEVERITY_ICON: Record<Severity, string> = { error: '🔴', warning: '🟠', notice: '🔵' };

const MAX_VALUE_CHARS = 300;
const MAX_MESSAGE_CHARS = 1_000;
const MAX_FIX_CHARS = 2_000;

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

/** Removes `user:password@` from URLs: lock sources and messages may quote an index URL. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

function fold(value: string): string {
  return redactUrlCredentials(value).replace(NEWLINES, ' ').replace(/\t/g, ' ').replace(UNSAFE_CHARS, '\uFFFD');
}

/**
 * One line of inert Markdown text: HTML special characters become entities, inline Markdown
 * punctuation is backslash-escaped (so `[x](javascript:…)`, `![x](…)`, `*`, `_`, `~`, backticks and
 * table pipes are literal), and a mention-position `@` gets a zero-width joiner so `@user` / `@org/team` never ping.
 */
export function escapeText(value: string, max = MAX_VALUE_CHARS): string {
  return clip(fold(value), max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Values never start a line (newlines are folded), so only inline syntax needs escaping: with
    // [ and ] escaped no link or image can form, whatever the parentheses around them.
    .replace(/[\\`*_\[\]|~]/g, '\\$&')
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
  const text = clip(redactUrlCredentials(value).replace(/\r\n?/g, '\n').replace(/\t/g, '    ').replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '\uFFFD'), max)
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

function plural(count: number, severity: Severity): string {
  const [one, many] = SEVERITY_LABEL[severity];
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
    return url.toString().replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return null;
  }
}

function location(finding: Finding): string {
  return finding.line ? `${finding.file}:${finding.line}` : finding.file;
}

function findingLink(finding: Finding, base: string | null): string {
  const label = codeSpan(location(finding));
  if (!base || !finding.file || finding.file.split('/').some((part) => part === '..' || part === '.' || part === '')) return label;
  const path = finding.file.split('/').map(encodeSegment).join('/');
  const anchor = finding.line && Number.isSafeInteger(finding.line) && finding.line > 0 ? `#L${finding.line}` : '';
  return `[${label}](${base}/${path}${anchor})`;
}

function findingEntry(finding: Finding, base: string | null): string {
  const parts = [`- ${SEVERITY_ICON[finding.severity]} **${finding.severity}** ${findingLink(finding, base)}: ${escapeText(finding.message, MAX_MESSAGE_CHARS)}`];
  if (finding.package) {
    const pkg = finding.package.version ? `${finding.package.name} ${finding.package.version}` : finding.package.name;
    parts[0] += ` (${codeSpan(pkg)})`;
  }
  if (!finding.introduced) parts[0] += ' _(already at base)_';
  if (finding.fix) {
    if (/[\r\n]/.test(finding.fix)) parts.push('  Fix:', '', preBlock(finding.fix, '  '), '');
    else parts.push(`  Fix: ${codeSpan(finding.fix, MAX_FIX_CHARS)}`);
  }
  return parts.join('\n');
}

interface Section {
  /** Lines always shown when the section is shown at all. */
  head: string;
  entries: string[];
}

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

function ruleSections(findings: Finding[], base: string | null): Section[] {
  const byRule = new Map<string, Finding[]>();
  for (const finding of [...findings].sort(compareFindings)) {
    const list = byRule.get(finding.rule) ?? [];
    list.push(finding);
    byRule.set(finding.rule, list);
  }
  const groups = [...byRule.entries()].sort(
    ([ruleA, a], [ruleB, b]) => severityRank(b[0]!.severity) - severityRank(a[0]!.severity) || b.length - a.length || ruleA.localeCompare(ruleB),
  );
  return groups.map(([rule, list]) => {
    const counts = (['error', 'warning', 'notice'] as Severity[])
      .map((severity) => [severity, list.filter((f) => f.severity === severity).length] as const)
      .filter(([, count]) => count > 0)
      .map(([severity, count]) => plural(count, severity));
    return { head: `\n#### ${codeSpan(rule)} · ${counts.join(', ')}\n`, entries: list.map((finding) => findingEntry(finding, base)) };
  });
}

function newestUpload(pkg: LockPackage | undefined): number | null {
  if (!pkg) return null;
  const artifacts: LockArtifact[] = [...(pkg.sdist ? [pkg.sdist] : []), ...pkg.wheels];
  let newest: number | null = null;
  for (const artifact of artifacts) {
    const time = artifact.uploadTime ? Date.parse(artifact.uploadTime) : NaN;
    if (Number.isFinite(time) && (newest === null || time > newest)) newest = time;
  }
  return newest;
}

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

function sourceText(change: PackageChange): string {
  if (change.kind === 'source-changed' && change.fromSource && change.toSource) return `${cell(change.fromSource)} → ${cell(change.toSource)}`;
  const source = change.toSource ?? change.fromSource;
  return source ? cell(source) : '—';
}

function changeSections(result: RunResult): Section[] {
  const nowMs = Date.parse(result.report.now);
  return result.report.projects
    .filter((project) => project.changes.length > 0)
    .map((project) => {
      const pair: ProjectPair | undefined = result.pairs.find((p) => p.path === project.path && p.lockFile === project.lock);
      // By name and version: a find per change was quadratic on a lock of thousands of changes.
      const headPackages = new Map<string, LockPackage>();
      for (const pkg of pair?.head?.lock?.packages ?? []) {
        const key = `${pkg.name}\0${pkg.version ?? ''}`;
        if (!headPackages.has(key)) headPackages.set(key, pkg);
      }
      const title = project.path ? `${codeSpan(project.path)} (${codeSpan(project.lock)})` : codeSpan(project.lock);
      const head = `\n#### ${title} · ${project.changes.length} ${project.changes.length === 1 ? 'change' : 'changes'}\n\n| Package | Change | From → to | Age | Source |\n|---|---|---|---|---|`;
      const entries = project.changes.map((change) => {
        const locked = change.to ? headPackages.get(`${change.name}\0${change.to}`) : undefined;
        const age = change.kind === 'removed' ? '—' : formatAge(newestUpload(locked), nowMs);
        const versions = `${change.from ? cell(change.from) : '—'} → ${change.to ? cell(change.to) : '—'}`;
        return `| ${cell(change.name)} | ${escapeText(change.kind)} | ${versions} | ${age} | ${sourceText(change)} |`;
      });
      return { head, entries };
    });
}

function waivedSection(waived: WaivedFinding[]): Section[] {
  if (waived.length === 0) return [];
  const entries = [...waived].sort(compareFindings).map((finding) => {
    const why = finding.waiver.reason ? `: ${escapeText(finding.waiver.reason)}` : '';
    const until = finding.waiver.until ? ` (until ${escapeText(finding.waiver.until)})` : '';
    return `- ${codeSpan(finding.rule)} ${codeSpan(location(finding))} waived by ${escapeText(finding.waiver.by)}${why}${until}`;
  });
  return [{ head: `\n<details><summary>${waived.length} waived ${waived.length === 1 ? 'finding' : 'findings'}</summary>\n`, entries }];
}

function shortRev(rev: string | null): string {
  if (rev === null) return 'none (full audit)';
  return codeSpan(SHA_RE.test(rev) ? rev.slice(0, 12) : rev);
}

export function renderMarkdown(result: RunResult, options: MarkdownOptions): string {
  const { report } = result;
  const base = linkBase(options);
  const counts = (['error', 'warning', 'notice'] as Severity[]).map((severity) => `${SEVERITY_ICON[severity]} **${plural(report.counts[severity] ?? 0, severity)}**`);
  const headerLines = [
    ...(options.preamble ? [options.preamble] : []),
    '## lockgate',
    '',
    `${counts.join(' · ')}`,
    '',
    `Base ${shortRev(report.base)} → head ${report.head === 'WORKTREE' ? 'working tree' : shortRev(report.head)}` +
      (report.waived.length > 0 ? ` · ${report.waived.length} waived` : ''),
  ];
  const runUrl = safeUrl(options.runUrl);
  if (runUrl) headerLines.push('', `[Workflow run](${runUrl})`);
  const header = headerLines.join('\n');

  const limit = options.maxFindings ?? Infinity;
  const listed = [...report.findings].sort(compareFindings);
  const cappedOut = Math.max(0, listed.length - limit);
  const findingSections = ruleSections(listed.slice(0, limit), base);
  const changes = changeSections(result);
  const waived = waivedSection(report.waived);

  // Room for the closing lines (numbers and a path of bounded length).
  const reportPath = options.reportJsonPath ? codeSpan(options.reportJsonPath, 400) : null;
  const footerReserve = 700 + (reportPath ? bytes(reportPath) : 0);
  const findingsTitle = '\n### Findings';
  const changesTitle = '\n### Dependency changes';
  const budget = options.maxBytes - bytes(header) - footerReserve - bytes(findingsTitle) - bytes(changesTitle) - 8;

  const changesFull = changes.reduce((sum, s) => sum + bytes(s.head) + 1 + s.entries.reduce((n, e) => n + bytes(e) + 1, 0), 0);
  const changesReserve = Math.min(changesFull, Math.max(0, Math.floor(budget / 4)));
  const findingsFit = fit(findingSections, Math.max(0, budget - changesReserve));
  const changesFit = fit(changes, Math.max(0, budget - findingsFit.used));
  const waivedFit = fit(waived, Math.max(0, budget - findingsFit.used - changesFit.used));

  const out: string[] = [header];
  if (changes.length > 0 && changesFit.shown > 0) out.push(changesTitle, changesFit.text);
  if (listed.length === 0) out.push('', 'No findings.');
  else if (findingsFit.shown > 0) out.push(findingsTitle, findingsFit.text);
  if (waivedFit.shown > 0) out.push(waivedFit.text, '', '</details>');

  const omittedFindings = findingsFit.omitted + cappedOut;
  const left: string[] = [];
  if (omittedFindings > 0) left.push(`${omittedFindings} ${omittedFindings === 1 ? 'finding' : 'findings'}`);
  if (changesFit.omitted > 0) left.push(`${changesFit.omitted} dependency ${changesFit.omitted === 1 ? 'change' : 'changes'}`);
  if (waivedFit.omitted > 0) left.push(`${waivedFit.omitted} waived ${waivedFit.omitted === 1 ? 'finding' : 'findings'}`);
  const footer: string[] = [];
  if (left.length > 0) {
    const why =
      cappedOut > 0
        ? `limits.max-rendered-findings is ${limit}${findingsFit.omitted + changesFit.omitted + waivedFit.omitted > 0 ? ', and the size limit' : ''}; set \`limits: max-rendered-findings\` in the lockgate config to list more`
        : 'size limit';
    footer.push(`**${left.join(', ')} not shown here** (${why}).` + (reportPath ? ` The full JSON report is ${reportPath} (output \`report-json\`).` : ''));
  } else if (reportPath) {
    footer.push(`Full JSON report: ${reportPath} (output \`report-json\`).`);
  }
  if (footer.length > 0) out.push('', '---', '', ...footer);
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
