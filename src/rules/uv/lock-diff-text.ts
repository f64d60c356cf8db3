/**
 * Wording shared by the lock-diff rules (source-changed, hash-changed, new-index, downgrade,
 * lock-missing). Names, URLs and paths come from hostile files and go into messages as they are
 * (reporters escape), except that credentials in URLs are removed.
 */
import type { LockPackage } from '../../uv/model.js';

/** A URL with any `user:password@` removed, for messages and fingerprints. */
export function redactCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, '$1');
}

/** The package of a finding: its name, and its version when it has one. */
export function packageRef(pkg: LockPackage): { name: string; version?: string } {
  return pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name };
}

/**
 * A word for a shell command line: as is when plain, else single-quoted. Unlike `shellWord` of
 * uv/cooldown-text.ts it never double-quotes; the two are kept apart until they are made one.
 */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9._=@:+\/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
