/**
 * src/action/runner.ts writes what @actions/core 3.0.1 wrote (inputs, outputs, failures and
 * annotations), byte for byte, for hostile names and values: `::`, `%`, CR/LF, `,` and `:` in
 * titles. @actions/core is a devDependency for this comparison only; the bundles do not contain it.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotation, getInput, setFailed, setOutput } from '../src/action/runner.js';

const CORE_ANNOTATION = { error: core.error, warning: core.warning, notice: core.notice };

const HOSTILE = [
  'plain',
  '',
  'evil::error::forged',
  '100% %25 %0A',
  'line one\nline two\r\n::warning::second',
  'a,b:c=d',
  'pkg ##[add-mask]x',
  '\u2028unicode line separator\u2029',
  '  padded  ',
];

let dir = '';
let written = '';
const saved = { ...process.env };
const originalWrite = process.stdout.write.bind(process.stdout);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockgate-runner-'));
  written = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  }) as typeof process.stdout.write;
});

afterEach(() => {
  process.stdout.write = originalWrite;
  process.env = { ...saved };
  process.exitCode = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** What `run` printed to stdout, and the exit code it set. */
function stdoutOf(run: () => void): { out: string; exitCode: typeof process.exitCode } {
  written = '';
  process.exitCode = undefined;
  run();
  return { out: written, exitCode: process.exitCode };
}

/** GITHUB_OUTPUT after `run`, with the random delimiters replaced by one placeholder. */
function outputFileOf(run: () => void): string {
  const path = join(dir, `output-${Math.random()}`);
  writeFileSync(path, '');
  process.env.GITHUB_OUTPUT = path;
  run();
  return readFileSync(path, 'utf8').replace(/ghadelimiter_[0-9a-f-]{36}/g, 'DELIMITER');
}

describe('getInput', () => {
  it('reads INPUT_<NAME> (spaces as _, upper case, dashes kept), trimmed, "" when unset', () => {
    process.env['INPUT_INDEX-URL'] = '  https://example.invalid/simple \n';
    process.env.INPUT_BASE_REF = 'main';
    process.env.INPUT_EMPTY = '';
    for (const name of ['index-url', 'base ref', 'BASE REF', 'empty', 'never-set']) expect(getInput(name)).toBe(core.getInput(name));
    expect(getInput('index-url')).toBe('https://example.invalid/simple');
    expect(getInput('base ref')).toBe('main');
    expect(getInput('never-set')).toBe('');
  });
});

describe('setOutput', () => {
  it('appends name<<delimiter, the value and the delimiter to GITHUB_OUTPUT, as @actions/core does', () => {
    for (const value of [...HOSTILE, '{"findings":[]}']) {
      const ours = outputFileOf(() => setOutput('findings-json', value));
      expect(ours).toBe(outputFileOf(() => core.setOutput('findings-json', value)));
      expect(ours).toBe(`findings-json<<DELIMITER\n${value}\nDELIMITER\n`);
    }
  });

  it('uses a fresh delimiter each time, so a value cannot end the block it is in', () => {
    const path = join(dir, 'output');
    writeFileSync(path, '');
    process.env.GITHUB_OUTPUT = path;
    setOutput('a', 'x');
    setOutput('b', 'y');
    const delimiters = readFileSync(path, 'utf8').match(/ghadelimiter_[0-9a-f-]{36}/g) ?? [];
    expect(delimiters).toHaveLength(4);
    expect(new Set(delimiters).size).toBe(2);
  });

  it('refuses a GITHUB_OUTPUT that does not exist, with the same message', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'missing');
    expect(() => setOutput('a', 'b')).toThrow(`Missing file at path: ${join(dir, 'missing')}`);
    expect(() => core.setOutput('a', 'b')).toThrow(`Missing file at path: ${join(dir, 'missing')}`);
  });

  it('without GITHUB_OUTPUT, prints the escaped ::set-output command', () => {
    delete process.env.GITHUB_OUTPUT;
    for (const value of HOSTILE) {
      for (const name of ['errors', 'na,me:x', 'new\nline']) {
        const ours = stdoutOf(() => setOutput(name, value));
        expect(ours).toEqual(stdoutOf(() => core.setOutput(name, value)));
        expect(ours.out.split('\n').filter((line) => line.startsWith('::'))).toHaveLength(1);
      }
    }
  });
});

describe('annotations and failure', () => {
  it.each(['error', 'warning', 'notice'] as const)('%s with a title: the same escaped command as @actions/core', (severity) => {
    for (const message of HOSTILE) {
      for (const title of ['lockgate', 'a,b:c', '50%\nx']) {
        const ours = stdoutOf(() => annotation(severity, message, title));
        expect(ours).toEqual(stdoutOf(() => CORE_ANNOTATION[severity](message, { title })));
        // One line, one command: nothing in a message or title starts another.
        expect(ours.out.split('\n')).toHaveLength(2);
        expect(ours.out.startsWith(`::${severity} title=`)).toBe(true);
      }
    }
  });

  it('escapes the data as the runner unescapes it', () => {
    expect(stdoutOf(() => annotation('error', 'a%b\r\nc::d', 'x:y,z')).out).toBe('::error title=x%3Ay%2Cz::a%25b%0D%0Ac::d\n');
    expect(stdoutOf(() => annotation('notice', 'no title')).out).toBe('::notice::no title\n');
  });

  it('setFailed sets exit code 1 and prints the error, as @actions/core does', () => {
    for (const message of HOSTILE) {
      const ours = stdoutOf(() => setFailed(message));
      expect(ours).toEqual(stdoutOf(() => core.setFailed(message)));
      expect(ours.exitCode).toBe(1);
    }
  });
});
