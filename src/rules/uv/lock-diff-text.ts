/**
 * Wording shared by the lock-diff rules (source-changed, hash-changed, new-index, downgrade,
 * lock-missing). Names, URLs and paths come from hostile files and go into messages as they are
 * (reporters escape), except that credentials in URLs are removed (core/text.ts redactUrl).
 */
import type { LockPackage } from '../../uv/model.js';

/** The package of a finding: its name, and its version when it has one. */
export function packageRef(pkg: LockPackage): { name: string; version?: string } {
  return pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name };
}
