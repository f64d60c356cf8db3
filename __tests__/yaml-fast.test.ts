/**
 * The quick workflow YAML reader (src/core/yaml-fast.ts) against yaml's parseDocument: on every
 * text it accepts it must give yaml's very document (node classes, values, ranges, source, type,
 * flow, format, schema, the Document's fields; comment fields aside), and it must accept nothing
 * yaml reports an error or a warning for, so a malformed workflow always gets yaml's error and line.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isAlias, isCollection, isPair, LineCounter, parseDocument } from 'yaml';
import { parseWorkflow } from '../src/workflows/parse.js';
import { readWorkflowYaml, readWorkflowYamlOrThrow, WORKFLOW_YAML_OPTIONS } from '../src/core/yaml-fast.js';
import { lineStartsOf, ZIZMOR_YAML_OPTIONS } from '../src/policy/zizmor.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    })
    .sort();
}

/** The fields yaml fills from comments, which nothing in src/ reads (the last test holds that). */
const COMMENT_FIELDS = new Set<PropertyKey>(['comment', 'commentBefore', 'spaceBefore']);

/**
 * The first difference between two values: own properties (symbols and non-enumerable ones too, and
 * their enumerability), prototypes, and which objects are shared (a node's schema is its document's).
 */
function difference(a: unknown, b: unknown, path = '$', seen = new Map<object, unknown>()): string | null {
  if (typeof a !== typeof b) return `${path}: ${typeof a} against ${typeof b}`;
  if (a === null || typeof a !== 'object') {
    if (typeof a === 'function') return a === b ? null : `${path}: another function`;
    return Object.is(a, b) ? null : `${path}: ${JSON.stringify(a)} against ${JSON.stringify(b)}`;
  }
  if (b === null) return `${path}: object against null`;
  if (seen.has(a)) return seen.get(a) === b ? null : `${path}: shared differently`;
  seen.set(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototype`;
  const keysA = Reflect.ownKeys(a).filter((key) => !COMMENT_FIELDS.has(key));
  const keysB = Reflect.ownKeys(b as object).filter((key) => !COMMENT_FIELDS.has(key));
  if (keysA.map(String).join(',') !== keysB.map(String).join(',')) return `${path}: keys ${keysA.map(String)} against ${keysB.map(String)}`;
  for (const key of keysA) {
    const da = Object.getOwnPropertyDescriptor(a, key)!;
    const db = Object.getOwnPropertyDescriptor(b, key)!;
    if (da.enumerable !== db.enumerable) return `${path}.${String(key)}: enumerable or not`;
    const found = difference(da.value, db.value, `${path}.${String(key)}`, seen);
    if (found) return found;
  }
  return null;
}

/** The reader's contract on one text: null, or yaml's document from a text yaml reads cleanly. Returns whether it accepted. */
function holds(text: string): boolean {
  const quick = readWorkflowYamlOrThrow(text);
  if (quick === null) return false;
  const reference = parseDocument(text, WORKFLOW_YAML_OPTIONS);
  const problem = reference.errors[0] ?? reference.warnings[0];
  if (problem) throw new Error(`accepted a text yaml reports (${problem.message}):\n${text.slice(0, 400)}`);
  const found = difference(quick, reference);
  if (found) throw new Error(`differs from yaml at ${found}:\n${text.slice(0, 400)}`);
  return true;
}

afterEach(() => {
  delete process.env.LOCKGATE_SLOW;
});

describe('the quick workflow YAML reader', () => {
  it('gives documents without anchors, aliases or tags, nested at most 64 collections deep (parse.ts then skips its alias walk)', () => {
    const inside = (node: unknown, depth: number): number => {
      if (isAlias(node)) throw new Error('an alias');
      if (isPair(node)) return Math.max(inside(node.key, depth), inside(node.value, depth));
      if (node && typeof node === 'object' && ((node as { anchor?: string }).anchor || (node as { tag?: string }).tag)) throw new Error('an anchor or tag');
      if (isCollection(node)) return Math.max(depth + 1, ...node.items.map((item) => inside(item, depth + 1)));
      return depth;
    };
    let deepest = 0;
    const texts = yamlFiles(join(ROOT, 'fixtures')).map((file) => readFileSync(file, 'utf8'));
    const deep = `a:\n${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} v\n`;
    expect(parseDocument(deep, WORKFLOW_YAML_OPTIONS).errors).toEqual([]);
    expect(readWorkflowYaml(deep)).toBeNull();
    for (const text of texts) {
      const quick = readWorkflowYaml(text);
      if (quick) deepest = Math.max(deepest, inside(quick.contents, 0));
    }
    expect(deepest).toBeGreaterThan(5);
    expect(deepest).toBeLessThanOrEqual(64);
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: &x\n  b: 1\n', '- *x\n']) expect(readWorkflowYaml(text)).toBeNull();
  });

  it("gives zizmor's comment reading (src/policy/zizmor.ts) yaml's nodes and line starts for its looser options", () => {
    let compared = 0;
    for (const file of yamlFiles(join(ROOT, 'fixtures'))) {
      const text = readFileSync(file, 'utf8');
      const quick = readWorkflowYaml(text);
      if (quick === null) continue;
      const lines = new LineCounter();
      const loose = parseDocument(text, { lineCounter: lines, ...ZIZMOR_YAML_OPTIONS });
      expect({ file, found: difference(quick.contents, loose.contents) }).toEqual({ file, found: null });
      expect({ file, starts: lineStartsOf(text) }).toEqual({ file, starts: lines.lineStarts });
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('reads the YAML of every fixture (the corpus, rule and hostile fixtures) exactly as yaml does', () => {
    const files = yamlFiles(join(ROOT, 'fixtures'));
    expect(files.length).toBeGreaterThan(300);
    const refused = files.filter((file) => !holds(readFileSync(file, 'utf8'))).map((file) => relative(ROOT, file));
    expect(refused).toEqual(REFUSED_FIXTURES);
    const corpus = files.filter((file) => file.includes('/corpus/'));
    expect(corpus.filter((file) => !refused.includes(relative(ROOT, file))).length).toBe(CORPUS_ACCEPTED);
  });

  it('reads tricky shapes exactly as yaml does, or leaves them to yaml', () => {
    for (const [text, accepted] of TRICKY) expect({ text, accepted: holds(text) }).toEqual({ text, accepted });
  });

  it('accepts nothing yaml reports and reads nothing otherwise, on random edits of real workflows', () => {
    const seeds = yamlFiles(join(ROOT, 'fixtures', 'workflows', 'corpus')).map((file) => readFileSync(file, 'utf8'));
    const pieces = [':', '-', '#', "'", '"', '|', '>', '[', ']', '{', '}', ',', '&', '*', '!', '%', '@', '`', '\\', ' ', '\t', '\n', ': ', '- ', ' #'];
    pieces.push('|-', '>-', '|+', '|2', '  ', 'a', '1', '~', '.', '?', '\n# c\n', '\n      # c', '---\n', 'k:\n', ':\n', '\n\n', '"\\u00e9"', '😀', '\r\n');
    let accepted = 0;
    let reportedByYaml = 0;
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(40),
        fc.array(fc.tuple(fc.nat(6), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(pieces.length - 1)), {
          minLength: 1,
          maxLength: 4,
        }),
        (seed, from, span, edits) => {
          // A window of 5 to 45 lines of a real workflow: every shape, small enough for thousands of runs.
          const all = seeds[seed]!.split('\n');
          const first = Math.min(all.length - 1, Math.floor(from * all.length));
          let text = all.slice(first, first + 5 + span).join('\n');
          for (const [kind, at, to, piece] of edits) {
            const i = Math.min(text.length, Math.floor(at * text.length));
            if (kind === 0) text = text.slice(0, i) + text.slice(i + 1);
            else if (kind === 1) text = text.slice(0, i) + pieces[piece]! + text.slice(i);
            else if (kind === 2) text = text.slice(0, i) + pieces[piece]! + text.slice(i + 1);
            else {
              const lines = text.split('\n');
              const a = Math.min(lines.length - 1, Math.floor(at * lines.length));
              const b = Math.min(lines.length, Math.floor(to * lines.length));
              if (kind === 3)
                lines.splice(b, 0, lines[a]!); // a line twice
              else if (kind === 4)
                lines.splice(a, 1); // a line dropped
              else if (kind === 5)
                lines[a] = ' '.repeat(1 + (piece % 3)) + lines[a]; // indented further
              else lines[a] = lines[a]!.replace(/^ {1,2}/, ''); // indented less
              text = lines.join('\n');
            }
          }
          if (holds(text)) accepted++;
          else if (parseDocument(text, WORKFLOW_YAML_OPTIONS).errors.length > 0) reportedByYaml++;
        },
      ),
      { seed: 16, numRuns: 3000 },
    );
    // Both sides of the contract were exercised.
    expect(accepted).toBeGreaterThan(300);
    expect(reportedByYaml).toBeGreaterThan(300);
  });

  it('gives parseWorkflow the same outcome on and off (LOCKGATE_SLOW=yaml-reader)', () => {
    const texts = yamlFiles(join(ROOT, 'fixtures')).map((file) => readFileSync(file, 'utf8'));
    texts.push('a: "x\n', 'a: [b\n', 'a: 1\na: 2\n', '- a\n', '', 'a: *x\n');
    for (const text of texts) {
      const quick = parseWorkflow('.github/workflows/x.yml', 'workflow', text);
      process.env.LOCKGATE_SLOW = 'yaml-reader';
      const slow = parseWorkflow('.github/workflows/x.yml', 'workflow', text);
      delete process.env.LOCKGATE_SLOW;
      const found = difference(quick.ok ? { ...quick.workflow, posAt: null } : quick, slow.ok ? { ...slow.workflow, posAt: null } : slow);
      expect({ text: text.slice(0, 200), found }).toEqual({ text: text.slice(0, 200), found: null });
    }
    // A syntax error keeps yaml's message and line.
    const broken = parseWorkflow('.github/workflows/x.yml', 'workflow', 'on: push\njobs:\n  a:\n    steps: "unclosed\n');
    expect(broken).toEqual({
      ok: false,
      problem: expect.objectContaining({ kind: 'syntax', line: 4, message: expect.stringMatching(/^The YAML does not parse: /) }),
    });
  });

  it('never throws, whatever the text', () => {
    for (const text of ['\u0000', '\ufeffa: 1', 'a:\r\n  b: 1', `a: ${'['.repeat(10_000)}`, `${'- '.repeat(5000)}x`, 'a:\n'.repeat(1) + '  b:\n'.repeat(500)]) {
      expect(() => readWorkflowYaml(text)).not.toThrow();
    }
    // Deep nesting is left to yaml (and parse.ts's depth limit), never a stack overflow here.
    const deep = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(readWorkflowYaml(deep)).toBeNull();
    expect(readWorkflowYaml(`${deep.split('\n').slice(0, 30).join('\n')} x\n`)).not.toBeNull();
  });

  it('may leave out comment fields because nothing in src/ reads them', () => {
    // yaml's comment, commentBefore and spaceBefore on nodes or the Document. Other words that
    // happen to end in `.comment` (a settings field, a context name, a method) are not yaml's.
    const readers = /\b(commentBefore|spaceBefore)\b|(?<!(?:[Ss]ettings|event|this))\.comment\b(?!\s*\()|\[\s*['"`]comment['"`]\s*\]/;
    const offenders = yamlSources(join(ROOT, 'src')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${relative(ROOT, file)}:${i + 1}`, line }))
        .filter(({ line }) => readers.test(line) && !/^\s*(\*|\/\/)/.test(line)),
    );
    expect(offenders).toEqual([]);
    // The check itself sees such a read.
    expect(readers.test('const why = node.commentBefore;')).toBe(true);
    expect(readers.test('if (pair.value.comment) return;')).toBe(true);
    expect(readers.test("['github.event.comment.body', COMMENT],")).toBe(false);
  });
});

/** src/ files other than the reader itself (whose doc comment names the fields). */
function yamlSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlSources(path);
    return entry.name.endsWith('.ts') && !path.endsWith(join('core', 'yaml-fast.ts')) ? [path] : [];
  });
}

const CORPUS_ACCEPTED = 144;

/** Each outside the subset on purpose (yaml reads them): anchors and aliases, flow mappings over several lines, multi-line quoted scalars, empty `-` items, nested compact sequences. */
const REFUSED_FIXTURES = [
  'fixtures/workflows/corpus/docling-project__docling/.github/mergify.yml',
  'fixtures/workflows/rules/unpinned-uses/fires/.github/workflows/ci.yml',
  'fixtures/workflows/rules/workflow-invalid/clean/.github/workflows/valid.yml',
  'fixtures/workflows/rules/workflow-invalid/fires/.github/workflows/steps.yml',
  'fixtures/workflows/zizmor-docs/excessive-permissions/.github/workflows/audits-md-after.yml',
  'fixtures/workflows/zizmor-docs/excessive-permissions/.github/workflows/audits-md-before.yml',
  'fixtures/workflows/zizmor-docs/template-injection/.github/workflows/scalars.yml',
];

/** Text, and whether the reader takes it (true: it must then be yaml's document; false: null). */
const TRICKY: [string, boolean][] = [
  ['a: 1\n', true],
  ['"quoted key": 1\n\'single\': 2\n"a\\"b": 3\n', true],
  ['key:value\n', false], // a plain scalar, not a pair: the root is not a mapping
  ['a: key:value\n', true], // a plain value with a colon inside
  ['a: b # comment\nc: d#not a comment\ne: "f" # c\ng: \'h\'#x\n', false], // a comment right after a quote is an error
  ['a: b # comment\nc: d#not a comment\ne: "f" # c\n', true],
  ['a: b   \nc: d \t\n', false], // a tab at the end of a line
  ['a: b   \nc: d  \n', true], // trailing spaces
  ['a: b\r\nc: d\r\n', false], // CRLF
  ['\ufeffa: b\n', false], // BOM
  ['a:\nb:\n', true], // empty values
  ['a:   \nb: # c\n\n\nc: 1\n', true],
  ['a:\n  # c\n\n  b:\n', true],
  ['- \n', false],
  ['a:\n  -\n  - x\n', false], // an empty item
  ['a: |\n  x\n  y\nb: >\n  x\n\n  y\n   z\nc: |-\n  x\n\nd: >-\n  x\ne: |+\n  x\n\n\nf: |2\n     x\n', true],
  ['a: |\n\n\n  x\n\n\n', true],
  ['a: |+\n  x\n\n', true],
  ['a: |\n  x\n   \n', true],
  ['a: |\nb: 1\n', true], // an empty block scalar
  ['a: |x\n  y\n', false], // not a header
  ['a: |--\n  y\n', false],
  ['a: |\n    x\n  y\n', false], // less indented than the first line
  ['a: |\n\n    \n  x\n', false], // more-indented leading empty lines
  ['a: b\n\n\n', true], // trailing blank lines
  ['a: b', true], // no final line break
  ['a: |\n  x', true],
  ['a: "😀 é"\nb: 😀x\nc: [😀, "😀"]\n', true], // UTF-16 offsets
  ['on: push\nyes: no\nTrue: true\nnull: ~\nx: NULL\n', true], // YAML 1.2: `on`, `yes`, `no` are strings
  ['a: 3.10\nb: 1e3\nc: 0o17\nd: .5\ne: 0x1F\nf: .inf\ng: -.Inf\nh: .nan\ni: 010\nj: +1\nk: 1_000\nl: 3.\n', true],
  ['a: -\n', false], // `-` then nothing is a sequence indicator
  ['a: -x\nb: --flag\nc: ?x\nd: :x\n', true],
  ['? a\n: b\n', false], // explicit keys
  ['a: 1\na: 2\n', true], // duplicate keys (uniqueKeys false)
  ['a:\n\tb: 1\n', false], // tabs
  ['a: "x\ty"\n', true], // a tab inside a quoted scalar
  ['a: |\n  x\ty\n', true], // and inside block scalar text
  ['a: &x 1\nb: *x\n', false], // anchors and aliases
  ['a: !tag x\n', false],
  ['%YAML 1.2\n---\na: 1\n', false],
  ['---\na: 1\n', true],
  ['a: 1\n---\nb: 2\n', false],
  ['a: 1\n...\n', false],
  ['a: [b, c]\nd: []\ne: {}\nf: { g: h, i: "j" }\nk: [ l , \'m\' , ]\n', true],
  ['a: [b,\n  c]\nd: 1\n', true], // a flow sequence over several lines
  ['a:\n  - {\n      b: "c",\n      d: e,\n    }\n  - [\n    f,\n    g\n  ]\n  - { h: i\n    }\n', true],
  ['a: [\nb]\n', false], // a flow line not indented past its collection
  ['a: [b,\n\n  c]\n', false], // a blank line inside
  ['a: [b, # c\n  d]\n', false], // a comment inside
  ['a: [b\n  , c]\n', false],
  ['a: [[b]]\n', false], // nested flow collections
  ['a: [b: c]\n', false], // a pair in a flow sequence
  ['a: [b, , c]\n', false],
  ['a: {b}\n', false],
  ['a: "x\n  y"\n', false], // a multi-line quoted scalar
  ["a: \"\\x41\\u00e9\\U0001F600\\n\\t\\\\ \\\"\"\nb: 'it''s'\n", true],
  ['a: "\\q"\n', false], // an invalid escape
  ['a: x\n  y\n\n  z\nb: 1\n', true], // a plain scalar over several lines
  ['a: x\n  y: z\n', false], // a multi-line implicit key
  ['a: x\n# c\n  y\n', false],
  ['a:\n  b: 1\n  # c\nd: 2\n', true], // a trailing comment stays with the inner mapping
  ['a:\n  b: 1\n    # c\nd: 2\n', true], // an indented one joins the value's end
  ['a:\n  - b\n  # c\n\nd: 2\n', true],
  ['- a\n', false], // a root that is not a mapping
  ['a:\n- b\n- c: d\n  e: f\ng: h\n', true], // a sequence at its key's column, compact mappings
  ['a:\n  - b:\n      c: d\n    e:\n    - f\n', true],
  ['a:\n    b: 1\n  c: 2\n', false], // a key at no mapping's column
  ['a: b\n - c\n', true], // a continuation line, not a sequence
  ['a: b: c\n', false],
  ['a: b\n  c: d\n', false],
  ['a:\n  b: 1\n- c\n', false],
  ['a: @x\n', false],
  ['a: `x\n', false],
  ['a: %x\n', false],
  ['a: ,x\n', false],
  ['a: "x" y\n', false],
  ['a: >\n  folded\n    more\n  back\n\n  para\n', true],
  [`${'k'.repeat(1100)}: v\n`, false], // an implicit key over 1024 characters
];
