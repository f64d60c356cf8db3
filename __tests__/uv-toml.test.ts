import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { indexPositions, keyPath, lineOf, parseToml } from '../src/uv/toml.js';
import { corpusSnapshots, sourceFromDir } from './uv-helpers.js';

const DOC = `# leading comment
[project]
name = "demo"   # trailing comment
dependencies = [
  "a>=1", # one
  'b',

  """c""",
  # comment between elements
  "d[x,y]; python_version < '3.11'",
]
"quoted.key" = 1
dotted.key."with space" = { x = 1, y = [1, 2], z = { w = 3 } }
when = 1979-05-27 07:32:00Z
text = """first
second "quoted" \\
third"""
literal = '''
x
'''
after = true

[[tool.uv.index]]
name = "a"
url = "https://a.example/simple"

[[tool.uv.index]]
name = "b"
url = "https://b.example/simple"

[tool.uv.sources]
foo = [{ git = "https://g" , marker = "sys_platform == 'linux'" }, { path = "p" }]
"zope.interface" = { git = "https://z" }

[[package]]
name = "x"
wheels = [
    { url = "https://w/1", hash = "sha256:1" },
    { url = "https://w/2", hash = "sha256:2" },
]

[package.metadata]
requires-dist = [{ name = "y" }]

[[package.extra]]
k = 1

[[package]]
name = "z"

[[package.extra]]
k = 2
`;

describe('indexPositions', () => {
  const lines = indexPositions(DOC);
  const rows: [string, number][] = [
    ['project', 2],
    ['project.name', 3],
    ['project.dependencies', 4],
    ['project.dependencies[0]', 5],
    ['project.dependencies[1]', 6],
    ['project.dependencies[2]', 8],
    ['project.dependencies[3]', 10],
    ['project."quoted.key"', 12],
    ['project.dotted', 13],
    ['project.dotted.key."with space"', 13],
    ['project.dotted.key."with space".y[1]', 13],
    ['project.dotted.key."with space".z.w', 13],
    ['project.when', 14],
    ['project.text', 15],
    ['project.literal', 18],
    // Multi-line strings must advance the line count: `after` is on line 21.
    ['project.after', 21],
    ['tool', 23],
    ['tool.uv.index[0]', 23],
    ['tool.uv.index[0].url', 25],
    ['tool.uv.index[1]', 27],
    ['tool.uv.index[1].name', 28],
    ['tool.uv.index[1].url', 29],
    ['tool.uv.sources', 31],
    ['tool.uv.sources.foo[0]', 32],
    ['tool.uv.sources.foo[1]', 32],
    ['tool.uv.sources."zope.interface"', 33],
    ['package[0]', 35],
    ['package[0].wheels[0]', 38],
    ['package[0].wheels[1]', 39],
    // A sub-table header after [[package]] belongs to the last element.
    ['package[0].metadata', 42],
    ['package[0].metadata.requires-dist[0]', 43],
    ['package[0].extra[0]', 45],
    ['package[0].extra[0].k', 46],
    ['package[1]', 48],
    ['package[1].name', 49],
    ['package[1].extra[0]', 51],
    ['package[1].extra[0].k', 52],
  ];
  it.each(rows)('%s is on line %i', (path, line) => {
    expect(lines.get(path)).toBe(line);
  });

  it('does not index keys of inline tables inside arrays, but lineOf falls back to the element', () => {
    expect(lines.has('package[0].wheels[1].hash')).toBe(false);
    expect(lineOf(lines, 'package[0].wheels[1].hash')).toBe(39);
    expect(lineOf(lines, 'tool.uv.sources.foo[0].marker')).toBe(32);
    expect(lineOf(lines, 'nothing.here')).toBeUndefined();
  });

  it('builds the same spelling with keyPath', () => {
    expect(keyPath('tool', 'uv', 'sources', 'zope.interface')).toBe('tool.uv.sources."zope.interface"');
    expect(keyPath('package', 12, 'wheels', 0)).toBe('package[12].wheels[0]');
    expect(lineOf(lines, keyPath('tool', 'uv', 'sources', 'zope.interface'))).toBe(33);
  });

  it('behaves as a plain Map: elements appear in iteration, size and forEach', () => {
    const index = indexPositions(DOC);
    expect(index).toBeInstanceOf(Map);
    expect(index.has('project.dependencies[3]')).toBe(true);
    expect(index.has('project.dependencies[4]')).toBe(false);
    const entries = new Map([...index]);
    expect(entries.get('project.dependencies[2]')).toBe(8);
    expect(entries.get('package[0].wheels[1]')).toBe(39);
    expect(index.size).toBe(entries.size);
    let seen = 0;
    index.forEach(() => seen++);
    expect(seen).toBe(entries.size);
    for (const [path, line] of rows) expect(entries.get(path)).toBe(line);
    expect(index.get('package[0].wheels[1]')).toBe(39);
  });

  it('in compact mode (uv.lock) leaves keys of inline tables to lineOf', () => {
    const compact = indexPositions(DOC, { compact: true });
    expect(compact.has('project.dotted.key."with space"')).toBe(true);
    expect(compact.has('project.dotted.key."with space".z.w')).toBe(false);
    expect(lineOf(compact, 'project.dotted.key."with space".z.w')).toBe(13);
    for (const [path, line] of rows.filter(([p]) => !p.includes('"with space".'))) expect(compact.get(path)).toBe(line);
  });

  it('counts CRLF documents the same', () => {
    const crlf = indexPositions(DOC.replace(/\n/g, '\r\n'));
    for (const [path, line] of rows) expect(crlf.get(path)).toBe(line);
  });

  it('handles TOML 1.1 multi-line inline tables and escaped quotes', () => {
    const text = 'a = { x = 1,\n  y = "q\\"}{[" ,\n}\nb = "\\\\"\nc = 2\n';
    expect(parse(text)).toBeTruthy();
    const positions = indexPositions(text);
    expect(positions.get('a.y')).toBe(2);
    expect(positions.get('b')).toBe(4);
    expect(positions.get('c')).toBe(5);
  });
});

describe('parseToml', () => {
  it('returns values and lines for a valid document', () => {
    const result = parseToml('pyproject.toml', DOC);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect((result.value.project as Record<string, unknown>).name).toBe('demo');
    expect(result.lines.get('project.name')).toBe(3);
  });

  it.each([
    ['unclosed array', 'x = 1\ny = [1,\n2,\n', 4],
    ['unclosed string', 'a = 1\nb = "open\nc = 2\n', 2],
    ['duplicate key', 'a = 1\nb = 2\na = 3\n', 3],
    ['bad header', 'a = 1\n[tool\nb = 2\n', 2],
  ])('reports %s at the parser line', (_label, text, line) => {
    const result = parseToml('f.toml', text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.line).toBe(line);
    expect(result.message).not.toContain('\n');
    expect(result.message.length).toBeGreaterThan(0);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parseToml('f.toml', text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutations of a real pyproject', () => {
    const base = DOC;
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.nat(20), fc.string({ maxLength: 5 }), (at, cut, insert) => {
        const text = base.slice(0, at) + insert + base.slice(at + cut);
        const result = parseToml('f.toml', text);
        if (result.ok) for (const line of result.lines.values()) expect(line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('positions on the corpus', () => {
  const snapshots = corpusSnapshots();

  it.each(snapshots.map((s) => [`${s.repo}/${s.sha}`, s.dir] as const))('%s: every package and wheel line holds that entry', (_label, dir) => {
    const text = readFileSync(join(dir, 'uv.lock'), 'utf8');
    const textLines = text.split('\n');
    const doc = parse(text) as { package: { name: string; wheels?: { hash?: string; url?: string }[] }[] };
    const lines = indexPositions(text);
    doc.package.forEach((pkg, index) => {
      const line = lines.get(`package[${index}]`)!;
      expect(textLines[line - 1]).toBe('[[package]]');
      expect(textLines[line]).toBe(`name = ${JSON.stringify(pkg.name)}`);
      (pkg.wheels ?? []).forEach((wheel, wheelIndex) => {
        const wheelLine = lines.get(`package[${index}].wheels[${wheelIndex}]`)!;
        expect(textLines[wheelLine - 1]).toContain(wheel.hash ?? wheel.url ?? '');
      });
    });
  });

  it.each(snapshots.map((s) => [`${s.repo}/${s.sha}`, s.dir] as const))('%s: every pyproject dependency line holds that requirement', (_label, dir) => {
    const files = sourceFromDir(dir);
    for (const [path, text] of files.texts) {
      if (!path.endsWith('pyproject.toml')) continue;
      const doc = parse(text) as { project?: { dependencies?: string[] } };
      const lines = indexPositions(text);
      const textLines = text.split('\n');
      (doc.project?.dependencies ?? []).forEach((requirement, index) => {
        const line = lines.get(`project.dependencies[${index}]`)!;
        const lineText = textLines[line - 1]!;
        expect(lineText.includes(JSON.stringify(requirement)) || lineText.includes(`'${requirement}'`)).toBe(true);
      });
    }
  });
});

describe('a leading byte order mark', () => {
  it('does not cost the lines of the keys after it (found by fuzz seed 1066075436)', async () => {
    const { parseToml } = await import('../src/uv/toml.js');
    const result = parseToml('uv.lock', '\ufeffversion = 1\n\n[[package]]\nname = "a"\n');
    expect(result.ok && result.lines.get('package[0]')).toBe(3);
  });
});
