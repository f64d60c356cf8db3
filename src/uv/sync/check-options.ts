/** Workspace-wide inputs uv records: `[options]` (resolution, fork strategy, pre-releases, exclude-newer), environments, conflicts, requires-python. */
import type { Pyproject } from '../model.js';
import { normalizeName } from '../names.js';
import { compareMarkers, parseMarker } from '../markers.js';
import { formatRange, intersectRanges, parseSpecifiers, rangesEqual, releaseRange, type ReleaseRange } from '../specifiers.js';
import { parseExcludeNewer, parseSpan, parseTimestamp } from '../exclude-newer.js';
import { keyPath, lineOf } from '../toml.js';
import { asString, asStringArray, entriesOf, isTable, own } from '../values.js';
import { toolUv } from '../lowering.js';
import { WORKSPACE, type SyncState } from './state.js';

// -------------------------------------------------------------------------------------------
// [options]

export function checkOptions(s: SyncState): void {
  const options = s.lock.options;
  const settings = s.settings.table;
  const file = s.settings.file;

  const resolution = asString(own(settings, 'resolution')) ?? 'highest';
  const lockResolution = options.resolutionMode ?? 'highest';
  if (resolution !== lockResolution) {
    s.mismatch(WORKSPACE, 'resolution mode', resolution, lockResolution, file, s.settingLine('resolution'));
  }

  const fork = asString(own(settings, 'fork-strategy')) ?? 'requires-python';
  const lockFork = options.forkStrategy ?? 'requires-python';
  if (fork !== lockFork) s.mismatch(WORKSPACE, 'fork strategy', fork, lockFork, file, s.settingLine('fork-strategy'));

  checkPrerelease(s);
  checkExcludeNewer(s);
}

function checkPrerelease(s: SyncState): void {
  const configured = asString(own(s.settings.table, 'prerelease'));
  const locked = s.lock.options.prereleaseMode;
  // uv 0.12 made `if-necessary` the default (it was `if-necessary-or-explicit`, now an alias of
  // it), and both the settings and a lock that omits the mode mean the running uv's default. So
  // compare as uv before 0.12 and as uv 0.12 and later would.
  const asOld = (value: string | undefined): string => value ?? 'if-necessary-or-explicit';
  const asNew = (value: string | undefined): string => (value === undefined || value === 'if-necessary-or-explicit' ? 'if-necessary' : value);
  const differsOld = asOld(configured) !== asOld(locked);
  const differsNew = asNew(configured) !== asNew(locked);
  if (!differsOld && !differsNew) return;
  const line = s.settingLine('prerelease');
  if (differsOld && differsNew) {
    s.mismatch(WORKSPACE, 'pre-release mode', configured ?? '(default)', locked ?? '(default)', s.settings.file, line);
    return;
  }
  s.undecidable(
    WORKSPACE,
    'pre-release mode',
    `uv 0.12 changed the default pre-release mode from \`if-necessary-or-explicit\` to \`if-necessary\` (and made the old name an alias), so these agree ${differsNew ? 'before uv 0.12 only' : 'from uv 0.12 on only'}`,
    s.settings.file,
    line,
    configured ?? '(default)',
    locked ?? '(default)',
  );
}

function checkExcludeNewer(s: SyncState): void {
  const options = s.lock.options;
  const settings = s.settings.table;
  const file = s.settings.file;
  const line = s.settingLine('exclude-newer');

  // The global value.
  const raw = tomlValue(own(settings, 'exclude-newer'));
  const configured = raw === undefined ? { ok: true as const, value: { kind: 'disabled' as const } } : parseExcludeNewer(raw);
  if (!configured.ok) {
    s.undecidable(WORKSPACE, 'exclude-newer', `lockgate cannot read the configured value (${configured.error}); uv may reject it`, file, line, String(raw));
  } else {
    const locked = lockedValue(options.excludeNewer, options.excludeNewerSpan);
    const change = compareExcludeNewer(configured.value, locked);
    reportExcludeNewerChange(s, change, 'exclude-newer', describeConfigured(raw), describeLocked(options.excludeNewer, options.excludeNewerSpan), file, line);
  }

  // Per package, compared as a map (uv writes it from a hash map, in no stable order).
  const configuredPackages = new Map<string, { raw: unknown; key: string }>();
  for (const [name, value] of entriesOf(own(settings, 'exclude-newer-package')))
    configuredPackages.set(normalizeName(name), { raw: tomlValue(value), key: name });
  const lockedPackages = options.excludeNewerPackage ?? {};
  const packageLine = (name?: string): number | undefined =>
    (name !== undefined
      ? lineOf(s.settings.lines, s.settings.prefix === '' ? keyPath('exclude-newer-package', name) : keyPath('tool', 'uv', 'exclude-newer-package', name))
      : undefined) ?? s.settingLine('exclude-newer-package');
  for (const [name, entry] of configuredPackages) {
    const lockedEntry = Object.hasOwn(lockedPackages, name) ? lockedPackages[name] : undefined;
    const what = `exclude-newer-package \`${name}\``;
    if (lockedEntry === undefined) {
      if (entry.raw === false) {
        s.undecidable(
          WORKSPACE,
          what,
          'uv.lock does not record this opt-out; uv up to 0.12.5 re-resolves for it (so `uv lock --check` fails), later versions accept the lock (astral-sh/uv#21450)',
          file,
          packageLine(entry.key),
          `${name} = false`,
          '(absent)',
        );
      } else {
        s.mismatch(WORKSPACE, what, `${name} = ${describeConfigured(entry.raw)}`, '(absent)', file, packageLine(entry.key));
      }
      continue;
    }
    if (entry.raw === false || lockedEntry === false) {
      if (entry.raw !== lockedEntry) {
        s.mismatch(
          WORKSPACE,
          what,
          `${name} = ${describeConfigured(entry.raw)}`,
          `${name} = ${lockedEntry === false ? 'false' : describeLocked(lockedEntry.timestamp, lockedEntry.span)}`,
          file,
          packageLine(entry.key),
        );
      }
      continue;
    }
    const parsed = parseExcludeNewer(entry.raw);
    if (!parsed.ok) {
      s.undecidable(
        WORKSPACE,
        what,
        `lockgate cannot read the configured value (${parsed.error})`,
        file,
        packageLine(entry.key),
        describeConfigured(entry.raw),
      );
      continue;
    }
    const change = compareExcludeNewer(parsed.value, lockedValue(lockedEntry.timestamp, lockedEntry.span));
    reportExcludeNewerChange(
      s,
      change,
      what,
      `${name} = ${describeConfigured(entry.raw)}`,
      `${name} = ${describeLocked(lockedEntry.timestamp, lockedEntry.span)}`,
      file,
      packageLine(entry.key),
    );
  }
  for (const [name, lockedEntry] of Object.entries(lockedPackages)) {
    if (configuredPackages.has(name)) continue;
    s.mismatch(
      WORKSPACE,
      `exclude-newer-package \`${name}\``,
      '(absent)',
      `${name} = ${lockedEntry === false ? 'false' : describeLocked(lockedEntry.timestamp, lockedEntry.span)}`,
      file,
      s.settingLine('exclude-newer-package') ?? s.settingLine('exclude-newer'),
      undefined,
    );
  }
}

function reportExcludeNewerChange(
  s: SyncState,
  change: ExcludeNewerChange,
  what: string,
  inPyproject: string,
  inLock: string,
  file: string,
  line: number | undefined,
): void {
  if (change.kind === 'same') return;
  if (change.kind === 'undecidable') {
    s.undecidable(WORKSPACE, what, change.reason, file, line, inPyproject, inLock);
    return;
  }
  s.mismatch(WORKSPACE, what, inPyproject, inLock, file, line, change.reason);
}

// -------------------------------------------------------------------------------------------
// environments, required-environments, conflicts

export function checkEnvironments(s: SyncState): void {
  const uv = toolUv(s.project.rootPyproject);
  const file = s.project.rootPyproject.file;
  for (const [key, locked] of [
    ['environments', s.lock.supportedMarkers],
    ['required-environments', s.lock.requiredMarkers],
  ] as const) {
    const value = own(uv, key);
    const configured = typeof value === 'string' ? [value] : (asStringArray(value) ?? []);
    const line = s.rootToolLine(key);
    const what = key === 'environments' ? 'supported environments (`environments`)' : '`required-environments`';
    if (configured.length !== locked.length) {
      s.mismatch(WORKSPACE, what, configured.join(' | ') || '(none)', locked.join(' | ') || '(none)', file, line);
      continue;
    }
    for (let i = 0; i < configured.length; i++) {
      const a = parseMarker(configured[i]!);
      const b = parseMarker(locked[i]!);
      if (!a.ok || !b.ok) {
        s.undecidable(WORKSPACE, what, `lockgate cannot read the marker \`${!a.ok ? configured[i] : locked[i]}\``, file, line);
        break;
      }
      const result = compareMarkers(a.value, b.value, s.lockRange);
      if (result === 'different') {
        s.mismatch(WORKSPACE, what, configured[i], locked[i], file, line);
        break;
      }
      if (result === 'undecidable') {
        s.undecidable(WORKSPACE, what, 'the markers differ in a way lockgate cannot compare by meaning', file, line, configured[i], locked[i]);
        break;
      }
    }
  }
}

export function checkConflicts(s: SyncState): void {
  const declared: string[] = [];
  const root = s.project.rootPyproject;
  let readable = true;
  const addFrom = (pyproject: Pyproject, defaultPackage: string | undefined): void => {
    const value = own(toolUv(pyproject), 'conflicts');
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      readable = false;
      return;
    }
    for (const set of value) {
      const items = Array.isArray(set) ? set.map((item) => conflictItem(item, defaultPackage)) : [undefined];
      if (items.some((item) => item === undefined)) {
        readable = false;
        continue;
      }
      declared.push(conflictSetKey(items as string[]));
    }
  };
  // uv reads the root's `conflicts` only for a workspace without a `[project]` root; every member's.
  if (!root.hasProjectTable) addFrom(root, undefined);
  for (const member of s.members.values()) addFrom(member.pyproject, member.name);
  const locked: string[] = [];
  for (const set of s.lock.conflicts) {
    const items = Array.isArray(set) ? set.map((item) => conflictItem(item, undefined)) : [undefined];
    if (items.some((item) => item === undefined)) {
      readable = false;
      continue;
    }
    locked.push(conflictSetKey(items as string[]));
  }
  const file = root.file;
  const line = s.rootToolLine('conflicts');
  if (!readable) {
    if (declared.length || locked.length) s.undecidable(WORKSPACE, '`conflicts`', 'lockgate cannot read every conflict set', file, line);
    return;
  }
  const declaredSet = new Set(declared);
  const lockedSet = new Set(locked);
  const missing = [...declaredSet].filter((set) => !lockedSet.has(set));
  const extra = [...lockedSet].filter((set) => !declaredSet.has(set));
  if (missing.length) {
    s.mismatch(WORKSPACE, '`conflicts`', missing.join('; '), locked.length ? [...lockedSet].join('; ') : '(none)', file, line);
  } else if (extra.length) {
    if (declared.length === 0) s.mismatch(WORKSPACE, '`conflicts`', '(none)', [...lockedSet].join('; '), file, line);
    else
      s.undecidable(
        WORKSPACE,
        '`conflicts`',
        'uv.lock records conflict sets the project does not declare; uv adds some it infers from dependency groups that include conflicting groups, which lockgate does not reproduce',
        file,
        line,
        [...declaredSet].join('; '),
        [...lockedSet].join('; '),
      );
  }
}

// -------------------------------------------------------------------------------------------
// requires-python

export function checkRequiresPython(s: SyncState): void {
  const locked = s.lock.requiresPython;
  if (locked === undefined) return;
  let range: ReleaseRange | undefined;
  const sources: string[] = [];
  for (const member of s.members.values()) {
    const text = member.pyproject.requiresPython;
    if (text === undefined) continue;
    const specs = parseSpecifiers(text);
    const memberRange = specs.ok ? releaseRange(specs.value) : undefined;
    if (!memberRange) {
      s.undecidable(
        member.name,
        'requires-python',
        `lockgate cannot compute the range of \`${text}\``,
        member.pyproject.file,
        member.pyproject.lines.get('project.requires-python'),
        text,
        locked,
      );
      return;
    }
    sources.push(text);
    range = range ? intersectRanges(range, memberRange) : memberRange;
  }
  const root = s.project.rootPyproject;
  if (!range) {
    s.undecidable(
      WORKSPACE,
      'requires-python',
      'no workspace member declares `project.requires-python`, so uv uses the minor version of the interpreter it runs with',
      root.file,
      root.lines.get('project'),
      undefined,
      locked,
    );
    return;
  }
  if (!s.lockRange) {
    s.undecidable(WORKSPACE, 'requires-python', `lockgate cannot compute the range of uv.lock's \`${locked}\``, s.lock.file, s.lockLine('requires-python'));
    return;
  }
  if (!rangesEqual(range, s.lockRange)) {
    const member = [...s.members.values()].find((m) => m.pyproject.requiresPython !== undefined);
    const file = member?.pyproject.file ?? root.file;
    const line = member?.pyproject.lines.get('project.requires-python');
    s.mismatch(
      s.members.size === 1 && member ? member.name : WORKSPACE,
      'requires-python',
      s.members.size > 1 ? `${sources.join(' and ')} (together ${formatRange(range)})` : sources[0],
      locked,
      file,
      line,
    );
  }
}

/** An unquoted TOML date-time arrives as a Date; uv reads it as the same text. */
function tomlValue(value: unknown): unknown {
  return value instanceof Date ? asString(value) : value;
}

function conflictItem(item: unknown, defaultPackage: string | undefined): string | undefined {
  if (!isTable(item)) return undefined;
  const pkg = asString(own(item, 'package')) ?? defaultPackage;
  if (pkg === undefined) return undefined;
  const extra = asString(own(item, 'extra'));
  const group = asString(own(item, 'group'));
  if (extra !== undefined && group !== undefined) return undefined;
  const name = normalizeName(pkg);
  return extra !== undefined ? `${name}[${normalizeName(extra)}]` : group !== undefined ? `${name}:${normalizeName(group)}` : name;
}

function conflictSetKey(items: string[]): string {
  return `{${[...new Set(items)].sort().join(', ')}}`;
}

// ---------------------------------------------------------------------------------------------
// exclude-newer

type LockedValue = { kind: 'none' } | { kind: 'span'; iso: string } | { kind: 'timestamp'; instant: Instant } | { kind: 'invalid'; text: string };

interface Instant {
  ms: number;
  /** Nanoseconds below the millisecond, so `...13.484567446Z` differs from `...13.484Z` as in uv. */
  subMs: number;
}

function instantOf(text: string): Instant | undefined {
  const ms = parseTimestamp(text);
  if (ms === null) return undefined;
  const fraction = /[.,](\d+)/.exec(text.split(/[Tt ]/)[1] ?? '')?.[1] ?? '';
  const subMs = Number(fraction.padEnd(9, '0').slice(3, 9));
  return { ms, subMs };
}

function lockedValue(timestamp: string | undefined, span: string | undefined): LockedValue {
  if (span !== undefined && span !== '') {
    const parsed = parseSpan(span);
    return parsed.ok ? { kind: 'span', iso: parsed.value.iso } : { kind: 'invalid', text: span };
  }
  if (timestamp === undefined || timestamp === '') return { kind: 'none' };
  const instant = instantOf(timestamp);
  return instant ? { kind: 'timestamp', instant } : { kind: 'invalid', text: timestamp };
}

type ExcludeNewerChange = { kind: 'same' } | { kind: 'changed'; reason: string } | { kind: 'undecidable'; reason: string };

type ConfiguredValue = ReturnType<typeof parseExcludeNewer> extends { ok: true; value: infer V } | { ok: false; error: string } ? V : never;

/** uv's `ExcludeNewer::compare`: a changed span, a span added or removed, a changed absolute timestamp. */
function compareExcludeNewer(configured: ConfiguredValue, locked: LockedValue): ExcludeNewerChange {
  if (locked.kind === 'invalid') return { kind: 'undecidable', reason: `lockgate cannot read uv.lock's value \`${locked.text}\`` };
  if (configured.kind === 'disabled') return locked.kind === 'none' ? { kind: 'same' } : { kind: 'changed', reason: 'the setting was removed' };
  if (locked.kind === 'none') return { kind: 'changed', reason: 'the setting was added' };
  if (configured.kind === 'span') {
    if (locked.kind !== 'span') return { kind: 'changed', reason: 'a relative value replaced an absolute one' };
    // jiff compares spans field by field: "7 days" (P7D) is not "1 week" (P1W).
    return configured.span.iso === locked.iso
      ? { kind: 'same' }
      : { kind: 'changed', reason: `uv compares spans field by field, and ${configured.span.iso} is not ${locked.iso}` };
  }
  if (locked.kind === 'span') return { kind: 'changed', reason: 'an absolute value replaced a relative one' };
  if (configured.kind === 'timestamp') {
    const instant = instantOf(configured.text);
    if (!instant) return { kind: 'undecidable', reason: 'lockgate cannot read the configured timestamp' };
    return instant.ms === locked.instant.ms && instant.subMs === locked.instant.subMs ? { kind: 'same' } : { kind: 'changed', reason: 'the timestamp changed' };
  }
  // A plain date: the end of that day in the time zone of whoever runs uv.
  if (locked.instant.ms < configured.earliestMs || locked.instant.ms > configured.latestMs)
    return { kind: 'changed', reason: 'the date does not end at the recorded cutoff in any time zone' };
  return {
    kind: 'undecidable',
    reason: 'a plain date means the end of that day in the time zone of the machine running uv; the recorded cutoff matches it in some time zones',
  };
}

function describeConfigured(raw: unknown): string {
  if (raw === undefined) return '(absent)';
  if (raw === false) return 'false';
  if (typeof raw === 'string') return `"${raw}"`;
  if (raw instanceof Date) return raw.toISOString();
  return JSON.stringify(raw) ?? String(raw);
}

function describeLocked(timestamp: string | undefined, span: string | undefined): string {
  if (span) return `span ${span}`;
  if (timestamp) return `"${timestamp}"`;
  return '(absent)';
}
