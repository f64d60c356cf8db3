/**
 * A loopback stand-in for the GitHub REST endpoints lockgate calls, speaking GitHub's response
 * shapes and limits (50 annotations per check-run request, 65,535-character check output, 65,536-
 * character comments, paginated comment lists, 403 "Resource not accessible by integration" for a
 * read-only token). It records every request, so tests can assert what went over the wire.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  annotations: Record<string, unknown>[];
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

/** A pull request review as GitHub stores it (POST /pulls/{n}/reviews, GET, PUT, PUT .../dismissals). */
export interface FakeReview {
  id: number;
  body: string;
  state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED' | 'PENDING';
  commit_id: string;
  user: { login: string; type: string };
  comments: { path: string; line: number; side: string; start_line?: number; start_side?: string; body: string }[];
}

/** A git ref object: a commit, or an annotated tag object to peel through GET git/tags/{sha}. */
export interface FakeRefObject {
  type: 'commit' | 'tag';
  sha: string;
}

export interface InjectedFault {
  method?: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export interface FakeGithubOptions {
  /** owner/repo the server serves. */
  repository?: string;
  /** When set, any other Authorization header gets 401. */
  token?: string;
  /** The token may read but not write (fork PR): writes get 403. */
  readOnly?: boolean;
  /** Comments per page when the client asks for more (to exercise pagination). */
  maxPerPage?: number;
  /** Author of comments the server creates. */
  botLogin?: string;
  /** GET /user answers with this login (a personal token); unset: 403 as for an installation token. */
  userLogin?: string;
}

export interface GitCommitData {
  tree: string;
  date: string;
  /** path -> { sha, mode, type, content? } */
  entries: { path: string; mode: string; type: 'blob' | 'tree'; sha: string; content?: Buffer }[];
  truncated?: boolean;
}

export class FakeGithub {
  readonly requests: RecordedRequest[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly comments = new Map<number, FakeComment[]>();
  readonly commits = new Map<string, GitCommitData>();
  readonly faults: InjectedFault[] = [];
  /** Pull request reviews by PR number. */
  readonly reviews = new Map<number, FakeReview[]>();
  /** Refs of any repository: `owner/repo:tags/v1` or `owner/repo:heads/main`. */
  readonly refs = new Map<string, FakeRefObject>();
  /** Annotated tag objects by their SHA (what they point at). */
  readonly tagObjects = new Map<string, FakeRefObject>();
  url = '';
  private server: Server | null = null;
  private nextId = 1000;
  readonly repository: string;

  constructor(readonly options: FakeGithubOptions = {}) {
    this.repository = options.repository ?? 'octo/repo';
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          this.handle(req, Buffer.concat(chunks).toString('utf8'), res);
        } catch (error) {
          this.send(res, 500, { message: `fake server bug: ${(error as Error).message}` });
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** Adds an existing review (as if posted before this run). */
  addReview(pull: number, review: Omit<FakeReview, 'id'>): FakeReview {
    const stored = { id: this.nextId++, ...review };
    this.reviews.set(pull, [...(this.reviews.get(pull) ?? []), stored]);
    return stored;
  }

  /** Adds an existing comment (as if posted before this run). */
  addComment(issue: number, body: string, user = { login: 'someone', type: 'User' }): FakeComment {
    const comment = { id: this.nextId++, body, user };
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment]);
    return comment;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  private handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let json: unknown = null;
    try {
      json = body ? JSON.parse(body) : null;
    } catch {
      json = null;
    }
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, headers: req.headers, body, json });

    const fault = this.faults.find((f) => (f.method === undefined || f.method === method) && f.path.test(url.pathname) && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      return this.send(res, fault.status, fault.body ?? { message: 'injected' }, fault.headers);
    }
    if (this.options.token !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return this.send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    if (method === 'GET' && url.pathname === '/user') {
      return this.options.userLogin
        ? this.send(res, 200, { login: this.options.userLogin, type: 'User' })
        : this.send(res, 403, { message: 'Resource not accessible by integration' });
    }
    // Refs of any repository (actions to pin): GET git/ref/{tags|heads}/{ref} and the tag objects.
    let refMatch: RegExpMatchArray | null;
    if (method === 'GET' && (refMatch = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/git\/ref\/(tags|heads)\/(.+)$/))) {
      const name = decodeURIComponent(refMatch[4]!);
      const object = this.refs.get(`${refMatch[1]}/${refMatch[2]}:${refMatch[3]}/${name}`);
      return object
        ? this.send(res, 200, { ref: `refs/${refMatch[3]}/${name}`, object: { ...object, url: `${this.url}${url.pathname}` } })
        : this.send(res, 404, { message: 'Not Found' });
    }
    if (method === 'GET' && (refMatch = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/git\/tags\/([0-9a-f]{40})$/))) {
      const object = this.tagObjects.get(refMatch[3]!);
      return object ? this.send(res, 200, { sha: refMatch[3], object }) : this.send(res, 404, { message: 'Not Found' });
    }
    const prefix = `/repos/${this.repository}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return this.send(res, 404, { message: 'Not Found' });
    const path = url.pathname.slice(prefix.length);
    const isWrite = method !== 'GET';
    if (isWrite && this.options.readOnly) {
      const permission = path.startsWith('/check-runs') ? 'checks=write' : 'issues=write; pull_requests=write';
      return this.send(
        res,
        403,
        { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' },
        { 'x-accepted-github-permissions': permission },
      );
    }

    let match: RegExpMatchArray | null;
    if (method === 'POST' && path === '/check-runs') return this.createCheckRun(json as Record<string, unknown>, res);
    if (method === 'PATCH' && (match = path.match(/^\/check-runs\/(\d+)$/))) return this.updateCheckRun(Number(match[1]), json as Record<string, unknown>, res);
    if ((match = path.match(/^\/issues\/(\d+)\/comments$/))) {
      const issue = Number(match[1]);
      if (method === 'GET') return this.listComments(issue, url.searchParams, res);
      if (method === 'POST') return this.createComment(issue, json as Record<string, unknown>, res);
    }
    if ((match = path.match(/^\/pulls\/(\d+)\/reviews$/))) {
      if (method === 'GET') return this.listReviews(Number(match[1]), url.searchParams, res);
      if (method === 'POST') return this.createReview(Number(match[1]), json as Record<string, unknown>, res);
    }
    if (method === 'PUT' && (match = path.match(/^\/pulls\/(\d+)\/reviews\/(\d+)$/)))
      return this.updateReview(Number(match[1]), Number(match[2]), json as Record<string, unknown>, res);
    if (method === 'PUT' && (match = path.match(/^\/pulls\/(\d+)\/reviews\/(\d+)\/dismissals$/)))
      return this.dismissReview(Number(match[1]), Number(match[2]), json as Record<string, unknown>, res);
    if (method === 'PATCH' && (match = path.match(/^\/issues\/comments\/(\d+)$/)))
      return this.updateComment(Number(match[1]), json as Record<string, unknown>, res);
    if (method === 'GET' && (match = path.match(/^\/commits\/([^/]+)$/))) {
      const commit = this.commits.get(match[1]);
      if (!commit) return this.send(res, 422, { message: `No commit found for SHA: ${match[1]}` });
      return this.send(res, 200, { sha: match[1], commit: { tree: { sha: commit.tree }, committer: { date: commit.date } } });
    }
    if (method === 'GET' && (match = path.match(/^\/git\/trees\/([0-9a-f]{40})$/))) {
      const commit = [...this.commits.values()].find((c) => c.tree === match![1]);
      if (!commit) return this.send(res, 404, { message: 'Not Found' });
      return this.send(res, 200, {
        sha: commit.tree,
        tree: commit.entries.map(({ path: p, mode, type, sha, content }) => ({
          path: p,
          mode,
          type,
          sha,
          ...(type === 'blob' ? { size: content?.length ?? 0 } : {}),
        })),
        truncated: commit.truncated ?? false,
      });
    }
    if (method === 'GET' && (match = path.match(/^\/git\/blobs\/([0-9a-f]{40})$/))) {
      for (const commit of this.commits.values()) {
        const entry = commit.entries.find((e) => e.sha === match![1] && e.content);
        if (entry)
          return this.send(res, 200, {
            sha: entry.sha,
            size: entry.content!.length,
            encoding: 'base64',
            content: entry.content!.toString('base64').replace(/(.{60})/g, '$1\n'),
          });
      }
      return this.send(res, 404, { message: 'Not Found' });
    }
    return this.send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  /** GitHub's check-run validation, reduced to what lockgate can get wrong. */
  private checkOutput(output: unknown): string | null {
    if (output === undefined) return null;
    const o = output as Record<string, unknown>;
    if (typeof o.title !== 'string' || typeof o.summary !== 'string') return 'output.title and output.summary are required';
    if (o.summary.length > 65535) return 'output.summary is too long (maximum is 65535 characters)';
    if (typeof o.text === 'string' && o.text.length > 65535) return 'output.text is too long (maximum is 65535 characters)';
    const annotations = (o.annotations ?? []) as Record<string, unknown>[];
    if (!Array.isArray(annotations)) return 'annotations must be a list';
    if (annotations.length > 50) return `No more than 50 items are allowed; ${annotations.length} were supplied`;
    for (const a of annotations) {
      if (typeof a.path !== 'string' || typeof a.start_line !== 'number' || typeof a.end_line !== 'number')
        return 'annotation path/start_line/end_line missing';
      if (!['notice', 'warning', 'failure'].includes(a.annotation_level as string)) return 'annotation_level is invalid';
      if (typeof a.message !== 'string' || a.message.length === 0) return 'annotation message is required';
      if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) return 'columns only on a single line';
      if (typeof a.title === 'string' && a.title.length > 255) return 'annotation title is too long';
    }
    return null;
  }

  private createCheckRun(body: Record<string, unknown>, res: ServerResponse): void {
    if (typeof body?.name !== 'string' || typeof body.head_sha !== 'string' || !/^[0-9a-f]{40}$/.test(body.head_sha)) {
      return this.send(res, 422, { message: 'Validation Failed', errors: ['name and head_sha are required'] });
    }
    const problem = this.checkOutput(body.output);
    if (problem) return this.send(res, 422, { message: 'Validation Failed', errors: [problem] });
    if (body.status === 'completed' && typeof body.conclusion !== 'string')
      return this.send(res, 422, { message: 'Validation Failed', errors: ['conclusion is required when completed'] });
    const output = (body.output ?? {}) as Record<string, unknown>;
    const run: FakeCheckRun = {
      id: this.nextId++,
      name: body.name,
      head_sha: body.head_sha,
      status: typeof body.status === 'string' ? body.status : 'queued',
      conclusion: typeof body.conclusion === 'string' ? body.conclusion : null,
      output: { title: output.title as string, summary: output.summary as string, text: output.text as string | undefined },
      annotations: [...((output.annotations as Record<string, unknown>[]) ?? [])],
    };
    this.checkRuns.push(run);
    this.send(res, 201, {
      id: run.id,
      head_sha: run.head_sha,
      status: run.status,
      conclusion: run.conclusion,
      html_url: `https://github.example/${this.repository}/runs/${run.id}`,
    });
  }

  private updateCheckRun(id: number, body: Record<string, unknown>, res: ServerResponse): void {
    const run = this.checkRuns.find((r) => r.id === id);
    if (!run) return this.send(res, 404, { message: 'Not Found' });
    const problem = this.checkOutput(body?.output);
    if (problem) return this.send(res, 422, { message: 'Validation Failed', errors: [problem] });
    if (typeof body.status === 'string') run.status = body.status;
    if (typeof body.conclusion === 'string') run.conclusion = body.conclusion;
    if (body.output) {
      const output = body.output as Record<string, unknown>;
      // Annotations append; title, summary and text replace.
      run.output = { title: output.title as string, summary: output.summary as string, text: (output.text as string | undefined) ?? run.output.text };
      run.annotations.push(...((output.annotations as Record<string, unknown>[]) ?? []));
    }
    this.send(res, 200, { id: run.id, status: run.status, conclusion: run.conclusion });
  }

  private listComments(issue: number, query: URLSearchParams, res: ServerResponse): void {
    const perPage = Math.min(Number(query.get('per_page') ?? 30), this.options.maxPerPage ?? 100);
    const page = Number(query.get('page') ?? 1);
    const all = this.comments.get(issue) ?? [];
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < all.length)
      headers.link = `<${this.url}/repos/${this.repository}/issues/${issue}/comments?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    this.send(
      res,
      200,
      slice.map((c) => ({ ...c, html_url: `https://github.example/${this.repository}/pull/${issue}#issuecomment-${c.id}` })),
      headers,
    );
  }

  private createComment(issue: number, body: Record<string, unknown>, res: ServerResponse): void {
    if (typeof body?.body !== 'string') return this.send(res, 422, { message: 'Validation Failed' });
    if (body.body.length > 65536)
      return this.send(res, 422, { message: 'Validation Failed', errors: [{ message: 'Body is too long (maximum is 65536 characters)' }] });
    const login = this.options.userLogin ?? this.options.botLogin ?? 'github-actions[bot]';
    const comment = this.addComment(issue, body.body, { login, type: this.options.userLogin ? 'User' : 'Bot' });
    this.send(res, 201, comment);
  }

  private updateComment(id: number, body: Record<string, unknown>, res: ServerResponse): void {
    const comment = [...this.comments.values()].flat().find((c) => c.id === id);
    if (!comment) return this.send(res, 404, { message: 'Not Found' });
    if (typeof body?.body !== 'string') return this.send(res, 422, { message: 'Validation Failed' });
    if (body.body.length > 65536)
      return this.send(res, 422, { message: 'Validation Failed', errors: [{ message: 'Body is too long (maximum is 65536 characters)' }] });
    // Like a token without admin rights: it may edit only its own comments.
    if (comment.user.login !== (this.options.userLogin ?? this.options.botLogin ?? 'github-actions[bot]')) {
      return this.send(res, 403, { message: 'Resource not accessible by integration' });
    }
    comment.body = body.body;
    this.send(res, 200, comment);
  }

  private listReviews(pull: number, query: URLSearchParams, res: ServerResponse): void {
    const perPage = Math.min(Number(query.get('per_page') ?? 30), this.options.maxPerPage ?? 100);
    const page = Number(query.get('page') ?? 1);
    const all = this.reviews.get(pull) ?? [];
    const headers: Record<string, string> = {};
    if (page * perPage < all.length)
      headers.link = `<${this.url}/repos/${this.repository}/pulls/${pull}/reviews?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    this.send(
      res,
      200,
      all.slice((page - 1) * perPage, page * perPage).map(({ comments: _, ...review }) => review),
      headers,
    );
  }

  /** GitHub's validation of a new review, reduced to what lockgate can get wrong. */
  private createReview(pull: number, body: Record<string, unknown>, res: ServerResponse): void {
    const invalid = (message: string) => this.send(res, 422, { message: 'Unprocessable Entity', errors: [message] });
    if (typeof body?.commit_id !== 'string' || !/^[0-9a-f]{40}$/.test(body.commit_id)) return invalid('commit_id must be a commit SHA');
    const event = body.event;
    if (event !== 'COMMENT' && event !== 'APPROVE' && event !== 'REQUEST_CHANGES') return invalid('event must be APPROVE, REQUEST_CHANGES or COMMENT');
    if (event !== 'APPROVE' && (typeof body.body !== 'string' || body.body === '')) return invalid('body is required for COMMENT and REQUEST_CHANGES');
    const comments = (body.comments ?? []) as Record<string, unknown>[];
    if (!Array.isArray(comments)) return invalid('comments must be a list');
    for (const c of comments) {
      if (typeof c.path !== 'string' || typeof c.body !== 'string' || typeof c.line !== 'number') return invalid('each comment needs path, line and body');
      if (c.side !== undefined && c.side !== 'LEFT' && c.side !== 'RIGHT') return invalid('side must be LEFT or RIGHT');
      if (c.start_line !== undefined && (typeof c.start_line !== 'number' || c.start_line >= c.line)) return invalid('start_line must precede line');
    }
    const login = this.options.userLogin ?? this.options.botLogin ?? 'github-actions[bot]';
    const review = this.addReview(pull, {
      body: String(body.body ?? ''),
      state: event === 'COMMENT' ? 'COMMENTED' : event === 'APPROVE' ? 'APPROVED' : 'CHANGES_REQUESTED',
      commit_id: body.commit_id,
      user: { login, type: this.options.userLogin ? 'User' : 'Bot' },
      comments: comments as FakeReview['comments'],
    });
    this.send(res, 200, { id: review.id, body: review.body, state: review.state, commit_id: review.commit_id, user: review.user });
  }

  private updateReview(pull: number, id: number, body: Record<string, unknown>, res: ServerResponse): void {
    const review = (this.reviews.get(pull) ?? []).find((r) => r.id === id);
    if (!review) return this.send(res, 404, { message: 'Not Found' });
    if (typeof body?.body !== 'string') return this.send(res, 422, { message: 'Unprocessable Entity', errors: ['body is required'] });
    review.body = body.body;
    this.send(res, 200, { id: review.id, body: review.body, state: review.state });
  }

  private dismissReview(pull: number, id: number, body: Record<string, unknown>, res: ServerResponse): void {
    const review = (this.reviews.get(pull) ?? []).find((r) => r.id === id);
    if (!review) return this.send(res, 404, { message: 'Not Found' });
    if (typeof body?.message !== 'string') return this.send(res, 422, { message: 'Unprocessable Entity', errors: ['message is required'] });
    if (review.state === 'COMMENTED')
      return this.send(res, 422, { message: 'Unprocessable Entity', errors: ['Can not dismiss a commented pull request review'] });
    if (review.state === 'DISMISSED')
      return this.send(res, 422, { message: 'Unprocessable Entity', errors: ['Can not dismiss a dismissed pull request review'] });
    review.state = 'DISMISSED';
    this.send(res, 200, { id: review.id, state: review.state });
  }
}
