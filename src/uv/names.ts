/** PEP 503 names: the one normalizer lives in core/text.ts (every layer needs it); re-exported for the uv model. */
export { normalizeName } from '../core/text.js';

/** PEP 508 name shape (before normalization): letters/digits, with `-_.` inside. */
const VALID_NAME_RE = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;

export function isValidName(name: string): boolean {
  return VALID_NAME_RE.test(name);
}
