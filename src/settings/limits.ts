/**
 * The names of the limits (as written in the config's `limits:` section) and the exact text that
 * tells a user how to raise one, so every limit hit says which limit and what to write.
 * The limits themselves and their defaults: `Limits` / DEFAULT_LIMITS in ./types.ts; docs/limits.md.
 */
import type { Limits } from './types.js';

export const LIMIT_KEYS: Record<keyof Limits, string> = {
  maxFileBytes: 'max-file-bytes',
  maxPackagesPerLock: 'max-packages-per-lock',
  maxYamlAliases: 'max-yaml-aliases',
  maxRenderedFindings: 'max-rendered-findings',
};

/** Marks an `unreadable` reason (src/source/git.ts) as a hit of `limits.max-file-bytes`. */
export const FILE_SIZE_LIMIT_MARK = `(limits.${LIMIT_KEYS.maxFileBytes})`;

export function isFileSizeLimitReason(reason: string | undefined): boolean {
  return typeof reason === 'string' && reason.includes(FILE_SIZE_LIMIT_MARK);
}

/** A value comfortably above `needed` (the next power of two), the number a fix suggests. */
export function suggestedLimit(needed: number): number {
  if (!Number.isFinite(needed) || needed < 1) return 1;
  return 2 ** Math.ceil(Math.log2(needed + 1));
}

/** The fix of a limit hit: the config lines that raise it (`needed`: what this input would take). */
export function raiseLimitFix(limit: keyof Limits, needed: number): string {
  return `If this is legitimate, raise the limit in the lockgate config (.github/lockgate.yml unless you point elsewhere):\nlimits:\n  ${LIMIT_KEYS[limit]}: ${suggestedLimit(needed)}`;
}
