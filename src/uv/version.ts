/**
 * PEP 440 version ordering, via @renovatebot/pep440. Lock versions come from hostile files, so a
 * string that is not a PEP 440 version never throws: it orders after every valid version, and two
 * invalid ones order as plain strings (a stable, if meaningless, order).
 */
import { compare, valid } from '@renovatebot/pep440';

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
  return a === b || compareVersions(a, b) === 0;
}
