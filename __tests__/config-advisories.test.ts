import { describe, expect, it } from '@jest/globals';
import { defaultConfig, parseConfig } from '../src/settings/config.js';
import { SettingsError } from '../src/settings/types.js';

const RULES = new Set(['malicious-package', 'vulnerable-package']);
const parse = (text: string) => parseConfig('.github/lockgate.yml', text, RULES);

describe('advisories: in .github/lockgate.yml', () => {
  it('defaults: no ignores, every severity, api.osv.dev', () => {
    expect(defaultConfig().advisories).toEqual({ ignore: [], minSeverity: 'low', url: 'https://api.osv.dev' });
    expect(parse('rules: {}\n').advisories).toEqual({ ignore: [], minSeverity: 'low', url: 'https://api.osv.dev' });
  });

  it('reads ignores with id, reason and until, min-severity and a mirror URL', () => {
    const config = parse(
      [
        'advisories:',
        '  min-severity: high',
        '  url: https://osv.mirror.example/',
        '  ignore:',
        '    - id: GHSA-aaaa-bbbb-cccc',
        '      reason: not reachable',
        '      until: 2027-01-31',
        '',
      ].join('\n'),
    );
    expect(config.advisories).toEqual({
      ignore: [{ id: 'GHSA-aaaa-bbbb-cccc', reason: 'not reachable', until: '2027-01-31' }],
      minSeverity: 'high',
      url: 'https://osv.mirror.example',
    });
  });

  it.each([
    [
      'an ignore without an expiry',
      'advisories:\n  ignore:\n    - id: GHSA-x\n      reason: r\n',
      /^\.github\/lockgate\.yml:3: advisories\.ignore\[0\] needs id, until and reason/,
    ],
    [
      'an unknown ignore key',
      'advisories:\n  ignore:\n    - id: GHSA-x\n      reason: r\n      until: 2027-01-01\n      rule: x\n',
      /advisories\.ignore\[0\]: unknown key "rule"/,
    ],
    [
      'a bad date',
      'advisories:\n  ignore:\n    - id: GHSA-x\n      reason: r\n      until: soon\n',
      /advisories\.ignore\[0\]\.until must be a date YYYY-MM-DD/,
    ],
    [
      'an unknown severity',
      'advisories:\n  min-severity: severe\n',
      /^\.github\/lockgate\.yml:2: advisories\.min-severity must be one of low, medium, high, critical, not "severe"/,
    ],
    ['a URL with credentials', 'advisories:\n  url: https://user:pw@osv.example\n', /advisories\.url must be an http\(s\) URL without credentials/],
    ['a URL that is not http', 'advisories:\n  url: file:///etc/passwd\n', /advisories\.url must be an http\(s\) URL/],
    ['an unknown key', 'advisories:\n  enabled: false\n', /unknown key advisories\.enabled \(expected ignore, min-severity, url\)/],
  ])('refuses %s, naming file and line', (_, text, message) => {
    expect(() => parse(text)).toThrow(SettingsError);
    expect(() => parse(text)).toThrow(message);
  });
});
