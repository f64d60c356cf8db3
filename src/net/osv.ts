/**
 * The OSV client (https://osv.dev, API documented at https://google.github.io/osv.dev/api/):
 * POST /v1/querybatch with the (name, version) pairs a change locks from PyPI, in batches of at
 * most 1,000 queries, following each result's `next_page_token`; then GET /v1/vulns/{id} once per
 * distinct advisory that matched. Sent through `request()` of ./http.ts: the same timeouts,
 * retries, budget and concurrency discipline as the index and GitHub clients.
 *
 * Never throws for network trouble: a pair that could not be checked is an `unchecked` entry that
 * says why, and the rules report those in one notice. A hit whose details cannot be fetched still
 * counts (the id is known), so a fault never turns into a silent pass.
 */
import { redactUrl } from '../core/text.js';
import { DEFAULT_OSV_URL } from '../settings/config.js';
import type { Settings } from '../settings/types.js';
import type { ProjectPair } from '../uv/model.js';
import { advisorySubjects, readAdvisory, type Advisory, type AdvisoryFacts, type AdvisorySubject } from '../facts/advisories.js';
import { describeResult, Limiter, NetworkBudget, parseJsonText, request, type HttpPolicy, type HttpResult } from './http.js';

/** OSV's documented limit of queries in one querybatch request. */
const OSV_BATCH_SIZE = 1000;
/** Pages followed per query; OSV pages at 1,000 advisories, so more is a broken server. */
const MAX_PAGES = 10;

export interface OsvClientOptions {
  /** API root, e.g. https://api.osv.dev (no /v1). */
  baseUrl?: string;
  budgetMs?: number;
  budget?: NetworkBudget;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  maxRetryAfterMs?: number;
  maxBodyBytes?: number;
  /** Queries per querybatch request (default and maximum 1,000). */
  batchSize?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

export type BatchOutcome = { ids: Map<string, string[]>; unchecked: Map<string, string> };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

interface PendingQuery {
  subject: AdvisorySubject;
  pageToken?: string;
}

export class OsvClient {
  readonly baseUrl: string;
  /** Requests sent (attempts included). */
  requests = 0;
  batchRequests = 0;
  vulnRequests = 0;
  private readonly policy: HttpPolicy;
  private readonly batchSize: number;
  private readonly vulnCache = new Map<string, Promise<{ record: unknown } | { error: string }>>();

  constructor(options: OsvClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_OSV_URL).replace(/\/+$/, '');
    const log = options.log ?? (() => {});
    this.batchSize = Math.max(1, Math.min(OSV_BATCH_SIZE, options.batchSize ?? OSV_BATCH_SIZE));
    this.policy = {
      budget: options.budget ?? new NetworkBudget(options.budgetMs ?? 60_000),
      timeoutMs: Math.max(1, options.timeoutMs ?? 20_000),
      retries: Math.max(0, options.retries ?? 2),
      backoffMs: Math.max(1, options.backoffMs ?? 250),
      jitter: true,
      maxRetryAfterMs: Math.max(0, options.maxRetryAfterMs ?? 30_000),
      maxBodyBytes: Math.max(1024, options.maxBodyBytes ?? 32 * 1024 * 1024),
      redirects: { max: 3, sameOriginOnly: true },
      limiter: new Limiter(Math.max(1, options.concurrency ?? 8)),
      onRetry: (what) => log(`OSV: ${what}, retrying`),
      onSend: () => {
        this.requests++;
      },
    };
    if (options.fetch) this.policy.fetch = options.fetch;
    if (options.sleep) this.policy.sleep = options.sleep;
  }

  /** The advisory ids OSV lists for each subject (by key); the subjects it could not answer for, with why. */
  async queryBatch(subjects: readonly AdvisorySubject[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { ids: new Map(), unchecked: new Map() };
    const chunks: AdvisorySubject[][] = [];
    for (let i = 0; i < subjects.length; i += this.batchSize) chunks.push(subjects.slice(i, i + this.batchSize));
    await Promise.all(chunks.map((chunk) => this.queryChunk(chunk, outcome)));
    return outcome;
  }

  private async queryChunk(chunk: AdvisorySubject[], outcome: BatchOutcome): Promise<void> {
    let pending: PendingQuery[] = chunk.map((subject) => ({ subject }));
    for (const { subject } of pending) outcome.ids.set(subject.key, []);
    for (let page = 0; pending.length > 0; page++) {
      if (page >= MAX_PAGES) {
        for (const { subject } of pending) this.uncheck(outcome, subject, `OSV kept paging past ${MAX_PAGES} pages`);
        return;
      }
      const queries = pending.map(({ subject, pageToken }) => {
        const query: Json = { package: { name: subject.name, ecosystem: 'PyPI' }, version: subject.version };
        if (pageToken !== undefined) query.page_token = pageToken;
        return query;
      });
      this.batchRequests++;
      const url = `${this.baseUrl}/v1/querybatch`;
      const result = await request(
        { url, method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ queries }) },
        this.policy,
      );
      const results = this.resultsOf(result, queries.length);
      if ('error' in results) {
        for (const { subject } of pending) this.uncheck(outcome, subject, results.error);
        return;
      }
      const next: PendingQuery[] = [];
      results.list.forEach((entry, i) => {
        const query = pending[i]!;
        const ids = outcome.ids.get(query.subject.key);
        if (!ids) return;
        for (const vuln of Array.isArray(entry.vulns) ? entry.vulns : []) {
          if (isObject(vuln) && typeof vuln.id === 'string' && vuln.id !== '' && !ids.includes(vuln.id)) ids.push(vuln.id);
        }
        if (typeof entry.next_page_token === 'string' && entry.next_page_token !== '') next.push({ subject: query.subject, pageToken: entry.next_page_token });
      });
      pending = next;
    }
  }

  private uncheck(outcome: BatchOutcome, subject: AdvisorySubject, reason: string): void {
    outcome.ids.delete(subject.key);
    outcome.unchecked.set(subject.key, reason);
  }

  private resultsOf(result: HttpResult, expected: number): { list: Json[] } | { error: string } {
    if (!result.answer || result.stopped) return { error: describeResult(result) };
    if (result.answer.status !== 200) return { error: describeResult(result) };
    const parsed = parseJsonText(result.answer.body);
    if (!parsed.ok) return { error: `${redactUrl(this.baseUrl)}/v1/querybatch answered with a body that is ${parsed.error}` };
    const list = isObject(parsed.value) ? parsed.value.results : undefined;
    if (!Array.isArray(list) || list.length !== expected || !list.every(isObject)) {
      return {
        error: `${redactUrl(this.baseUrl)}/v1/querybatch answered with ${Array.isArray(list) ? `${list.length} results for ${expected} queries` : 'no results list'}`,
      };
    }
    return { list: list as Json[] };
  }

  /** One advisory's OSV record, or why it could not be read. Cached per id for the run. */
  vuln(id: string): Promise<{ record: unknown } | { error: string }> {
    let pending = this.vulnCache.get(id);
    if (!pending) {
      pending = this.fetchVuln(id);
      this.vulnCache.set(id, pending);
    }
    return pending;
  }

  private async fetchVuln(id: string): Promise<{ record: unknown } | { error: string }> {
    this.vulnRequests++;
    const url = `${this.baseUrl}/v1/vulns/${encodeURIComponent(id)}`;
    const result = await request({ url, headers: { accept: 'application/json' } }, this.policy);
    if (!result.answer || result.stopped || result.answer.status !== 200) return { error: describeResult(result) };
    const parsed = parseJsonText(result.answer.body);
    if (!parsed.ok) return { error: `${redactUrl(url)} answered with a body that is ${parsed.error}` };
    return { record: parsed.value };
  }
}

/** A hit whose record could not be read: the id alone still says what it is. */
function bareAdvisory(id: string, why: string): Advisory {
  return { id, summary: `details could not be read (${why})`, aliases: [], malicious: id.startsWith('MAL-'), fixed: [] };
}

/**
 * Advisory facts for every introduced PyPI-sourced (name, version) of `pairs` (every locked one in
 * a full audit). Offline: null, and nothing is sent. Never rejects for network trouble.
 */
export async function gatherAdvisoryFacts(
  pairs: ProjectPair[],
  settings: Settings,
  log: (line: string) => void,
  options: OsvClientOptions = {},
): Promise<AdvisoryFacts | null> {
  if (settings.offline) return null;
  const facts: AdvisoryFacts = { packages: new Map() };
  const subjects = advisorySubjects(pairs);
  if (subjects.length === 0) return facts;
  const started = Date.now();
  const client = new OsvClient({ baseUrl: settings.config.advisories?.url ?? DEFAULT_OSV_URL, budgetMs: settings.networkBudgetMs, log, ...options });
  const batch = await client.queryBatch(subjects);
  for (const [key, reason] of batch.unchecked) facts.packages.set(key, { status: 'unchecked', reason });
  const byName = new Map(subjects.map((s) => [s.key, s.name]));
  const distinct = [...new Set([...batch.ids.values()].flat())];
  const records = new Map(await Promise.all(distinct.map(async (id) => [id, await client.vuln(id)] as const)));
  let hits = 0;
  for (const [key, ids] of batch.ids) {
    const name = byName.get(key) ?? '';
    const advisories = ids.map((id) => {
      const got = records.get(id);
      if (!got || 'error' in got) return bareAdvisory(id, got && 'error' in got ? got.error : 'not fetched');
      return readAdvisory(got.record, name) ?? bareAdvisory(id, 'the answer is not an OSV record');
    });
    if (advisories.length > 0) hits++;
    facts.packages.set(key, { status: 'checked', advisories });
  }
  log(
    `Advisories: asked OSV (${redactUrl(client.baseUrl)}) about ${subjects.length} package version${subjects.length === 1 ? '' : 's'} ` +
      `(${client.batchRequests} batch and ${client.vulnRequests} advisory request${client.vulnRequests === 1 ? '' : 's'}, ${((Date.now() - started) / 1000).toFixed(1)} s): ` +
      `${hits} with advisories, ${batch.unchecked.size} not checked.`,
  );
  const reasons = [...new Set(batch.unchecked.values())];
  for (const reason of reasons.slice(0, 5)) log(`Advisories: not checked: ${reason}`);
  return facts;
}
