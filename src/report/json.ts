import { confidenceOf, personaOf, type Finding, type WaivedFinding } from '../findings.js';
import type { Report } from './types.js';

/**
 * `##[` is the runner's legacy workflow command, honoured anywhere in a printed line; inside a JSON
 * string `[` may be written `\u005b`, which parses back to the same value and prints inertly.
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/##\[/g, '##\\u005b');
}

/**
 * A finding as the JSON report writes it: the contract's keys in the contract's order
 * (docs/design.md "Finding"), whatever order the rule built them in, with `confidence` and
 * `persona` always present (`high` and `regular` for a finding that carries none).
 */
export function jsonFinding<F extends Finding>(finding: F): F {
  const {
    rule,
    severity,
    file,
    line,
    endLine,
    column,
    message,
    fix,
    package: pkg,
    confidence: _c,
    persona: _p,
    related,
    introduced,
    fingerprint,
    ...rest
  } = finding;
  const ordered: Record<string, unknown> = { rule, severity, file, line, endLine, column, message, fix, package: pkg };
  ordered.confidence = confidenceOf(finding);
  ordered.persona = personaOf(finding);
  Object.assign(ordered, { related, introduced, fingerprint }, rest);
  for (const key of Object.keys(ordered)) if (ordered[key] === undefined) delete ordered[key];
  return ordered as F;
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
    findings: report.findings.map(jsonFinding),
    waived: report.waived.map((finding: WaivedFinding) => jsonFinding(finding)),
    preexisting: report.preexisting?.map(jsonFinding),
    filtered: report.filtered ?? noneFiltered(),
    counts: report.counts,
  };
}

export function renderJson(report: Report): string {
  return `${inertJson(jsonReport(report))}\n`;
}

/** What `filtered` says of a report built without the filters: nothing left out, the defaults. */
function noneFiltered(): NonNullable<Report['filtered']> {
  return { minConfidence: 'low', persona: 'regular', total: 0, byPersona: 0, byConfidence: 0, rules: {} };
}
