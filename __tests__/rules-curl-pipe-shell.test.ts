import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/curl-pipe-shell.js';
import { markerRows } from './support/workflows.js';
import { caseContext, ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/curl-pipe-shell';
const tester = ruleTester(rule);

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    {
      name: 'a download saved, checked, then run',
      files: {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -fsSLo x.sh https://example.com/x.sh && sha256sum -c x.sh.sha256 && sh x.sh\n',
      },
    },
  ],
  invalid: [
    // Every marked line of the fixture, and no other.
    { fixture: `${DIR}/fires` },
    {
      name: 'curl piped into bash, inline',
      files: {
        '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -fsSL https://example.com/setup | bash\n',
      },
      expected: [{ file: '.github/workflows/ci.yml', line: 6, severity: 'warning' }],
    },
  ],
});

describe('curl-pipe-shell messages', () => {
  it('marks at least the 11 installers of the fires fixture', () => {
    expect(markerRows(caseContext({ fixture: `${DIR}/fires` }).head).length).toBeGreaterThanOrEqual(11);
  });

  it('suggests setup-uv for the uv installer and a checksum otherwise', () => {
    const findings = tester.findings({ fixture: `${DIR}/fires` });
    const byLine = new Map(findings.map((f) => [f.line, f]));
    expect(byLine.get(8)?.message).toContain('downloads https://astral.sh/uv/install.sh and runs it (piped into sh)');
    expect(byLine.get(8)?.fix).toContain('astral-sh/setup-uv@<sha>');
    expect(byLine.get(9)?.fix).toBe('curl -fsSLo install.sh https://example.com/setup && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh');
    expect(byLine.get(11)?.message).toContain('(run by bash)');
  });
});
