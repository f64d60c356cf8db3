/**
 * The real resolvers behind FixResolver: refs and releases from the GitHub REST API (through the
 * client's cached `get`), image digests from the image's registry (the Docker registry HTTP API v2,
 * with the anonymous bearer token Docker Hub and GHCR hand out for public images).
 */
import type { FixResolver, Release, ResolvedRef } from './resolver.js';

/** What the resolver needs of the GitHub client: one cached GET (src/net's GithubClient.get). */
export interface GithubGet {
  get<T>(path: string): Promise<{ ok: true; body: T } | { ok: false; failure: string; message: string }>;
}

const SHA_RE = /^[0-9a-f]{40}$/;
const segment = (value: string): string => encodeURIComponent(value);
const refPath = (ref: string): string => ref.split('/').map(segment).join('/');

interface GitRef {
  object?: { type?: string; sha?: string };
}

async function read<T>(client: GithubGet, path: string): Promise<T | null> {
  const result = await client.get<T>(path);
  if (result.ok) return result.body;
  if (result.failure === 'not-found') return null;
  throw new Error(result.message);
}

export function githubFixResolver(client: GithubGet, registry: (image: string) => Promise<string | null> = registryDigest): FixResolver {
  return {
    async resolveRef(owner, repo, ref): Promise<ResolvedRef | null> {
      const base = `/repos/${segment(owner)}/${segment(repo)}`;
      const tag = await read<GitRef>(client, `${base}/git/ref/tags/${refPath(ref)}`);
      if (tag?.object?.sha) {
        // An annotated tag points at a tag object: peel it (a tag of a tag too) down to the commit.
        let object = tag.object;
        for (let depth = 0; object.type === 'tag' && depth < 5; depth++) {
          const peeled = await read<GitRef>(client, `${base}/git/tags/${segment(object.sha ?? '')}`);
          if (!peeled?.object?.sha) return null;
          object = peeled.object;
        }
        return object.type === 'commit' && SHA_RE.test(object.sha ?? '') ? { sha: object.sha!, kind: 'tag' } : null;
      }
      const branch = await read<GitRef>(client, `${base}/git/ref/heads/${refPath(ref)}`);
      if (branch?.object?.type === 'commit' && SHA_RE.test(branch.object.sha ?? '')) return { sha: branch.object.sha!, kind: 'branch' };
      if (/^[0-9a-fA-F]{7,40}$/.test(ref)) {
        const commit = await read<{ sha?: string }>(client, `${base}/commits/${segment(ref)}`);
        if (commit?.sha && SHA_RE.test(commit.sha)) return { sha: commit.sha, kind: 'commit' };
      }
      return null;
    },
    async releases(owner, repo): Promise<Release[]> {
      const body = await read<unknown>(client, `/repos/${segment(owner)}/${segment(repo)}/releases?per_page=100`);
      if (!Array.isArray(body)) return [];
      const releases: Release[] = [];
      for (const item of body as { tag_name?: unknown; published_at?: unknown; prerelease?: unknown; draft?: unknown }[]) {
        if (typeof item?.tag_name !== 'string' || typeof item.published_at !== 'string' || item.draft === true) continue;
        const publishedAt = new Date(item.published_at);
        if (Number.isNaN(publishedAt.getTime())) continue;
        releases.push({ tag: item.tag_name, publishedAt, prerelease: item.prerelease === true });
      }
      return releases;
    },
    imageDigest: registry,
  };
}

/** `registry`, `repository` and `tag` of an image reference, Docker's defaults filled in. */
export function imageParts(image: string): { registry: string; repository: string; tag: string } | null {
  const ref = image
    .trim()
    .replace(/^docker:\/\//i, '')
    .replace(/@.*$/, '');
  if (ref === '' || /\s|\$\{\{/.test(ref)) return null;
  const parts = ref.split('/');
  const first = parts[0];
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'registry-1.docker.io';
  let path = (hasRegistry ? parts.slice(1) : parts).join('/');
  const colon = path.lastIndexOf(':');
  const tag = colon > path.lastIndexOf('/') ? path.slice(colon + 1) : 'latest';
  if (colon > path.lastIndexOf('/')) path = path.slice(0, colon);
  if (!hasRegistry && !path.includes('/')) path = `library/${path}`;
  if (!/^[a-z0-9._/-]+$/.test(path) || !/^[\w][\w.-]{0,127}$/.test(tag) || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(registry)) return null;
  return { registry, repository: path, tag };
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const isLoopback = (host: string): boolean => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);

/**
 * The digest a registry gives for `image` today (HEAD of its manifest, the Docker-Content-Digest
 * header), with an anonymous token when the registry asks for one. Null when it cannot be had.
 */
export async function registryDigest(image: string, fetchImpl: typeof fetch = fetch, timeoutMs = 15_000): Promise<string | null> {
  const parts = imageParts(image);
  if (!parts) return null;
  const scheme = isLoopback(parts.registry) ? 'http' : 'https';
  const url = `${scheme}://${parts.registry}/v2/${parts.repository}/manifests/${encodeURIComponent(parts.tag)}`;
  const head = (authorization?: string) =>
    fetchImpl(url, {
      method: 'HEAD',
      redirect: 'follow',
      headers: { accept: MANIFEST_TYPES, ...(authorization ? { authorization } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  let answer = await head();
  if (answer.status === 401) {
    const challenge = /^Bearer\s+(.*)$/i.exec(answer.headers.get('www-authenticate') ?? '');
    if (!challenge) return null;
    const params = new Map([...challenge[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]));
    const realm = params.get('realm');
    if (!realm) return null;
    let tokenUrl: URL;
    try {
      tokenUrl = new URL(realm);
    } catch {
      return null;
    }
    if (tokenUrl.protocol !== 'https:' && !(tokenUrl.protocol === 'http:' && isLoopback(tokenUrl.host))) return null;
    for (const key of ['service', 'scope']) {
      const value = params.get(key);
      if (value) tokenUrl.searchParams.set(key, value);
    }
    const tokenAnswer = await fetchImpl(tokenUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!tokenAnswer.ok) return null;
    const body = (await tokenAnswer.json().catch(() => null)) as { token?: unknown; access_token?: unknown } | null;
    const token = typeof body?.token === 'string' ? body.token : typeof body?.access_token === 'string' ? body.access_token : null;
    if (!token) return null;
    answer = await head(`Bearer ${token}`);
  }
  if (!answer.ok) return null;
  const digest = answer.headers.get('docker-content-digest')?.trim().toLowerCase() ?? '';
  return /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : null;
}
