/**
 * What the index facts say about the introduced lock entries: yanked files, and locked files or
 * versions the index no longer has. Pure; the `yanked` and `ghost-file` rules turn these into findings.
 */
import type { IntroducedPackage, LockArtifact, ProjectPair } from '../uv/model.js';
import { versionsEqual } from '../uv/version.js';
import { artifactFilename, artifactsOf, lookupOf, matchArtifact } from './index-facts.js';
import type { IndexFacts, IndexFile } from './types.js';

export interface YankedEntry {
  entry: IntroducedPackage;
  /** Locked artifacts the index marks yanked, with the index's file. */
  files: { artifact: LockArtifact; file: IndexFile }[];
  /** The reasons given (deduplicated, '' when none). */
  reasons: string[];
  /** Locked artifacts the index lists (yanked or not). */
  listed: number;
}

export type GhostEntry =
  | { kind: 'missing-project'; entry: IntroducedPackage }
  | { kind: 'missing-version'; entry: IntroducedPackage; versions: string[]; projectStatus?: string }
  | {
      kind: 'missing-files';
      entry: IntroducedPackage;
      /** Locked files the index does not list. */
      missing: LockArtifact[];
      /** Locked files the index lists with another sha256. */
      hashDiffers: { artifact: LockArtifact; file: IndexFile; lockedSha256: string }[];
      total: number;
      projectStatus?: string;
    };

function registryEntries(pair: ProjectPair): IntroducedPackage[] {
  const introduced = Array.isArray(pair.introduced) ? pair.introduced : [];
  return introduced.filter((entry) => entry?.package?.source?.kind === 'registry' && typeof entry.package.name === 'string');
}

export function yankedEntries(pair: ProjectPair, facts: IndexFacts | null): YankedEntry[] {
  const out: YankedEntry[] = [];
  for (const entry of registryEntries(pair)) {
    const lookup = lookupOf(facts, entry.package);
    if (lookup?.status !== 'found') continue;
    const files: YankedEntry['files'] = [];
    let listed = 0;
    for (const artifact of artifactsOf(entry.package)) {
      const match = matchArtifact(artifact, lookup.files);
      if (match.kind !== 'listed') continue;
      listed++;
      if (match.file.yanked !== false) files.push({ artifact, file: match.file });
    }
    if (files.length > 0) out.push({ entry, files, reasons: [...new Set(files.map((f) => (f.file.yanked === false ? '' : f.file.yanked)))], listed });
  }
  return out;
}

export function ghostEntries(pair: ProjectPair, facts: IndexFacts | null): GhostEntry[] {
  const out: GhostEntry[] = [];
  for (const entry of registryEntries(pair)) {
    const lookup = lookupOf(facts, entry.package);
    if (!lookup || lookup.status === 'error') continue;
    if (lookup.status === 'missing-project') {
      out.push({ kind: 'missing-project', entry });
      continue;
    }
    const version = entry.package.version;
    const status = lookup.projectStatus && lookup.projectStatus !== 'active' ? lookup.projectStatus : undefined;
    if (lookup.versionsListed !== false && typeof version === 'string' && !lookup.versions.some((v) => typeof v === 'string' && versionsEqual(v, version))) {
      const ghost: GhostEntry = { kind: 'missing-version', entry, versions: lookup.versions };
      if (status) ghost.projectStatus = status;
      out.push(ghost);
      continue;
    }
    const artifacts = artifactsOf(entry.package).filter((artifact) => artifactFilename(artifact) !== undefined);
    const missing: LockArtifact[] = [];
    const hashDiffers: Extract<GhostEntry, { kind: 'missing-files' }>['hashDiffers'] = [];
    for (const artifact of artifacts) {
      const match = matchArtifact(artifact, lookup.files);
      if (match.kind === 'not-listed') missing.push(artifact);
      else if (match.kind === 'hash-differs') hashDiffers.push({ artifact, file: match.file, lockedSha256: match.lockedSha256 });
    }
    if (missing.length > 0 || hashDiffers.length > 0) {
      const ghost: GhostEntry = { kind: 'missing-files', entry, missing, hashDiffers, total: artifacts.length };
      if (status) ghost.projectStatus = status;
      out.push(ghost);
    }
  }
  return out;
}
