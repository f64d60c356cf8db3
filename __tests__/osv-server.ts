/**
 * OSV's API on 127.0.0.1 for tests, speaking the documented shapes (google/osv.dev docs/api:
 * post-v1-querybatch.md, get-v1-vulns.md; records per the OSV schema): POST /v1/querybatch answers
 * `{ results: [{ vulns: [{ id, modified }], next_page_token? } | {}] }`, one result per query in
 * order, paging a query's hits `pageSize` at a time with `next_page_token` (asked back as the
 * query's `page_token`); GET /v1/vulns/{id} answers the full record. Matching is by PyPI name
 * (PEP 503) and the record's `affected[].versions`, as OSV's enumerated PyPI versions allow.
 * Faults are injected per endpoint; requests, batches and concurrency are counted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { settingsFromArgv } from '../src/settings/resolve.js';
import type { Settings } from '../src/settings/types.js';

/** Run settings as the CLI builds them (online, clock fixed at 2026-11-01), with overrides. */
export function settingsFor(overrides: Partial<Settings> = {}): Settings {
  const command = settingsFromArgv(['.', '--now', '2026-11-01T00:00:00Z'], {}, process.cwd());
  if (command.kind !== 'run') throw new Error('no settings');
  return { ...command.settings, ...overrides };
}

export type OsvFault = '429-once' | '500' | '500-once' | 'hang' | 'bad-json' | 'short-results';

export interface OsvServerOptions {
  /** Hits returned per query and page (default: all at once). */
  pageSize?: number;
  /** Delay before every answer, in ms (the bench uses 50). */
  latencyMs?: number;
  batchFault?: OsvFault;
  /** Faults for GET /v1/vulns/{id}, by id. */
  vulnFaults?: Record<string, OsvFault>;
}

export interface OsvServer {
  url: string;
  batches: { queries: number; pageTokens: number }[];
  vulnRequests: string[];
  maxInFlight: number;
  close(): Promise<void>;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** A record in OSV's shape, for `name` at `versions`, fixed in `fixed` (ECOSYSTEM range events). */
export function osvRecord(id: string, name: string, versions: string[], extra: Record<string, unknown> = {}, fixed: string[] = []): Record<string, unknown> {
  const events: Record<string, string>[] = [{ introduced: '0' }, ...fixed.map((f) => ({ fixed: f }))];
  return {
    schema_version: '1.7.4',
    id,
    modified: '2026-10-02T08:00:00Z',
    published: '2026-10-01T08:00:00Z',
    summary: `Advisory ${id} for ${name}`,
    details: 'Details in CommonMark.',
    affected: [{ package: { ecosystem: 'PyPI', name, purl: `pkg:pypi/${normalize(name)}` }, ranges: [{ type: 'ECOSYSTEM', events }], versions }],
    references: [{ type: 'ADVISORY', url: `https://osv.dev/vulnerability/${id}` }],
    ...extra,
  };
}

/** A MAL- record as OpenSSF's malicious-packages repository publishes it (trimmed). */
export function malRecord(id: string, name: string, versions: string[]): Record<string, unknown> {
  return {
    schema_version: '1.7.4',
    id,
    published: '2026-09-03T17:00:47Z',
    modified: '2026-09-04T00:47:46.156672516Z',
    summary: `Malicious code in ${name} (PyPI)`,
    details: '\n---\n_-= Per source details. Do not edit below this line.=-_\n',
    affected: [
      {
        package: { name, ecosystem: 'PyPI' },
        versions,
        database_specific: {
          cwes: [{ cweId: 'CWE-506', description: 'The product contains code that appears to be malicious in nature.', name: 'Embedded Malicious Code' }],
        },
      },
    ],
    database_specific: { 'malicious-packages-origins': [{ source: 'kam193', versions, id: `pypi/x/${name}` }] },
  };
}

export async function startOsvServer(records: Record<string, unknown>[], options: OsvServerOptions = {}): Promise<OsvServer> {
  const byId = new Map(records.map((r) => [r.id as string, r]));
  const sockets = new Set<Socket>();
  const once = new Set<string>();
  let inFlight = 0;
  const state: OsvServer = { url: '', batches: [], vulnRequests: [], maxInFlight: 0, close: async () => undefined };

  const hits = (name: string, version: string): string[] =>
    records
      .filter((r) =>
        (r.affected as { package: { name: string; ecosystem: string }; versions?: string[] }[]).some(
          (a) => a.package.ecosystem === 'PyPI' && normalize(a.package.name) === normalize(name) && (a.versions ?? []).includes(version),
        ),
      )
      .map((r) => r.id as string);

  const fault = (key: string, kind: OsvFault | undefined, res: ServerResponse): boolean => {
    if (!kind) return false;
    if (kind === 'hang') return true;
    if ((kind === '429-once' || kind === '500-once') && once.has(key)) return false;
    if (kind === '429-once') {
      once.add(key);
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end('{"code":8,"message":"Too many requests"}');
      return true;
    }
    if (kind === '500' || kind === '500-once') {
      once.add(key);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"code":13,"message":"Internal error"}');
      return true;
    }
    if (kind === 'bad-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"results": [{"vulns": [');
      return true;
    }
    return false;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/v1/querybatch') {
      const parsed = JSON.parse(body) as { queries: { package: { name: string; ecosystem: string }; version: string; page_token?: string }[] };
      state.batches.push({ queries: parsed.queries.length, pageTokens: parsed.queries.filter((q) => q.page_token !== undefined).length });
      if (parsed.queries.length > 1000) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"code":3,"message":"Too many queries."}');
        return;
      }
      if (options.batchFault === 'short-results') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ results: [] }));
        return;
      }
      if (fault('batch', options.batchFault, res)) return;
      const results = parsed.queries.map((q) => {
        const all = hits(q.package.name, q.version);
        if (all.length === 0) return {};
        const start = q.page_token ? Number(Buffer.from(q.page_token, 'base64').toString()) : 0;
        const size = options.pageSize ?? all.length;
        const page = all.slice(start, start + size).map((id) => ({ id, modified: '2026-10-02T08:00:00Z' }));
        const result: Record<string, unknown> = { vulns: page };
        if (start + size < all.length) result.next_page_token = Buffer.from(String(start + size)).toString('base64');
        return result;
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ results }));
      return;
    }
    const vuln = /^\/v1\/vulns\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && vuln) {
      const id = decodeURIComponent(vuln[1]!);
      state.vulnRequests.push(id);
      if (fault(`vuln:${id}`, options.vulnFaults?.[id], res)) return;
      const record = byId.get(id);
      res.writeHead(record ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(record ?? { code: 5, message: 'Bug not found.' }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"code":5,"message":"Not found"}');
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      const answer = () => handle(req, res, body);
      if (options.latencyMs) setTimeout(answer, options.latencyMs);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
