/**
 * Pure helpers over IndexFacts, shared by the enricher (which fills them) and the rules (which read
 * them), so both agree on keys and on how a locked file is matched to an index file.
 */
import { redactUrl } from '../core/text.js';
import type { LockArtifact, LockPackage } from '../uv/model.js';
import { normalizeName } from '../uv/names.js';
import { indexKey } from './keys.js';
import type { IndexFacts, IndexFile, IndexLookup } from './types.js';

/** Whether a lock registry source is an http(s) index lockgate can ask (not a local path or find-links dir). */
export function isRemoteIndex(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** The facts key of a locked registry package: its lock source URL (credentials stripped) and normalized name. */
export function factsKeyOf(pkg: LockPackage): string | null {
  if (pkg.source.kind !== 'registry' || typeof pkg.source.url !== 'string' || !isRemoteIndex(pkg.source.url)) return null;
  return indexKey(canonicalIndexUrl(pkg.source.url), normalizeName(pkg.name));
}

/** Index URL as a key: credentials removed, one trailing slash removed. */
export function canonicalIndexUrl(url: string): string {
  return redactUrl(url).replace(/\/+$/, '');
}

export function lookupOf(facts: IndexFacts | null, pkg: LockPackage): IndexLookup | undefined {
  if (!facts) return undefined;
  const key = factsKeyOf(pkg);
  return key === null ? undefined : facts.projects.get(key);
}

/** The filename of a locked artifact: its `filename`, else the last path segment of its url or path. */
export function artifactFilename(artifact: LockArtifact): string | undefined {
  if (typeof artifact.filename === 'string' && artifact.filename !== '') return artifact.filename;
  const location = typeof artifact.url === 'string' ? artifact.url : typeof artifact.path === 'string' ? artifact.path : undefined;
  if (!location) return undefined;
  const withoutFragment = location.split('#')[0]!.split('?')[0]!;
  const last = withoutFragment.slice(withoutFragment.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    // A malformed %-escape: the name as written is still the best name for the file.
    return last;
  }
}

/** The sha256 hex of a locked artifact, when its hash is a sha256. */
export function artifactSha256(artifact: LockArtifact): string | undefined {
  if (typeof artifact.hash !== 'string') return undefined;
  const m = /^sha256:([0-9a-f]{64})$/i.exec(artifact.hash.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

export type ArtifactMatch =
  | { kind: 'listed'; file: IndexFile }
  /** The index lists a file of that name with another sha256: the locked file is not what the index serves. */
  | { kind: 'hash-differs'; file: IndexFile; lockedSha256: string }
  | { kind: 'not-listed' }
  /** The artifact has no filename lockgate can compare. */
  | { kind: 'unknown' };

/** Find a locked artifact among the index's files: by filename (unique forever on PyPI), then by hash. */
export function matchArtifact(artifact: LockArtifact, files: readonly IndexFile[]): ArtifactMatch {
  const filename = artifactFilename(artifact);
  if (!filename) return { kind: 'unknown' };
  const lockedSha = artifactSha256(artifact);
  const sameName = (Array.isArray(files) ? files : []).filter((file) => file && file.filename === filename);
  if (sameName.length > 0) {
    const sameHash =
      lockedSha === undefined ? sameName[0] : sameName.find((file) => typeof file.sha256 !== 'string' || file.sha256.toLowerCase() === lockedSha);
    if (sameHash) return { kind: 'listed', file: sameHash };
    return { kind: 'hash-differs', file: sameName[0]!, lockedSha256: lockedSha! };
  }
  return { kind: 'not-listed' };
}

/** Every artifact of a package: sdist first, then wheels. */
export function artifactsOf(pkg: LockPackage): LockArtifact[] {
  const wheels = Array.isArray(pkg.wheels) ? pkg.wheels : [];
  return pkg.sdist ? [pkg.sdist, ...wheels] : [...wheels];
}
