/**
 * A package index on 127.0.0.1 for tests: the PEP 691 simple API and PyPI's JSON API with the
 * shapes Warehouse sends (research note uv-lock.md part (d)), and faults injected per project.
 * It counts connections and requests, and closes every socket when the test ends.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseSimpleJson } from '../src/net/pypi-index.js';
import { artifactFilename, artifactSha256, artifactsOf } from '../src/facts/index-facts.js';
import type { IndexLookup } from '../src/facts/types.js';
import type { ProjectPair } from '../src/uv/model.js';

export interface FakeFile {
  filename: string;
  version: string;
  sha256: string;
  size: number;
  /** RFC 3339 UTC with microseconds, as PyPI sends it. */
  uploadTime: string;
  /** false, true, or a reason string (PEP 691). */
  yanked: boolean | string;
  /** Defaults to a files.pythonhosted.org-style URL. */
  url?: string;
}

export interface FakeProject {
  name: string;
  status?: string;
  versions: string[];
  files: FakeFile[];
}

export type Fault =
  | '500' // always HTTP 500
  | '500-once' // 500, then the real page
  | '429-once' // 429 with Retry-After: 1, then the real page
  | '429-long' // 429 with Retry-After: 3600
  | 'drip' // headers, then one byte every 100 ms, forever
  | 'hang' // never answers
  | 'reset' // the connection is destroyed before any answer
  | 'bad-json' // 200 with a truncated JSON body
  | '404' // no such project
  | 'html-only' // the simple API serves PEP 503 HTML only; the JSON API works
  | 'html-no-json' // HTML only, and no JSON API either (a plain PEP 503 index)
  | 'no-versions' // a PEP 691 page without PEP 700 `versions` / `upload-time` (api-version 1.0)
  | 'slow' // answers after 50 ms (for the concurrency test)
  | 'redirect' // 301 to the same path with a trailing `?moved=1`
  | 'auth'; // 401 unless the Basic credentials are user:s3cret

export interface IndexServer {
  /** `http://127.0.0.1:<port>/simple` */
  url: string;
  origin: string;
  connections: number;
  requests: { method: string; path: string; accept?: string; authorization?: string; at: number }[];
  maxInFlight: number;
  close(): Promise<void>;
}

function fileUrl(file: FakeFile): string {
  return file.url ?? `https://files.pythonhosted.org/packages/ab/cd/${file.sha256.slice(0, 60)}/${file.filename}`;
}

/** PEP 691 JSON, as warehouse/packaging/utils.py builds it (API version 1.4). */
export function simpleJson(project: FakeProject, withPep700 = true): unknown {
  return {
    meta: { 'api-version': withPep700 ? '1.4' : '1.0', '_last-serial': 31415926 },
    name: project.name,
    ...(withPep700 ? { 'project-status': { status: project.status ?? 'active' }, versions: project.versions } : {}),
    files: project.files.map((file) => ({
      filename: file.filename,
      url: fileUrl(file),
      hashes: { sha256: file.sha256 },
      'requires-python': '>=3.9',
      ...(withPep700 ? { size: file.size, 'upload-time': file.uploadTime } : {}),
      yanked: file.yanked,
      'data-dist-info-metadata': file.filename.endsWith('.whl') ? { sha256: 'e'.repeat(64) } : false,
      'core-metadata': file.filename.endsWith('.whl') ? { sha256: 'e'.repeat(64) } : false,
      provenance: null,
    })),
  };
}

/** PEP 503 HTML, as warehouse/templates/api/simple/detail.html renders it. */
export function simpleHtml(project: FakeProject): string {
  const anchors = project.files
    .map((file) => {
      const yanked =
        file.yanked === false ? '' : ` data-yanked="${file.yanked === true ? '' : String(file.yanked).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;
      return `    <a href="${fileUrl(file)}#sha256=${file.sha256}" data-requires-python="&gt;=3.9"${yanked}>${file.filename}</a><br />`;
    })
    .join('\n');
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.4">\n    <title>Links for ${project.name}</title>\n  </head>\n  <body>\n    <h1>Links for ${project.name}</h1>\n${anchors}\n  </body>\n</html>\n`;
}

/** PyPI's /pypi/{name}/{version}/json (warehouse/legacy/api/json.py). */
export function jsonRelease(project: FakeProject, version: string): unknown {
  const files = project.files.filter((file) => file.version === version);
  const yankedFile = files.find((file) => file.yanked !== false);
  return {
    info: {
      name: project.name,
      version,
      summary: 'A test project',
      requires_python: '>=3.9',
      requires_dist: null,
      provides_extra: [],
      yanked: Boolean(yankedFile),
      yanked_reason: yankedFile && typeof yankedFile.yanked === 'string' ? yankedFile.yanked : null,
      dynamic: [],
      license_expression: 'MIT',
      project_urls: {},
      release_url: `https://pypi.org/project/${project.name}/${version}/`,
    },
    last_serial: 31415926,
    urls: files.map((file) => ({
      comment_text: '',
      digests: { blake2b_256: 'b'.repeat(64), md5: 'a'.repeat(32), sha256: file.sha256 },
      downloads: -1,
      filename: file.filename,
      has_sig: false,
      md5_digest: 'a'.repeat(32),
      packagetype: file.filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist',
      python_version: file.filename.endsWith('.whl') ? 'py3' : 'source',
      requires_python: '>=3.9',
      size: file.size,
      upload_time: file.uploadTime.replace(/(\.\d+)?Z$/, ''),
      upload_time_iso_8601: file.uploadTime,
      url: fileUrl(file),
      yanked: Boolean(yankedFile),
      yanked_reason: yankedFile && typeof yankedFile.yanked === 'string' ? yankedFile.yanked : null,
      'core-metadata': false,
    })),
    vulnerabilities: [],
    ownership: { roles: [{ role: 'Owner', user: 'someone' }], organization: null },
  };
}

export async function startIndexServer(projects: FakeProject[], faults: Record<string, Fault> = {}): Promise<IndexServer> {
  const byName = new Map(projects.map((project) => [project.name, project]));
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  const state: IndexServer = {
    url: '',
    origin: '',
    connections: 0,
    requests: [],
    maxInFlight: 0,
    close: async () => {},
  };

  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, done: () => void) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const simple = /^\/simple\/([^/]+)\/$/.exec(url.pathname);
    const release = /^\/pypi\/([^/]+)\/([^/]+)\/json$/.exec(url.pathname);
    const projectDoc = /^\/pypi\/([^/]+)\/json$/.exec(url.pathname);
    const name = decodeURIComponent((simple ?? release ?? projectDoc)?.[1] ?? '');
    const fault = faults[name];
    const count = (seen.get(url.pathname) ?? 0) + 1;
    seen.set(url.pathname, count);
    const project = byName.get(name);
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    };

    if (fault === 'reset') {
      req.socket.destroy();
      return done();
    }
    if (fault === 'hang') return; // never answers; the client's timeout must end it (close() cleans up)
    if (fault === 'drip') {
      res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' });
      const tick = setInterval(() => res.write(' '), 100);
      timers.add(tick as unknown as NodeJS.Timeout);
      res.on('close', () => {
        clearInterval(tick);
        done();
      });
      return;
    }
    if (fault === 'auth' && req.headers.authorization !== `Basic ${Buffer.from('user:s3cret').toString('base64')}`) {
      send(res, 401, 'text/plain', 'Unauthorized', { 'www-authenticate': 'Basic realm="index"' });
      return done();
    }
    if (fault === 'redirect' && !url.search) {
      send(res, 301, 'text/plain', '', { location: `${url.pathname}?moved=1` });
      return done();
    }
    if (fault === '500' || (fault === '500-once' && count === 1)) {
      send(res, 500, 'text/html', '<html><body>Internal Server Error</body></html>');
      return done();
    }
    if (fault === '429-once' && count === 1) {
      send(res, 429, 'text/plain', 'Too Many Requests', { 'retry-after': '1' });
      return done();
    }
    if (fault === '429-long') {
      send(res, 429, 'text/plain', 'Too Many Requests', { 'retry-after': '3600' });
      return done();
    }
    if (fault === '404' || !project) {
      send(res, 404, 'text/html', '<html><body>Not Found</body></html>');
      return done();
    }
    const respond = () => {
      if (simple) {
        if (fault === 'bad-json') send(res, 200, 'application/vnd.pypi.simple.v1+json', '{"meta": {"api-version": "1.4"}, "files": [{"filename": ');
        else if (fault === 'html-only' || fault === 'html-no-json') send(res, 200, 'text/html', simpleHtml(project));
        else send(res, 200, 'application/vnd.pypi.simple.v1+json', JSON.stringify(simpleJson(project, fault !== 'no-versions')));
      } else if (fault === 'html-no-json') {
        send(res, 404, 'text/html', '<html><body>Not Found</body></html>');
      } else if (release) {
        const version = decodeURIComponent(release[2]!);
        if (!project.versions.includes(version)) send(res, 404, 'application/json', '{"message": "Not Found"}');
        else if (fault === 'bad-json') send(res, 200, 'application/json', '{"info": {"name": ');
        else send(res, 200, 'application/json', JSON.stringify(jsonRelease(project, version)));
      } else {
        send(
          res,
          200,
          'application/json',
          JSON.stringify({ info: { name: project.name }, releases: Object.fromEntries(project.versions.map((v) => [v, []])) }),
        );
      }
      done();
    };
    if (fault === 'slow') later(50, respond);
    else respond();
  };

  const server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const entry: IndexServer['requests'][number] = { method: req.method ?? '', path: req.url ?? '', at: Date.now() };
    if (req.headers.accept) entry.accept = req.headers.accept;
    if (req.headers.authorization) entry.authorization = req.headers.authorization;
    state.requests.push(entry);
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      inFlight--;
    };
    res.on('close', done);
    handle(req, res, done);
  });
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.origin = `http://127.0.0.1:${port}`;
  state.url = `${state.origin}/simple`;
  state.close = async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

/** A release's files: one sdist and one wheel, with deterministic hashes. */
export function releaseFiles(name: string, version: string, uploadTime: string, yanked: boolean | string = false): FakeFile[] {
  const base = name.replace(/-/g, '_');
  const hex = (seed: string) => Buffer.from(seed.padEnd(32, '0').slice(0, 32)).toString('hex');
  return [
    { filename: `${base}-${version}.tar.gz`, version, sha256: hex(`${name}${version}s`), size: 1000, uploadTime, yanked },
    { filename: `${base}-${version}-py3-none-any.whl`, version, sha256: hex(`${name}${version}w`), size: 900, uploadTime, yanked },
  ];
}

const PAGE = 'https://pypi.org/simple/httpx/';

/** httpx's PEP 691 page as PyPI would serve it for the locked files, yanked as `yank` says, parsed by the client. */
export function httpxLookup(pairs: ProjectPair[], yank: (file: FakeFile, index: number) => boolean | string): IndexLookup {
  const pkg = pairs[0]!.head!.lock!.packages.find((p) => p.name === 'httpx')!;
  const files = artifactsOf(pkg).map((artifact, index) => {
    const file: FakeFile = {
      filename: artifactFilename(artifact)!,
      version: pkg.version!,
      sha256: artifactSha256(artifact)!,
      size: 1000,
      uploadTime: '2026-01-01T00:00:00Z',
      yanked: false,
      url: artifact.url!,
    };
    return { ...file, yanked: yank(file, index) };
  });
  return parseSimpleJson(JSON.stringify(simpleJson({ name: 'httpx', versions: ['0.27.0', pkg.version!], files })), PAGE);
}
