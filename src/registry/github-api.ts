/**
 * The few GitHub REST calls the Action makes: check runs, issue comments, and the git-data reads
 * of the contents fallback. Plain `fetch`, not @actions/github: no Octokit import on the start-up
 * path (~100 ms), one place that decides what goes into an error message (never a header, never
 * the token), and the same timeout/retry behaviour as lockgate's other HTTP client.
 */
import { parseRetryAfter } from './http.js';

export const CHECK_RUN_ANNOTATIONS_PER_REQUEST = 50;

export type ApiFailureKind =
  /** 403/404 on something the token may not do: a read-only token (fork PR) or a missing permission. */
  | 'permission'
  /** 401: the token is invalid or expired. */
  | 'auth'
  /** Primary or secondary rate limit that outlasted the retries. */
  | 'rate-limit'
  /** 404 on a read. */
  | 'not-found'
  /** 422 and other 4xx. */
  | 'rejected'
  /** 5xx after retries, timeouts, connection errors. */
  | 'unavailable';

export class GithubApiError extends Error {
  constructor(
    message: string,
    readonly kind: ApiFailureKind,
    readonly status: number | null,
    /** `x-accepted-github-permissions`, e.g. "checks=write" (what the endpoint wanted). */
    readonly acceptedPermissions: string | null,
  ) {
    super(message);
    this.name = 'GithubApiError';
  }
}

export interface GithubApiOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com or https://ghe.example/api/v3. */
  apiUrl: string;
  token: string | null;
  /** owner/repo. */
  repository: string;
  timeoutMs?: number;
  /** Extra attempts after a 5xx, a timeout or a rate limit with a short wait. */
  retries?: number;
  /** Longest rate-limit wait honoured before giving up, in ms. */
  maxRateLimitWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckRunAnnotation[];
}

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CreateCheckRun {
  name: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: CheckConclusion;
  started_at?: string;
  completed_at?: string;
  details_url?: string;
  external_id?: string;
  output: CheckRunOutput;
}

export interface IssueComment {
  id: number;
  body: string;
  user: { login: string; type: string } | null;
  html_url?: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const MAX_COMMENT_PAGES = 50;

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Response<T> {
  status: number;
  data: T;
  headers: Headers;
}

export class GithubApi {
  readonly repository: string;
  private readonly base: string;
  private readonly token: string | null;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Number of HTTP requests sent (retries included), for the log. */
  requests = 0;

  constructor(options: GithubApiOptions) {
    if (!REPO_RE.test(options.repository)) throw new Error(`GITHUB_REPOSITORY is not owner/repo: ${JSON.stringify(options.repository.slice(0, 100))}`);
    const url = new URL(options.apiUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('GITHUB_API_URL must be an http(s) URL');
    if (url.username || url.password) throw new Error('GITHUB_API_URL must not carry credentials');
    this.base = url.toString().replace(/\/+$/, '');
    this.repository = options.repository;
    this.token = options.token || null;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.retries = options.retries ?? 2;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 60_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Removes the token from text that came back from the server, in case a proxy echoes it. */
  private scrub(text: string): string {
    return this.token ? text.split(this.token).join('***') : text;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<Response<T>> {
    const url = `${this.base}${path}`;
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'lockgate',
    };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const what = `${method} ${path.replace(/\?.*$/, '')}`;
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      let response: globalThis.Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'follow',
        });
      } catch (error) {
        // By name: the DOMException may come from another realm (a test VM), where instanceof fails.
        const reason = (error as { name?: unknown } | null)?.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : 'connection failed';
        if (attempt < this.retries) {
          await this.sleep(500 * 2 ** attempt);
          continue;
        }
        throw new GithubApiError(`${what}: ${reason}`, 'unavailable', null, null);
      }
      const text = await response.text();
      if (response.ok) {
        let data: unknown = null;
        if (text.length > 0) {
          try {
            data = JSON.parse(text);
          } catch {
            throw new GithubApiError(`${what}: the answer is not JSON`, 'unavailable', response.status, null);
          }
        }
        return { status: response.status, data: data as T, headers: response.headers };
      }
      const message = this.scrub(messageOf(text)).slice(0, 300);
      const accepted = response.headers.get('x-accepted-github-permissions');
      const wait = rateLimitWaitMs(response, message);
      if (wait !== null) {
        if (attempt < this.retries && wait <= this.maxRateLimitWaitMs) {
          await this.sleep(wait);
          continue;
        }
        throw new GithubApiError(`${what}: rate limited (${response.status}${message ? `: ${message}` : ''})`, 'rate-limit', response.status, accepted);
      }
      if (response.status >= 500 && attempt < this.retries) {
        await this.sleep(500 * 2 ** attempt);
        continue;
      }
      const detail = `${what}: HTTP ${response.status}${message ? ` ${message}` : ''}`;
      if (response.status === 401) throw new GithubApiError(detail, 'auth', 401, accepted);
      // GitHub answers 404 instead of 403 when the token may not even see the resource.
      if (response.status === 403 || (response.status === 404 && method !== 'GET')) {
        throw new GithubApiError(detail, 'permission', response.status, accepted);
      }
      if (response.status === 404) throw new GithubApiError(detail, 'not-found', 404, accepted);
      throw new GithubApiError(detail, response.status >= 500 ? 'unavailable' : 'rejected', response.status, accepted);
    }
  }

  async createCheckRun(body: CreateCheckRun): Promise<{ id: number; html_url?: string }> {
    const annotations = body.output.annotations ?? [];
    if (annotations.length > CHECK_RUN_ANNOTATIONS_PER_REQUEST) throw new Error('at most 50 annotations per check-run request');
    const response = await this.request<{ id?: unknown; html_url?: unknown }>('POST', `/repos/${this.repository}/check-runs`, body);
    const id = response.data?.id;
    if (typeof id !== 'number') throw new GithubApiError('POST /check-runs: the answer has no id', 'unavailable', response.status, null);
    return { id, html_url: typeof response.data.html_url === 'string' ? response.data.html_url : undefined };
  }

  async updateCheckRun(id: number, body: Partial<Omit<CreateCheckRun, 'head_sha'>>): Promise<void> {
    if ((body.output?.annotations?.length ?? 0) > CHECK_RUN_ANNOTATIONS_PER_REQUEST) throw new Error('at most 50 annotations per check-run request');
    await this.request('PATCH', `/repos/${this.repository}/check-runs/${id}`, body);
  }

  /** Every comment of an issue or PR, oldest first (pages of 100, at most 5,000 comments). */
  async listIssueComments(issue: number): Promise<IssueComment[]> {
    const comments: IssueComment[] = [];
    for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
      const response = await this.request<unknown>('GET', `/repos/${this.repository}/issues/${issue}/comments?per_page=100&page=${page}`);
      if (!Array.isArray(response.data)) throw new GithubApiError('GET /issues/comments: the answer is not a list', 'unavailable', response.status, null);
      for (const item of response.data) {
        const comment = toComment(item);
        if (comment) comments.push(comment);
      }
      const link = response.headers.get('link') ?? '';
      if (!/rel="next"/.test(link) || response.data.length === 0) break;
    }
    return comments;
  }

  async createIssueComment(issue: number, body: string): Promise<IssueComment> {
    const response = await this.request<unknown>('POST', `/repos/${this.repository}/issues/${issue}/comments`, { body });
    const comment = toComment(response.data);
    if (!comment) throw new GithubApiError('POST /issues/comments: unexpected answer', 'unavailable', response.status, null);
    return comment;
  }

  async updateIssueComment(id: number, body: string): Promise<IssueComment> {
    const response = await this.request<unknown>('PATCH', `/repos/${this.repository}/issues/comments/${id}`, { body });
    const comment = toComment(response.data);
    if (!comment) throw new GithubApiError('PATCH /issues/comments: unexpected answer', 'unavailable', response.status, null);
    return comment;
  }

  /**
   * The login of the token's user (a personal token), or null: an Actions or App installation token
   * has no user and gets 403, which is an answer here, not an error.
   */
  async ownLogin(): Promise<string | null> {
    try {
      const response = await this.request<{ login?: unknown }>('GET', '/user');
      return typeof response.data?.login === 'string' ? response.data.login : null;
    } catch {
      // An Actions installation token cannot read /user (403): expected, not a failure. Without a
      // login the sticky comment is still found by its bot author (see findStickyComment).
      return null;
    }
  }

  /** A commit (by SHA, branch or tag): its full SHA, its tree and its committer time. */
  async getCommit(ref: string): Promise<{ sha: string; tree: string; committedAt: string | null }> {
    if (!/^[A-Za-z0-9._\/-]+$/.test(ref) || ref.includes('..')) throw new Error('getCommit needs a SHA, branch or tag name');
    const response = await this.request<{ sha?: unknown; commit?: { tree?: { sha?: unknown }; committer?: { date?: unknown } } }>(
      'GET',
      `/repos/${this.repository}/commits/${ref.split('/').map(encodeURIComponent).join('%2F')}`,
    );
    const sha = response.data?.sha;
    const tree = response.data?.commit?.tree?.sha;
    if (typeof sha !== 'string' || !SHA_RE.test(sha) || typeof tree !== 'string' || !SHA_RE.test(tree)) {
      throw new GithubApiError('GET /commits: the answer has no commit SHA or tree', 'unavailable', response.status, null);
    }
    const date = response.data?.commit?.committer?.date;
    return { sha, tree, committedAt: typeof date === 'string' ? date : null };
  }

  /** Every entry of a tree, recursively; `truncated` when GitHub cut the listing (very large repos). */
  async getTree(sha: string): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
    if (!SHA_RE.test(sha)) throw new Error('getTree needs a full SHA');
    const response = await this.request<{ tree?: unknown; truncated?: unknown }>('GET', `/repos/${this.repository}/git/trees/${sha}?recursive=1`);
    const raw = Array.isArray(response.data?.tree) ? response.data.tree : [];
    const entries: TreeEntry[] = [];
    for (const item of raw as Record<string, unknown>[]) {
      if (
        item &&
        typeof item.path === 'string' &&
        typeof item.mode === 'string' &&
        (item.type === 'blob' || item.type === 'tree' || item.type === 'commit') &&
        typeof item.sha === 'string' &&
        SHA_RE.test(item.sha)
      ) {
        entries.push({ path: item.path, mode: item.mode, type: item.type, sha: item.sha, size: typeof item.size === 'number' ? item.size : undefined });
      }
    }
    return { entries, truncated: response.data?.truncated === true };
  }

  /** A blob's bytes. */
  async getBlob(sha: string): Promise<Buffer> {
    if (!SHA_RE.test(sha)) throw new Error('getBlob needs a full SHA');
    const response = await this.request<{ content?: unknown; encoding?: unknown }>('GET', `/repos/${this.repository}/git/blobs/${sha}`);
    const content = response.data?.content;
    if (typeof content !== 'string') throw new GithubApiError('GET /git/blobs: the answer has no content', 'unavailable', response.status, null);
    if (response.data.encoding === 'base64') return Buffer.from(content, 'base64');
    if (response.data.encoding === 'utf-8') return Buffer.from(content, 'utf8');
    throw new GithubApiError('GET /git/blobs: unknown encoding', 'unavailable', response.status, null);
  }
}

function toComment(value: unknown): IssueComment | null {
  if (!value || typeof value !== 'object') return null;
  const item = value as Record<string, unknown>;
  if (typeof item.id !== 'number') return null;
  const user = item.user && typeof item.user === 'object' ? (item.user as Record<string, unknown>) : null;
  return {
    id: item.id,
    body: typeof item.body === 'string' ? item.body : '',
    user: user && typeof user.login === 'string' ? { login: user.login, type: typeof user.type === 'string' ? user.type : 'User' } : null,
    html_url: typeof item.html_url === 'string' ? item.html_url : undefined,
  };
}

/** GitHub's `message` field, or a short excerpt of a non-JSON body (a proxy's HTML page). */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed?.message === 'string') return parsed.message.replace(/\s+/g, ' ').trim();
  } catch {
    // An error page that is not JSON: the caller reports the HTTP status without GitHub's message.
  }
  return '';
}

/**
 * How long a rate-limited answer asks us to wait, or null when the answer is no rate limit.
 * Primary limit: 403/429 with x-ratelimit-remaining: 0 (wait until x-ratelimit-reset). Secondary
 * limit: 403/429 with retry-after or a message saying so.
 */
function rateLimitWaitMs(response: globalThis.Response, message: string): number | null {
  if (response.status !== 403 && response.status !== 429) return null;
  const asked = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  if (asked !== undefined) return asked;
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) + 1000 : 60_000;
  }
  if (response.status === 429 || /rate limit/i.test(message)) return 60_000;
  return null;
}
