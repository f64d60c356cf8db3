/**
 * Lines must stay right on hostile layouts: CRLF line endings, a file that ends inside an unclosed
 * array or string, blank tails. Every finding must point at a line of the file with the text a
 * reviewer has to look at.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../src/settings/types.js';
import { loadUvProjects } from '../src/uv/load.js';
import { keyPath, lineOf, parseToml } from '../src/uv/toml.js';
import { FIXTURES } from './support/fuzz-corpus.js';
import { runPipeline, sourceFiles } from './support/pipeline.js';
import { loadWorkflowsReported } from './support/workflows.js';
import { withInvalidFindings } from './support/uv-load-findings.js';

const PYPROJECT = '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["idna"]\n';

describe('a TOML file that ends inside an unclosed construct', () => {
  it.each([
    ['an array', 'version = 1\nrevision = 3\n\n[[package]]\nname = "a"\nwheels = [\n  { url = "x" },\n', 7],
    ['an array, then blank lines', 'version = 1\n[[package]]\nname = "a"\nwheels = [\n  { url = "x" },\n\n\n\n', 5],
    ['a multi-line string (where it opens)', 'version = 1\nx = """\nabc\n', 2],
    ['an inline table without a final newline', 'version = 1\nsource = { registry = "x"', 2],
  ])('%s: invalid-file at the last line with text', (_what, lock, line) => {
    const { invalid } = withInvalidFindings(loadUvProjects(sourceFiles({ 'pyproject.toml': PYPROJECT, 'uv.lock': lock }), DEFAULT_LIMITS));
    expect(invalid.map((f) => [f.file, f.line])).toEqual([['uv.lock', line]]);
  });

  it('a pyproject.toml cut off inside its dependency list', () => {
    const { invalid } = withInvalidFindings(
      loadUvProjects(sourceFiles({ 'pyproject.toml': '[project]\nname = "app"\ndependencies = [\n  "idna",\n\n' }), DEFAULT_LIMITS),
    );
    expect(invalid.map((f) => [f.file, f.line])).toEqual([['pyproject.toml', 4]]);
  });
});

describe('CRLF line endings', () => {
  const dir = `${FIXTURES}uv/astral-sh__uv-fastapi-example/a5e5d41ec407`;
  const lf = { 'pyproject.toml': readFileSync(`${dir}/pyproject.toml`, 'utf8'), 'uv.lock': readFileSync(`${dir}/uv.lock`, 'utf8') };
  const crlf = Object.fromEntries(Object.entries(lf).map(([p, t]) => [p, t.replace(/\n/g, '\r\n')]));

  it('every package of a CRLF lock has the line of its LF twin', () => {
    const a = loadUvProjects(sourceFiles(lf), DEFAULT_LIMITS).projects[0]!.lock!;
    const b = loadUvProjects(sourceFiles(crlf), DEFAULT_LIMITS).projects[0]!.lock!;
    expect(b.packages.length).toBeGreaterThan(10);
    expect(b.packages.map((p) => [p.name, p.line])).toEqual(a.packages.map((p) => [p.name, p.line]));
    for (const pkg of b.packages) expect(crlf['uv.lock']!.split('\r\n')[pkg.line! - 1]).toBe('[[package]]');
  });

  it('the whole pipeline gives the same findings at the same lines for CRLF and LF files', () => {
    const workflow = readFileSync(`${FIXTURES}workflows/corpus/Kludex__starlette/.github/workflows/main.yml`, 'utf8');
    const files = { ...lf, '.github/workflows/main.yml': workflow };
    const crlfFiles = Object.fromEntries(Object.entries(files).map(([p, t]) => [p, t.replace(/\n/g, '\r\n')]));
    const located = (texts: Record<string, string>) => runPipeline(sourceFiles(texts), null).result.report.findings.map((f) => `${f.rule} ${f.file}:${f.line}`);
    const expected = located(files);
    expect(expected.length).toBeGreaterThan(3);
    expect(located(crlfFiles)).toEqual(expected);
  });

  it('workflow syntax errors in a CRLF file are reported at the LF line', () => {
    const text = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps: [\n';
    const at = (t: string) => loadWorkflowsReported(sourceFiles({ '.github/workflows/w.yml': t }), DEFAULT_LIMITS).invalid.map((f) => f.line);
    expect(at(text.replace(/\n/g, '\r\n'))).toEqual(at(text));
  });
});

describe('a dotted key or table header of 50,000 segments (valid TOML, 100 KB)', () => {
  // Indexing every prefix of such a key made the position index quadratic (seconds for 100 KB):
  // only the first prefixes and the full key are indexed, so the index stays small.
  const deep = Array.from({ length: 50_000 }, () => 'x');

  it('a dotted key: a bounded index, and the key still has its line', () => {
    const text = `[project]\nname = "a"\n${deep.join('.')} = 1\n`;
    const result = parseToml('pyproject.toml', text);
    if (!result.ok) throw new Error(result.message);
    expect(result.lines.size).toBeLessThan(200);
    expect(result.lines.get(keyPath('project', ...deep))).toBe(3);
    expect(lineOf(result.lines, keyPath('project', ...deep.slice(0, 100)))).toBe(3);
  });

  it('table and array-of-tables headers: a bounded index, lines of the keys inside them', () => {
    const text = `[${deep.join('.')}]\nb = 1\n[[${deep.map(() => 'c').join('.')}]]\nd = 2\n`;
    const result = parseToml('pyproject.toml', text);
    if (!result.ok) throw new Error(result.message);
    expect(result.lines.size).toBeLessThan(400);
    expect(result.lines.get(keyPath(...deep, 'b'))).toBe(2);
  });
});
