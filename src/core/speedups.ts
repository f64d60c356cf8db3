/**
 * Switches for the speed-ups of issue 18, so that each can be measured against the code path it
 * replaced (A/B, each run a fresh process): `LOCKGATE_SLOW=one-read,shared-parse,rule-reuse,file-reuse,lock-reader,lock-positions,yaml-reader` turns
 * the named ones off, `LOCKGATE_SLOW=all` every one. Unset (the default), all are on. Each pair of
 * paths gives the same result; only the cost differs (the tests run both for the ones that matter).
 *
 * - `one-read`: base and head are read out of git by one `git cat-file --batch` (objects both
 *   revisions share read once), with the commit times from the same stream; off: one per revision,
 *   plus `git show` for each commit's time.
 * - `shared-parse`: the only-new baseline (base audited alone) reuses the parses of the main run;
 *   off: it parses base again.
 * - `rule-reuse`: a workflow rule's findings on a set of workflow files are computed once per run when
 *   the same files (the same parsed objects) and the same context come back (base identical to head,
 *   the only-new baseline); off: every check runs.
 * - `file-reuse`: a workflow rule that reads one file at a time (`scope: 'file'`) runs on base only
 *   for the base files that differ from head; the findings on the files both revisions share (the
 *   same parsed objects) are head's. Off: the check runs on every base file again.
 * - `lock-reader`: uv.lock text in the regular shape uv writes is read by a one-pass reader
 *   (src/uv/lock-toml.ts) that gives smol-toml's document; off (and for any other text): smol-toml.
 * - `lock-positions`: that reader also builds the position index (the one the position scanner of
 *   src/uv/toml.ts builds), so such a lock is read in one pass; off: the scanner runs first, then the
 *   reader for the values only (as with `lock-reader` off, any other text is scanned and read by smol-toml).
 * - `yaml-reader`: workflow, action and dependabot YAML in the common shapes (block collections,
 *   one-line scalars and flow collections, block scalars, comments) is read by a one-pass reader
 *   (src/core/yaml-fast.ts) that gives yaml's parseDocument document; off (and for any other
 *   text, every error included): yaml's parseDocument.
 */
export type Speedup = 'one-read' | 'shared-parse' | 'rule-reuse' | 'file-reuse' | 'lock-reader' | 'lock-positions' | 'yaml-reader';

let cached: { value: string | undefined; off: Set<string> } | null = null;

export function speedupEnabled(name: Speedup): boolean {
  const value = typeof process === 'undefined' ? undefined : process.env.LOCKGATE_SLOW;
  if (cached === null || cached.value !== value) cached = { value, off: new Set((value ?? '').split(',').map((word) => word.trim())) };
  return !cached.off.has(name) && !cached.off.has('all');
}
