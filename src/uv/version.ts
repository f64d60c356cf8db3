/**
 * PEP 440 version ordering and equality over the one version type of src/uv/specifiers.ts (the
 * parser and `_cmpkey` ordering uv follows, with uv's arbitrary-size release segments), so the lock
 * diff, the sync check, the cooldown and the advisories order versions the same way. Lock versions
 * come from hostile files, so a string that is not a PEP 440 version never throws: it orders after
 * every valid version, and two invalid ones order as plain strings (a stable, if meaningless, order).
 */
import { compareVersion, formatVersion, parseVersion, stripZeros, type Version } from './specifiers.js';

const PARSE_CACHE_LIMIT = 100_000;
const parseCache = new Map<string, Version | null>();

/** The parsed version, memoized: a diff compares the same few thousand strings many times. */
function parsed(version: string): Version | null {
  let value = parseCache.get(version);
  if (value !== undefined) return value;
  value = parseVersion(version);
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
  parseCache.set(version, value);
  return value;
}

export function isPep440(version: string): boolean {
  return parsed(version) !== null;
}

/** Negative when a < b, zero when equal by PEP 440 (`1.0 == 1.0.0`), positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const left = parsed(a);
  const right = parsed(b);
  if (left && right) return Math.sign(compareVersion(left, right));
  if (!left !== !right) return left ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function versionsEqual(a: string, b: string): boolean {
  return a === b || versionKey(a) === versionKey(b);
}

/**
 * A string that two versions share exactly when `compareVersions` finds them equal: for PEP 440
 * versions the canonical spelling with trailing release zeros dropped, for anything else the string
 * itself, marked so it never equals a valid version's key. Candidates can be indexed by it (a hostile
 * lock may hold thousands of entries of one name; comparing each edge against each entry was quadratic).
 */
export function versionKey(version: string): string {
  const value = parsed(version);
  if (!value) return `\0${version}`;
  return `${value.epoch}!${formatVersion({ ...value, epoch: 0n, release: stripZeros(value.release) })}`;
}
