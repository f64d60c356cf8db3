/**
 * The action's JSON outputs (`findings-json`, `changes-json`), for a later step that acts on the
 * result without reading a file on the runner. GitHub caps a job's outputs at 1 MB in all
 * (counted roughly as UTF-16, which is what a JavaScript string's length counts), so each output
 * has its own budget and says with `truncated` when it had to stop: the first entries in report
 * order (most severe first) that fit, never a cut entry. The JSON report (`report-json`) has all.
 */
import type { Finding } from '../findings.js';
import { jsonFinding } from './json.js';
import type { ChangeRow, Report } from './types.js';

/** UTF-16 code units; the two budgets together stay well under GitHub's 1 MB for a job's outputs. */
export const FINDINGS_OUTPUT_MAX_CHARS = 512 * 1024;
export const CHANGES_OUTPUT_MAX_CHARS = 256 * 1024;

/** One lock change, flat (with its project), as the JSON report writes it. */
export interface ChangeOutput extends Omit<ChangeRow, 'uploadedAt'> {
  /** The project's workspace root ('' for the repository root) and lock file. */
  project: string;
  lock: string;
}

/** Compact JSON, inert in a log line like the JSON report (`##[` never appears as such). */
function compact(value: unknown): string {
  return JSON.stringify(value).replace(/##\[/g, '##\\u005b');
}

/**
 * `{"truncated":false,"total":N,"<key>":[…]}`: entries in order while the whole stays within
 * `maxChars`. `total` is the number of entries there are, shown or not.
 */
function bounded(key: string, entries: unknown[], maxChars: number): string {
  const close = ']}';
  const open = (truncated: boolean) => `{"truncated":${truncated},"total":${entries.length},"${key}":[`;
  // The longer prefix (`false` is longer than `true`) so the choice of flag cannot push it over.
  let size = open(false).length + close.length;
  const parts: string[] = [];
  for (const entry of entries) {
    const text = compact(entry);
    const cost = text.length + (parts.length > 0 ? 1 : 0);
    if (size + cost > maxChars) break;
    parts.push(text);
    size += cost;
  }
  return `${open(parts.length < entries.length)}${parts.join(',')}${close}`;
}

/** The findings that gate (the JSON report's `findings`, same fields), most severe first. */
export function findingsOutput(report: Report, maxChars = FINDINGS_OUTPUT_MAX_CHARS): string {
  const findings: Finding[] = report.findings.map(jsonFinding);
  return bounded('findings', findings, maxChars);
}

/** Every dependency change of every project, flat: `{ project, lock, name, kind, from?, to?, fromSource?, toSource? }`. */
export function changesOutput(report: Report, maxChars = CHANGES_OUTPUT_MAX_CHARS): string {
  const changes: ChangeOutput[] = report.projects.flatMap((project) =>
    project.changes.map(({ uploadedAt: _uploadedAt, ...change }) => ({ project: project.path, lock: project.lock, ...change })),
  );
  return bounded('changes', changes, maxChars);
}

/** What the outputs say when there is nothing to check (a deleted branch). */
export const EMPTY_FINDINGS_OUTPUT = '{"truncated":false,"total":0,"findings":[]}';
export const EMPTY_CHANGES_OUTPUT = '{"truncated":false,"total":0,"changes":[]}';
