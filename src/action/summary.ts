/**
 * The job summary ($GITHUB_STEP_SUMMARY). GitHub refuses a step summary over 1 MiB (and says so
 * with an error annotation), so the Markdown is rendered to fit what is left of that.
 */
import { appendFileSync, statSync } from 'node:fs';

export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;
/** Headroom for the newline we add and anything the runner adds. */
const MARGIN_BYTES = 1024;

/** Bytes lockgate may still write to the summary file. */
export function summaryBudget(path: string): number {
  let used = 0;
  try {
    used = statSync(path).size;
  } catch {
    used = 0;
  }
  return Math.max(0, STEP_SUMMARY_MAX_BYTES - used - MARGIN_BYTES);
}

/** Appends the Markdown; refuses (returns false) rather than push the file over the limit. */
export function appendJobSummary(path: string, markdown: string): boolean {
  if (Buffer.byteLength(markdown) > summaryBudget(path)) return false;
  appendFileSync(path, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return true;
}
