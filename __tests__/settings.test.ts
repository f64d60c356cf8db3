import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../src/settings/config.js';
import { applyConfig, settingsFromAction, settingsFromArgv } from '../src/settings/resolve.js';
import { SettingsError } from '../src/settings/types.js';
import { RULES } from '../src/rules/index.js';

const known = new Set(RULES.map((r) => r.id));

describe('CLI flags', () => {
  it('parses every flag of the design doc', () => {
    const command = settingsFromArgv(
      [
        'repo',
        '--base',
        'main',
        '--head',
        'HEAD',
        '--format',
        'json',
        '--output',
        'out.json',
        '--cooldown',
        '14',
        '--now',
        '2026-11-26T12:00:00Z',
        '--offline',
        '--index-url',
        'https://example.org/simple',
        '--fail-on',
        'warning',
        '--config',
        'cfg.yml',
      ],
      {},
      '/work',
    );
    expect(command.kind).toBe('run');
    if (command.kind !== 'run') return;
    const s = command.settings;
    expect(s).toMatchObject({
      dir: '/work/repo',
      base: 'main',
      head: 'HEAD',
      format: 'json',
      output: '/work/out.json',
      cooldownDays: 14,
      offline: true,
      indexUrl: 'https://example.org/simple',
      failOn: 'warning',
      configFile: 'cfg.yml',
    });
    expect(s.now.toISOString()).toBe('2026-11-26T12:00:00.000Z');
  });

  it.each([
    [['--format', 'xml'], /--format must be one of/],
    [['--cooldown', 'seven'], /--cooldown must be a whole number/],
    [['--cooldown', '-1'], /./],
    [['--now', 'yesterday'], /--now must be an RFC 3339 time/],
    [['--fail-on', 'fatal'], /--fail-on must be one of/],
    [['--index-url', 'ftp://x'], /--index-url must be an http\(s\) URL/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['a', 'b'], /at most one DIR/],
    [['--base', '--upload-pack=evil'], /./],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => settingsFromArgv(argv as string[], {}, '/')).toThrow(SettingsError);
    expect(() => settingsFromArgv(argv as string[], {}, '/')).toThrow(message);
  });

  it('knows --help and --version', () => {
    expect(settingsFromArgv(['--help'], {}, '/').kind).toBe('help');
    expect(settingsFromArgv(['-v'], {}, '/').kind).toBe('version');
  });
});

describe('action inputs', () => {
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';
  it('applies defaults and parses inputs', () => {
    const s = settingsFromAction(
      inputs({ 'cooldown-days': '10', comment: 'always', 'sarif-file': 'out.sarif', token: 'ghs_x' }),
      { GITHUB_WORKSPACE: '/ws', GITHUB_REPOSITORY: 'o/r' },
      { base: 'abc', head: 'def' },
    );
    expect(s).toMatchObject({
      dir: '/ws',
      base: 'abc',
      head: 'def',
      cooldownDays: 10,
      failOn: 'error',
      githubToken: 'ghs_x',
      repository: 'o/r',
      format: 'github',
    });
    expect(s.action).toEqual({ checkRun: true, comment: 'always', sarifFile: 'out.sarif', suggestions: false });
  });
  it('reads the suggestions input as a boolean', () => {
    expect(settingsFromAction(inputs({ suggestions: 'true' }), {}, { base: null, head: null }).action?.suggestions).toBe(true);
    expect(() => settingsFromAction(inputs({ suggestions: 'yes' }), {}, { base: null, head: null })).toThrow(/input suggestions must be true or false/);
  });
  it.each([
    [{ 'fail-on': 'bad' }, /input fail-on/],
    [{ offline: 'yes' }, /input offline must be true or false/],
    [{ comment: 'sometimes' }, /input comment/],
    [{ 'working-directory': '../x' }, /inside the repository/],
  ])('rejects %j', (values, message) => {
    expect(() => settingsFromAction(inputs(values as Record<string, string>), {}, { base: null, head: null })).toThrow(message);
  });
});

describe('the config file', () => {
  it('reads every section of the design doc', () => {
    const config = parseConfig(
      '.github/lockgate.yml',
      `cooldown:
  days: 10
  exempt:
    - package: certifi
      until: 2027-01-31
      reason: CA bundle refresh
rules:
  unpinned-requirement: warning
ignore:
  - rule: unpinned-uses
    path: .github/workflows/legacy.yml
    until: 2027-01-01
    reason: vendor action, pinned in Q1
workflows:
  allow-ref-pin: ["my-org/*"]
typosquat:
  allow: [reqeusts]
`,
      known,
    );
    expect(config.cooldown).toEqual({ days: 10, exempt: [{ package: 'certifi', until: '2027-01-31', reason: 'CA bundle refresh' }] });
    expect(config.rules).toEqual({ 'unpinned-requirement': 'warning' });
    expect(config.ignore).toEqual([
      { rule: 'unpinned-uses', path: '.github/workflows/legacy.yml', until: '2027-01-01', reason: 'vendor action, pinned in Q1' },
    ]);
    expect(config.workflows.allowRefPin).toEqual(['my-org/*']);
    expect(config.typosquat.allow).toEqual(['reqeusts']);
  });

  it.each([
    ['rules:\n  no-such-rule: error\n', /:2: rules: unknown rule id "no-such-rule"/],
    ['rules:\n  cooldown: fatal\n', /:2: rules.cooldown must be one of/],
    // A check that could not complete fails closed: no config turns that off.
    ['rules:\n  internal-error: off\n', /:2: rules.internal-error cannot be off/],
    ['rules:\n  internal-error: warning\n', /:2: rules.internal-error cannot be warning/],
    ['ignore:\n  - rule: internal-error\n    reason: bug\n', /:2: ignore\[0\]: an ignore of internal-error needs an until date/],
    ['cooldown:\n  exempt:\n    - package: x\n      reason: r\n', /:3: cooldown.exempt\[0\] needs package, until and reason/],
    ['cooldown:\n  exempt:\n    - package: x\n      until: soon\n      reason: r\n', /until must be a date/],
    ['ignore:\n  - rule: cooldown\n', /needs rule and reason/],
    ['cooldwn:\n  days: 3\n', /:1: unknown section "cooldwn"/],
    ['cooldown: [1\n', /not valid YAML/],
    ['- a\n- b\n', /must be a mapping/],
    // An empty or boolean number must not become 0 or 1 through Number(): typosquat.top: 1 would
    // protect only the single most downloaded name, cooldown.days: 0 would turn the cooldown off.
    ['typosquat:\n  top:\n', /:2: typosquat.top must be a whole number from 1 to 15000, not an empty value/],
    ['typosquat:\n  top: true\n', /:2: typosquat.top must be a whole number from 1 to 15000, not "true"/],
    ['typosquat:\n  top: 0\n', /typosquat.top must be a whole number from 1 to 15000/],
    ['cooldown:\n  days:\n', /:2: cooldown.days must be a whole number from 0 to 3650, not an empty value/],
    ['cooldown:\n  days: 7.5\n', /cooldown.days must be a whole number/],
    ['limits:\n  max-file-bytes: false\n', /limits.max-file-bytes must be a whole number/],
    // Date.parse rolls an impossible day over into the next month; it is refused instead.
    ['cooldown:\n  exempt:\n    - package: x\n      until: "2027-02-30"\n      reason: r\n', /until must be a date YYYY-MM-DD, not "2027-02-30"/],
  ])('rejects %j naming file and line', (text, message) => {
    expect(() => parseConfig('.github/lockgate.yml', text, known)).toThrow(message);
  });

  it("excludes fixture paths, but never the repository's own workflows or config", () => {
    expect(parseConfig('c', 'typosquat:\n  top: "200"\n', known).typosquat.top).toBe(200);
    expect(parseConfig('c', 'exclude: [fixtures/**, examples/]\n', known).exclude).toEqual(['fixtures/**', 'examples/']);
    for (const glob of ['.github/workflows/*.yml', '**', '.github/lockgate.yml', '../x', '/abs']) {
      expect(() => parseConfig('c', `exclude: ["${glob}"]\n`, known)).toThrow(/exclude: /);
    }
  });

  it('can lengthen the cooldown but never shorten it', () => {
    const base = settingsFromArgv(['--cooldown', '7'], {}, '/');
    if (base.kind !== 'run') throw new Error('expected run');
    const longer = parseConfig('c', 'cooldown:\n  days: 14\n', known);
    const shorter = parseConfig('c', 'cooldown:\n  days: 1\n', known);
    expect(applyConfig(base.settings, longer).cooldownDays).toBe(14);
    expect(applyConfig(base.settings, shorter).cooldownDays).toBe(7);
  });
});
