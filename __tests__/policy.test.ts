import { describe, expect, it } from '@jest/globals';
import { makeFinding, type WaivedFinding } from '../src/findings.js';
import { readFileSync } from 'node:fs';
import { applyPolicy } from '../src/policy/policy.js';
import { configGlobMatcher } from '../src/core/glob.js';
import { ZIZMOR_EQUIVALENTS } from '../src/policy/zizmor.js';
import { defaultConfig } from '../src/settings/config.js';
import { RULES } from '../src/rules/index.js';
import { runPipeline, sourceFiles } from './support/pipeline.js';

const now = new Date('2026-11-26T12:00:00Z');
const finding = (rule: string, file: string, line: number, extra: { package?: string; introduced?: boolean } = {}) =>
  makeFinding({
    rule,
    severity: 'error',
    file,
    line,
    message: `${rule} at ${line}`,
    subject: `${rule}${line}`,
    package: extra.package ? { name: extra.package } : undefined,
    introduced: extra.introduced,
  });

function run(findings: ReturnType<typeof finding>[], config = defaultConfig(), texts = new Map<string, string>(), onlyNew = false) {
  return applyPolicy({
    findings,
    config,
    configFile: '.github/lockgate.yml',
    texts,
    now,
    onlyNew,
    defaults: new Map(RULES.map((r) => [r.id, r.defaultSeverity])),
  });
}

describe('inline ignores', () => {
  const text = [
    'a: 1',
    '# lockgate: ignore[unpinned-uses]',
    'uses: x@v1',
    'uses: y@v1  # lockgate: ignore[unpinned-uses, artipacked]',
    'uses: z@v1 # lockgate: ignore[other]',
  ].join('\n');
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
  it("cap a rule's other levels at the override instead of raising them", () => {
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
  it('gate only on introduced findings with only-new, and list the others as pre-existing', () => {
    const result = run([finding('a', 'f', 1, { introduced: false }), finding('b', 'f', 2)], defaultConfig(), new Map(), true);
    expect(result.findings.map((f) => f.rule)).toEqual(['b']);
    expect(result.preexisting.map((f) => f.rule)).toEqual(['a']);
    // Without only-new every finding gates and nothing is pre-existing.
    const full = run([finding('a', 'f', 1, { introduced: false }), finding('b', 'f', 2)]);
    expect(full.findings.map((f) => f.rule)).toEqual(['a', 'b']);
    expect(full.preexisting).toEqual([]);
  });
  it('waive a pre-existing finding as waived, not as pre-existing', () => {
    const result = run(
      [finding('unpinned-uses', 'w.yml', 2, { introduced: false })],
      defaultConfig(),
      new Map([['w.yml', 'a: 1\nuses: x@v1 # lockgate: ignore[unpinned-uses]']]),
      true,
    );
    expect([result.findings.length, result.preexisting.length, result.waived.length]).toEqual([0, 0, 1]);
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
    ['a.yml', 'aXyml', false],
    // picomatch's syntax (src/core/glob.ts): braces, classes, dotfiles like any file, ./ and a trailing /.
    ['.github/workflows/*.{yml,yaml}', '.github/workflows/a.yaml', true],
    ['.github/workflows/*.{yml,yaml}', '.github/workflows/a.json', false],
    ['fixtures/case-[ab]/**', 'fixtures/case-b/uv.lock', true],
    ['fixtures/case-[ab]/**', 'fixtures/case-c/uv.lock', false],
    ['*', '.hidden', true],
    ['./examples/demo/uv.lock', 'examples/demo/uv.lock', true],
    ['examples/', 'examples/demo/pyproject.toml', true],
    ['examples/', 'examples2/pyproject.toml', false],
    ['fixtures/**', 'fixtures/a/b/c.yml', true],
    ['packages/*/uv.lock', 'packages/a/b/uv.lock', false],
    ['a\\*.yml', 'a*.yml', true],
    ['a\\*.yml', 'ab.yml', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(configGlobMatcher(glob)(path)).toBe(expected);
  });
});

describe('zizmor inline ignores', () => {
  const W = '.github/workflows/w.yml';
  const wf = [
    'on:', //                                                      1
    '  # zizmor: ignore[dangerous-triggers] -- payload only', //   2
    '  pull_request_target:', //                                   3
    'jobs:', //                                                    4
    '  build:', //                                                 5
    '    runs-on: ubuntu-latest', //                               6
    '    steps:', //                                               7
    '      - name: one # zizmor: ignore[artipacked, unpinned-uses]', // 8
    '        uses: actions/checkout@v4', //                        9
    '      - name: two', //                                        10
    '        env:', //                                             11
    '          A: "# zizmor: ignore[unpinned-uses]"', //           12
    '        uses: actions/setup-python@v5', //                    13
    '      - run: | # zizmor: ignore[template-injection]', //     14
    '          echo ${{ github.head_ref }}', //                    15
    '          # zizmor: ignore[template-injection]', //           16
    '      - run: |', //                                           17
    '          # zizmor: ignore[template-injection]', //           18
    '          echo ${{ github.head_ref }}', //                    19
    '  other:', //                                                 20
    '    #zizmor: ignore[excessive-permissions]', //               21
    '    runs-on: ubuntu-latest', //                               22
    '  third: # zizmor: ignore[excessive-permissions]text', //    23
    '    runs-on: ubuntu-latest', //                               24
    '  fourth:', //                                                25
    '    runs-on: ubuntu-latest # zizmor: ignore[excessive-permissions] -- org default is read-only', // 26
  ].join('\n');
  const texts = new Map([
    [W, wf],
    ['pyproject.toml', '# zizmor: ignore[unpinned-uses]\n'],
  ]);
  it.each<[string, number, string | null]>([
    // The comment is inside the on: block zizmor's finding spans.
    ['dangerous-trigger', 3, '# zizmor: ignore[dangerous-triggers] in .github/workflows/w.yml:2'],
    // Anywhere on the step's lines, for each audit listed.
    ['artipacked', 9, '# zizmor: ignore[artipacked, unpinned-uses] in .github/workflows/w.yml:8'],
    ['unpinned-uses', 9, '# zizmor: ignore[artipacked, unpinned-uses] in .github/workflows/w.yml:8'],
    // Inside a quoted string it is text, not a comment.
    ['unpinned-uses', 13, null],
    // On the `run: |` line; the lines of the block itself are shell text.
    ['template-injection', 15, '# zizmor: ignore[template-injection] in .github/workflows/w.yml:14'],
    ['template-injection', 19, null],
    // zizmor's spelling only: no space after #, or text glued to the bracket, is not its comment.
    ['excessive-permissions', 20, null],
    ['excessive-permissions', 23, null],
    // Within the job the finding names (its key line points at the whole job).
    ['excessive-permissions', 25, '# zizmor: ignore[excessive-permissions] in .github/workflows/w.yml:26'],
    // An audit that maps to another rule waives nothing here; nor does lockgate's own id.
    ['template-injection', 3, null],
  ])('%s at line %i: %s', (rule, line, reason) => {
    const result = run([finding(rule, W, line)], defaultConfig(), texts);
    if (reason === null) {
      expect(result.waived).toEqual([]);
      return;
    }
    expect(result.findings).toEqual([]);
    expect(result.waived.map((w) => w.waiver)).toEqual([{ by: 'inline', reason }]);
  });

  it('applies to YAML files only, and maps every audit it knows to one lockgate rule', () => {
    expect(run([finding('unpinned-uses', 'pyproject.toml', 1)], defaultConfig(), texts).waived).toEqual([]);
    const ids = new Set(RULES.map((r) => r.id));
    for (const rule of Object.values(ZIZMOR_EQUIVALENTS)) expect(ids.has(rule)).toBe(true);
    expect(ZIZMOR_EQUIVALENTS['dangerous-triggers']).toBe('dangerous-trigger');
    expect(ZIZMOR_EQUIVALENTS['unpinned-images']).toBe('unpinned-image');
  });

  it('waives a matrix-fed image by the comment on its `${{ matrix.X }}` image line, where zizmor reports it', () => {
    const text = [
      'on: push', //                                                          1
      'permissions: {}', //                                                   2
      'jobs:', //                                                             3
      '  test:', //                                                           4
      '    runs-on: ubuntu-latest', //                                        5
      '    strategy:', //                                                     6
      '      matrix:', //                                                     7
      '        image: ["python:3.12", "python:3.13"]', //                     8
      '        db: ["postgres:16"]', //                                       9
      '    container: ${{ matrix.image }} # zizmor: ignore[unpinned-images]', // 10
      '    services:', //                                                     11
      '      db:', //                                                         12
      '        image: ${{ matrix.db }}', //                                   13
      '    steps:', //                                                        14
      '      - run: "true"', //                                               15
    ].join('\n');
    const { report } = runPipeline(sourceFiles({ '.github/workflows/m.yml': text }), null).result;
    const rows = (list: { rule: string; line?: number; column?: number }[]) =>
      list.filter((f) => f.rule === 'unpinned-image').map((f) => `${f.line}:${f.column}`);
    // Both values of matrix.image are waived by the comment on line 10; matrix.db's value, fed to an image without one, is not.
    expect(rows(report.waived)).toEqual(['8:17', '8:32']);
    expect(report.waived.map((w) => w.waiver.reason)).toEqual([
      '# zizmor: ignore[unpinned-images] in .github/workflows/m.yml:10',
      '# zizmor: ignore[unpinned-images] in .github/workflows/m.yml:10',
    ]);
    expect(rows(report.findings)).toEqual(['9:14']);
    expect(report.findings.find((f) => f.rule === 'unpinned-image')!.related).toEqual([
      { file: '.github/workflows/m.yml', line: 13, column: 16, message: 'the image that takes this matrix value' },
    ]);
  });

  it('on real workflows: the comments repositories carry waive what zizmor would, and nothing else', () => {
    const fixture = (name: string) => readFileSync(`fixtures/workflows/zizmor-ignores/${name}`, 'utf8');
    const head = sourceFiles({
      '.github/workflows/reviewed.yml': fixture('reviewed.yml'),
      '.github/workflows/unreviewed.yml': fixture('unreviewed.yml'),
      '.github/workflows/other.yml': fixture('other.yml'),
    });
    const { report } = runPipeline(head, null).result;
    const rows = (list: { rule: string; file: string; line?: number }[]) =>
      list
        .filter((f) => f.file !== '.github/workflows/other.yml')
        .map((f) => `${f.file.slice(18)}:${f.line} ${f.rule}`)
        .sort();
    expect(rows(report.waived)).toEqual([
      'reviewed.yml:12 unpinned-image',
      'reviewed.yml:15 artipacked',
      'reviewed.yml:15 unpinned-uses',
      'reviewed.yml:18 template-injection',
      'reviewed.yml:22 secrets-inherit',
      'reviewed.yml:5 dangerous-trigger',
    ]);
    expect(rows(report.findings)).toEqual([
      // Neither call job has permissions, and no comment names excessive-permissions.
      'reviewed.yml:19 excessive-permissions',
      'unreviewed.yml:12 unpinned-image',
      'unreviewed.yml:14 artipacked',
      'unreviewed.yml:14 unpinned-uses',
      'unreviewed.yml:22 template-injection',
      'unreviewed.yml:25 excessive-permissions',
      'unreviewed.yml:27 secrets-inherit',
      'unreviewed.yml:4 dangerous-trigger',
    ]);
    expect(report.waived.find((w) => w.rule === 'dangerous-trigger')!.waiver.reason).toBe(
      '# zizmor: ignore[dangerous-triggers] in .github/workflows/reviewed.yml:4',
    );
  });
});
