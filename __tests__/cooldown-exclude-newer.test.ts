import { describe, expect, it } from '@jest/globals';
import { EXCLUDE_NEWER_SENTINEL, describeDuration, lockCutoffFor, parseExcludeNewer, parseSpan, parseTimestamp } from '../src/uv/exclude-newer.js';
import type { LockOptions } from '../src/uv/model.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('parseExcludeNewer: every form uv accepts', () => {
  const spans: [string, number, string][] = [
    ['7 days', 7 * DAY, 'P7D'],
    ['1 week', 7 * DAY, 'P1W'],
    ['2 weeks', 14 * DAY, 'P2W'],
    ['3 weeks', 21 * DAY, 'P3W'],
    ['4 days', 4 * DAY, 'P4D'],
    ['1 day', DAY, 'P1D'],
    ['24 hours', DAY, 'PT24H'],
    ['30 days', 30 * DAY, 'P30D'],
    ['P7D', 7 * DAY, 'P7D'],
    ['p7d', 7 * DAY, 'P7D'],
    ['P1W', 7 * DAY, 'P1W'],
    ['PT24H', DAY, 'PT24H'],
    ['P1DT12H', 36 * HOUR, 'P1DT12H'],
    ['PT90M', 90 * 60_000, 'PT90M'],
    ['PT0.5S', 500, 'PT0.5S'],
    ['7d', 7 * DAY, 'P7D'],
    ['1w', 7 * DAY, 'P1W'],
    ['3d 4h', 3 * DAY + 4 * HOUR, 'P3DT4H'],
    ['3d4h', 3 * DAY + 4 * HOUR, 'P3DT4H'],
    ['1 day, 2 hours', DAY + 2 * HOUR, 'P1DT2H'],
    ['2 wks 1 day', 15 * DAY, 'P2W1D'],
    ['36 hrs', 36 * HOUR, 'PT36H'],
    ['90 mins', 90 * 60_000, 'PT90M'],
    ['1.5 hours', 90 * 60_000, 'PT1H30M'],
    ['PT1.5H', 90 * 60_000, 'PT1H30M'],
    ['PT1.25S', 1250, 'PT1.25S'],
    ['2.5s', 2500, 'PT2.5S'],
    ['1 day 02:03:04.5', DAY + 2 * HOUR + 3 * 60_000 + 4500, 'P1DT2H3M4.5S'],
    ['1 day 02:00:00', DAY + 2 * HOUR, 'P1DT2H'],
    ['-7 days', 7 * DAY, 'P7D'],
    ['7 days ago', 7 * DAY, 'P7D'],
    ['+1 week', 7 * DAY, 'P1W'],
    ['  7 days  ', 7 * DAY, 'P7D'],
  ];
  it.each(spans)('%p is a span of %p ms', (text, ms, iso) => {
    const parsed = parseExcludeNewer(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'span') throw new Error(`not a span: ${JSON.stringify(parsed)}`);
    expect(parsed.value.span.ms).toBe(ms);
    expect(parsed.value.span.iso).toBe(iso);
  });

  const timestamps: [string, string][] = [
    ['2024-03-25T00:00:00Z', '2024-03-25T00:00:00.000Z'],
    ['2006-12-02T02:07:43Z', '2006-12-02T02:07:43.000Z'],
    ['2026-03-19T13:34:20.40138Z', '2026-03-19T13:34:20.401Z'],
    ['2026-04-16T16:59:13.484567446Z', '2026-04-16T16:59:13.484Z'],
    ['2024-07-26T18:15:02.05Z', '2024-07-26T18:15:02.050Z'],
    ['2025-01-01T02:00:00+02:00', '2025-01-01T00:00:00.000Z'],
    ['2025-01-01T00:00:00-05:30', '2025-01-01T05:30:00.000Z'],
    ['2025-01-01 00:00:00z', '2025-01-01T00:00:00.000Z'],
    ['2025-01-01T00:00Z', '2025-01-01T00:00:00.000Z'],
  ];
  it.each(timestamps)('%p is the timestamp %p', (text, iso) => {
    const parsed = parseExcludeNewer(text);
    expect(parsed).toEqual({ ok: true, value: { kind: 'timestamp', text, ms: Date.parse(iso) } });
  });

  it('reads the sentinel, year 1, without Date quirks', () => {
    // 719162 days from 0001-01-01 to 1970-01-01 (Date.UTC would map year 1 to 1901).
    expect(parseTimestamp(EXCLUDE_NEWER_SENTINEL)).toBe(-719162 * DAY);
    expect(parseExcludeNewer(EXCLUDE_NEWER_SENTINEL)).toMatchObject({ ok: true, value: { kind: 'timestamp', ms: -62135596800000 } });
  });

  it('reads a plain date as the end of that day, bounded over time zones', () => {
    const parsed = parseExcludeNewer('2006-12-02');
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'date',
        text: '2006-12-02',
        date: '2006-12-02',
        ms: Date.parse('2006-12-03T00:00:00Z'),
        earliestMs: Date.parse('2006-12-02T10:00:00Z'),
        latestMs: Date.parse('2006-12-03T12:00:00Z'),
      },
    });
  });

  it('reads false as disabled', () => {
    expect(parseExcludeNewer(false)).toEqual({ ok: true, value: { kind: 'disabled' } });
  });

  const invalid: [unknown, RegExp][] = [
    ['1 month', /years or months/],
    ['P1Y', /years or months/],
    ['P1M', /years or months/],
    ['2 years', /years or months/],
    ['', /empty/],
    ['soon', /not a duration/],
    ['7', /not a duration/],
    ['days 7', /not a duration/],
    ['4h 3d', /not a duration/],
    ['1 day 1 day', /not a duration/],
    ['P', /not a duration/],
    ['PT', /not a duration/],
    ['P1.5DT1H', /not a duration/],
    ['2025-02-30', /not a valid date/],
    ['2025-13-01T00:00:00Z', /RFC 3339/],
    ['2025-01-01T00:00:00', /RFC 3339/],
    [true, /string or false/],
    [7, /string or false/],
    [null, /string or false, not null/],
    [{ span: 'P7D' }, /string or false/],
    ['x'.repeat(500), /too long/],
  ];
  it.each(invalid)('%p is rejected with a reason', (value, reason) => {
    const parsed = parseExcludeNewer(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });
});

describe('parseSpan', () => {
  it('gives milliseconds for both grammars alike', () => {
    const a = parseSpan('1 week');
    const b = parseSpan('P7D');
    expect(a.ok && b.ok && a.value.ms === b.value.ms).toBe(true);
  });
});

describe('describeDuration', () => {
  it.each([
    [7 * DAY, '7 days'],
    [DAY, '1 day'],
    [36 * HOUR, '1.5 days'],
    [5 * HOUR, '5 hours'],
    [HOUR, '1 hour'],
    [90 * 60_000, '1.5 hours'],
    [5 * 60_000, '5 minutes'],
  ])('%p ms reads %p', (ms, text) => expect(describeDuration(ms)).toBe(text));
});

describe('lockCutoffFor: the cutoff a lock applies to a package', () => {
  const head = new Date('2026-08-21T12:00:00Z');
  const options = (partial: Partial<LockOptions>): LockOptions => ({ excludeNewerPackage: {}, ...partial });

  it('has none without exclude-newer', () => {
    expect(lockCutoffFor(options({}), 'httpx', head)).toEqual({ kind: 'none' });
  });
  it('takes an absolute timestamp as recorded', () => {
    expect(lockCutoffFor(options({ excludeNewer: '2024-03-25T00:00:00Z' }), 'httpx', head)).toMatchObject({
      kind: 'cutoff',
      ms: Date.parse('2024-03-25T00:00:00Z'),
      origin: 'recorded',
      scope: 'global',
    });
  });
  it('derives the cutoff of the sentinel form from head time minus the span', () => {
    expect(lockCutoffFor(options({ excludeNewer: EXCLUDE_NEWER_SENTINEL, excludeNewerSpan: 'P7D' }), 'httpx', head)).toMatchObject({
      kind: 'cutoff',
      ms: Date.parse('2026-08-14T12:00:00Z'),
      origin: 'derived',
      span: 'P7D',
      spanMs: 7 * DAY,
    });
  });
  it('derives it from a span alone (uv >= 0.11.8 accepts that)', () => {
    expect(lockCutoffFor(options({ excludeNewerSpan: 'P1W' }), 'httpx', head)).toMatchObject({
      kind: 'cutoff',
      origin: 'derived',
      ms: Date.parse('2026-08-14T12:00:00Z'),
    });
  });
  it('uses the cutoff recorded next to a span by uv 0.9.17-0.11.7', () => {
    expect(lockCutoffFor(options({ excludeNewer: '2026-03-19T13:34:20.40138Z', excludeNewerSpan: 'P1W' }), 'httpx', head)).toMatchObject({
      kind: 'cutoff',
      ms: Date.parse('2026-03-19T13:34:20.401Z'),
      origin: 'recorded',
      span: 'P1W',
    });
  });
  it('lets a package entry beat the global one, by normalized name', () => {
    const opts = options({
      excludeNewer: EXCLUDE_NEWER_SENTINEL,
      excludeNewerSpan: 'P7D',
      excludeNewerPackage: { Foo_Bar: { timestamp: '2026-08-20T00:00:00Z' }, openai: false, slow: { timestamp: EXCLUDE_NEWER_SENTINEL, span: 'P2W' } },
    });
    expect(lockCutoffFor(opts, 'foo-bar', head)).toMatchObject({ kind: 'cutoff', scope: 'package', ms: Date.parse('2026-08-20T00:00:00Z') });
    expect(lockCutoffFor(opts, 'openai', head)).toEqual({ kind: 'exempt' });
    expect(lockCutoffFor(opts, 'slow', head)).toMatchObject({ kind: 'cutoff', scope: 'package', origin: 'derived', ms: Date.parse('2026-08-07T12:00:00Z') });
    expect(lockCutoffFor(opts, 'other', head)).toMatchObject({ kind: 'cutoff', scope: 'global', ms: Date.parse('2026-08-14T12:00:00Z') });
  });
  it('reports an unreadable value instead of throwing', () => {
    expect(lockCutoffFor(options({ excludeNewer: 'yesterday' }), 'x', head)).toMatchObject({ kind: 'invalid' });
    expect(lockCutoffFor(options({ excludeNewerSpan: '1 month' }), 'x', head)).toMatchObject({ kind: 'invalid' });
    expect(lockCutoffFor({ excludeNewer: 5 as unknown as string, excludeNewerPackage: null as unknown as Record<string, false> }, 'x', head)).toEqual({
      kind: 'none',
    });
    expect(lockCutoffFor(undefined, 'x', head)).toEqual({ kind: 'none' });
  });
});
