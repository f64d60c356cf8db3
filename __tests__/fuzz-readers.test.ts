/**
 * Fuzzing the readers: random text and mutations of the corpus files through parseToml, readLock,
 * readPyproject, loadUvProjects and loadWorkflows. Nothing may throw; a file the parser refuses is
 * an `invalid-file` finding at a line inside the file; every position the readers record lies
 * inside the file. On failure the message starts with the seed and a replay command.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse as parseTomlValue, stringify as stringifyToml } from 'smol-toml';
import { parseDocument, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_LIMITS, type Limits } from '../src/settings/types.js';
import { readLock } from '../src/uv/lock.js';
import { loadUvProjects } from '../src/uv/load.js';
import { isPyprojectError, readPyproject } from '../src/uv/pyproject.js';
import { keyPath, lineOf, parseToml } from '../src/uv/toml.js';
import { HOSTILE_STRINGS, lineCount, mutateAll, mutationArb, smallUvTrees, workflowTexts } from './support/fuzz-corpus.js';
import { assertFuzz, fuzzCasesRun, SEED } from './support/fuzz.js';
import { sourceFiles } from './support/pipeline.js';
import { loadWorkflowsReported } from './support/workflows.js';
import { withInvalidFindings } from './support/uv-load-findings.js';

const FILE = '__tests__/fuzz-readers.test.ts';
const LIMITS: Limits = DEFAULT_LIMITS;

const trees = smallUvTrees();
const locks = trees.flatMap((t) =>
  Object.entries(t.files)
    .filter(([p]) => p.endsWith('uv.lock'))
    .map(([, text]) => text),
);
const pyprojects = trees.flatMap((t) =>
  Object.entries(t.files)
    .filter(([p]) => p.endsWith('pyproject.toml'))
    .map(([, text]) => text),
);
const workflows = workflowTexts();

function smolAccepts(text: string): boolean {
  try {
    parseTomlValue(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * `atEof`: the raw readers report an unclosed bracket or string at the end of the input, which may be
 * the empty line after the final newline; the loaders move such a line onto the file (checked there
 * without this allowance).
 */
function expectLineIn(line: number | undefined, text: string, what: string, atEof = false): void {
  const last = atEof ? text.split('\n').length : lineCount(text);
  if (line === undefined || !Number.isInteger(line) || line < 1 || line > last) {
    throw new Error(`${what}: line ${String(line)} is not inside the file (${lineCount(text)} lines)`);
  }
}

const mutations = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

afterAll(() => {
  // Shown on every run, so a green CI log still says which seed it was.
  process.stdout.write(`fuzz-readers: seed ${SEED}, ${fuzzCasesRun()} cases\n`);
});

describe('TOML reader (parseToml)', () => {
  it('random text from TOML syntax pieces: never throws; refusal agrees with smol-toml and names a line inside the text', () => {
    const piece = fc.constantFrom(
      'a',
      'b.c',
      '"k"',
      "'l'",
      ' = ',
      '=',
      '1',
      '1.5',
      'true',
      '"s"',
      '"""m\nn"""',
      "'''r'''",
      '[t]',
      '[[u]]',
      '[',
      ']',
      '{',
      '}',
      ',',
      '\n',
      '\r\n',
      '#c',
      ' ',
      '\\',
      '\\u00e9',
      '1979-05-27T07:32:00Z',
      'inf',
      'nan',
      '0x1F',
      '\t',
      '\u0000',
      '\ufeff',
    );
    assertFuzz(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        (text) => {
          const result = parseToml('x.toml', text);
          expect(result.ok).toBe(smolAccepts(text));
          if (!result.ok) {
            expectLineIn(result.line, text, 'syntax error', true);
            expect(result.message.length).toBeGreaterThan(0);
          } else {
            for (const [path, line] of result.lines) expectLineIn(line, text, `position of ${path}`);
          }
        },
      ),
      2000,
      FILE,
    );
  });

  it('deep nesting of arrays and inline tables does not overflow the stack', () => {
    assertFuzz(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.constantFrom('[', '{a=', '[{b=['), (depth, open) => {
        const close = open === '[' ? ']' : open === '{a=' ? '}' : ']}]';
        const text = `x = ${open.repeat(depth)}1${close.repeat(depth)}\n`;
        const result = parseToml('deep.toml', text);
        if (!result.ok) expectLineIn(result.line, text, 'deep nesting', true);
      }),
      40,
      FILE,
    );
  });

  it('generated documents (smol-toml stringify of random tables) read back with every key at a line inside the text', () => {
    const key = fc.oneof(fc.constantFrom('name', 'version', 'source', 'package', 'a.b', 'with space', '"q"', 'ünï', ''), fc.string({ maxLength: 6 }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, tie('scalar'), tie('array'), tie('table')),
      scalar: fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom(...HOSTILE_STRINGS.map((s) => s.slice(0, 40))),
        fc.integer(),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      ),
      array: fc.array(tie('node'), { maxLength: 4 }),
      table: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    })).table;
    assertFuzz(
      fc.property(value, (doc) => {
        let text: string;
        try {
          text = stringifyToml(doc as Record<string, unknown>);
        } catch {
          return; // smol-toml cannot write some shapes (mixed arrays of tables); nothing to read then
        }
        const result = parseToml('gen.toml', text);
        expect(result.ok).toBe(smolAccepts(text));
        if (result.ok) for (const [path, line] of result.lines) expectLineIn(line, text, `position of ${path}`);
      }),
      800,
      FILE,
    );
  });
});

describe('uv.lock reader (readLock)', () => {
  it('mutated corpus locks: never throws; an error names a line inside the file; every package line is inside the file', () => {
    assertFuzz(
      fc.property(fc.nat({ max: locks.length - 1 }), mutations, (which, ops) => {
        const text = mutateAll(locks[which]!, ops);
        const result = readLock('uv.lock', text, LIMITS);
        if ('error' in result) {
          expectLineIn(result.error.line, text, `lock error "${result.error.message}"`, true);
          expect(result.error.message).toMatch(/\S/);
          return;
        }
        for (const pkg of result.lock.packages) if (pkg.line !== undefined) expectLineIn(pkg.line, text, `package ${pkg.name}`);
      }),
      1200,
      FILE,
    );
  });

  it('the line of package[i] is its [[package]] header whenever the headers are plainly written', () => {
    assertFuzz(
      fc.property(fc.nat({ max: locks.length - 1 }), mutations, fc.boolean(), (which, ops, crlf) => {
        let text = mutateAll(locks[which]!, ops);
        if (crlf) text = text.replace(/\r?\n/g, '\r\n');
        const result = readLock('uv.lock', text, LIMITS);
        if ('error' in result) return;
        const lines = text.split('\n');
        const headers = lines.map((l, i) => [l, i + 1] as const).filter(([l]) => /^\[\[package\]\]\r?$/.test(l));
        if (headers.length !== result.lock.packages.length) return; // headers written oddly (quoted, spaced, inline): no simple oracle
        result.lock.packages.forEach((_pkg, i) => expect(lineOf(result.lock.lines ?? new Map(), keyPath('package', i))).toBe(headers[i]![1]));
      }),
      400,
      FILE,
    );
  });

  it('wrong types in every lock field: never throws, always a lock or an error at a line inside the file', () => {
    const odd = fc.oneof(
      fc.constant('1'),
      fc.constant('true'),
      fc.constant('[]'),
      fc.constant('{}'),
      fc.constant('"x"'),
      fc.constant('[1, "a", {b = 2}]'),
      fc.constant('{ registry = 1 }'),
      fc.constant('1979-05-27'),
    );
    assertFuzz(
      fc.property(fc.nat({ max: locks.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), odd, (which, at, replacement) => {
        const source = locks[which]!;
        // Replace the value of the n-th `key = value` line with a value of another type.
        const assignments = [...source.matchAll(/^([A-Za-z-]+) = (.+)$/gm)];
        if (assignments.length === 0) return;
        const match = assignments[Math.min(assignments.length - 1, Math.floor(at * assignments.length))]!;
        const start = match.index! + match[1]!.length + 3;
        const text = source.slice(0, start) + replacement + source.slice(start + match[2]!.length);
        const result = readLock('uv.lock', text, LIMITS);
        if ('error' in result) expectLineIn(result.error.line, text, `lock error "${result.error.message}"`, true);
      }),
      500,
      FILE,
    );
  });
});

describe('pyproject.toml reader (readPyproject)', () => {
  it('mutated corpus pyprojects: never throws; an error names a line inside the file; positions are inside the file', () => {
    assertFuzz(
      fc.property(fc.nat({ max: pyprojects.length - 1 }), mutations, (which, ops) => {
        const text = mutateAll(pyprojects[which]!, ops);
        const result = readPyproject('pyproject.toml', text);
        expect(isPyprojectError(result)).toBe(!smolAccepts(text));
        if (isPyprojectError(result)) expectLineIn(result.error.line, text, 'pyproject error', true);
        else for (const [path, line] of result.lines) expectLineIn(line, text, `position of ${path}`);
      }),
      800,
      FILE,
    );
  });
});

describe('uv project discovery (loadUvProjects)', () => {
  it('mutated corpus trees: every unparsable pyproject and lock is an invalid-file finding at a line inside it', () => {
    assertFuzz(
      fc.property(fc.nat({ max: trees.length - 1 }), fc.array(fc.tuple(fc.nat(), mutations), { minLength: 1, maxLength: 3 }), (which, edits) => {
        const files = { ...trees[which]!.files };
        const paths = Object.keys(files).sort();
        for (const [n, ops] of edits) {
          const path = paths[n % paths.length]!;
          files[path] = mutateAll(files[path]!, ops);
        }
        const { projects, invalid } = withInvalidFindings(loadUvProjects(sourceFiles(files), LIMITS));
        for (const finding of invalid) {
          expect(finding.rule).toBe('invalid-file');
          expect(files[finding.file]).toBeDefined();
          expectLineIn(finding.line, files[finding.file]!, `invalid-file for ${finding.file}`);
        }
        const reported = new Set(invalid.map((f) => f.file));
        for (const [path, text] of Object.entries(files)) {
          if (path.endsWith('pyproject.toml') && !smolAccepts(text)) expect(reported.has(path)).toBe(true);
        }
        for (const project of projects) {
          const lockText = files[project.lockFile];
          if (lockText !== undefined && !smolAccepts(lockText)) expect(reported.has(project.lockFile)).toBe(true);
          if (project.lockState === 'invalid') expect(reported.has(project.lockFile)).toBe(true);
        }
      }),
      500,
      FILE,
    );
  });

  it('unreadable and missing texts are findings, never crashes', () => {
    assertFuzz(
      fc.property(
        fc.nat({ max: trees.length - 1 }),
        fc.nat(),
        fc.constantFrom(
          'not valid UTF-8',
          'a binary file (it contains NUL bytes)',
          'a symlink that points outside the repository, which lockgate does not follow',
          '',
        ),
        (which, n, reason) => {
          const files = { ...trees[which]!.files };
          const paths = Object.keys(files).sort();
          const victim = paths[n % paths.length]!;
          delete files[victim];
          const { invalid } = withInvalidFindings(loadUvProjects(sourceFiles(files, { [victim]: reason }), LIMITS));
          const finding = invalid.find((f) => f.file === victim);
          // A pyproject is always read; a lock or uv.toml only when its folder holds a uv project.
          if (victim.endsWith('pyproject.toml')) expect(finding).toBeDefined();
          if (finding) expect(finding.line).toBe(1);
        },
      ),
      200,
      FILE,
    );
  });
});

describe('workflow reader (loadWorkflows)', () => {
  it('mutated corpus workflows: every file YAML refuses is an invalid-file finding at a line inside it', () => {
    assertFuzz(
      fc.property(fc.nat({ max: workflows.length - 1 }), mutations, (which, ops) => {
        const { path, text: original } = workflows[which]!;
        const text = mutateAll(original, ops);
        const { workflows: parsed, invalid } = loadWorkflowsReported(sourceFiles({ [path]: text }), LIMITS);
        expect(parsed.length + invalid.length).toBe(1);
        for (const finding of invalid) {
          expect(finding.rule).toBe('invalid-file');
          expectLineIn(finding.line, text, `invalid-file "${finding.message}"`);
        }
        const yamlErrors = parseDocument(text, { strict: true, uniqueKeys: false }).errors.length;
        if (yamlErrors > 0) expect(invalid).toHaveLength(1);
      }),
      700,
      FILE,
    );
  });

  it('random YAML values with hostile strings, anchors and deep nesting: never throws', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, tie('scalar'), tie('list'), tie('map')),
      scalar: fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)),
      list: fc.array(tie('node'), { maxLength: 4 }),
      map: fc.dictionary(
        fc.constantFrom('on', 'jobs', 'steps', 'uses', 'run', 'with', 'env', 'permissions', 'runs', 'using', 'updates', 'cooldown', 'x'),
        tie('node'),
        { maxKeys: 4 },
      ),
    })).node;
    assertFuzz(
      fc.property(value, fc.integer({ min: 0, max: 400 }), (doc, depth) => {
        const text = `${'  '.repeat(0)}${stringifyYaml({ on: 'push', jobs: { a: { 'runs-on': 'x', steps: [{ uses: doc }] } } })}\n${'x:\n'.repeat(Math.min(depth, 1))}${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')}\n`;
        const { invalid } = loadWorkflowsReported(sourceFiles({ '.github/workflows/w.yml': text }), LIMITS);
        for (const finding of invalid) expectLineIn(finding.line, text, `invalid-file "${finding.message}"`);
      }),
      300,
      FILE,
    );
  });
});

describe('the fuzz suite itself', () => {
  it('prints the seed and a replay command when a property fails', () => {
    let message = '';
    try {
      assertFuzz(
        fc.property(fc.integer(), (n) => n < 10),
        200,
        FILE,
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`FUZZ_SEED=`);
    expect(message).toMatch(/seed: -?\d+/);
    expect(message).toContain('Counterexample');
  });

  it('ran at least 6,000 cases in this file (with the fuzz-pipeline suite: over 10,000)', () => {
    if (process.env.FUZZ_SCALE === undefined) expect(fuzzCasesRun()).toBeGreaterThanOrEqual(6000);
  });
});
