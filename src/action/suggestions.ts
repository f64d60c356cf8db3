/**
 * Suggested changes on the pull request (input `suggestions: true`): one review whose line
 * comments carry GitHub `suggestion` blocks, one per fixable finding on a line the pull request
 * touched, each applicable with one click. At most one review per head SHA: an earlier lockgate
 * review of another head is dismissed (approving or change-requesting) or marked superseded
 * (a COMMENTED review, which GitHub does not let anyone dismiss).
 *
 * The fixes are the planner's (src/fix/plan.ts), run on the head texts; the lines a pull request
 * touched are the added lines of the base-to-head line diff of each file.
 */
import { readRevisions, type RunResult } from '../engine.js';
import type { Finding } from '../findings.js';
import { applyEdits, lineEnd, offsetOfLine, type TextEdit } from '../fix/edits.js';
import { addedLines } from '../fix/diff.js';
import { FIXABLE_RULES, planFixes } from '../fix/plan.js';
import { githubFixResolver } from '../fix/github-resolver.js';
import type { FixResolver } from '../fix/resolver.js';
import { GithubApiError, type CreateReview, type PullReview } from '../net/github.js';

export const SUGGESTIONS_MARKER = '<!-- lockgate:suggestions -->';
/** GitHub takes many comments per review; past this many the rest stay in the report. */
export const MAX_SUGGESTIONS = 100;

/** What suggestions need of the GitHub client (src/net/github.ts). */
export interface ReviewApi {
  listReviews(pull: number): Promise<PullReview[]>;
  createReview(pull: number, review: CreateReview): Promise<{ id: number }>;
  updateReview(pull: number, id: number, body: string): Promise<void>;
  dismissReview(pull: number, id: number, message: string): Promise<void>;
}

/** One suggested change: lines `startLine..line` of `path` at head replaced by `text`. */
export interface Suggestion {
  path: string;
  startLine: number;
  line: number;
  /** The replacement lines, without their line endings. */
  text: string;
  rules: string[];
}

/** Why each rule's change is suggested: fixed text, never finding text (which carries file content). */
const WHY: Record<string, string> = {
  'unpinned-uses': 'Pins the action to the commit its tag names today, with the tag as a comment.',
  'unpinned-image': 'Pins the image to the digest its tag names today.',
  'uv-unlocked': 'Installs exactly what uv.lock says, or fails if the lock is out of date.',
  artipacked: 'Keeps the token out of .git/config, where every later step could read it.',
  'excessive-permissions': "Gives the workflow's jobs a read-only token unless a job asks for more.",
  'dependabot-cooldown': "Makes Dependabot wait lockgate's cooldown before proposing a release.",
  'exclude-newer-missing': 'Makes uv ignore releases newer than the cooldown (then run uv lock).',
  'add-bounds-not-exact': 'Makes uv add write exact == pins.',
};

export interface SuggestionInput {
  findings: readonly Finding[];
  /** Head texts of the files the findings name. */
  head: ReadonlyMap<string, string>;
  /** Base texts (a file missing here is new: every line is touched). */
  base: ReadonlyMap<string, string>;
  cooldownDays: number;
  now: Date;
}

/** The suggestions for the fixable findings on lines the pull request touched. Pure but for the resolver. */
export async function computeSuggestions(input: SuggestionInput, resolver: FixResolver | null): Promise<Suggestion[]> {
  /** The edits that fix these findings, all in one file, or null when there are none. */
  const editsFor = async (findings: Finding[]): Promise<TextEdit[] | null> => {
    const plan = await planFixes({ findings, files: input.head, cooldownDays: input.cooldownDays, now: input.now }, resolver);
    const file = findings[0]!.file;
    const edits = plan.edits.filter((edit) => edit.file === file);
    return edits.length === 0 || edits.length !== plan.edits.length ? null : edits;
  };
  const touched = new Map<string, Set<number>>();
  const touchedIn = (file: string): Set<number> => {
    let lines = touched.get(file);
    if (!lines) {
      const head = input.head.get(file) ?? '';
      const base = input.base.get(file);
      lines = base === undefined ? new Set(head.split('\n').map((_, i) => i + 1)) : addedLines(base, head);
      touched.set(file, lines);
    }
    return lines;
  };
  const groups: { file: string; start: number; end: number; findings: Finding[] }[] = [];
  for (const finding of input.findings) {
    if (!FIXABLE_RULES.has(finding.rule) || finding.line === undefined || !input.head.has(finding.file)) continue;
    if (!touchedIn(finding.file).has(finding.line)) continue;
    const edits = await editsFor([finding]);
    if (!edits) continue;
    const text = input.head.get(finding.file)!;
    const start = lineOfOffset(text, Math.min(...edits.map((e) => e.start)));
    const end = lineOfOffset(text, Math.max(...edits.map((e) => e.end)));
    groups.push({ file: finding.file, start, end, findings: [finding] });
  }
  // Suggestions on the same lines are merged: GitHub applies one suggestion per line in a batch.
  groups.sort((a, b) => a.file.localeCompare(b.file) || a.start - b.start || a.end - b.end);
  const merged: typeof groups = [];
  for (const group of groups) {
    const last = merged[merged.length - 1];
    if (last && last.file === group.file && group.start <= last.end) {
      last.end = Math.max(last.end, group.end);
      last.findings.push(...group.findings);
    } else merged.push({ ...group, findings: [...group.findings] });
  }
  const suggestions: Suggestion[] = [];
  for (const group of merged) {
    const lines = touchedIn(group.file);
    let all = true;
    for (let line = group.start; line <= group.end; line++) if (!lines.has(line)) all = false;
    if (!all) continue;
    // The merged findings planned together, so their edits come in the planner's order.
    const edits = await editsFor(group.findings);
    if (!edits) continue;
    const text = input.head.get(group.file)!;
    const from = offsetOfLine(text, group.start);
    if (from < 0 || offsetOfLine(text, group.end) < 0) continue;
    const to = lineEnd(text, offsetOfLine(text, group.end));
    if (edits.some((edit) => edit.start < from || edit.end > to)) continue;
    const region = applyEdits(
      text.slice(from, to),
      edits.map((edit) => ({ ...edit, start: edit.start - from, end: edit.end - from })),
    );
    if (region.dropped.length > 0) continue;
    const rules = [...new Set(group.findings.map((f) => f.rule))];
    suggestions.push({ path: group.file, startLine: group.start, line: group.end, text: region.text.replace(/\r\n/g, '\n'), rules });
  }
  return suggestions;
}

/** 1-based line of an offset; an offset at the very start of a line after a newline counts as that line. */
function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A fence longer than any backtick run of the text, so the suggestion cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export function commentBody(suggestion: Suggestion): string {
  const why = suggestion.rules.map((rule) => `**${rule}**: ${WHY[rule] ?? 'Fixes the finding.'}`).join('\n');
  const fence = fenceFor(suggestion.text);
  return `${why}\n\n${fence}suggestion\n${suggestion.text}\n${fence}`;
}

export type SuggestionOutcome =
  | { action: 'created'; id: number; suggestions: number; superseded: number }
  | { action: 'skipped'; reason: string; superseded: number };

/**
 * Publishes the suggestions as one review on `headSha`, unless a lockgate review of that head
 * exists; earlier lockgate reviews are dismissed or marked superseded. Throws the client's error
 * (a read-only token is a GithubApiError of kind `permission`, which the caller turns into a notice).
 */
export async function publishSuggestions(api: ReviewApi, pull: number, headSha: string, suggestions: readonly Suggestion[]): Promise<SuggestionOutcome> {
  const reviews = (await api.listReviews(pull)).filter((review) => review.body.includes(SUGGESTIONS_MARKER));
  const current = reviews.find((review) => review.commit_id === headSha && review.state !== 'DISMISSED');
  let superseded = 0;
  for (const review of reviews) {
    if (review === current || review.state === 'DISMISSED' || review.commit_id === headSha) continue;
    if (review.body.includes('lockgate reviewed a newer commit')) continue;
    const message = `lockgate reviewed a newer commit (${headSha.slice(0, 12)}); these suggestions are out of date.`;
    if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED') await api.dismissReview(pull, review.id, message);
    else await api.updateReview(pull, review.id, `${SUGGESTIONS_MARKER}\n${message}`);
    superseded++;
  }
  if (current) return { action: 'skipped', reason: `this head commit already has lockgate's review (id ${current.id})`, superseded };
  if (suggestions.length === 0) return { action: 'skipped', reason: 'no fixable finding on a line this pull request touched', superseded };
  const shown = suggestions.slice(0, MAX_SUGGESTIONS);
  const more = suggestions.length - shown.length;
  const body =
    `${SUGGESTIONS_MARKER}\nlockgate suggests ${shown.length} ${shown.length === 1 ? 'change' : 'changes'} that fix its findings on lines this pull request touched; ` +
    `each applies with one click (Commit suggestion), or all together from Files changed.${more > 0 ? ` ${more} more are in the report (lockgate fix applies them all).` : ''}`;
  const review = await api.createReview(pull, {
    commit_id: headSha,
    body,
    event: 'COMMENT',
    comments: shown.map((s) => ({
      path: s.path,
      line: s.line,
      side: 'RIGHT' as const,
      ...(s.startLine < s.line ? { start_line: s.startLine, start_side: 'RIGHT' as const } : {}),
      body: commentBody(s),
    })),
  });
  return { action: 'created', id: review.id, suggestions: shown.length, superseded };
}

export interface SuggestChangesContext {
  api: (ReviewApi & Parameters<typeof githubFixResolver>[0]) | null;
  pullRequest: { number: number } | null;
  headSha: string | null;
  result: RunResult;
  info: (line: string) => void;
  annotate: (severity: 'notice' | 'warning', message: string) => void;
}

/** The action's step: compute and publish, with one line of outcome; a read-only token costs one notice. */
export async function suggestChanges(ctx: SuggestChangesContext): Promise<void> {
  if (!ctx.pullRequest) return ctx.info('lockgate: suggestions: true needs a pull request event; skipped.');
  if (!ctx.api) return ctx.info('lockgate: no token: the suggested changes are skipped.');
  if (!ctx.headSha) return ctx.info('lockgate: no head commit SHA for the review: the suggested changes are skipped.');
  const settings = ctx.result.settings;
  try {
    const { head, base } = readRevisions(settings);
    const findings = ctx.result.report.findings;
    const files = new Set(findings.map((f) => f.file));
    const texts = (source: typeof head | null): Map<string, string> =>
      new Map([...(source?.texts ?? new Map<string, string>())].filter(([path]) => files.has(path)));
    const suggestions = await computeSuggestions(
      { findings, head: texts(head), base: texts(base), cooldownDays: settings.cooldownDays, now: settings.now },
      settings.offline ? null : githubFixResolver(ctx.api),
    );
    const outcome = await publishSuggestions(ctx.api, ctx.pullRequest.number, ctx.headSha, suggestions);
    const superseded = outcome.superseded > 0 ? `; ${outcome.superseded} earlier ${outcome.superseded === 1 ? 'review' : 'reviews'} superseded` : '';
    ctx.info(
      outcome.action === 'created'
        ? `lockgate: suggested changes: review ${outcome.id} with ${outcome.suggestions} ${outcome.suggestions === 1 ? 'suggestion' : 'suggestions'}${superseded}.`
        : `lockgate: suggested changes skipped: ${outcome.reason}${superseded}.`,
    );
  } catch (error) {
    if (error instanceof GithubApiError && error.kind === 'permission') {
      ctx.annotate(
        'notice',
        'The token may not write pull request reviews (read-only, as in a pull request from a fork), so the suggested changes were skipped. Missing permission: pull-requests: write.',
      );
    } else ctx.annotate('warning', `The suggested changes could not be posted: ${(error as Error).message}`);
  }
}
