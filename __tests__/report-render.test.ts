/**
 * The Markdown report rendered to HTML as GitHub would (marked, GFM; no browser): what a reader
 * sees must be the text we meant, with no markup showing (`<details>`, `**`, `|---|`, backticks,
 * backslash escapes or entities as text), tables that are real tables with the right number of
 * columns, and hostile values (`<script>`, `|`, backticks, `::`, newlines, mentions) inert: shown
 * as themselves, never as HTML, links, lists, headings or runner commands.
 */
import { describe, expect, it } from '@jest/globals';
import { marked } from 'marked';
import { makeFinding, type Finding } from '../src/findings.js';
import { renderMarkdown, type MarkdownOptions } from '../src/report/markdown.js';
import type { RunResult } from '../src/engine.js';
import type { Report } from '../src/report/types.js';
import { HOSTILE_STRINGS } from './support/fuzz-corpus.js';
import { markdownProblems, runnerCommandProblems } from './support/output-checks.js';
import { pipelineSettings } from './support/pipeline.js';
import { LINKS, SCENARIOS } from './report-scenarios.js';

function html(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false }) as string;
}

function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** What a reader sees: the text of the HTML, tags removed, entities decoded once, spaces folded. */
function visible(page: string): string {
  return decode(page.replace(/<\/?(code|a|strong|em)\b[^>]*>/g, '').replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/**
 * Links in the page that are not ours (the head commit's files, the run): a value's URL must not
 * become one either (GitHub, like marked, autolinks a URL written out in text, even in <code>).
 */
function foreignLinks(page: string, ours: RegExp): string[] {
  return [...page.matchAll(/<a href="([^"]*)"[^>]*>[\s\S]*?<\/a>/g)].filter(([, href]) => !ours.test(href!)).map(([link]) => link);
}

interface Table {
  head: number;
  rows: number[];
}

function tables(page: string): Table[] {
  return [...page.matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, body]) => {
    const [thead = '', tbody = ''] = body!.split('</thead>');
    return {
      head: (thead.match(/<th[\s>]/g) ?? []).length,
      rows: [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => (row!.match(/<td[\s>]/g) ?? []).length),
    };
  });
}

const AUDIENCES: [string, (result: RunResult) => string][] = [
  ['comment', (result) => renderMarkdown(result.report, { ...LINKS, maxBytes: 65_000, preamble: '<!-- lockgate:comment -->', audience: 'comment' })],
  [
    'summary',
    (result) =>
      renderMarkdown(result.report, { serverUrl: LINKS.serverUrl, repository: LINKS.repository, sha: LINKS.sha, maxBytes: 1 << 20, audience: 'summary' }),
  ],
];

const CASES = Object.entries(SCENARIOS).flatMap(([scenario, make]) => {
  const result = make();
  return AUDIENCES.map(([audience, render]) => [`${scenario} ${audience}`, result, render(result)] as const);
});

describe('the three pull requests, rendered', () => {
  it.each(CASES)('%s: no markup shows as text', (_name, _result, markdown) => {
    const text = visible(html(markdown));
    expect(text).not.toMatch(/<\/?(details|summary|code|pre|table)\b/);
    expect(text).not.toContain('**');
    expect(text).not.toMatch(/\|\s*-{3}/);
    expect(text).not.toContain('`');
    expect(text).not.toMatch(/\\[\\`*_[\]|~#.+-]/); // a backslash escape showing
    expect(text).not.toMatch(/&(lt|gt|amp|quot|#\d+);/); // an entity escaped twice
    expect(text).not.toContain('lockgate:comment'); // the marker is an HTML comment
  });

  it.each(CASES)('%s: tables are tables, with 4 columns (to do) or 5 (changes) in every row', (_name, result, markdown) => {
    const found = tables(html(markdown));
    const todoRows = markdown.split('\n').filter((line) => /^\| (🔴|🟠|🔵) /.test(line)).length;
    const changeRows = markdown.split('\n').filter((line) => line.startsWith('| <code>')).length;
    expect(found.filter((t) => t.head === 4).reduce((n, t) => n + t.rows.length, 0)).toBe(todoRows);
    expect(found.filter((t) => t.head === 5).reduce((n, t) => n + t.rows.length, 0)).toBe(changeRows);
    for (const table of found) {
      expect([4, 5]).toContain(table.head);
      for (const cells of table.rows) expect(cells).toBe(table.head);
    }
    if (result.report.findings.length > 0) expect(todoRows).toBeGreaterThan(0);
  });

  it.each(CASES)('%s: every <details> has its <summary>, and links go to the head commit or the run', (_name, _result, markdown) => {
    const page = html(markdown);
    const opened = (page.match(/<details[\s>]/g) ?? []).length;
    expect(opened).toBe((page.match(/<\/details>/g) ?? []).length);
    expect((page.match(/<details( open)?>\s*<summary>/g) ?? []).length).toBe(opened);
    expect(foreignLinks(page, new RegExp(`^(${LINKS.serverUrl}/${LINKS.repository}/blob/${LINKS.sha}/|${LINKS.runUrl}$)`))).toEqual([]);
    expect(runnerCommandProblems(markdown)).toEqual([]);
  });

  it('typical: one row per package, action or file, with the fix command, and the details below', () => {
    const [, , markdown] = CASES.find(([name]) => name === 'typical comment')!;
    const text = visible(html(markdown));
    // The fifth notice: offline, the two introduced versions were not checked against OSV (malicious-package).
    expect(text).toContain('4 errors · 🟠 2 warnings · 🔵 5 notices');
    expect(text).toContain('The advisory check did not run for 2 introduced package versions (lockgate ran offline): idna 3.16, reqeusts 2.32.4.');
    expect(text).toContain('🔴 reqeusts 2.32.4 typosquat sdist-only unpinned-requirement uv.lock:91, pyproject.toml:8 uv remove reqeusts && uv add requests');
    expect(text).toContain('uv remove reqeusts && uv add requests');
    expect(text).toContain('actions/checkout@<sha> # v4');
    // One line per package: reqeusts is in one row, not one section per rule.
    expect(markdown.split('\n').filter((line) => /^\| (🔴|🟠|🔵) /.test(line) && line.includes('<code>reqeusts</code>'))).toHaveLength(1);
  });

  it('clean: says so in green, and points at what the base already had', () => {
    const [, , comment] = CASES.find(([name]) => name === 'clean comment')!;
    const [, , summary] = CASES.find(([name]) => name === 'clean summary')!;
    expect(visible(html(comment))).toContain('✅ No new findings.');
    expect(comment).not.toMatch(/0 errors/);
    expect(html(comment)).toContain(`2 findings existed before this change: <a href="${LINKS.runUrl}">see the full audit</a>.`);
    expect(tables(html(comment))).toEqual([]); // the comment lists none of them
    expect(html(summary)).toMatch(/<details><summary>Before this change: 2 findings \(not gating\)<\/summary>\s*<table>/);
  });

  it('many: 120 findings in a few rows, the same action in 41 places as one row', () => {
    const [, result, markdown] = CASES.find(([name]) => name === 'many comment')!;
    // 120, and the one offline notice that the introduced versions were not checked against OSV.
    expect(result.report.findings.filter((f) => f.rule !== 'malicious-package')).toHaveLength(120);
    expect(result.report.findings.filter((f) => f.rule === 'malicious-package').map((f) => f.severity)).toEqual(['notice']);
    const rows = markdown.split('\n').filter((line) => /^\| (🔴|🟠|🔵) /.test(line));
    expect(rows.length).toBeLessThanOrEqual(10);
    expect(rows.find((row) => row.includes('<code>actions/checkout@v4</code>'))).toContain('<code>unpinned-uses</code> ×41');
    expect(rows.find((row) => row.includes('11 files'))).toContain('<code>uv-unlocked</code> ×31');
  });
});

describe('hostile values, rendered', () => {
  /** Values whose text survives as is (no control, newline, mention or credential to neutralise). */
  const VERBATIM = HOSTILE_STRINGS.filter((v) => v.trim() !== '' && v.length <= 200 && !/[\u0000-\u001f\u007f\u202a-\u202e@]/.test(v));

  function hostileResult(): RunResult {
    const findings: Finding[] = HOSTILE_STRINGS.flatMap((value, i) => [
      makeFinding({
        rule: 'typosquat',
        severity: 'error',
        file: 'uv.lock',
        line: i + 1,
        message: `Package ${value} ${'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'.slice(i, i + 2)} is suspicious: ${value}`,
        fix: `uv remove ${value}`,
        package: { name: value, version: value },
        subject: `t${i}`,
      }),
      makeFinding({
        rule: 'unpinned-uses',
        severity: 'warning',
        file: `.github/workflows/${value.slice(0, 40)}.yml`,
        line: i + 1,
        message: `The action ${value} is pinned to ${value}, not a full commit SHA`,
        fix: `${value}\n[tool.uv.sources]\n${value} = { index = "x" }\n::error::second line\n##[stop-commands]x`,
        subject: `u${i}`,
      }),
    ]);
    const counts = { error: 0, warning: 0, notice: 0 };
    for (const f of findings) counts[f.severity]++;
    const report: Report & { preexisting: Finding[] } = {
      tool: 'lockgate',
      version: '0.0.0-test',
      base: 'a'.repeat(40),
      head: 'b'.repeat(40),
      now: '2026-11-26T12:00:00.000Z',
      projects: [
        {
          path: '',
          lock: 'uv.lock',
          changes: HOSTILE_STRINGS.map((value) => ({
            name: value,
            kind: 'upgraded' as const,
            from: value,
            to: `${value}2`,
            fromSource: value,
            toSource: value,
          })),
        },
      ],
      findings,
      waived: [{ ...findings[0]!, waiver: { by: 'config-ignore', reason: HOSTILE_STRINGS.join(' '), until: '2027-01-01' } }],
      preexisting: HOSTILE_STRINGS.map((value, i) =>
        makeFinding({
          rule: 'sdist-only',
          severity: 'notice',
          file: 'uv.lock',
          line: i + 1,
          message: value,
          fix: value,
          package: { name: value },
          introduced: false,
          subject: `p${i}`,
        }),
      ),
      counts,
      rules: [],
    };
    return { report, pairs: [], log: [], settings: pipelineSettings() };
  }

  const result = hostileResult();
  const options: MarkdownOptions = { serverUrl: 'https://github.com', repository: 'octo/repo', sha: 'b'.repeat(40), maxBytes: 4 << 20 };
  const outputs = [
    ['comment', renderMarkdown(result.report, { ...options, runUrl: 'https://github.com/octo/repo/actions/runs/1', audience: 'comment' })],
    ['summary', renderMarkdown(result.report, { ...options, audience: 'summary' })],
  ] as const;

  it.each(outputs)('%s: no element but ours, no link but ours, no runner command', (_audience, markdown) => {
    const page = html(markdown);
    const tags = new Set([...page.matchAll(/<([a-z][a-z0-9]*)/g)].map(([, tag]) => tag));
    for (const tag of tags)
      expect([
        'h2',
        'h4',
        'p',
        'strong',
        'em',
        'code',
        'pre',
        'ul',
        'li',
        'a',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'details',
        'summary',
        'hr',
        'br',
      ]).toContain(tag);
    expect(foreignLinks(page, /^https:\/\/github\.com\/octo\/repo\/(blob\/b{40}\/|actions\/runs\/1$)/)).toEqual([]);
    expect((page.match(/<h2>/g) ?? []).length).toBe(1);
    expect((page.match(/<hr>/g) ?? []).length).toBe(1);
    expect(page).not.toMatch(/<img|<script|<[^>]*\sonerror=/i);
    expect(runnerCommandProblems(markdown)).toEqual([]);
    const text = visible(page);
    expect(text).not.toMatch(/(?<![A-Za-z0-9_])@(?!\u200D)/);
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/[\u202a-\u202e\u0000-\u0008\u001b]/);
  });

  it('without links (the CLI), nothing in the Markdown could make one: the shared output checks', () => {
    for (const audience of ['comment', 'summary'] as const)
      expect(markdownProblems(renderMarkdown(result.report, { maxBytes: 4 << 20, audience }))).toEqual([]);
  });

  it.each(outputs)('%s: tables keep their columns whatever the values', (_audience, markdown) => {
    for (const table of tables(html(markdown))) for (const cells of table.rows) expect(cells).toBe(table.head);
  });

  it('the summary shows every value as itself: no escape, entity or markup left over', () => {
    const text = visible(html(outputs[1][1]));
    for (const value of VERBATIM) expect(text).toContain(value);
    expect(text).toContain('@\u200Doctocat');
  });
});
