/**
 * The comment and the summary stay within GitHub's limits whatever the run, and the comment links
 * to the run's job summary for the rest, never to a path on the runner.
 */
import { describe, expect, it } from '@jest/globals';
import { COMMENT_MARKER, COMMENT_MAX_CHARS, commentBody } from '../src/action/comment.js';
import { makeFinding } from '../src/findings.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { RunResult } from '../src/engine.js';
import { pipelineSettings } from './support/pipeline.js';
import { LINKS } from './report-scenarios.js';

function bigRun(count: number): RunResult {
  const words = (i: number): string => [...String(i)].map((d) => 'abcdefghij'[Number(d)]).join('');
  const findings = Array.from({ length: count }, (_, i) =>
    makeFinding({
      rule: 'typosquat',
      severity: i % 3 ? 'warning' : 'error',
      file: 'uv.lock',
      line: i + 1,
      message: `looks like ${words(i)} ${'x'.repeat(200)}`,
      fix: `uv remove p${words(i)}`,
      package: { name: `p${words(i)}`, version: '1.0' },
      subject: String(i),
    }),
  );
  const counts = { error: findings.filter((f) => f.severity === 'error').length, warning: findings.filter((f) => f.severity === 'warning').length, notice: 0 };
  return {
    report: {
      tool: 'lockgate',
      version: '0',
      base: 'a'.repeat(40),
      head: LINKS.sha,
      now: '2026-11-26T12:00:00Z',
      projects: [],
      findings,
      waived: [],
      counts,
      rules: [],
    },
    pairs: [],
    log: [],
    settings: pipelineSettings(),
  };
}

describe('sizes', () => {
  it('5,000 findings: the comment lists 20 rows and links to the run; it fits the comment limit', () => {
    const md = renderMarkdown(bigRun(5_000).report, {
      ...LINKS,
      maxBytes: COMMENT_MAX_CHARS - COMMENT_MARKER.length - 2,
      reportJsonPath: '/home/runner/work/_temp/lockgate.json',
      audience: 'comment',
    });
    const body = commentBody(md);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body).toBe(`${COMMENT_MARKER}\n${md}`); // rendered to fit: never cut
    expect(md.split('\n').filter((line) => /^\| (🔴|🟠|🔵) /.test(line))).toHaveLength(20);
    expect(md).toContain('**4980 findings not shown here** (the comment lists 20 rows).');
    expect(md).toContain(`Everything is in the job summary of the [workflow run](${LINKS.runUrl}).`);
    expect(md).not.toContain('_temp');
  });

  it('5,000 findings in the job summary: as many rows as fit in 1 MiB, and it says how many are not', () => {
    const { runUrl: _run, ...links } = LINKS;
    const md = renderMarkdown(bigRun(5_000).report, { ...links, maxBytes: 1024 * 1024 - 1024 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(1024 * 1024 - 1024);
    const rows = md.split('\n').filter((line) => /^\| (🔴|🟠|🔵) /.test(line)).length;
    expect(rows).toBeGreaterThan(100);
    if (rows < 5_000) expect(md).toContain(`**${5_000 - rows} findings`);
    expect(md).toContain('the `report-json` output');
  });

  it('the check-run text limit (65,535) holds', () => {
    const md = renderMarkdown(bigRun(2_000).report, { serverUrl: LINKS.serverUrl, repository: LINKS.repository, sha: LINKS.sha, maxBytes: 65_535 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(65_535);
  });

  it('commentBody cuts an oversized body at a line end, within the limit', () => {
    const lines = Array.from({ length: 4_000 }, (_, i) => `| row ${i} | ${'é'.repeat(20)} 😀 |`).join('\n');
    const body = commentBody(lines);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    const kept = body.split('\n\n… (cut')[0]!;
    expect(
      kept
        .split('\n')
        .slice(1)
        .every((line) => /^\| row \d+ \| é{20} 😀 \|$/.test(line)),
    ).toBe(true);
    expect(body).toMatch(/job summary of the run has everything\)$/);
  });
});
