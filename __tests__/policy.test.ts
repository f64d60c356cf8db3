import { describe, expect, it } from '@jest/globals';
import { makeFinding, type WaivedFinding } from '../src/findings.js';
import { applyPolicy, globToRegExp } from '../src/policy/policy.js';
import { defaultConfig } from '../src/settings/config.js';
import { RULES } from '../src/rules/index.js';

const now = new Date('2026-11-26T12:00:00Z');
const finding = (rule: string, file: string, line: number, extra: { package?: string; introduced?: boolean } = {}) =>
  makeFinding({ rule, severity: 'error', file, line, message: `${rule} at ${line}`, subject: `${rule}${line}`, package: extra.package ? { name: extra.package } : undefined, introduced: extra.introduced });

function run(findings: ReturnType<typeof finding>[], config = defaultConfig(), texts = new Map<string, string>(), onlyNew = false) {
  return applyPolicy({ findings, config, configFile: '.github/lockgate.yml', texts, now, onlyNew, defaults: new Map(RULES.map((r) => [r.id, r.defaultSeverity])) });
}

describe('inline ignores', () => {
  const text = ['a: 1', '# lockgate: ignore[unpinned-uses]', 'uses: x@v1', 'uses: y@v1  # lockgate: ignore[unpinned-uses, artipacked]', 'uses: z@v1 # lockgate: ignore[other]'].join('\n');
  const texts = new Map([['w.yml', text]]);
  it.each([
    [3, 'unpinned-uses', true],
    [4, 'unpinned-uses', true],
    [4, 'artipacked', true],
    [5, 'unpinned-uses', false],
    [1, 'unpinned-uses', false],
  ])('line %d, rule %s: waived %s', (line, rule, waived) => {
    const result = run([finding(rule, 'w.yml', line)], defaultConfig(), texts);
    expect(result.waived.length).toBe(waived ? 1 : 0);
    expect(result.findings.length).toBe(waived ? 0 : 1);
    if (waived) expect(result.waived[0].waiver.by).toBe('inline');
  });
});

describe('config ignores', () => {
  it('waive a matching finding until the date, with the reason', () => {
    const config = defaultConfig();
    config.ignore = [{ rule: 'unpinned-uses', path: '.github/workflows/*.yml', until: '2026-11-26', reason: 'vendor' }];
    const result = run([finding('unpinned-uses', '.github/workflows/a.yml', 3), finding('unpinned-uses', 'action.yml', 3)], config);
    expect(result.waived.map((w) => [w.file, w.waiver.reason, w.waiver.until])).toEqual([['.github/workflows/a.yml', 'vendor', '2026-11-26']]);
    expect(result.findings.map((f) => f.file)).toEqual(['action.yml']);
  });

  it('report an expired ignore and stop waiving', () => {
    const config = defaultConfig();
    config.ignore = [{ rule: 'cooldown', package: 'httpx', until: '2026-11-25', reason: 'old' }];
    const result = run([finding('cooldown', 'uv.lock', 3, { package: 'httpx' })], config);
    expect(result.waived).toEqual([]);
    expect(result.findings[0].message).toContain('expired on 2026-11-25');
    expect(result.findings[1]).toMatchObject({ rule: 'cooldown', severity: 'notice', file: '.github/lockgate.yml' });
  });

  it('report an expired cooldown exemption', () => {
    const config = defaultConfig();
    config.cooldown.exempt = [{ package: 'certifi', until: '2026-01-01', reason: 'CA' }];
    expect(run([], config).findings.map((f) => f.message)).toEqual(['The cooldown exemption for certifi expired on 2026-01-01 ("CA").']);
  });
});

describe('severity overrides, off, only-new and rule waivers', () => {
  it('override severity and drop rules set off', () => {
    const config = defaultConfig();
    config.rules = { downgrade: 'error', 'sdist-only': 'off' };
    const notice = { ...finding('downgrade', 'uv.lock', 1), severity: 'notice' as const };
    const result = run([notice, finding('sdist-only', 'uv.lock', 2)], config);
    expect(result.findings.map((f) => [f.rule, f.severity])).toEqual([['downgrade', 'error']]);
  });
  it('cap a rule\'s other levels at the override instead of raising them', () => {
    const config = defaultConfig();
    config.rules = { 'lock-out-of-sync': 'warning', typosquat: 'notice' };
    const undecidable = { ...finding('lock-out-of-sync', 'pyproject.toml', 1), severity: 'notice' as const };
    const mismatch = finding('lock-out-of-sync', 'pyproject.toml', 2);
    const strongSquat = finding('typosquat', 'uv.lock', 3);
    const result = run([undecidable, mismatch, strongSquat], config);
    expect(result.findings.map((f) => [f.rule, f.line, f.severity])).toEqual([
      ['lock-out-of-sync', 1, 'notice'],
      ['lock-out-of-sync', 2, 'warning'],
      ['typosquat', 3, 'notice'],
    ]);
  });
  it('keep only introduced findings with only-new', () => {
    const result = run([finding('a', 'f', 1, { introduced: false }), finding('b', 'f', 2)], defaultConfig(), new Map(), true);
    expect(result.findings.map((f) => f.rule)).toEqual(['b']);
  });
  it('pass through waivers a rule set itself', () => {
    const waived: WaivedFinding = { ...finding('cooldown', 'uv.lock', 4), waiver: { by: 'exclude-newer-package', reason: 'openai = false' } };
    const result = run([waived]);
    expect(result.waived).toEqual([waived]);
  });
});

describe('globs', () => {
  it.each([
    ['.github/workflows/*.yml', '.github/workflows/a.yml', true],
    ['.github/workflows/*.yml', '.github/workflows/x/a.yml', false],
    ['**/uv.lock', 'uv.lock', true],
    ['**/uv.lock', 'a/b/uv.lock', true],
    ['a.(yml)', 'a.(yml)', true],
    ['a.yml', 'aXyml', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});
