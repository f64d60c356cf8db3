/** PEP 503 names: the one normalizer lives in core/text.ts (every layer needs it); re-exported for the uv model. */
export { normalizeName } from '../core/text.js';
