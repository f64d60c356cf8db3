import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { makeFinding, type Finding, type Severity, type WaivedFinding } from '../src/findings.js';
import { codeSpan, escapeText, formatAge, redactUrlCredentials, renderMarkdown } from '../src/report/markdown.js';
import { reportProjects } from '../src/engine.js';
import type { Report } from '../src/report/types.js';
import type { LockPackage, PackageChange, ProjectPair } from '../src/uv/model.js';

const SHA = 'a'.repeat(40);
const LINKS = { serverUrl: 'https://github.com', repository: 'octo/repo', sha: SHA };

function finding(index: number, severity: Severity = 'error', extra: Partial<Parameters<typeof makeFinding>[0]> = {}): Finding {
  return makeFinding({
    rule: 'cooldown',
    severity,
    file: 'uv.lock',
    line: index + 1,
    message: `package ${index} is too young`,
    subject: `p${index}`,
    ...extra,
  });
}

function lockPackage(name: string, version: string, uploadTimes: string[]): LockPackage {
  return {
    name,
    version,
    source: { kind: 'registry', url: 'https://pypi.org/simple' },
    dependencies: [],
    optionalDependencies: {},
    devDependencies: {},
    resolutionMarkers: [],
    wheels: uploadTimes.map((uploadTime, i) => ({ kind: 'wheel' as const, filename: `${name}-${i}.whl`, uploadTime })),
  };
}

/** A report as the engine builds it: the change rows (with their ages) come from the pair's head lock. */
function result(
  options: { findings?: Finding[]; waived?: WaivedFinding[]; changes?: PackageChange[]; packages?: LockPackage[]; base?: string | null } = {},
): Report {
  const findings = options.findings ?? [];
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  const pair = {
    path: '',
    lockFile: 'uv.lock',
    base: null,
    head: { lock: { packages: options.packages ?? [] } },
    changes: options.changes ?? [],
    introduced: [],
  } as unknown as ProjectPair;
  return {
    tool: 'lockgate',
    version: '0.1.0',
    base: options.base === undefined ? 'b'.repeat(40) : options.base,
    head: SHA,
    now: '2026-11-20T12:00:00Z',
    projects: reportProjects([pair]),
    findings,
    waived: options.waived ?? [],
    counts,
    rules: [],
  };
}

/** Pipes that GitHub's table parser treats as cell separators (not preceded by a backslash). */
function separators(row: string): number {
  let count = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++;
    else if (row[i] === '|') count++;
  }
  return count;
}

/** The only HTML the renderer writes itself; any other tag in the output came from a value. */
const ALLOWED_TAGS = new Set(['<code>', '</code>', '<pre>', '</pre>', '<details>', '<details open>', '<summary>', '</summary>', '</details>']);

const HOSTILE = [
  '<script>alert(1)</script>',
  '[click](javascript:alert(1))',
  '![x](https://evil.example/pixel.png)',
  '@octocat and @github/security',
  'back`tick``s and | pipes |',
  'line one\nline two\r\n| injected | row |',
  '<!-- lockgate:comment -->',
  '&lt;img src=x onerror=alert(1)&gt;',
  'bidi \u202Eevil\u202C',
  '<details><summary>x</summary>',
];

describe('escapeText', () => {
  it.each(HOSTILE)('makes %j inert', (value) => {
    const out = escapeText(value);
    expect(out).not.toMatch(/[<>\n\r\u202E]/);
    expect(out).not.toMatch(/(^|[^\\])\[/); // every [ escaped: no link or image syntax
    expect(out).not.toMatch(/(^|[^\\])`/);
    expect(out).not.toMatch(/(?<![A-Za-z0-9_])@(?!\u200D)/);
    expect(separators(out)).toBe(0);
  });

  it('keeps ordinary text readable', () => {
    expect(escapeText('httpx 0.28.1 was uploaded 2 days ago')).toBe('httpx 0.28.1 was uploaded 2 days ago');
    expect(escapeText('a & b')).toBe('a &amp; b');
    // Not a mention position: copied text must still work in a workflow or a shell.
    expect(escapeText('actions/checkout@v4 user@example.com')).toBe('actions/checkout@v4 user@example.com');
    expect(escapeText('@@octocat (@team)')).toBe('@\u200D@\u200Doctocat (@\u200Dteam)');
    expect(escapeText('[x](javascript:alert(1)) ![i](u) *b* _i_ ~~s~~ `c` a|b \\')).toBe(
      '\\[x\\](javascript:alert(1)) !\\[i\\](u) \\*b\\* \\_i\\_ \\~\\~s\\~\\~ \\`c\\` a\\|b \\\\',
    );
  });

  it('clips long values', () => {
    expect(escapeText('x'.repeat(5000)).length).toBeLessThanOrEqual(300);
  });
});

describe('codeSpan', () => {
  it('is escaped text in <code>, so entities and escapes still apply', () => {
    expect(codeSpan('plain')).toBe('<code>plain</code>');
    expect(codeSpan('a`b|c')).toBe('<code>a\\`b\\|c</code>');
    expect(codeSpan('<script>')).toBe('<code>&lt;script&gt;</code>');
  });
  it('folds newlines and removes credentials', () => {
    expect(codeSpan('a\nb')).toBe('<code>a b</code>');
    expect(codeSpan('https://user:s3cret@example.invalid/simple')).toBe('<code>https\\://\\*\\*\\*@\u200Dexample.invalid/simple</code>');
  });
});

describe('redactUrlCredentials', () => {
  it('removes user:password and tokens from URLs', () => {
    expect(redactUrlCredentials('see https://user:s3cret@host/simple and git+https://tok@github.com/a/b')).toBe(
      'see https://***@host/simple and git+https://***@github.com/a/b',
    );
  });
});

describe('formatAge', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');
  it.each([
    ['2026-11-20T11:30:00Z', '< 1 h'],
    ['2026-11-19T12:00:00Z', '24 h'],
    ['2026-11-15T12:00:00Z', '5 d'],
    ['2026-11-21T12:00:00Z', 'in the future'],
  ])('%s is %s old', (time, age) => {
    expect(formatAge(Date.parse(time), now)).toBe(age);
  });
  it('says unknown without an upload time', () => {
    expect(formatAge(null, now)).toBe('—');
  });
});

describe('renderMarkdown', () => {
  it('renders counts, a to-do row per package or file, details with links, and the change table with ages', () => {
    const findings = [
      finding(0, 'error', { package: { name: 'httpx', version: '0.28.1' }, fix: 'uv lock --upgrade-package httpx' }),
      makeFinding({
        rule: 'unpinned-uses',
        severity: 'warning',
        file: '.github/workflows/ci (1).yml',
        line: 7,
        message: 'actions/checkout@v4 is not pinned',
        subject: 'x',
      }),
      makeFinding({ rule: 'cooldown', severity: 'notice', file: 'uv.lock', message: 'no line', subject: 'y', introduced: false }),
    ];
    const md = renderMarkdown(
      result({
        findings,
        changes: [
          { name: 'httpx', kind: 'upgraded', from: '0.27.0', to: '0.28.1', toSource: 'https://pypi.org/simple' },
          { name: 'idna', kind: 'removed', from: '3.7' },
        ],
        packages: [lockPackage('httpx', '0.28.1', ['2026-11-10T12:00:00Z', '2026-11-18T12:00:00Z'])],
      }),
      { maxBytes: 1024 * 1024, ...LINKS, reportJsonPath: '/tmp/lockgate-report.json' },
    );
    expect(md).toContain('🔴 **1 error** · 🟠 **1 warning** · 🔵 **1 notice**');
    expect(md).toContain('| <code>httpx</code> | upgraded | <code>0.27.0</code> → <code>0.28.1</code> | 2 d | <code>https\\://pypi.org/simple</code> |');
    expect(md).toContain('| <code>idna</code> | removed | <code>3.7</code> → — | — | — |');
    expect(md).toContain(`[<code>uv.lock:1</code>](https://github.com/octo/repo/blob/${SHA}/uv.lock#L1)`);
    expect(md).toContain(`(https://github.com/octo/repo/blob/${SHA}/.github/workflows/ci%20%281%29.yml#L7)`);
    expect(md).toContain(`[<code>uv.lock</code>](https://github.com/octo/repo/blob/${SHA}/uv.lock)`);
    expect(md).toContain(
      `| 🔴 <code>httpx</code> 0.28.1 | <code>cooldown</code> | [<code>uv.lock:1</code>](https://github.com/octo/repo/blob/${SHA}/uv.lock#L1) | <code>uv lock --upgrade-package httpx</code> |`,
    );
    expect(md).toContain('**Fix:** <code>uv lock --upgrade-package httpx</code>');
    expect(md).toContain('_(already at base)_');
    expect(md).toContain('<details><summary>🔴 <code>httpx</code> 0.28.1 · cooldown</summary>');
    // Most severe first, in the to-do table and in the details.
    expect(md.indexOf('| 🔴 ')).toBeLessThan(md.indexOf('| 🟠 '));
    expect(md.indexOf('| 🟠 ')).toBeLessThan(md.indexOf('| 🔵 '));
    // A path on the runner means nothing to a reader: never shown.
    expect(md).not.toContain('/tmp/lockgate-report.json');
  });

  it('writes no link when the repository, server or SHA are missing or odd', () => {
    const r = result({ findings: [finding(0)] });
    for (const links of [{}, { ...LINKS, sha: 'HEAD' }, { ...LINKS, repository: 'a/b/c' }, { ...LINKS, serverUrl: 'javascript:alert(1)' }]) {
      const md = renderMarkdown(r, { maxBytes: 100_000, ...links });
      expect(md).toContain('- 🔴 **error** <code>cooldown</code> <code>uv.lock:1</code>:');
      expect(md).not.toContain('](');
    }
  });

  it('says so when there are no findings', () => {
    expect(renderMarkdown(result(), { maxBytes: 10_000 })).toContain('No findings.');
  });

  it('renders hostile names, versions, sources and messages as inert text', () => {
    const changes: PackageChange[] = HOSTILE.map((value, i) => ({ name: value, kind: 'added', to: value, toSource: `https://user:s3cret@evil.example/${i}` }));
    const findings = HOSTILE.map((value, i) =>
      makeFinding({
        rule: 'typosquat',
        severity: 'warning',
        file: value,
        line: i + 1,
        message: value,
        fix: value,
        package: { name: value, version: value },
        subject: String(i),
      }),
    );
    const md = renderMarkdown(result({ findings, changes }), { maxBytes: 1024 * 1024, ...LINKS });
    expect(md).not.toMatch(/<script/i);
    expect(md).not.toMatch(/<img/i);
    expect(md).not.toContain('<!-- lockgate:comment -->');
    expect(md).not.toMatch(/<details><summary>x/);
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/); // an unescaped ] before ( would make a link
    expect(md).not.toMatch(/!\[x\]\(/);
    expect(md).not.toMatch(/(?<![A-Za-z0-9_])@(?!\u200D)/);
    expect(md).not.toContain('s3cret');
    expect(md).not.toContain('\u202E');
    expect(md.match(/<\/?[a-z!][^>]*>?/gi)?.filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
    const rows = md.split('\n').filter((line) => line.startsWith('| <code>'));
    expect(rows).toHaveLength(HOSTILE.length);
    for (const row of rows) expect(separators(row)).toBe(6);
    // The same problem for every package: one to-do row with 4 cells, each package on its own line
    // of the details. A newline in a value cannot start a new block or row.
    const todo = md.split('\n').filter((line) => line.startsWith('| 🟠 '));
    expect(todo).toHaveLength(1);
    expect(separators(todo[0]!)).toBe(5);
    expect(todo[0]).toContain(`${HOSTILE.length} packages:`);
    expect(md.split('\n').filter((line) => line.startsWith('- <code>'))).toHaveLength(HOSTILE.length);
  });

  it('renders hostile values in rows of their own as inert text too', () => {
    // Messages that differ in words, not only in the name: one row per package.
    const findings = HOSTILE.map((value, i) =>
      makeFinding({
        rule: 'typosquat',
        severity: 'warning',
        file: 'uv.lock',
        line: i + 1,
        message: `${value} ${'abcdefghijklmnop'.slice(i, i + 3)}`,
        fix: `uv remove ${value}`,
        package: { name: value, version: value },
        subject: String(i),
      }),
    );
    const md = renderMarkdown(result({ findings }), { maxBytes: 1024 * 1024, ...LINKS });
    const todo = md.split('\n').filter((line) => line.startsWith('| 🟠 '));
    expect(todo).toHaveLength(HOSTILE.length);
    for (const row of todo) expect(separators(row)).toBe(5);
    expect(md.split('\n').filter((line) => line.startsWith('- 🟠'))).toHaveLength(HOSTILE.length);
    expect(md.split('\n').filter((line) => line.startsWith('<details><summary>🟠'))).toHaveLength(HOSTILE.length);
    expect(md).not.toMatch(/<script/i);
    expect(md).not.toContain('<!-- lockgate:comment -->');
    expect(md).not.toMatch(/(?<![A-Za-z0-9_])@(?!\u200D)/);
    expect(md.match(/<\/?[a-z!][^>]*>?/gi)?.filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
  });

  it('keeps a multi-line fix in a <pre> block that nothing in it can close', () => {
    const fix = '[tool.uv]\nexclude-newer = "7 days"\n```\n</pre><script>x</script> @octocat';
    const md = renderMarkdown(result({ findings: [finding(0, 'error', { fix })] }), { maxBytes: 100_000 });
    expect(md).toContain(
      '  **Fix:**\n\n  <pre>[tool.uv]\n  exclude-newer = "7 days"\n  ```\n  &lt;/pre&gt;&lt;script&gt;x&lt;/script&gt; @\u200Doctocat\n  </pre>',
    );
  });

  it('starts no block with a line of a fix: headings, lists, quotes, rules, code and runner commands stay text', () => {
    const fix = 'Do this:\n[x]\nthen # heading\n- item\n1. item\n> quote\n=== \n    indented\n::error::x\n+ plus';
    const prose = 'first line\n# heading\n- item\n12) item\n> quote\n---\n    indented\n::error::x\n+ plus';
    for (const text of [fix, prose]) {
      const md = renderMarkdown(result({ findings: [finding(0, 'error', { fix: text })] }), { maxBytes: 100_000 });
      const body = md.slice(md.indexOf('**Fix:**'), md.indexOf('</details>'));
      const outsidePre = body.replace(/<pre>[\s\S]*?<\/pre>/g, '');
      for (const line of outsidePre
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)) {
        expect(line).not.toMatch(/^(#|- |\d+[.)]|>|=+\s*$|-{3,}|::|\+ )/);
      }
      expect(md).not.toMatch(/^\s*::/m);
    }
  });

  it('lists waived findings with their reason', () => {
    const waived: WaivedFinding = { ...finding(3, 'warning'), waiver: { by: 'config-ignore', reason: 'vendor <b>', until: '2027-01-01' } };
    const md = renderMarkdown(result({ waived: [waived] }), { maxBytes: 100_000 });
    expect(md).toContain('<details><summary>1 waived finding</summary>');
    expect(md).toContain('waived by config-ignore: vendor &lt;b&gt; (until 2027-01-01)');
    expect(md).toMatch(
      /<details><summary>1 waived finding<\/summary>\n\n- <code>cooldown<\/code> <code>uv\.lock:4<\/code> waived by config-ignore[^\n]*\n\n<\/details>/,
    );
  });

  it('stays under maxBytes and says how many findings and changes were left out and where the rest is', () => {
    // 120 packages with problems that differ in words: 120 rows that cannot merge.
    const words = (i: number): string => [...String(i)].map((d) => 'abcdefghij'[Number(d)]).join('');
    const findings = Array.from({ length: 120 }, (_, i) =>
      finding(i, 'error', { package: { name: `p${words(i)}` }, message: `too young: ${words(i)}`, subject: `q${i}` }),
    );
    const changes: PackageChange[] = Array.from({ length: 200 }, (_, i) => ({ name: `pkg-${i}`, kind: 'added', to: '1.0' }));
    const md = renderMarkdown(result({ findings, changes }), { maxBytes: 6_000, reportJsonPath: '/runner/_temp/lockgate.json' });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(6_000);
    const shownRows = md.split('\n').filter((l) => l.startsWith('| 🔴 ')).length;
    const shownChanges = md.split('\n').filter((l) => l.startsWith('| <code>pkg-')).length;
    expect(shownRows).toBeGreaterThan(0);
    expect(shownChanges).toBeGreaterThan(0);
    expect(md).toContain(`**${120 - shownRows} findings, `);
    expect(md).toContain(`${200 - shownChanges} dependency changes not shown here** (the size limit).`);
    expect(md).toContain('the `report-json` output');
    expect(md).not.toContain('_temp');
  });

  it('honours maxFindings', () => {
    // 30 times the same problem in one file: one row, the first 10 places, and the rest counted.
    const md = renderMarkdown(result({ findings: Array.from({ length: 30 }, (_, i) => finding(i)) }), { maxBytes: 1_000_000, maxFindings: 10 });
    expect(md.split('\n').filter((l) => l.startsWith('| 🔴 '))).toHaveLength(1);
    expect(md).toContain('| 🔴 <code>uv.lock</code> | <code>cooldown</code> ×10 |');
    expect(md).toContain('- 🔴 **error** <code>cooldown</code> in 10 places:');
    expect(md).toContain('**20 findings not shown here** (limits.max-rendered-findings is 10;');
  });

  it('never exceeds maxBytes, whatever the budget and content', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.array(fc.string({ unit: 'binary', maxLength: 400 }), { maxLength: 60 }), (maxBytes, values) => {
        const findings = values.map((v, i) => finding(i, (['error', 'warning', 'notice'] as const)[i % 3], { message: v, file: v || 'x', fix: v }));
        const changes: PackageChange[] = values.map((v) => ({ name: v, kind: 'added', to: v }));
        const md = renderMarkdown(result({ findings, changes }), { maxBytes, reportJsonPath: '/tmp/r.json', ...LINKS });
        expect(Buffer.byteLength(md)).toBeLessThanOrEqual(maxBytes);
        expect(md.match(/<\/?[a-z!][^>]*>?/gi)?.filter((tag) => !ALLOWED_TAGS.has(tag)) ?? []).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
