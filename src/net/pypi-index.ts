/**
 * A small client for Python package indexes: the PEP 691 simple API (JSON, with PEP 700 upload
 * times, PEP 592 yanks, PEP 792 project status) and, where the index only serves HTML or refuses
 * JSON, PyPI's JSON API (`/pypi/{name}/{version}/json`) when the index URL ends in `/simple`
 * (PyPI, TestPyPI, Warehouse-like mirrors), else the PEP 503 HTML page (files and yanks, no times).
 *
 * Every answer is an IndexLookup, never an exception: the rules decide what an error means. One
 * client is one run: a cache per (index, project), a concurrency limit, a timeout per request that
 * also covers a body that arrives byte by byte, retries with backoff that honour Retry-After, and a
 * total time budget after which nothing new is sent. Credentials in an index URL are sent as Basic
 * auth to that origin only and never appear in a log line or a message.
 */
import { redactUrl } from '../core/text.js';
import type { IndexFile, IndexLookup } from '../facts/types.js';
import { describeFetchError, describeResult, Limiter, NetworkBudget, request, type HttpAnswer, type HttpPolicy, type HttpRequest } from './http.js';

export const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
export const DEFAULT_INDEX_CONCURRENCY = 32;
/** Less time than this left in the budget: do not start a request. */
const MIN_USEFUL_MS = 20;
const SIMPLE_ACCEPT = `${SIMPLE_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`;

export interface IndexClientOptions {
  /** Total time for every request of the run, in ms; after it, look-ups answer with an error at once. */
  budgetMs: number;
  /**
   * Requests in flight at once (default 32). Each look-up is one small page, so a run is bound by
   * round trips: 300 introduced packages at 50 ms take 10 rounds (0.5 s) at 32, 38 rounds at 8.
   * uv itself fetches with 50 at once (UV_CONCURRENT_DOWNLOADS).
   */
  concurrency?: number;
  /** One attempt (headers and body), in ms. */
  timeoutMs?: number;
  /** Extra attempts after a 429, a 5xx, a timeout or a dropped connection. */
  retries?: number;
  /** Longest Retry-After honoured, in ms; a longer one ends the retries. */
  maxRetryAfterMs?: number;
  /** Largest response body read, in bytes. */
  maxBodyBytes?: number;
  /** First backoff, in ms (doubles per attempt, with jitter). */
  backoffMs?: number;
  log?: (line: string) => void;
  fetch?: typeof fetch;
  /** Monotonic clock in ms (tests). */
  clock?: () => number;
  /** A budget shared with other clients; `budgetMs` is then ignored. */
  budget?: NetworkBudget;
}

/** An index URL split into what goes on the wire and what authenticates it. */
export interface IndexEndpoint {
  /** Without credentials, without a trailing slash: safe to print. */
  url: string;
  origin: string;
  authorization?: string;
}

export function endpointOf(indexUrl: string): IndexEndpoint | null {
  let parsed: URL;
  try {
    parsed = new URL(indexUrl);
  } catch {
    // Not a URL: null, which lookup() reports as "not an http(s) index URL".
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  let authorization: string | undefined;
  if (parsed.username !== '' || parsed.password !== '') {
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        // A malformed %-escape in the credentials: sent as written, as pip and uv do.
        return text;
      }
    };
    authorization = `Basic ${Buffer.from(`${decode(parsed.username)}:${decode(parsed.password)}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  parsed.hash = '';
  const url = parsed.toString().replace(/\/+$/, '');
  const endpoint: IndexEndpoint = { url, origin: parsed.origin };
  if (authorization) endpoint.authorization = authorization;
  return endpoint;
}

/** PyPI's JSON API root for a simple index URL ending in `/simple` (https://pypi.org/simple -> https://pypi.org). */
export function jsonApiRoot(endpoint: IndexEndpoint): string | null {
  return /\/simple$/i.test(endpoint.url) ? endpoint.url.replace(/\/simple$/i, '') : null;
}

export class IndexClient {
  private readonly cache = new Map<string, Promise<IndexLookup>>();
  private readonly policy: HttpPolicy;
  /** Requests actually sent (attempts included), for the run summary. */
  requests = 0;

  constructor(options: IndexClientOptions) {
    const log = options.log ?? (() => {});
    this.policy = {
      budget: options.budget ?? new NetworkBudget(options.budgetMs, Number.POSITIVE_INFINITY, options.clock),
      timeoutMs: Math.max(1, options.timeoutMs ?? 15_000),
      retries: Math.max(0, options.retries ?? 3),
      backoffMs: Math.max(1, options.backoffMs ?? 250),
      jitter: true,
      maxRetryAfterMs: Math.max(0, options.maxRetryAfterMs ?? 30_000),
      maxBodyBytes: Math.max(1024, options.maxBodyBytes ?? 64 * 1024 * 1024),
      redirects: { max: 5, sameOriginOnly: false },
      reserveMs: MIN_USEFUL_MS,
      limiter: new Limiter(Math.max(1, options.concurrency ?? DEFAULT_INDEX_CONCURRENCY)),
      onRetry: (what) => log(`index: ${what}, retrying`),
      onSend: () => {
        this.requests++;
      },
    };
    if (options.fetch) this.policy.fetch = options.fetch;
  }

  /**
   * What the index says about a project. `versions` are the locked versions lockgate needs (used
   * only by the per-version JSON API fallback). Cached per index and name for the run.
   */
  lookup(indexUrl: string, name: string, versions: readonly string[]): Promise<IndexLookup> {
    const endpoint = endpointOf(indexUrl);
    if (!endpoint) return Promise.resolve({ status: 'error', message: `${redactUrl(indexUrl)} is not an http(s) index URL` });
    // Other credentials may see another answer; the key stays in memory, never in output.
    const key = `${endpoint.url}\n${endpoint.authorization ?? ''}\n${name}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.lookupUncached(endpoint, name, versions).catch(
        (error: unknown): IndexLookup => ({ status: 'error', message: `internal error: ${describeFetchError(error)}` }),
      );
      this.cache.set(key, pending);
    }
    return pending;
  }

  private async lookupUncached(endpoint: IndexEndpoint, name: string, versions: readonly string[]): Promise<IndexLookup> {
    const pageUrl = `${endpoint.url}/${encodeURIComponent(name)}/`;
    let answer: HttpAnswer;
    try {
      answer = await this.get(endpoint, pageUrl, SIMPLE_ACCEPT);
    } catch (error) {
      return { status: 'error', message: (error as Error).message };
    }
    if (answer.status === 404 || answer.status === 410) return { status: 'missing-project' };
    if (answer.status === 401 || answer.status === 403) {
      return { status: 'error', message: `${redactUrl(pageUrl)} refused access (HTTP ${answer.status}); pass an index URL with credentials` };
    }
    const jsonRoot = jsonApiRoot(endpoint);
    if (answer.status === 406 && jsonRoot) return this.lookupJsonApi(endpoint, jsonRoot, name, versions);
    if (answer.status !== 200) return { status: 'error', message: `${redactUrl(pageUrl)} answered HTTP ${answer.status}` };
    const type = (answer.headers.get('content-type') ?? '').toLowerCase();
    if (type.includes('json')) return parseSimpleJson(answer.body, answer.url);
    // An HTML-only index: PyPI-like ones also have the JSON API, with upload times; others give files and yanks only.
    // The HTML page exists, so a JSON API that says "missing" or fails is simply not there.
    if (jsonRoot) {
      const viaJson = await this.lookupJsonApi(endpoint, jsonRoot, name, versions);
      if (viaJson.status === 'found') return viaJson;
    }
    return parseSimpleHtml(answer.body, answer.url);
  }

  private async lookupJsonApi(endpoint: IndexEndpoint, root: string, name: string, versions: readonly string[]): Promise<IndexLookup> {
    const files: IndexFile[] = [];
    const found: string[] = [];
    let anyMissing = false;
    for (const version of [...new Set(versions)]) {
      const url = `${root}/pypi/${encodeURIComponent(name)}/${encodeURIComponent(version)}/json`;
      let answer: HttpAnswer;
      try {
        answer = await this.get(endpoint, url, 'application/json');
      } catch (error) {
        return { status: 'error', message: (error as Error).message };
      }
      if (answer.status === 404) {
        anyMissing = true;
        continue;
      }
      if (answer.status !== 200) return { status: 'error', message: `${redactUrl(url)} answered HTTP ${answer.status}` };
      const release = parseJsonRelease(answer.body, answer.url);
      if ('error' in release) return { status: 'error', message: release.error };
      files.push(...release.files);
      found.push(release.version ?? version);
    }
    if (anyMissing && found.length === 0) {
      // No locked version exists: is the project gone too? The project document says (and lists its versions).
      const url = `${root}/pypi/${encodeURIComponent(name)}/json`;
      let answer: HttpAnswer;
      try {
        answer = await this.get(endpoint, url, 'application/json');
      } catch (error) {
        return { status: 'error', message: (error as Error).message };
      }
      if (answer.status === 404) return { status: 'missing-project' };
      if (answer.status !== 200) return { status: 'error', message: `${redactUrl(url)} answered HTTP ${answer.status}` };
      const project = parseJsonProject(answer.body);
      if ('error' in project) return { status: 'error', message: project.error };
      return { status: 'found', versions: project.versions, versionsListed: true, files: [], source: 'json' };
    }
    // Only the locked versions were asked: `versions` lists those that exist, so a missing one reads as absent.
    return { status: 'found', versions: found, versionsListed: true, files, source: 'json' };
  }

  /** One GET with retries; resolves with any HTTP status, rejects (IndexRequestError) when no usable answer came. */
  private async get(endpoint: IndexEndpoint, url: string, accept: string): Promise<HttpAnswer> {
    const req: HttpRequest = { url, headers: { accept } };
    if (endpoint.authorization) req.credentials = { origin: endpoint.origin, headers: { authorization: endpoint.authorization } };
    const result = await request(req, this.policy);
    if (result.answer && !result.stopped) return result.answer;
    throw new IndexRequestError(describeResult(result));
  }
}

/** No usable answer: the message names the URL without its credentials. */
class IndexRequestError extends Error {}

// ---------------------------------------------------------------------------------------------
// Response shapes

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    // undefined: every caller reports it as a bad answer ("(bad JSON)") naming the URL.
    return undefined;
  }
}

function resolveUrl(href: unknown, base: string): string {
  if (typeof href !== 'string') return '';
  try {
    return new URL(href, base).toString();
  } catch {
    // An href that cannot be resolved is kept as written: file URLs are compared, never fetched.
    return href;
  }
}

function yankedOf(value: unknown, reason?: unknown): false | string {
  if (value === true) return typeof reason === 'string' ? reason : '';
  if (typeof value === 'string') return value;
  return false;
}

function sha256Of(hashes: unknown): string | undefined {
  const sha = isObject(hashes) ? hashes.sha256 : undefined;
  return typeof sha === 'string' && /^[0-9a-f]{64}$/i.test(sha) ? sha.toLowerCase() : undefined;
}

/** A PEP 691 project page (`application/vnd.pypi.simple.v1+json`). */
export function parseSimpleJson(body: string, pageUrl: string): IndexLookup {
  const data = parseJson(body);
  if (!isObject(data) || !Array.isArray(data.files)) {
    return { status: 'error', message: `${redactUrl(pageUrl)} did not answer with a PEP 691 project page (bad JSON)` };
  }
  const files: IndexFile[] = [];
  for (const entry of data.files) {
    if (!isObject(entry) || typeof entry.filename !== 'string') continue;
    const file: IndexFile = { filename: entry.filename, url: resolveUrl(entry.url, pageUrl), yanked: yankedOf(entry.yanked) };
    const sha = sha256Of(entry.hashes);
    if (sha) file.sha256 = sha;
    if (typeof entry.size === 'number' && Number.isFinite(entry.size)) file.size = entry.size;
    if (typeof entry['upload-time'] === 'string') file.uploadTime = entry['upload-time'];
    files.push(file);
  }
  const lookup: Extract<IndexLookup, { status: 'found' }> = { status: 'found', versions: [], files, source: 'simple' };
  // `versions` is PEP 700 (api-version >= 1.1); without it, "not among the versions" cannot be said.
  if (Array.isArray(data.versions)) {
    lookup.versions = data.versions.filter((v): v is string => typeof v === 'string');
    lookup.versionsListed = true;
  } else {
    lookup.versionsListed = false;
  }
  const status = isObject(data['project-status']) ? data['project-status'].status : undefined;
  if (typeof status === 'string') lookup.projectStatus = status;
  return lookup;
}

function jsonFile(entry: Json, base: string): IndexFile | null {
  if (typeof entry.filename !== 'string') return null;
  const file: IndexFile = { filename: entry.filename, url: resolveUrl(entry.url, base), yanked: yankedOf(entry.yanked, entry.yanked_reason) };
  const sha = sha256Of(entry.digests);
  if (sha) file.sha256 = sha;
  if (typeof entry.size === 'number' && Number.isFinite(entry.size)) file.size = entry.size;
  if (typeof entry.upload_time_iso_8601 === 'string') file.uploadTime = entry.upload_time_iso_8601;
  else if (typeof entry.upload_time === 'string')
    file.uploadTime = /[zZ]|[+-]\d\d:?\d\d$/.test(entry.upload_time) ? entry.upload_time : `${entry.upload_time}Z`;
  return file;
}

/** PyPI's `/pypi/{name}/{version}/json`. */
export function parseJsonRelease(body: string, url: string): { files: IndexFile[]; version?: string } | { error: string } {
  const data = parseJson(body);
  if (!isObject(data) || !Array.isArray(data.urls)) return { error: `${redactUrl(url)} did not answer with a PyPI JSON release (bad JSON)` };
  const info = isObject(data.info) ? data.info : {};
  const files: IndexFile[] = [];
  for (const entry of data.urls) {
    if (!isObject(entry)) continue;
    const file = jsonFile(entry, url);
    if (!file) continue;
    // PyPI yanks whole releases: `info.yanked` holds the reason when the file entries do not.
    if (file.yanked === false && info.yanked === true) file.yanked = typeof info.yanked_reason === 'string' ? info.yanked_reason : '';
    files.push(file);
  }
  const result: { files: IndexFile[]; version?: string } = { files };
  if (typeof info.version === 'string') result.version = info.version;
  return result;
}

/** PyPI's `/pypi/{name}/json`: only the version list is used. */
export function parseJsonProject(body: string): { versions: string[] } | { error: string } {
  const data = parseJson(body);
  if (!isObject(data) || !isObject(data.releases)) return { error: 'the PyPI JSON project document is not valid (bad JSON)' };
  return { versions: Object.keys(data.releases) };
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'quot') return '"';
    if (lower === 'apos' || lower === '#39') return "'";
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** A PEP 503 HTML project page: anchors with `#sha256=` fragments and `data-yanked`. No upload times. */
export function parseSimpleHtml(body: string, pageUrl: string): IndexLookup {
  if (!/<a[\s>]/i.test(body) && !/<html|<!doctype/i.test(body)) {
    return { status: 'error', message: `${redactUrl(pageUrl)} answered with neither PEP 691 JSON nor a PEP 503 HTML page` };
  }
  const files: IndexFile[] = [];
  const anchor = /<a\b([^>]*)>([^<]*)<\/a\s*>/gi;
  for (let m = anchor.exec(body); m; m = anchor.exec(body)) {
    const attributes = m[1]!;
    const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attributes);
    if (!href) continue;
    const rawHref = decodeEntities(href[2] ?? href[3] ?? href[4] ?? '');
    const url = resolveUrl(rawHref, pageUrl);
    const filename = decodeEntities(m[2]!.trim());
    if (filename === '') continue;
    const file: IndexFile = { filename, url: url.split('#')[0]!, yanked: false };
    const sha = /#sha256=([0-9a-f]{64})/i.exec(url);
    if (sha) file.sha256 = sha[1]!.toLowerCase();
    const yanked = /\bdata-yanked(?:\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+)))?/i.exec(attributes);
    if (yanked) file.yanked = decodeEntities(yanked[2] ?? yanked[3] ?? yanked[4] ?? '');
    files.push(file);
  }
  return { status: 'found', versions: [], versionsListed: false, files, source: 'simple' };
}
