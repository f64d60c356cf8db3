/**
 * The one HTTP request function of lockgate's network edge. The package index, GitHub and OSV
 * clients all send through `request()`, which owns what they must agree on:
 *
 * - a timeout per attempt that also covers a body arriving byte by byte, never past the budget;
 * - retries with backoff for dropped connections, timeouts and the statuses a policy names,
 *   waiting what the server asks (Retry-After in seconds or as an HTTP date, GitHub's
 *   x-ratelimit-reset) when that fits, and stopping at once when it does not;
 * - a shared budget (total time and, optionally, a request count) after which nothing is sent;
 * - a concurrency limit, held per attempt (never while sleeping between attempts);
 * - redirects followed by hand, so credentials go to their own origin only;
 * - a response size cap, read as a stream (a declared Content-Length over the cap is refused first).
 *
 * Every outcome is a value, never an exception for network trouble. Messages name URLs through
 * `redactUrl` (no userinfo) and never carry a header, so a token cannot reach a log line.
 */
import { redactUrl } from '../core/text.js';
import { TOOL_NAME, VERSION } from '../version.js';

/** A counting semaphore: at most `limit` tasks at once, served in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Milliseconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Why a fetch failed, in a few words: the socket error code when there is one (ECONNRESET, ...).
 * fetch's own messages may quote the URL with its userinfo ("cannot be constructed from a URL that
 * includes credentials: https://user:pw@..."): the text goes through redactUrl.
 */
export function describeFetchError(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  const code = err?.cause?.code;
  const text = code
    ? `${code}${err?.cause?.message && !err.cause.message.includes(code) ? ` (${err.cause.message})` : ''}`
    : String(err?.cause?.message ?? err?.message ?? error);
  return redactUrl(text).slice(0, 200);
}

/**
 * How long a GitHub answer asks to wait before the next request, or undefined when it is no rate
 * limit. Primary limit: 403/429 with x-ratelimit-remaining: 0 (wait until x-ratelimit-reset).
 * Secondary limit: 403/429 with Retry-After, or a message that says "rate limit"; a 429 without
 * any hint waits a minute, as GitHub's documentation asks.
 */
export function githubRateLimitWaitMs(status: number, headers: Headers, apiMessage: string, nowMs: number): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const asked = parseRetryAfter(headers.get('retry-after'), nowMs);
  if (asked !== undefined) return asked;
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - nowMs) + 1000 : 60_000;
  }
  if (status === 429 || /rate limit/i.test(apiMessage)) return 60_000;
  return undefined;
}

/** JSON.parse as a value: the parser's own complaint, shortened, instead of an exception. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: `not JSON (${String((error as Error).message ?? error).slice(0, 120)})` };
  }
}

/**
 * The time and requests a run may spend on the network. One budget may be shared by several
 * clients; each attempt (a redirect hop included) counts as one request.
 */
export class NetworkBudget {
  private readonly deadline: number;
  /** Requests sent under this budget. */
  sent = 0;
  constructor(
    totalMs: number,
    private readonly maxRequests = Number.POSITIVE_INFINITY,
    readonly clock: () => number = () => performance.now(),
  ) {
    this.deadline = clock() + Math.max(0, totalMs);
  }

  /** Milliseconds left (Infinity for an unlimited budget). */
  remainingMs(): number {
    return this.deadline - this.clock();
  }

  /** Whether another request may be sent with at least `minMs` left. */
  allows(minMs: number): boolean {
    return this.sent < this.maxRequests && this.remainingMs() >= minMs;
  }

  /** A budget with no time or count limit (the Action's own API calls, outside the run's budget). */
  static unlimited(): NetworkBudget {
    return new NetworkBudget(Number.POSITIVE_INFINITY);
  }
}

export interface HttpRequest {
  url: string;
  method?: string;
  /** Sent on every hop. */
  headers?: Record<string, string>;
  /** Sent only while the URL's origin is `origin`: credentials never follow a redirect elsewhere. */
  credentials?: { origin: string; headers: Record<string, string> };
  body?: string;
  /** Overrides the policy's cap for this request (a large blob). */
  maxBodyBytes?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** The URL that answered (after redirects), with whatever userinfo the caller gave: redact to print. */
  url: string;
}

export type TransportFailure =
  /** Not sent: the budget (time or request count) is spent. */
  | { kind: 'budget'; url: string }
  /** No complete answer in time; `outOfBudget` when the budget, not the timeout, ended it. */
  | { kind: 'timeout'; url: string; ms: number; outOfBudget: boolean; status?: number }
  /** The connection failed or dropped (`status` when it dropped during the body). */
  | { kind: 'network'; url: string; detail: string; status?: number }
  | { kind: 'too-large'; url: string; limit: number; declared?: number; status: number }
  | { kind: 'redirect'; url: string; reason: 'too-many' | 'off-origin' | 'not-http' | 'downgrade'; status: number };

/** Why the retries stopped while the last answer or failure was still worth retrying. */
export type RetryStop =
  | { kind: 'attempts'; attempts: number }
  /** The server asked for a longer wait than the policy honours. */
  | { kind: 'wait-too-long'; waitMs: number }
  /** The wait (plus a useful attempt) does not fit in what is left of the budget. */
  | { kind: 'no-budget'; waitMs: number };

export type HttpResult = ({ answer: HttpAnswer; failure?: undefined } | { failure: TransportFailure; answer?: undefined }) & {
  attempts: number;
  /** Set when the result is still one the policy would retry (a 503, a timeout) but retrying stopped. */
  stopped?: RetryStop;
};

export interface HttpPolicy {
  budget: NetworkBudget;
  /** One attempt, headers and body, in ms (never past the budget). */
  timeoutMs: number;
  /** Extra attempts after a retryable answer or failure. */
  retries: number;
  /** First backoff in ms, doubling per attempt. */
  backoffMs: number;
  /** Spread backoffs by ±20% (clients of one server, started together, do not retry in step). */
  jitter?: boolean;
  /** Longest server-asked wait honoured; a longer one ends the retries. */
  maxRetryAfterMs: number;
  maxBodyBytes: number;
  redirects: { max: number; sameOriginOnly: boolean };
  /** Do not start an attempt, or a retry's wait, with less than this left in the budget (ms). */
  reserveMs?: number;
  /** A retry's wait must leave at least this much of the budget for the attempt itself (default: reserveMs). */
  retryReserveMs?: number;
  /** Answers worth another attempt (default: 429, 500, 502, 503, 504). */
  retryable?: (answer: HttpAnswer) => boolean;
  /** The wait an answer asks for (default: its Retry-After). */
  serverWaitMs?: (answer: HttpAnswer) => number | undefined;
  limiter?: Limiter;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry with what went wrong (credential-free). */
  onRetry?: (what: string) => void;
  /** Called for every request sent (redirect hops included). */
  onSend?: () => void;
}

const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504]);
const USER_AGENT = `${TOOL_NAME}/${VERSION}`;

function defaultRetryable(answer: HttpAnswer): boolean {
  return TRANSIENT_STATUSES.has(answer.status);
}

function defaultServerWait(answer: HttpAnswer): number | undefined {
  return parseRetryAfter(answer.headers.get('retry-after'), Date.now());
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** A transport failure in one credential-free sentence that names the URL. */
function describeFailure(failure: TransportFailure): string {
  const url = redactUrl(failure.url);
  switch (failure.kind) {
    case 'budget':
      return `${url} was not asked: the network budget ran out`;
    case 'timeout':
      return failure.outOfBudget ? `${url} did not answer before the network budget ran out` : `${url} did not answer within ${formatMs(failure.ms)}`;
    case 'network':
      return `${url} failed: ${failure.detail}`;
    case 'too-large':
      return failure.declared !== undefined
        ? `${url} answered with ${failure.declared} bytes, more than the ${failure.limit}-byte limit`
        : `${url} answered with more than the ${failure.limit}-byte limit`;
    case 'redirect':
      return failure.reason === 'too-many'
        ? `${url} redirected too many times`
        : failure.reason === 'not-http'
          ? `${url} redirected to a non-HTTP URL`
          : failure.reason === 'downgrade'
            ? `${url} redirected from https to http`
            : `${url} redirected outside its origin`;
  }
}

/** A result in one credential-free sentence: the failure, or the status the URL answered with. */
export function describeResult(result: HttpResult): string {
  const base = result.failure ? describeFailure(result.failure) : `${redactUrl(result.answer.url)} answered HTTP ${result.answer.status}`;
  const stop = result.stopped;
  if (!stop) return base;
  if (stop.kind === 'attempts') return `${base} (after ${stop.attempts} attempts)`;
  if (stop.kind === 'wait-too-long') return `${base}; Retry-After asks for ${Math.ceil(stop.waitMs / 1000)} s, longer than lockgate waits`;
  return `${base}; no time left in the network budget to retry`;
}

function isRetryableFailure(failure: TransportFailure): boolean {
  return (failure.kind === 'timeout' && !failure.outOfBudget) || failure.kind === 'network';
}

/**
 * Sends one request under `policy`, retrying what is worth retrying. Resolves with the last answer
 * (any status) or transport failure; never rejects for network trouble.
 */
export async function request(req: HttpRequest, policy: HttpPolicy): Promise<HttpResult> {
  const attempts = policy.retries + 1;
  const retryable = policy.retryable ?? defaultRetryable;
  const serverWait = policy.serverWaitMs ?? defaultServerWait;
  const sleep = policy.sleep ?? defaultSleep;
  const reserve = policy.retryReserveMs ?? policy.reserveMs ?? 20;
  let attempt = 0;
  for (;;) {
    const result: HttpResult = { ...(await (policy.limiter ? policy.limiter.run(() => once(req, policy)) : once(req, policy))), attempts: attempt + 1 };
    const again = result.answer ? retryable(result.answer) : isRetryableFailure(result.failure);
    if (!again) return result;
    if (attempt + 1 >= attempts) return { ...result, stopped: { kind: 'attempts', attempts } };
    const asked = result.answer ? serverWait(result.answer) : undefined;
    if (asked !== undefined && asked > policy.maxRetryAfterMs) return { ...result, stopped: { kind: 'wait-too-long', waitMs: asked } };
    const backoff = policy.backoffMs * 2 ** attempt * (policy.jitter ? 0.8 + Math.random() * 0.4 : 1);
    const wait = asked ?? backoff;
    if (wait + reserve > policy.budget.remainingMs()) return { ...result, stopped: { kind: 'no-budget', waitMs: wait } };
    policy.onRetry?.(describeResult(result));
    if (wait > 0) await sleep(wait);
    attempt++;
  }
}

type Attempt = { answer: HttpAnswer; failure?: undefined } | { failure: TransportFailure; answer?: undefined };

/** One attempt: redirects followed by hand, the body read under the cap, all within one timeout. */
async function once(req: HttpRequest, policy: HttpPolicy): Promise<Attempt> {
  const fetchImpl = policy.fetch ?? globalThis.fetch;
  const reserve = policy.reserveMs ?? 20;
  const cap = req.maxBodyBytes ?? policy.maxBodyBytes;
  let url = req.url;
  for (let hops = 0; ; hops++) {
    // Timers may fire a millisecond early; a request with almost no time left would only time out.
    if (!policy.budget.allows(reserve)) return { failure: { kind: 'budget', url } };
    const remaining = policy.budget.remainingMs();
    const timeout = Math.max(1, Math.min(policy.timeoutMs, remaining));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
    let sameOrigin = false;
    try {
      sameOrigin = req.credentials !== undefined && new URL(url).origin === req.credentials.origin;
    } catch {
      // An unparsable URL: fetch rejects it below, as a failure naming it.
    }
    if (sameOrigin && req.credentials) Object.assign(headers, req.credentials.headers);
    policy.budget.sent++;
    policy.onSend?.();
    let status: number | undefined;
    try {
      const response = await fetchImpl(url, { method: req.method ?? 'GET', headers, body: req.body, redirect: 'manual', signal: controller.signal });
      status = response.status;
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        // Best effort: the body of a redirect is not read, and failing to release it changes nothing.
        await response.body?.cancel().catch(() => undefined);
        const redirect = (reason: 'too-many' | 'off-origin' | 'not-http' | 'downgrade'): Attempt => ({
          failure: { kind: 'redirect', url: req.url, reason, status: response.status },
        });
        if (hops >= policy.redirects.max) return redirect('too-many');
        let next: URL;
        try {
          next = new URL(response.headers.get('location')!, url);
        } catch {
          return redirect('not-http');
        }
        if (next.protocol !== 'https:' && next.protocol !== 'http:') return redirect('not-http');
        if (policy.redirects.sameOriginOnly && next.origin !== new URL(url).origin) return redirect('off-origin');
        if (new URL(url).protocol === 'https:' && next.protocol === 'http:') return redirect('downgrade');
        url = next.toString();
        continue;
      }
      const read = await readCapped(response, cap);
      if ('tooLarge' in read)
        return {
          failure: { kind: 'too-large', url, limit: cap, status: response.status, ...(read.declared !== undefined ? { declared: read.declared } : {}) },
        };
      return { answer: { status: response.status, headers: response.headers, body: read.text, url } };
    } catch (error) {
      const withStatus = status !== undefined ? { status } : {};
      if (controller.signal.aborted) return { failure: { kind: 'timeout', url, ms: timeout, outOfBudget: timeout < policy.timeoutMs, ...withStatus } };
      return { failure: { kind: 'network', url, detail: describeFetchError(error), ...withStatus } };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Reads a body up to `max` bytes; a larger body is an answer refused, not a memory problem. */
async function readCapped(response: Response, max: number): Promise<{ text: string } | { tooLarge: true; declared?: number }> {
  if (!response.body) return { text: '' };
  const declared = Number(response.headers.get('content-length'));
  if (response.headers.get('content-length') !== null && Number.isFinite(declared) && declared > max) {
    // Best effort: the answer is already refused as too large.
    await response.body.cancel().catch(() => undefined);
    return { tooLarge: true, declared };
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      // Best effort: the answer is already refused as too large.
      await reader.cancel().catch(() => undefined);
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}
