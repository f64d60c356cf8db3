/**
 * The one GitHub REST client of lockgate: the facts the workflow rules read (refs, tags, branches,
 * commits, compare, repositories) and the Action's own calls (check runs, issue comments, and the
 * commits, trees and blobs of the contents fallback). Plain `fetch` through `request()` of
 * ./http.ts, not @actions/github: no Octokit on the start-up path (~100 ms), one place that decides
 * what goes into an error message (never a header, never the token).
 *
 * Two ways to ask, one request path:
 * - `get(path)` for facts: cached per path for the run, and an `ApiResult` value, never a throw;
 *   after a 401, or a rate limit longer than the budget allows, later reads fail at once.
 * - the typed calls (`createCheckRun`, `listIssueComments`, `getTree`, ...): a `GithubApiError`
 *   with a kind the Action turns into a notice (a read-only token, a missing permission).
 *
 * The token goes in the Authorization header to the API origin only (redirects are followed within
 * it and nowhere else); retries honour Retry-After and GitHub's x-ratelimit-* headers when the wait
 * fits the budget.
 */
import { githubRateLimitWaitMs, Limiter, NetworkBudget, request as httpRequest, type HttpAnswer, type HttpPolicy, type HttpResult } from './http.js';

export type ApiFailure =
  | 'not-found'
  /** 422: the API refused the input (e.g. compare with an unknown SHA). */
  | 'unprocessable'
  | 'rate-limited'
  | 'forbidden'
  | 'unauthorized'
  | 'timeout'
  | 'unavailable'
  /** The run's network budget is spent. */
  | 'budget'
  /** The answer was not the JSON shape expected, or too large. */
  | 'bad-response';

export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; failure: ApiFailure; status: number | null; message: string };

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

/** What the typed calls throw. */
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

/** A pull request review as GitHub lists it (the fields lockgate reads). */
export interface PullReview {
  id: number;
  body: string;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING. */
  state: string;
  commit_id: string | null;
  user: { login: string; type: string } | null;
}

/** POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews. */
export interface CreateReview {
  commit_id: string;
  body: string;
  event: 'COMMENT';
  comments: { path: string; line: number; side: 'RIGHT'; start_line?: number; start_side?: 'RIGHT'; body: string }[];
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

export interface GithubClientOptions {
  /** REST base URL (GITHUB_API_URL), e.g. https://api.github.com or https://ghe.example/api/v3. */
  apiUrl: string;
  token: string | null;
  /** owner/repo the typed calls (check runs, comments, trees) act on. */
  repository?: string | null;
  /** Total time the client may spend, in ms, from its creation (default: no limit). */
  budgetMs?: number;
  /** A budget shared with other clients; `budgetMs` is then ignored. */
  budget?: NetworkBudget;
  /** Parallel requests (default 6). */
  concurrency?: number;
  /** One attempt, in ms (default 20 s, never past the budget). */
  timeoutMs?: number;
  /** Extra attempts after a 5xx, a timeout, a dropped connection or a rate limit with a short wait (default 2). */
  retries?: number;
  /** First wait before retrying a 5xx, a timeout or a connection error, in ms; doubles per attempt (default 500). */
  backoffMs?: number;
  /** Longest rate-limit wait honoured, in ms (default 60 s, never past the budget). */
  maxRateLimitWaitMs?: number;
  /** Largest JSON answer read, in bytes (default 4 MiB; trees and blobs may be 64 MiB). */
  maxBodyBytes?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock in ms for the budget and rate-limit resets (tests). */
  now?: () => number;
}

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const MAX_COMMENT_PAGES = 50;
const LARGE_BODY_BYTES = 64 * 1024 * 1024;

interface Answer<T> {
  status: number;
  data: T;
  headers: Headers;
}

/** The API URL as the base of every path, or why it cannot be one. */
function baseOf(apiUrl: string): { base: string; origin: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return { error: `the GitHub API URL ${JSON.stringify(apiUrl.slice(0, 100))} is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: 'GITHUB_API_URL must be an http(s) URL' };
  if (url.username || url.password) return { error: 'GITHUB_API_URL must not carry credentials' };
  url.search = '';
  url.hash = '';
  return { base: url.toString().replace(/\/+$/, ''), origin: url.origin };
}

export class GithubClient {
  readonly repository: string | null;
  /** Requests sent (retries and redirects included). */
  requests = 0;
  /** Fact reads answered from the per-run cache. */
  cacheHits = 0;
  private readonly base: string;
  private readonly origin: string;
  private readonly token: string | null;
  private readonly policy: HttpPolicy;
  private readonly cache = new Map<string, Promise<ApiResult<unknown>>>();
  private readonly now: () => number;
  /** Set when GitHub said "stop" for longer than the budget allows, or refused the token: fact reads fail at once. */
  private blocked: { failure: ApiFailure; message: string } | null = null;
  private readonly configError: string | null;

  /** Never throws: an unusable API URL makes every call fail with the reason. See `forRepository`. */
  constructor(options: GithubClientOptions) {
    const base = baseOf(options.apiUrl);
    this.configError = 'error' in base ? base.error : null;
    if (this.configError) this.blocked = { failure: 'unavailable', message: this.configError };
    this.base = 'base' in base ? base.base : '';
    this.origin = 'origin' in base ? base.origin : '';
    this.repository = options.repository ?? null;
    this.token = options.token || null;
    this.now = options.now ?? Date.now;
    const budget =
      options.budget ?? (options.budgetMs === undefined ? NetworkBudget.unlimited() : new NetworkBudget(options.budgetMs, Number.POSITIVE_INFINITY, this.now));
    const maxWait = options.maxRateLimitWaitMs ?? 60_000;
    this.policy = {
      budget,
      timeoutMs: Math.max(1, options.timeoutMs ?? 20_000),
      retries: Math.max(0, options.retries ?? 2),
      backoffMs: Math.max(0, options.backoffMs ?? 500),
      maxRetryAfterMs: maxWait,
      maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
      // Within the API origin only (a renamed repository), so the token never leaves it.
      redirects: { max: 3, sameOriginOnly: true },
      reserveMs: 1,
      // A retry after a wait must leave time for the request itself.
      retryReserveMs: 1000,
      retryable: (answer) => answer.status >= 500 || answer.status === 408 || this.rateLimitWait(answer) !== undefined,
      serverWaitMs: (answer) => this.rateLimitWait(answer),
      limiter: new Limiter(Math.max(1, options.concurrency ?? 6)),
      onSend: () => {
        this.requests++;
      },
    };
    if (options.fetch) this.policy.fetch = options.fetch;
    if (options.sleep) this.policy.sleep = options.sleep;
  }

  /** The Action's client: refuses a repository that is not owner/repo or an unusable API URL at once. */
  static forRepository(options: GithubClientOptions & { repository: string }): GithubClient {
    if (!REPO_RE.test(options.repository)) throw new Error(`GITHUB_REPOSITORY is not owner/repo: ${JSON.stringify(options.repository.slice(0, 100))}`);
    const client = new GithubClient(options);
    if (client.configError) throw new Error(client.configError);
    return client;
  }

  private get repo(): string {
    if (!this.repository || !REPO_RE.test(this.repository)) throw new Error('this GitHub client has no owner/repo to act on');
    return this.repository;
  }

  private rateLimitWait(answer: HttpAnswer): number | undefined {
    return githubRateLimitWaitMs(answer.status, answer.headers, messageOf(answer.body), this.now());
  }

  /** Removes the token from text that came back from the server, in case a proxy echoes it. */
  private scrub(text: string): string {
    return this.token ? text.split(this.token).join('***') : text;
  }

  private send(method: string, path: string, body?: unknown, maxBodyBytes?: number): Promise<HttpResult> {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req: Parameters<typeof httpRequest>[0] = { url: `${this.base}${path}`, method, headers };
    if (this.token) req.credentials = { origin: this.origin, headers: { authorization: `Bearer ${this.token}` } };
    if (body !== undefined) req.body = JSON.stringify(body);
    if (maxBodyBytes !== undefined) req.maxBodyBytes = maxBodyBytes;
    return httpRequest(req, this.policy);
  }

  /* ---------------------------------------------------------------- fact reads */

  /** GET a JSON resource; `path` starts with `/` and is already encoded. Cached per path for the run. */
  get<T>(path: string): Promise<ApiResult<T>> {
    const cached = this.cache.get(path);
    if (cached) {
      this.cacheHits++;
      return cached as Promise<ApiResult<T>>;
    }
    const pending = this.read(path);
    this.cache.set(path, pending);
    return pending as Promise<ApiResult<T>>;
  }

  private async read(path: string): Promise<ApiResult<unknown>> {
    if (this.blocked) return { ok: false, failure: this.blocked.failure, status: null, message: this.blocked.message };
    const result = this.resultOf(await this.send('GET', path));
    if (!result.ok && (result.failure === 'rate-limited' || result.failure === 'unauthorized'))
      this.blocked = { failure: result.failure, message: result.message };
    return result;
  }

  private resultOf(result: HttpResult): ApiResult<unknown> {
    if (result.failure) {
      const f = result.failure;
      const status = f.kind === 'too-large' || (f.kind === 'redirect' && f.reason !== 'too-many') ? f.status : null;
      switch (f.kind) {
        case 'budget':
          return { ok: false, failure: 'budget', status: null, message: 'the network budget was spent before this request' };
        case 'timeout':
          return f.status !== undefined
            ? { ok: false, failure: 'timeout', status: f.status, message: `the answer did not complete within ${f.ms} ms` }
            : { ok: false, failure: 'timeout', status: null, message: `no answer within ${f.ms} ms` };
        case 'network':
          return f.status !== undefined
            ? { ok: false, failure: 'bad-response', status: f.status, message: f.detail }
            : { ok: false, failure: 'unavailable', status: null, message: `connection failed (${f.detail})` };
        case 'too-large':
          return { ok: false, failure: 'bad-response', status, message: `the answer is larger than ${f.limit} bytes` };
        case 'redirect':
          return {
            ok: false,
            failure: 'bad-response',
            status,
            message: f.reason === 'too-many' ? 'too many redirects' : 'a redirect outside the GitHub API was not followed',
          };
      }
    }
    const answer = result.answer;
    if (answer.status >= 200 && answer.status < 300) {
      try {
        return { ok: true, status: answer.status, body: JSON.parse(answer.body) as unknown };
      } catch {
        return { ok: false, failure: 'bad-response', status: answer.status, message: 'the answer was not JSON' };
      }
    }
    return this.classify(answer);
  }

  private classify(answer: HttpAnswer): ApiResult<unknown> {
    const status = answer.status;
    const apiMessage = this.scrub(messageOf(answer.body)).slice(0, 200);
    const detail = apiMessage ? ` (${apiMessage})` : '';
    const wait = this.rateLimitWait(answer);
    if (wait !== undefined) {
      const until = new Date(this.now() + wait).toISOString().slice(11, 16);
      return {
        ok: false,
        failure: 'rate-limited',
        status,
        message: `GitHub's API rate limit was reached (HTTP ${status}); it resets around ${until} UTC${this.token ? '' : ', and no token was given (unauthenticated requests get 60 an hour)'}`,
      };
    }
    if (status === 404 || status === 409) return { ok: false, failure: 'not-found', status, message: `not found (HTTP ${status})` };
    if (status === 422) return { ok: false, failure: 'unprocessable', status, message: `refused (HTTP 422)${detail}` };
    if (status === 401) return { ok: false, failure: 'unauthorized', status, message: 'the GitHub token was refused (HTTP 401)' };
    if (status === 403) return { ok: false, failure: 'forbidden', status, message: `access denied (HTTP 403)${detail}` };
    if (status >= 500 || status === 408) return { ok: false, failure: 'unavailable', status, message: `GitHub answered HTTP ${status}` };
    return { ok: false, failure: 'bad-response', status, message: `unexpected HTTP ${status}${detail}` };
  }

  /* ---------------------------------------------------------------- the Action's calls */

  /** One call; throws GithubApiError with a kind for anything but a 2xx JSON answer. */
  private async request<T>(method: string, path: string, body?: unknown, maxBodyBytes?: number): Promise<Answer<T>> {
    const what = `${method} ${path.replace(/\?.*$/, '')}`;
    if (this.configError) throw new GithubApiError(`${what}: ${this.configError}`, 'unavailable', null, null);
    const result = await this.send(method, path, body, maxBodyBytes);
    if (result.failure) {
      const f = result.failure;
      const reason =
        f.kind === 'timeout'
          ? `no answer within ${f.ms} ms`
          : f.kind === 'too-large'
            ? `the answer is larger than ${f.limit} bytes`
            : f.kind === 'redirect'
              ? f.reason === 'too-many'
                ? 'too many redirects'
                : 'a redirect outside the GitHub API was not followed'
              : f.kind === 'budget'
                ? 'the network budget was spent before this request'
                : 'connection failed';
      throw new GithubApiError(`${what}: ${reason}`, 'unavailable', 'status' in f && f.status !== undefined ? f.status : null, null);
    }
    const response = result.answer;
    if (response.status >= 200 && response.status < 300) {
      let data: unknown = null;
      if (response.body.length > 0) {
        try {
          data = JSON.parse(response.body);
        } catch {
          throw new GithubApiError(`${what}: the answer is not JSON`, 'unavailable', response.status, null);
        }
      }
      return { status: response.status, data: data as T, headers: response.headers };
    }
    const message = this.scrub(messageOf(response.body)).slice(0, 300);
    const accepted = response.headers.get('x-accepted-github-permissions');
    if (this.rateLimitWait(response) !== undefined) {
      throw new GithubApiError(`${what}: rate limited (${response.status}${message ? `: ${message}` : ''})`, 'rate-limit', response.status, accepted);
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

  async createCheckRun(body: CreateCheckRun): Promise<{ id: number; html_url?: string }> {
    const annotations = body.output.annotations ?? [];
    if (annotations.length > CHECK_RUN_ANNOTATIONS_PER_REQUEST) throw new Error('at most 50 annotations per check-run request');
    const response = await this.request<{ id?: unknown; html_url?: unknown }>('POST', `/repos/${this.repo}/check-runs`, body);
    const id = response.data?.id;
    if (typeof id !== 'number') throw new GithubApiError('POST /check-runs: the answer has no id', 'unavailable', response.status, null);
    return { id, html_url: typeof response.data.html_url === 'string' ? response.data.html_url : undefined };
  }

  async updateCheckRun(id: number, body: Partial<Omit<CreateCheckRun, 'head_sha'>>): Promise<void> {
    if ((body.output?.annotations?.length ?? 0) > CHECK_RUN_ANNOTATIONS_PER_REQUEST) throw new Error('at most 50 annotations per check-run request');
    await this.request('PATCH', `/repos/${this.repo}/check-runs/${id}`, body);
  }

  /** Every comment of an issue or PR, oldest first (pages of 100, at most 5,000 comments). */
  async listIssueComments(issue: number): Promise<IssueComment[]> {
    const comments: IssueComment[] = [];
    for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
      const response = await this.request<unknown>('GET', `/repos/${this.repo}/issues/${issue}/comments?per_page=100&page=${page}`);
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
    const response = await this.request<unknown>('POST', `/repos/${this.repo}/issues/${issue}/comments`, { body });
    const comment = toComment(response.data);
    if (!comment) throw new GithubApiError('POST /issues/comments: unexpected answer', 'unavailable', response.status, null);
    return comment;
  }

  async updateIssueComment(id: number, body: string): Promise<IssueComment> {
    const response = await this.request<unknown>('PATCH', `/repos/${this.repo}/issues/comments/${id}`, { body });
    const comment = toComment(response.data);
    if (!comment) throw new GithubApiError('PATCH /issues/comments: unexpected answer', 'unavailable', response.status, null);
    return comment;
  }

  /* Pull request reviews (suggested changes, src/action/suggestions.ts). */

  /** Every review of a pull request, oldest first (pages of 100, at most 5,000). */
  async listReviews(pull: number): Promise<PullReview[]> {
    const reviews: PullReview[] = [];
    for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
      const response = await this.request<unknown>('GET', `/repos/${this.repo}/pulls/${pull}/reviews?per_page=100&page=${page}`);
      if (!Array.isArray(response.data)) throw new GithubApiError('GET /pulls/reviews: the answer is not a list', 'unavailable', response.status, null);
      for (const item of response.data as Record<string, unknown>[]) {
        if (typeof item?.id !== 'number') continue;
        const user = item.user as { login?: unknown; type?: unknown } | null;
        reviews.push({
          id: item.id,
          body: typeof item.body === 'string' ? item.body : '',
          state: typeof item.state === 'string' ? item.state : '',
          commit_id: typeof item.commit_id === 'string' ? item.commit_id : null,
          user: user && typeof user.login === 'string' ? { login: user.login, type: typeof user.type === 'string' ? user.type : '' } : null,
        });
      }
      const link = response.headers.get('link') ?? '';
      if (!/rel="next"/.test(link) || response.data.length === 0) break;
    }
    return reviews;
  }

  async createReview(pull: number, review: CreateReview): Promise<{ id: number }> {
    const response = await this.request<{ id?: unknown }>('POST', `/repos/${this.repo}/pulls/${pull}/reviews`, review);
    if (typeof response.data?.id !== 'number') throw new GithubApiError('POST /pulls/reviews: unexpected answer', 'unavailable', response.status, null);
    return { id: response.data.id };
  }

  /** Replaces the summary text of a review (its line comments stay). */
  async updateReview(pull: number, id: number, body: string): Promise<void> {
    await this.request('PUT', `/repos/${this.repo}/pulls/${pull}/reviews/${id}`, { body });
  }

  /** Dismisses an approving or change-requesting review (GitHub refuses to dismiss a COMMENTED one). */
  async dismissReview(pull: number, id: number, message: string): Promise<void> {
    await this.request('PUT', `/repos/${this.repo}/pulls/${pull}/reviews/${id}/dismissals`, { message, event: 'DISMISS' });
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
      `/repos/${this.repo}/commits/${ref.split('/').map(encodeURIComponent).join('%2F')}`,
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
    const response = await this.request<{ tree?: unknown; truncated?: unknown }>(
      'GET',
      `/repos/${this.repo}/git/trees/${sha}?recursive=1`,
      undefined,
      LARGE_BODY_BYTES,
    );
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
    const response = await this.request<{ content?: unknown; encoding?: unknown }>('GET', `/repos/${this.repo}/git/blobs/${sha}`, undefined, LARGE_BODY_BYTES);
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

/** GitHub's `message` field, whitespace folded; '' for a body that is not JSON (a proxy's HTML page). */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed?.message === 'string') return parsed.message.replace(/\s+/g, ' ').trim();
  } catch {
    // An error page that is not JSON: the caller reports the HTTP status without GitHub's message.
  }
  return '';
}
