import type { Report } from './types.js';

/**
 * `##[` is the runner's legacy workflow command, honoured anywhere in a printed line; inside a JSON
 * string `[` may be written `\u005b`, which parses back to the same value and prints inertly.
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/##\[/g, '##\\u005b');
}

/**
 * The JSON report of docs/design.md ("JSON report"), a contract: the fields are written one by one,
 * in this order, so that what reporters read beyond it (rule metadata, upload times) stays out.
 */
export function jsonReport(report: Report) {
  return {
    tool: report.tool,
    version: report.version,
    base: report.base,
    head: report.head,
    now: report.now,
    projects: report.projects.map((project) => ({
      path: project.path,
      lock: project.lock,
      changes: project.changes.map(({ uploadedAt: _uploadedAt, ...change }) => change),
    })),
    findings: report.findings,
    waived: report.waived,
    preexisting: report.preexisting,
    counts: report.counts,
  };
}

export function renderJson(report: Report): string {
  return `${inertJson(jsonReport(report))}\n`;
}
