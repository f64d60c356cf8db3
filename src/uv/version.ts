/**
 * PEP 440 version ordering, via @renovatebot/pep440. Lock versions come from hostile files, so a
 * string that is not a PEP 440 version never throws: it orders after every valid version, and two
 * invalid ones order as plain strings (a stable, if meaningless, order).
 */
import { compare, parse, valid } from '@renovatebot/pep440';

export function isPep440(version: string): boolean {
  try {
    return valid(version) !== null;
  } catch {
    return false;
  }
}

/** Negative when a < b, zero when equal by PEP 440 (`1.0 == 1.0.0`), positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const aValid = isPep440(a);
  const bValid = isPep440(b);
  if (aValid && bValid) {
    try {
      return Math.sign(compare(a, b));
    } catch {
      // Fall through to the string order below.
    }
  }
  if (aValid !== bValid) return aValid ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function versionsEqual(a: string, b: string): boolean {
  return a === b || versionKey(a) === versionKey(b);
}

const KEY_CACHE_LIMIT = 100_000;
const keyCache = new Map<string, string>();

/**
 * A string that two versions share exactly when `compareVersions` finds them equal: for PEP 440
 * versions the parsed parts with trailing release zeros dropped (what the library compares), for
 * anything else the string itself, marked so it never equals a valid version's key. Memoized, so
 * equality costs a map look-up, and candidates can be indexed by it (a hostile lock may hold
 * thousands of entries of one name; comparing each edge against each entry was quadratic).
 */
export function versionKey(version: string): string {
  let key = keyCache.get(version);
  if (key !== undefined) return key;
  key = computeVersionKey(version);
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(version, key);
  return key;
}

function computeVersionKey(version: string): string {
  if (!isPep440(version)) return `\0${version}`;
  try {
    const parts = parse(version);
    if (!parts) return `\0${version}`;
    const release = [...parts.release];
    while (release.length > 0 && release[release.length - 1] === 0) release.pop();
    return JSON.stringify([parts.epoch, release, parts.pre, parts.post, parts.dev, parts.local]);
  } catch {
    return `\0${version}`;
  }
}
