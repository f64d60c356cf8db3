import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  describeFetchError,
  describeResult,
  githubRateLimitWaitMs,
  Limiter,
  NetworkBudget,
  parseJsonText,
  parseRetryAfter,
  request,
  type HttpPolicy,
} from '../src/net/http.js';

describe('Retry-After', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Thu, 26 Nov 2026 12:00:10 GMT', 10_000],
    ['Thu, 26 Nov 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('%j waits %j ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, in order', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await new Promise((resolve) => setTimeout(resolve, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
  it('frees its place when a task fails', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(limiter.run(async () => 7)).resolves.toBe(7);
  });
});

describe('describeFetchError', () => {
  it('names the socket code, never more than 200 characters', () => {
    expect(describeFetchError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'read ECONNRESET' } }))).toBe('ECONNRESET');
    expect(describeFetchError(new Error('x'.repeat(500))).length).toBe(200);
  });
});

describe('request(): the one request function', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  let server: Server | null = null;
  let hits: { path: string; authorization?: string }[] = [];
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });
  async function serve(handler: Handler): Promise<string> {
    hits = [];
    server = createServer((req, res) => {
      hits.push({ path: req.url ?? '', authorization: req.headers.authorization });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  function policy(overrides: Partial<HttpPolicy> = {}): HttpPolicy {
    return {
      budget: new NetworkBudget(5000),
      timeoutMs: 500,
      retries: 2,
      backoffMs: 5,
      maxRetryAfterMs: 5000,
      maxBodyBytes: 1024,
      redirects: { max: 3, sameOriginOnly: false },
      ...overrides,
    };
  }

  it('waits what an HTTP-date Retry-After asks, then retries', async () => {
    let n = 0;
    const base = await serve((_, res) => {
      if (n++ === 0) {
        res.writeHead(503, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
        res.end();
      } else res.end('ok');
    });
    const waits: number[] = [];
    const result = await request({ url: `${base}/x` }, policy({ sleep: async (ms) => void waits.push(ms) }));
    expect(result.answer?.status).toBe(200);
    expect(result.attempts).toBe(2);
    // An HTTP date has a one-second resolution: the wait is at most two seconds and more than zero.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(2000);
  });

  it('stops at once when Retry-After asks for longer than it waits, and says so', async () => {
    const base = await serve((_, res) => {
      res.writeHead(429, { 'retry-after': '600' });
      res.end();
    });
    const result = await request({ url: `${base}/x` }, policy());
    expect(result.stopped).toEqual({ kind: 'wait-too-long', waitMs: 600_000 });
    expect(describeResult(result)).toBe(`${base}/x answered HTTP 429; Retry-After asks for 600 s, longer than lockgate waits`);
    expect(hits).toHaveLength(1);
  });

  it('counts requests against the budget and sends nothing past its request limit', async () => {
    const base = await serve((_, res) => res.end('ok'));
    const budget = new NetworkBudget(5000, 2);
    const p = policy({ budget });
    expect((await request({ url: `${base}/a` }, p)).answer?.status).toBe(200);
    expect((await request({ url: `${base}/b` }, p)).answer?.status).toBe(200);
    const third = await request({ url: `${base}/c` }, p);
    expect(third.failure).toEqual({ kind: 'budget', url: `${base}/c` });
    expect(hits.map((h) => h.path)).toEqual(['/a', '/b']);
    expect(budget.sent).toBe(2);
  });

  it('refuses a declared Content-Length over the cap before reading, and a streamed body past it', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': '5000' });
        res.end('x'.repeat(5000));
      } else {
        res.writeHead(200);
        res.write('x'.repeat(800));
        res.end('y'.repeat(800));
      }
    });
    const declared = await request({ url: `${base}/declared` }, policy());
    expect(describeResult(declared)).toBe(`${base}/declared answered with 5000 bytes, more than the 1024-byte limit`);
    const streamed = await request({ url: `${base}/streamed` }, policy());
    expect(describeResult(streamed)).toBe(`${base}/streamed answered with more than the 1024-byte limit`);
  });

  it('sends credentials to their own origin only, and never prints userinfo', async () => {
    const other = await serve((_, res) => res.end('ok'));
    const otherServer = server!;
    server = null;
    const base = await serve((_, res) => {
      res.writeHead(302, { location: `${other}/landed` });
      res.end();
    });
    try {
      const result = await request({ url: `${base}/start`, credentials: { origin: base, headers: { authorization: 'Bearer secret-token' } } }, policy());
      expect(result.answer?.status).toBe(200);
      // Both servers record into `hits`: the start on the credentials' origin, then the other origin.
      expect(hits).toEqual([
        { path: '/start', authorization: 'Bearer secret-token' },
        { path: '/landed', authorization: undefined },
      ]);
    } finally {
      otherServer.closeAllConnections();
      await new Promise<void>((resolve) => otherServer.close(() => resolve()));
    }
    const failed = await request({ url: 'http://user:pa55@127.0.0.1:1/x' }, policy({ retries: 0 }));
    expect(describeResult(failed)).not.toMatch(/pa55|user:/);
  });

  it('follows redirects only within the origin when asked to', async () => {
    const base = await serve((_, res) => {
      res.writeHead(301, { location: 'http://localhost:1/steal' });
      res.end();
    });
    const result = await request({ url: `${base}/x` }, policy({ redirects: { max: 3, sameOriginOnly: true } }));
    expect(result.failure).toMatchObject({ kind: 'redirect', reason: 'off-origin', status: 301 });
  });
});

describe('GitHub rate-limit headers', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const headers = (h: Record<string, string>) => new Headers(h);
  it.each([
    ['a primary limit waits until the reset', 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }, '', 31_000],
    ['a secondary limit with Retry-After', 403, { 'retry-after': '7' }, 'You have exceeded a secondary rate limit', 7000],
    ['a secondary limit without headers waits a minute', 403, {}, 'You have exceeded a secondary rate limit', 60_000],
    ['a bare 429 waits a minute', 429, {}, '', 60_000],
    ['a 403 that is no rate limit', 403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration', undefined],
    ['a 500', 500, { 'retry-after': '3' }, '', undefined],
  ])('%s', (_, status, h, message, wait) => {
    expect(githubRateLimitWaitMs(status, headers(h), message, now)).toBe(wait);
  });
});

describe('parseJsonText', () => {
  it('answers a parse error as a value with the parser complaint', () => {
    expect(parseJsonText('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonText('{"a":')).toEqual({ ok: false, error: expect.stringMatching(/^not JSON \(/) });
  });
});
