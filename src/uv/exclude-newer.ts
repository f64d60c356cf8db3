/**
 * uv's `exclude-newer` values: what they mean, as milliseconds.
 *
 * uv (`ExcludeNewerValue::from_str`, uv-distribution-types/src/exclude_newer.rs) tries, in order:
 * an RFC 3339 timestamp, a plain date, then a span in jiff's "friendly" grammar ("7 days", "1 week",
 * "3d 4h", "1 day, 2 hours") or ISO 8601 ("P7D", "PT24H", "P1W"). `false` (a TOML boolean) turns it
 * off. Spans with years or months are rejected ("use days instead"), the sign is ignored, a day is
 * 24 hours. In uv.lock, a relative value written by uv >= 0.11.8 keeps only the sentinel timestamp
 * `0001-01-01T00:00:00Z` next to `exclude-newer-span`; the cutoff uv used is not recorded, so lockgate
 * derives it from the head commit's time (an upper bound of when the lock was written: a file newer
 * than `headTime - span` was certainly newer than uv's cutoff, so the check can miss, never invent).
 */
import type { ExcludeNewerPackageValue, LockOptions } from './model.js';
import { normalizeName } from './names.js';

/** The placeholder uv >= 0.11.8 writes as `exclude-newer` when the real value is a span. */
export const EXCLUDE_NEWER_SENTINEL = '0001-01-01T00:00:00Z';

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_WEEK = 7 * MS_PER_DAY;

/** A duration as uv reads it; `iso` is jiff's ISO 8601 spelling, the form uv.lock records. */
export interface ExcludeNewerSpan {
  ms: number;
  iso: string;
}

export type ExcludeNewerValue =
  | { kind: 'timestamp'; text: string; ms: number }
  /**
   * A plain date: uv takes the end of that day in the time zone of the machine running it, so the
   * cutoff differs between CI and laptops. `ms` is the end of the day in UTC; `earliestMs` and
   * `latestMs` bound it over every time zone (UTC+14 .. UTC-12).
   */
  | { kind: 'date'; text: string; date: string; ms: number; earliestMs: number; latestMs: number }
  | { kind: 'span'; text: string; span: ExcludeNewerSpan }
  | { kind: 'disabled' };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Timestamps and dates

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FAST_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;

/**
 * An RFC 3339 timestamp with an offset (`Z` or `±HH:MM`) as epoch milliseconds, sub-millisecond
 * digits truncated (uv.lock keeps milliseconds; `[options] exclude-newer` may carry nanoseconds).
 * Works for years 1..9999, the sentinel year 1 included, where `Date.parse` would not.
 */
export function parseTimestamp(text: string): number | null {
  if (typeof text !== 'string') return null;
  // Fast path for the form uv and PyPI write (`2024-07-26T18:15:02.05Z`): a lock holds thousands.
  if (text.length >= 20 && text.length <= 30 && text.charCodeAt(text.length - 1) === 90 /* Z */ && FAST_RE.test(text)) {
    const year = Number(text.slice(0, 4));
    const month = Number(text.slice(5, 7));
    const day = Number(text.slice(8, 10));
    const hour = Number(text.slice(11, 13));
    const minute = Number(text.slice(14, 16));
    const second = Number(text.slice(17, 19));
    if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return null;
    const fraction = text.length > 20 ? text.slice(20, -1) : '';
    const millis = fraction === '' ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
    return daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millis;
  }
  const m = TIMESTAMP_RE.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return null;
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (!m[8] && m[9]) {
    const offH = Number(m[10]);
    const offM = m[11] === undefined ? 0 : Number(m[11]);
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  // A leap second (:60) is read as the following second, like most parsers.
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millis - offsetMinutes * MS_PER_MINUTE
  );
}

// ---------------------------------------------------------------------------------------------
// Spans

type SpanUnit = 'years' | 'months' | 'weeks' | 'days' | 'hours' | 'minutes' | 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

const UNIT_ORDER: readonly SpanUnit[] = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds', 'nanoseconds'];

const UNIT_MS: Record<SpanUnit, number> = {
  years: NaN,
  months: NaN,
  weeks: MS_PER_WEEK,
  days: MS_PER_DAY,
  hours: MS_PER_HOUR,
  minutes: MS_PER_MINUTE,
  seconds: MS_PER_SECOND,
  milliseconds: 1,
  microseconds: 1e-3,
  nanoseconds: 1e-6,
};

/** jiff's friendly-format unit designators (https://docs.rs/jiff/latest/jiff/fmt/friendly/). */
const DESIGNATORS: Record<string, SpanUnit> = {};
for (const [unit, names] of [
  ['years', ['years', 'year', 'yrs', 'yr', 'y']],
  ['months', ['months', 'month', 'mos', 'mo']],
  ['weeks', ['weeks', 'week', 'wks', 'wk', 'w']],
  ['days', ['days', 'day', 'd']],
  ['hours', ['hours', 'hour', 'hrs', 'hr', 'h']],
  ['minutes', ['minutes', 'minute', 'mins', 'min', 'm']],
  ['seconds', ['seconds', 'second', 'secs', 'sec', 's']],
  ['milliseconds', ['milliseconds', 'millisecond', 'msecs', 'msec', 'ms']],
  ['microseconds', ['microseconds', 'microsecond', 'usecs', 'µsecs', 'usec', 'µsec', 'us', 'µs']],
  ['nanoseconds', ['nanoseconds', 'nanosecond', 'nsecs', 'nsec', 'ns']],
] as const) {
  for (const name of names) DESIGNATORS[name] = unit;
}
// Longest first, so that "mins" is not read as "m" + "ins".
const DESIGNATOR_ALTERNATION = Object.keys(DESIGNATORS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const FRIENDLY_UNIT_RE = new RegExp(`^(\\d+(?:[.,]\\d+)?)\\s*(${DESIGNATOR_ALTERNATION})(?![a-zµ])\\s*,?\\s*`, 'i');
const FRIENDLY_CLOCK_RE = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*$/;
const ISO_RE = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

function spanFromUnits(units: Map<SpanUnit, number>, text: string): ParseResult<ExcludeNewerSpan> {
  if (units.size === 0) return { ok: false, error: `"${text}" has no duration units` };
  if (units.has('years') || units.has('months')) {
    return { ok: false, error: `"${text}" uses years or months, which uv rejects (their length varies); use days instead` };
  }
  let ms = 0;
  for (const [unit, amount] of units) ms += amount * UNIT_MS[unit];
  ms = Math.floor(ms);
  if (!Number.isFinite(ms)) return { ok: false, error: `"${text}" is too long a duration` };
  return { ok: true, value: { ms, iso: isoOf(units) } };
}

/** jiff's ISO 8601 display of a span: `P1W`, `P7D`, `P3DT4H`, `PT24H`, `PT0.5S`. */
function isoOf(units: Map<SpanUnit, number>): string {
  const get = (unit: SpanUnit) => units.get(unit) ?? 0;
  let date = '';
  if (get('weeks')) date += `${get('weeks')}W`;
  if (get('days')) date += `${get('days')}D`;
  let time = '';
  if (get('hours')) time += `${get('hours')}H`;
  if (get('minutes')) time += `${get('minutes')}M`;
  const subsecondNs = Math.round(get('milliseconds') * 1e6 + get('microseconds') * 1e3 + get('nanoseconds'));
  const seconds = get('seconds') + subsecondNs / 1e9;
  if (seconds) time += `${Number(seconds.toFixed(9))}S`;
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

function parseAmount(text: string): number {
  return Number(text.replace(',', '.'));
}

/** Set a unit's amount; a fraction (allowed from hours down) spills into smaller units as jiff does. */
function setAmount(units: Map<SpanUnit, number>, unit: SpanUnit, amount: number): void {
  const whole = Math.trunc(amount);
  const fraction = amount - whole;
  if (fraction === 0 || unit === 'nanoseconds') {
    units.set(unit, Math.round(amount));
    return;
  }
  if (whole) units.set(unit, whole);
  if (unit === 'hours') setAmount(units, 'minutes', Number((fraction * 60).toFixed(9)));
  else if (unit === 'minutes') setAmount(units, 'seconds', Number((fraction * 60).toFixed(9)));
  else units.set('nanoseconds', (units.get('nanoseconds') ?? 0) + Math.round(fraction * UNIT_MS[unit] * 1e6));
}

/** jiff's friendly grammar: `[+-]` units in descending order, each at most once, optional `ago`. */
function parseFriendly(text: string): ParseResult<ExcludeNewerSpan> | null {
  let rest = text
    .trim()
    .replace(/^[+-]\s*/, '')
    .replace(/\s+ago$/i, '');
  const units = new Map<SpanUnit, number>();
  let lastIndex = -1;
  let sawFraction = false;
  while (rest.length > 0) {
    const clock = FRIENDLY_CLOCK_RE.exec(rest);
    if (clock) {
      // "1 day 02:03:04": hours, minutes, seconds after the larger units.
      if (lastIndex >= UNIT_ORDER.indexOf('hours') || sawFraction) return null;
      units.set('hours', Number(clock[1]));
      units.set('minutes', Number(clock[2]));
      units.set('seconds', Number(clock[3]));
      if (clock[4]) units.set('nanoseconds', Number(clock[4].padEnd(9, '0')));
      rest = '';
      break;
    }
    const m = FRIENDLY_UNIT_RE.exec(rest);
    if (!m) return null;
    const unit = DESIGNATORS[m[2]!.toLowerCase()] ?? DESIGNATORS[m[2]!];
    if (!unit) return null;
    const index = UNIT_ORDER.indexOf(unit);
    // Units must descend and appear once; a fraction is only allowed on the last unit.
    if (index <= lastIndex || sawFraction) return null;
    const amount = parseAmount(m[1]!);
    if (/[.,]/.test(m[1]!)) {
      if (index < UNIT_ORDER.indexOf('hours')) return null;
      sawFraction = true;
    }
    setAmount(units, unit, amount);
    lastIndex = index;
    rest = rest.slice(m[0].length);
  }
  return spanFromUnits(units, text);
}

function parseIso(text: string): ParseResult<ExcludeNewerSpan> | null {
  const trimmed = text.trim().replace(/^[+-]/, '');
  const m = ISO_RE.exec(trimmed);
  if (!m || /^P$/i.test(trimmed) || /T$/i.test(trimmed)) return null;
  const units = new Map<SpanUnit, number>();
  const fields: [SpanUnit, string | undefined][] = [
    ['years', m[1]],
    ['months', m[2]],
    ['weeks', m[3]],
    ['days', m[4]],
    ['hours', m[5]],
    ['minutes', m[6]],
    ['seconds', m[7]],
  ];
  const present = fields.filter(([, value]) => value !== undefined);
  // Only the smallest unit may carry a fraction.
  if (present.slice(0, -1).some(([, value]) => /[.,]/.test(value!))) return null;
  for (const [unit, value] of present) setAmount(units, unit, parseAmount(value!));
  return spanFromUnits(units, text);
}

/** A duration in either grammar uv accepts. */
export function parseSpan(text: string): ParseResult<ExcludeNewerSpan> {
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, error: 'the duration is empty' };
  if (text.length > 200) return { ok: false, error: 'the duration is too long to be one' };
  const result = /^\s*[+-]?\s*P/i.test(text) ? parseIso(text) : parseFriendly(text);
  return result ?? { ok: false, error: `"${text}" is not a duration uv understands (examples: "7 days", "1 week", "P7D", "24 hours")` };
}

// ---------------------------------------------------------------------------------------------
// The setting

/** Any `exclude-newer` value as pyproject.toml, uv.toml or uv.lock may hold it. Never throws. */
export function parseExcludeNewer(value: unknown): ParseResult<ExcludeNewerValue> {
  if (value === false) return { ok: true, value: { kind: 'disabled' } };
  if (typeof value !== 'string') {
    return { ok: false, error: `exclude-newer must be a string or false, not ${value === null ? 'null' : typeof value}` };
  }
  const text = value.trim();
  const timestamp = parseTimestamp(text);
  if (timestamp !== null) return { ok: true, value: { kind: 'timestamp', text, ms: timestamp } };
  const date = DATE_RE.exec(text);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!validDate(year, month, day)) return { ok: false, error: `"${text}" is not a valid date` };
    const endOfDayUtc = (daysFromCivil(year, month, day) + 1) * MS_PER_DAY;
    return {
      ok: true,
      value: { kind: 'date', text, date: text, ms: endOfDayUtc, earliestMs: endOfDayUtc - 14 * MS_PER_HOUR, latestMs: endOfDayUtc + 12 * MS_PER_HOUR },
    };
  }
  const span = parseSpan(text);
  if (span.ok) return { ok: true, value: { kind: 'span', text, span: span.value } };
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    return { ok: false, error: `"${text}" is not an RFC 3339 timestamp with an offset (e.g. "2025-01-31T00:00:00Z") nor a plain date` };
  }
  return span;
}

/** A whole-day count for messages: "7 days", "1 day", "36 hours" when not whole days. */
export function describeDuration(ms: number): string {
  if (ms % MS_PER_DAY === 0) {
    const days = ms / MS_PER_DAY;
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  if (ms >= MS_PER_DAY) return `${(ms / MS_PER_DAY).toFixed(1)} days`;
  const hours = ms / MS_PER_HOUR;
  if (hours >= 1) return `${Number(hours.toFixed(1))} hour${hours === 1 ? '' : 's'}`;
  const minutes = Math.round(ms / MS_PER_MINUTE);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------
// The cutoff a lock records

export type LockCutoff =
  /** No exclude-newer applies. */
  | { kind: 'none' }
  /** `exclude-newer-package = { name = false }`: the package opted out. */
  | { kind: 'exempt' }
  | {
      kind: 'cutoff';
      /** Epoch milliseconds: files uploaded after this break the lock's own setting. */
      ms: number;
      /** 'recorded': the lock has the timestamp; 'derived': head time minus the span (sentinel form). */
      origin: 'recorded' | 'derived';
      /** 'package' when an exclude-newer-package entry decided it. */
      scope: 'global' | 'package';
      /** The span when the setting is relative (ISO form as recorded). */
      span?: string;
      spanMs?: number;
      /** What the lock says, for messages. */
      text: string;
    }
  /** The lock holds a value lockgate cannot read. */
  | { kind: 'invalid'; error: string; scope: 'global' | 'package' };

function cutoffOf(timestamp: string | undefined, span: string | undefined, headTime: Date, scope: 'global' | 'package'): LockCutoff {
  if (span !== undefined && span !== '') {
    // With a span, uv ignores the timestamp when reading (mod.rs:3491-3509). A pre-0.11.8 lock still
    // records the cutoff it used; take it when it is a real one (it is at or before head time).
    const parsedSpan = parseSpan(span);
    if (!parsedSpan.ok) return { kind: 'invalid', error: parsedSpan.error, scope };
    const recorded = timestamp === undefined ? null : parseTimestamp(timestamp);
    if (recorded !== null && timestamp!.trim() !== EXCLUDE_NEWER_SENTINEL && recorded <= headTime.getTime()) {
      return { kind: 'cutoff', ms: recorded, origin: 'recorded', scope, span, spanMs: parsedSpan.value.ms, text: `${timestamp} (${span})` };
    }
    return {
      kind: 'cutoff',
      ms: headTime.getTime() - parsedSpan.value.ms,
      origin: 'derived',
      scope,
      span,
      spanMs: parsedSpan.value.ms,
      text: span,
    };
  }
  if (timestamp === undefined || timestamp === '') return { kind: 'none' };
  const ms = parseTimestamp(timestamp);
  if (ms === null) return { kind: 'invalid', error: `"${timestamp}" is not an RFC 3339 timestamp`, scope };
  // The sentinel without a span means nothing (uv writes it only next to a span).
  if (timestamp.trim() === EXCLUDE_NEWER_SENTINEL) return { kind: 'none' };
  return { kind: 'cutoff', ms, origin: 'recorded', scope, text: timestamp };
}

/** Look up an exclude-newer-package entry by PEP 503 name, whatever spelling the table uses. */
export function excludeNewerPackageEntry(
  table: Record<string, ExcludeNewerPackageValue> | undefined,
  normalizedName: string,
): ExcludeNewerPackageValue | undefined {
  if (!table || typeof table !== 'object') return undefined;
  if (Object.hasOwn(table, normalizedName)) return table[normalizedName];
  for (const key of Object.keys(table)) {
    if (normalizeName(key) === normalizedName) return table[key];
  }
  return undefined;
}

/**
 * The cutoff the lock applies to one package: its exclude-newer-package entry beats the global one
 * (uv-resolver/src/exclude_newer.rs:447-500). `headTime` is the head commit's committer time.
 */
export function lockCutoffFor(options: LockOptions | undefined, packageName: string, headTime: Date): LockCutoff {
  if (!options || typeof options !== 'object') return { kind: 'none' };
  const entry = excludeNewerPackageEntry(options.excludeNewerPackage, normalizeName(packageName));
  if (entry === false) return { kind: 'exempt' };
  if (entry && typeof entry === 'object') {
    const fromPackage = cutoffOf(
      typeof entry.timestamp === 'string' ? entry.timestamp : undefined,
      typeof entry.span === 'string' ? entry.span : undefined,
      headTime,
      'package',
    );
    if (fromPackage.kind !== 'none') return fromPackage;
  }
  return cutoffOf(
    typeof options.excludeNewer === 'string' ? options.excludeNewer : undefined,
    typeof options.excludeNewerSpan === 'string' ? options.excludeNewerSpan : undefined,
    headTime,
    'global',
  );
}
