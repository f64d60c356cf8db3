/**
 * Every reporter, in-process, on findings and changes whose every field is hostile: the data must
 * come out inert (no runner command of either syntax, no raw HTML, link, image or mention, no
 * terminal escape) and JSON/SARIF must still carry the exact values.
 */
import { describe, expect, it } from '@jest/globals';
import { makeFinding, type Finding } from '../src/findings.js';
import { renderGithub } from '../src/report/github.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderSarif } from '../src/report/sarif.js';
import { runnerSafe, terminalSafe } from '../src/report/terminal.js';
import { renderText } from '../src/report/text.js';
import { ruleMetas } from '../src/engine.js';
import type { Report } from '../src/report/types.js';
import type { OutputFormat } from '../src/settings/types.js';
import { HOSTILE_STRINGS } from './support/fuzz-corpus.js';
import { outputProblems, runnerCommandProblems } from './support/output-checks.js';

function hostileReport(): Report {
  const findings: Finding[] = HOSTILE_STRINGS.map((value, i) =>
    makeFinding({
      rule: i % 2 ? 'typosquat' : 'unpinned-uses',
      severity: (['error', 'warning', 'notice'] as const)[i % 3]!,
      file: i % 4 === 0 ? `.github/workflows/${value.slice(0, 40)}.yml` : 'uv.lock',
      line: i + 1,
      message: `Package ${value} is suspicious: ${value}`,
      fix: i % 2 ? `uv remove ${value}` : `[tool.uv.sources]\n${value} = { index = "x" }\n::error::second line\n##[stop-commands]x`,
      package: { name: value, version: value },
      related: i % 3 === 0 ? [{ file: `.github/workflows/${value.slice(0, 40)}.yml`, line: i + 2, message: `the step ${value}` }] : undefined,
      subject: `s${i}`,
    }),
  );
  return {
    tool: 'lockgate',
    version: '0.0.0-test',
    base: 'a'.repeat(40),
    head: 'WORKTREE',
    now: '2026-11-26T12:00:00.000Z',
    projects: [
      {
        path: '',
        lock: 'uv.lock',
        changes: HOSTILE_STRINGS.map((value) => ({ name: value, kind: 'upgraded' as const, from: value, to: `${value}2`, fromSource: value, toSource: value })),
      },
    ],
    findings,
    waived: [{ ...findings[0]!, waiver: { by: 'config-ignore', reason: HOSTILE_STRINGS.join(' '), until: '2027-01-01' } }],
    counts: {
      error: findings.filter((f) => f.severity === 'error').length,
      warning: findings.filter((f) => f.severity === 'warning').length,
      notice: findings.filter((f) => f.severity === 'notice').length,
    },
    rules: ruleMetas(),
  };
}

function renderAll(report: Report): Record<OutputFormat, string> {
  return {
    text: renderText(report, { color: false }),
    json: renderJson(report),
    sarif: renderSarif(report),
    markdown: renderMarkdown(report, { maxBytes: 4 * 1024 * 1024 }),
    github: renderGithub(report),
  };
}

describe('reporters on hostile values', () => {
  const report = hostileReport();
  const outputs = renderAll(report);

  it.each(['text', 'json', 'sarif', 'markdown', 'github'] as OutputFormat[])('%s: nothing injected', (format) => {
    expect(outputProblems(format, outputs[format], report.findings)).toEqual([]);
  });

  it('JSON and SARIF carry the exact hostile values (the escaping is only in the encoding)', () => {
    const json = JSON.parse(outputs.json) as Report;
    expect(json.findings.map((f) => f.package?.name)).toEqual(report.findings.map((f) => f.package?.name));
    expect(json.findings.map((f) => f.fix)).toEqual(report.findings.map((f) => f.fix));
    expect(json.projects[0]!.changes.map((c) => c.name)).toEqual(HOSTILE_STRINGS);
    const sarif = JSON.parse(outputs.sarif) as { runs: { results: { message: { text: string } }[] }[] };
    // SARIF's own escape (a `](` that could pose as an embedded link) undone, the text is exact;
    // a finding with related locations ends with links to them, on one line whatever their text.
    const texts = sarif.runs[0]!.results.map((r) => r.message.text);
    const seeAlso = /\nSee also: \[[^\n[\]\\]*\]\(1\)\.$/;
    expect(texts.map((text) => text.replace(seeAlso, '').replace(/\\\]\(/g, ']('))).toEqual(report.findings.map((f) => `${f.message}\nFix: ${f.fix}`));
    expect(texts.map((text) => seeAlso.test(text))).toEqual(report.findings.map((f) => f.related !== undefined));
    expect(outputs.json).not.toContain('##[');
  });

  it('text shows a neutralised command visibly, and keeps continuation lines indented', () => {
    expect(outputs.text).toContain('##\\[stop-commands]tok');
    expect(outputs.text).toMatch(/\n {11}:\\:error::injected/);
  });
});

describe('runnerSafe / terminalSafe', () => {
  it.each([
    ['::error::x', ':\\:error::x'],
    ['a\n::error::x', 'a\n:\\:error::x'],
    ['a\n   \t::warning::x', 'a\n   \t:\\:warning::x'],
    ['a\n\u00a0\u3000::notice::x', 'a\n\u00a0\u3000:\\:notice::x'],
    ['mid ::error:: line', 'mid ::error:: line'],
    ['x ##[error]y', 'x ##\\[error]y'],
    ['###[add-mask]z', '###\\[add-mask]z'],
  ])('%j -> %j', (input, expected) => {
    expect(runnerSafe(input)).toBe(expected);
    expect(runnerCommandProblems(runnerSafe(input))).toEqual([]);
  });

  it('a carriage return cannot start a line for the runner either', () => {
    expect(runnerCommandProblems(terminalSafe('a\r::error::x'))).toEqual([]);
    expect(terminalSafe('a\r::error::x')).toBe('a\\x0d::error::x');
  });
});
