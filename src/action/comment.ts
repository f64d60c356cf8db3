/**
 * The sticky pull-request comment: one comment per PR, found again by a hidden marker on its first
 * line and updated in place, so a PR gets no pile of reports.
 *
 * Only a comment by a bot (the Actions token posts as github-actions[bot]) is adopted: a PR author
 * could post a comment starting with the marker, and lockgate must not make that comment the
 * report (its author could edit it to "no findings" later). With a personal token, the comment of
 * that token's own user is adopted.
 */
import type { GithubClient, IssueComment } from '../net/github.js';
import type { CommentMode } from '../settings/types.js';

export const COMMENT_MARKER = '<!-- lockgate:comment -->';
/** GitHub's limit on a comment body, in characters. */
export const COMMENT_MAX_CHARS = 65_536;

export interface CommentOutcome {
  action: 'created' | 'updated' | 'skipped';
  id?: number;
  url?: string;
  /** Why it was skipped. */
  reason?: string;
}

export function isStickyComment(comment: IssueComment): boolean {
  return comment.body.startsWith(COMMENT_MARKER);
}

/** The comment to update: the oldest marker comment by a bot, else by `ownLogin`. */
export function findStickyComment(comments: IssueComment[], ownLogin: string | null): IssueComment | null {
  const marked = comments.filter(isStickyComment);
  return marked.find((c) => c.user?.type === 'Bot') ?? (ownLogin ? (marked.find((c) => c.user?.login === ownLogin) ?? null) : null);
}

export interface StickyCommentInput {
  issue: number;
  mode: CommentMode;
  hasFindings: boolean;
  /** The full body, marker first (see `commentBody`). */
  body: string;
}

/**
 * The body: marker on the first line, then the Markdown, hard-limited to COMMENT_MAX_CHARS. The
 * Markdown is rendered to fit already (renderMarkdown's maxBytes); should it not, the cut falls at
 * a line end (never inside a surrogate pair or a line of a table), with a closing line saying so.
 */
export function commentBody(markdown: string): string {
  const body = `${COMMENT_MARKER}\n${markdown}`;
  if (body.length <= COMMENT_MAX_CHARS) return body;
  const tail = "\n\n… (cut at GitHub's comment limit; the job summary of the run has everything)";
  let end = body.lastIndexOf('\n', COMMENT_MAX_CHARS - tail.length);
  if (end <= COMMENT_MARKER.length) end = COMMENT_MAX_CHARS - tail.length;
  if (/[\uD800-\uDBFF]/.test(body.charAt(end - 1))) end--;
  return `${body.slice(0, end)}${tail}`;
}

export async function upsertStickyComment(api: GithubClient, input: StickyCommentInput): Promise<CommentOutcome> {
  if (input.mode === 'never') return { action: 'skipped', reason: 'comment: never' };
  if (!input.body.startsWith(COMMENT_MARKER)) throw new Error('the comment body must start with the marker');
  const comments = await api.listIssueComments(input.issue);
  let existing = findStickyComment(comments, null);
  if (!existing && comments.some(isStickyComment)) {
    // A marker comment not by a bot: adopt it only if it is ours (a personal token).
    existing = findStickyComment(comments, await api.ownLogin());
  }
  if (input.mode === 'on-findings' && !input.hasFindings) {
    // An old report saying "3 errors" must not stay up once they are fixed.
    if (!existing) return { action: 'skipped', reason: 'no findings (comment: on-findings)' };
  }
  if (existing) {
    const updated = await api.updateIssueComment(existing.id, input.body);
    return { action: 'updated', id: updated.id, url: updated.html_url };
  }
  const created = await api.createIssueComment(input.issue, input.body);
  return { action: 'created', id: created.id, url: created.html_url };
}
