/** Requirement sets compared as uv compares them, and the differences reported as issues. */
import { compareMarkers } from '../markers.js';
import type { ReleaseRange } from '../specifiers.js';
import { compareSources, describeRequirement, requirementKey, type LoweredRequirement } from '../lowering.js';
import type { Expected } from './expected.js';
import { EXACT_INDEX_URL_REVISION, type SyncState } from './state.js';

export function compareSets(s: SyncState, member: string, what: string, expected: Expected, actual: Expected, options: { selfName?: string } = {}): void {
  for (const problem of [...expected.problems, ...actual.problems]) s.problem(member, what, problem);
  if (expected.problems.length || actual.problems.length) return;
  const result = compareRequirementSets(expected.requirements, actual.requirements, s.lockRange, {
    exactIndexUrls: s.lock.revision >= EXACT_INDEX_URL_REVISION,
  });
  const selfReferencing = options.selfName !== undefined && expected.requirements.some((req) => req.name === options.selfName);
  for (const pair of result.undecidable) {
    s.undecidable(member, what, pair.reason, pair.expected.file, pair.expected.line, pair.expected.display, describeRequirement(pair.actual)).about =
      pair.expected.name;
  }
  if ((result.missing.length || result.extra.length) && selfReferencing) {
    // uv also accepts the "flattened" form a build backend may produce for a dynamic-version
    // project whose extras include each other; lockgate does not rebuild it.
    s.undecidable(
      member,
      what,
      'the project refers to its own extras and has a dynamic version; uv also accepts the flattened form a build backend writes, which lockgate does not reproduce',
      expected.requirements[0]!.file,
      expected.requirements.find((req) => req.name === options.selfName)?.line,
    );
    return;
  }
  // By name, in the lock's order: with thousands of differences, scanning the lists for each one
  // was quadratic.
  const extra = new Set(result.extra);
  const actualByName = new Map<string, LoweredRequirement[]>();
  for (const other of actual.requirements) {
    if (!extra.has(other)) continue;
    const list = actualByName.get(other.name);
    if (list) list.push(other);
    else actualByName.set(other.name, [other]);
  }
  const missingNames = new Set(result.missing.map((req) => req.name));
  for (const req of result.missing) {
    const sameName = actualByName.get(req.name) ?? [];
    s.mismatch(member, what, req.display, sameName.length ? sameName.map(describeRequirement).join(' | ') : '(not recorded)', req.file, req.line).about =
      req.name;
  }
  for (const req of result.extra) {
    if (missingNames.has(req.name)) continue;
    s.mismatch(member, what, '(absent)', describeRequirement(req), req.file, req.line).about = req.name;
  }
}

export interface SetComparison {
  /** In pyproject.toml, not in uv.lock. */
  missing: LoweredRequirement[];
  /** In uv.lock, not in pyproject.toml. */
  extra: LoweredRequirement[];
  undecidable: { expected: LoweredRequirement; actual: LoweredRequirement; reason: string }[];
}

/**
 * Two requirement sets as uv compares them (`BTreeSet` equality after normalization): order and
 * duplicates do not matter, markers are compared by meaning within the lock's requires-python.
 */
/**
 * `exactIndexUrls`: the lock has revision 2 or later (written by uv 0.6.15 or later), and lockgate
 * follows uv since 0.7.20, which compares index URLs as written: uv-resolver `lock/mod.rs`, `Package::satisfies`
 * compares the lowered `Requirement`s, whose `IndexUrl` keeps its trailing slash since uv 0.7.20
 * (#14511).
 */
export function compareRequirementSets(
  expected: LoweredRequirement[],
  actual: LoweredRequirement[],
  domain: ReleaseRange | undefined,
  options: { exactIndexUrls?: boolean } = {},
): SetComparison {
  const result: SetComparison = { missing: [], extra: [], undecidable: [] };
  const group = (list: LoweredRequirement[]): Map<string, LoweredRequirement[]> => {
    const map = new Map<string, LoweredRequirement[]>();
    for (const req of list) {
      const key = requirementKey(req);
      const bucket = map.get(key);
      if (bucket) bucket.push(req);
      else map.set(key, [req]);
    }
    return map;
  };
  const expectedGroups = group(expected);
  const actualGroups = group(actual);
  const leftoverExpected: LoweredRequirement[] = [];
  const leftoverActual: LoweredRequirement[] = [];
  const keys = new Set([...expectedGroups.keys(), ...actualGroups.keys()]);
  for (const key of keys) {
    const rawA = expectedGroups.get(key) ?? [];
    const rawB = actualGroups.get(key) ?? [];
    if (rawA.length > MAX_SAME_KEY || rawB.length > MAX_SAME_KEY) {
      // Hundreds of entries for one requirement differing only by marker are not a real project;
      // comparing them pairwise would cost too much.
      if (rawA[0] && rawB[0])
        result.undecidable.push({
          expected: rawA[0],
          actual: rawB[0],
          reason: `more than ${MAX_SAME_KEY} entries for one requirement differ only by their markers`,
        });
      else (rawA[0] ? result.missing : result.extra).push((rawA[0] ?? rawB[0])!);
      continue;
    }
    const a = dedupe(rawA, domain);
    const b = dedupe(rawB, domain);
    const usedB = new Set<number>();
    const unmatchedA: LoweredRequirement[] = [];
    for (const req of a) {
      const index = b.findIndex(
        (other, i) => !usedB.has(i) && compareSources(req.source, other.source) === 'equal' && compareMarkers(req.marker, other.marker, domain) === 'equal',
      );
      if (index === -1) unmatchedA.push(req);
      else usedB.add(index);
    }
    leftoverExpected.push(...unmatchedA);
    b.forEach((req, i) => {
      if (!usedB.has(i)) leftoverActual.push(req);
    });
  }
  // What is left: pairs that might still be equal (three-valued comparisons), else real differences.
  const usedActual = new Set<LoweredRequirement>();
  const actualByName = new Map<string, LoweredRequirement[]>();
  for (const req of leftoverActual) {
    const list = actualByName.get(req.name);
    if (list) list.push(req);
    else actualByName.set(req.name, [req]);
  }
  for (const req of leftoverExpected) {
    let undecidedWith: LoweredRequirement | undefined;
    let reason = '';
    for (const other of actualByName.get(req.name) ?? []) {
      if (
        usedActual.has(other) ||
        other.name !== req.name ||
        other.extras.join(',') !== req.extras.join(',') ||
        other.groups.join(',') !== req.groups.join(',')
      )
        continue;
      const source = compareSources(req.source, other.source, options.exactIndexUrls);
      if (source === 'different') continue;
      const marker = compareMarkers(req.marker, other.marker, domain);
      if (marker === 'different') continue;
      if (source === 'equal' && marker === 'equal') {
        undecidedWith = undefined;
        usedActual.add(other);
        reason = 'matched';
        break;
      }
      undecidedWith = other;
      reason =
        source === 'undecidable'
          ? 'the version specifiers or index URLs differ only in a way whose meaning to uv depends on its version'
          : 'the markers differ in a way lockgate cannot compare by meaning';
      break;
    }
    if (reason === 'matched') continue;
    if (undecidedWith) {
      usedActual.add(undecidedWith);
      result.undecidable.push({ expected: req, actual: undecidedWith, reason });
    } else result.missing.push(req);
  }
  for (const req of leftoverActual) if (!usedActual.has(req)) result.extra.push(req);
  return result;
}

const MAX_SAME_KEY = 256;

function dedupe(list: LoweredRequirement[], domain: ReleaseRange | undefined): LoweredRequirement[] {
  const out: LoweredRequirement[] = [];
  for (const req of list) {
    if (!out.some((other) => compareSources(req.source, other.source) === 'equal' && compareMarkers(req.marker, other.marker, domain) === 'equal'))
      out.push(req);
  }
  return out;
}
