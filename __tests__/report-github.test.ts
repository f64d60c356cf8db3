import { describe, expect, it } from '@jest/globals';
import { makeFinding } from '../src/findings.js';
import { escapeData, escapeProperty, exitCodeFor, renderGithub, workflowCommand } from '../src/report/github.js';
import type { Report } from '../src/report/types.js';

/** What the runner does with a line: only a line that starts with `::` is a command. */
function commandsIn(output: string): string[] {
  return output.split(/\r?\n|\r/).filter((line) => line.startsWith('::'));
}

/** The runner's unescaping (actions/runner ActionCommand.Unescape). */
function runnerUnescape(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

function report(findings = [makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 3, message: 'm', subject: 's' })]): Report {
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return {
    tool: 'lockgate',
    version: '0.1.0',
    base: null,
    head: 'WORKTREE',
    now: '2026-11-26T00:00:00.000Z',
    projects: [],
    findings,
    waived: [],
    counts,
    rules: [],
  };
}

describe('workflow commands', () => {
  const hostileFile = 'a::error file=x::pwned%0A,\r\n::set-output name=x::y.lock';
  const hostileMessage = 'name ::warning::x\n::add-mask::secret\r::stop-commands::tok %25 end';

  it('cannot be made to open a second command by a file name or a message', () => {
    const finding = makeFinding({
      rule: 'typosquat',
      severity: 'warning',
      file: hostileFile,
      line: 7,
      column: 2,
      message: hostileMessage,
      fix: 'x\n::error::y',
      subject: 'x',
    });
    const line = workflowCommand(finding);
    expect(commandsIn(line)).toHaveLength(1);
    expect(line).not.toMatch(/[\r\n]/);
    const props = line.slice(2, line.indexOf('::', 2));
    expect(props.split(',').map((p) => p.split('=')[0])).toEqual(['warning file', 'line', 'col', 'title']);
    const file = props.split(',')[0].slice('warning file='.length);
    expect(runnerUnescape(file)).toBe(hostileFile);
    const data = line.slice(line.indexOf('::', 2) + 2);
    expect(runnerUnescape(data)).toBe(`${hostileMessage}\nFix: x\n::error::y`);
  });

  it('escapes percent first so escapes cannot be forged', () => {
    expect(escapeData('%0A')).toBe('%250A');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('renders one command per finding, most severe first, and a total', () => {
    const out = renderGithub(
      report([
        makeFinding({ rule: 'downgrade', severity: 'notice', file: 'uv.lock', line: 9, message: 'n', subject: 'a' }),
        makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 3, message: 'e', subject: 'b' }),
      ]),
    );
    expect(commandsIn(out).map((l) => l.slice(2, l.indexOf(' ')))).toEqual(['error', 'notice']);
    expect(out.trim().split('\n').at(-1)).toBe('lockgate: 1 errors, 0 warnings, 1 notices');
  });
});

describe('exit codes by fail-on', () => {
  const r = report([makeFinding({ rule: 'x', severity: 'warning', file: 'f', message: 'm', subject: 's' })]);
  it.each([
    ['error', 0],
    ['warning', 1],
    ['notice', 1],
    ['never', 0],
  ] as const)('fail-on %s gives %d for a warning', (failOn, code) => {
    expect(exitCodeFor(r, failOn)).toBe(code);
  });
});
