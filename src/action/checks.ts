/**
 * The check run: every located finding as an annotation on the PR head commit, sent 50 per request
 * (GitHub's limit; each update appends), with the Markdown report as its text.
 *
 * The run is created `completed` with its conclusion in the first request, and later batches only
 * add annotations: if a later request fails, the required check still has the right conclusion
 * instead of hanging `in_progress` forever.
 */
import { compareFindings, type Finding, type Severity } from '../findings.js';
import { exitCodeFor } from '../report/github.js';
import { filteredLine, qualifierSuffix } from '../report/qualifiers.js';
import type { Report } from '../report/types.js';
import {
  CHECK_RUN_ANNOTATIONS_PER_REQUEST,
  GithubApiError,
  type CheckConclusion,
  type CheckRunAnnotation,
  type CheckRunOutput,
  type GithubClient,
} from '../net/github.js';
import type { FailOn } from '../settings/types.js';

/**
 * Not plain "lockgate": that is the usual job name, and two checks with one name on one commit make
 * a required check ambiguous (the later one wins).
 */
export const CHECK_RUN_NAME = 'lockgate findings';
/** GitHub's limit for output.summary and output.text, in characters. */
export const CHECK_OUTPUT_MAX_CHARS = 65_535;
const MAX_ANNOTATION_MESSAGE = 4_000;
const MAX_ANNOTATION_DETAILS = 8_000;

const LEVEL: Record<Severity, CheckRunAnnotation['annotation_level']> = { error: 'failure', warning: 'warning', notice: 'notice' };

function clipChars(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The annotation of a finding with a line; null for a finding about a whole file. */
export function toAnnotation(finding: Finding, scrub: (text: string) => string = (t) => t): CheckRunAnnotation | null {
  const line = finding.line;
  if (line === undefined || !Number.isSafeInteger(line) || line < 1 || !finding.file) return null;
  const endLine = finding.endLine !== undefined && Number.isSafeInteger(finding.endLine) && finding.endLine >= line ? finding.endLine : line;
  const annotation: CheckRunAnnotation = {
    path: finding.file,
    start_line: line,
    end_line: endLine,
    annotation_level: LEVEL[finding.severity],
    message: clipChars(scrub(finding.message), MAX_ANNOTATION_MESSAGE) || finding.rule,
    title: clipChars(`${finding.rule}${qualifierSuffix(finding)}`, 255),
  };
  // GitHub accepts columns only on single-line annotations.
  if (finding.column !== undefined && Number.isSafeInteger(finding.column) && finding.column >= 1 && endLine === line) {
    annotation.start_column = finding.column;
    annotation.end_column = finding.column;
  }
  if (finding.fix) annotation.raw_details = clipChars(`Fix: ${scrub(finding.fix)}`, MAX_ANNOTATION_DETAILS);
  return annotation;
}

export function conclusionFor(report: Report, failOn: FailOn): CheckConclusion {
  return exitCodeFor(report, failOn) === 1 ? 'failure' : 'success';
}

export function countsTitle(report: Report): string {
  const parts = (['error', 'warning', 'notice'] as Severity[])
    .filter((s) => (report.counts[s] ?? 0) > 0)
    .map((s) => `${report.counts[s]} ${report.counts[s] === 1 ? s : `${s}s`}`);
  return parts.length > 0 ? parts.join(', ') : 'No findings';
}

export interface CheckRunInput {
  headSha: string;
  report: Report;
  failOn: FailOn;
  /** The Markdown report, already within CHECK_OUTPUT_MAX_CHARS. */
  text: string;
  detailsUrl?: string;
  name?: string;
  /** Removes secrets from text that goes over the wire. */
  scrub?: (text: string) => string;
  /** At most this many annotations (config `limits.max-rendered-findings`), most severe first. */
  maxAnnotations?: number;
}

export interface CheckRunOutcome {
  id: number;
  url?: string;
  conclusion: CheckConclusion;
  /** Annotations GitHub accepted. */
  annotations: number;
  /** Located findings that should have been annotations (after `maxAnnotations`). */
  expected: number;
  /** Located findings left out by `maxAnnotations`. */
  capped: number;
  /** Findings without a line (in the text only). */
  unlocated: number;
  /** Requests made for this check run (create + updates). */
  requests: number;
  /** Set when a later batch failed: what went wrong. */
  incomplete?: string;
}

export function checkSummary(report: Report, failOn: FailOn, conclusion: CheckConclusion, unlocated: number): string {
  const verdict =
    failOn === 'never'
      ? 'fail-on is `never`: this check does not fail.'
      : conclusion === 'failure'
        ? `Findings at or above fail-on \`${failOn}\`: this check fails.`
        : `Nothing at or above fail-on \`${failOn}\`.`;
  const lines = [`**${countsTitle(report)}**. ${verdict}`];
  const filtered = filteredLine(report.filtered, 'settings');
  if (filtered) lines.push('', filtered);
  if (unlocated > 0)
    lines.push(
      '',
      `${unlocated} ${unlocated === 1 ? 'finding concerns' : 'findings concern'} a whole file and ${unlocated === 1 ? 'is' : 'are'} listed below without an annotation.`,
    );
  return lines.join('\n');
}

/**
 * Creates the check run and sends every annotation. Throws GithubApiError when the create fails
 * (the caller turns 'permission' into one notice); a failed later batch is reported in `incomplete`.
 */
export async function publishCheckRun(api: GithubClient, input: CheckRunInput): Promise<CheckRunOutcome> {
  const scrub = input.scrub ?? ((t: string) => t);
  const sorted = [...input.report.findings].sort(compareFindings);
  const located = sorted.map((f) => toAnnotation(f, scrub)).filter((a): a is CheckRunAnnotation => a !== null);
  const unlocated = sorted.length - located.length;
  const annotations = located.slice(0, input.maxAnnotations ?? located.length);
  const conclusion = conclusionFor(input.report, input.failOn);
  const base: CheckRunOutput = {
    title: countsTitle(input.report),
    summary: clipChars(scrub(checkSummary(input.report, input.failOn, conclusion, unlocated)), CHECK_OUTPUT_MAX_CHARS),
    text: clipChars(scrub(input.text), CHECK_OUTPUT_MAX_CHARS),
  };
  const batches: CheckRunAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += CHECK_RUN_ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + CHECK_RUN_ANNOTATIONS_PER_REQUEST));
  const now = new Date().toISOString();
  const created = await api.createCheckRun({
    name: input.name ?? CHECK_RUN_NAME,
    head_sha: input.headSha,
    status: 'completed',
    conclusion,
    started_at: now,
    completed_at: now,
    ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
    output: { ...base, annotations: batches[0] ?? [] },
  });
  const outcome: CheckRunOutcome = {
    id: created.id,
    url: created.html_url,
    conclusion,
    annotations: batches[0]?.length ?? 0,
    expected: annotations.length,
    capped: located.length - annotations.length,
    unlocated,
    requests: 1,
  };
  for (const batch of batches.slice(1)) {
    outcome.requests++;
    try {
      await api.updateCheckRun(created.id, { output: { ...base, annotations: batch } });
      outcome.annotations += batch.length;
    } catch (error) {
      outcome.incomplete = error instanceof GithubApiError ? error.message : String(error);
      break;
    }
  }
  return outcome;
}
