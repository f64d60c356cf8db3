import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ZIZMOR_EQUIVALENTS } from '../src/policy/zizmor.js';
import { RULES } from '../src/rules/index.js';

/** Rows of docs/zizmor.md's table: audit, rule (null for "—"), notes. */
function rows(): { audit: string; rule: string | null; notes: string }[] {
  const text = readFileSync('docs/zizmor.md', 'utf8');
  return [...text.matchAll(/^\| `([a-z-]+)` \| (`([a-z-]+)`|—) \|(.*)\|$/gm)].map((m) => ({ audit: m[1]!, rule: m[3] ?? null, notes: m[4]!.trim() }));
}

describe('docs/zizmor.md', () => {
  it("lists each of zizmor's 41 audits once", () => {
    const audits = rows().map((r) => r.audit);
    expect(audits).toHaveLength(41);
    expect(new Set(audits).size).toBe(41);
  });

  it('maps exactly the audits the policy maps, to registered rules', () => {
    const mapped = Object.fromEntries(rows().flatMap((r) => (r.rule ? [[r.audit, r.rule]] : [])));
    expect(mapped).toEqual({ ...ZIZMOR_EQUIVALENTS });
    const ids = new Set(RULES.map((rule) => rule.id));
    for (const rule of Object.values(mapped)) expect(ids.has(rule)).toBe(true);
  });

  it('gives a reason for every audit without a rule', () => {
    for (const row of rows().filter((r) => r.rule === null)) expect(row.notes.length).toBeGreaterThan(10);
  });
});
