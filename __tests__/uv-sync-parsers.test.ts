import { describe, expect, it } from '@jest/globals';
import { parseRequirement } from '../src/uv/pep508.js';
import {
  compareSpecifierLists,
  formatSpecifiers,
  intersectRanges,
  parseSpecifiers,
  parseVersion,
  compareVersion,
  rangesEqual,
  releaseRange,
  formatRange,
} from '../src/uv/specifiers.js';
import { compareMarkers, formatMarker, isSatisfiable, markerAnd, markerNot, parseMarker, topLevelExtra } from '../src/uv/markers.js';

function specs(text: string) {
  const parsed = parseSpecifiers(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function marker(text: string) {
  const parsed = parseMarker(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function range(text: string) {
  const r = releaseRange(specs(text));
  if (!r) throw new Error(`no range for ${text}`);
  return r;
}

describe('PEP 440 versions', () => {
  it.each([
    ['1.0', '1.0.0', 0],
    ['1.0a1', '1.0', -1],
    ['1.0.dev0', '1.0a1', -1],
    ['1.0', '1.0.post1', -1],
    ['1.0+local', '1.0', 1],
    ['1!0.1', '2.0', 1],
    ['1.0-1', '1.0.post1', 0],
    ['V1.0RC2', '1.0rc2', 0],
    ['1.0.post1.dev1', '1.0.post1', -1],
    ['1.0+abc.5', '1.0+abc.10', -1],
    ['1.0+5', '1.0+abc', 1],
    ['20240930', '20231117', 1],
  ])('%s vs %s', (a, b, expected) => {
    expect(Math.sign(compareVersion(parseVersion(a)!, parseVersion(b)!))).toBe(expected);
  });

  it.each(['', 'abc', '1..0', '1.0-', '1.0+', '1.0 extra', '1.'.repeat(200)])('rejects %#', (text) => {
    expect(parseVersion(text)).toBeNull();
  });
});

describe('version specifiers', () => {
  it.each([
    ['<2,>=1.0', '>=1.0,<2'],
    ['>=2.6.14,<=4.0.9', '>=2.6.14,<=4.0.9'],
    // uv's tie-break for equal versions: by operator.
    ['>=1.2.0,<=1.2.0', '<=1.2.0,>=1.2.0'],
    ['== 1.0.*', '==1.0.*'],
    ['~=2.2', '~=2.2'],
    ['>=1.0.0-alpha.3', '>=1.0.0a3'],
    ['', ''],
  ])('%j is stored as %j', (input, stored) => {
    expect(formatSpecifiers(specs(input))).toBe(stored);
  });

  it.each([
    ['==1.0', '==1.0.0', 'equal'],
    ['>=1,<2', '<2.0, >=1.0', 'equal'],
    ['>=1.0', '>1.0', 'different'],
    ['>=1.0', '>=1.0,<2', 'different'],
    ['~=1.0', '~=1.0.0', 'undecidable'],
    ['==1.0.*', '==1.0.0.*', 'undecidable'],
    ['===1.0', '===1.0', 'equal'],
    ['===1.0', '===1.0.0', 'different'],
  ])('%j vs %j is %s', (a, b, expected) => {
    expect(compareSpecifierLists(specs(a), specs(b))).toBe(expected);
  });

  it.each([
    ['>=', 'no version'],
    ['1.0', 'no comparison operator'],
    ['>=1.0.*', 'only allowed with == and !='],
    ['~=1', 'at least two release segments'],
    ['<1.0+local', 'local version'],
    ['==1.0a1.*', 'plain release'],
    ['>=1.0,,<2', 'empty specifier'],
    ['>=banana', 'valid PEP 440'],
    [Array.from({ length: 70 }, () => '>=1').join(','), 'more than'],
  ])('rejects specifier list #%# (%s)', (text, reason) => {
    const parsed = parseSpecifiers(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it.each([
    ['>=3.10', '>=3.10'],
    ['>=3.10, <3.14', '>=3.10, <3.14'],
    ['~=3.11', '>=3.11, <4'],
    ['==3.12.*', '>=3.12, <3.13'],
    ['>3.9', '>3.9'],
    ['>=3.9,!=3.9.1', '>=3.9'],
    ['<=3.13', '<=3.13'],
  ])('requires-python %j has the range %j', (text, expected) => {
    expect(formatRange(range(text))).toBe(expected);
  });

  it('compares requires-python by range, as uv does', () => {
    expect(rangesEqual(range('>=3.10'), range('>=3.10.0'))).toBe(true);
    expect(rangesEqual(range('>=3.10,<4'), range('~=3.10'))).toBe(true);
    expect(rangesEqual(range('>=3.10'), range('>=3.9'))).toBe(false);
    expect(rangesEqual(range('>=3.10'), range('>3.10'))).toBe(false);
    expect(formatRange(intersectRanges(range('>=3.9'), range('>=3.10,<3.14')))).toBe('>=3.10, <3.14');
    expect(intersectRanges(range('<3.9'), range('>=3.10')).empty).toBe(true);
  });
});

describe('PEP 508 requirements', () => {
  it.each([
    ['requests', { normalizedName: 'requests', extras: [], specifiers: '' }],
    ['Requests[Security,socks] >= 2.8.1, == 2.8.*', { normalizedName: 'requests', extras: ['security', 'socks'], specifiers: '==2.8.*,>=2.8.1' }],
    ['zope.interface (>=5)', { normalizedName: 'zope-interface', extras: [], specifiers: '>=5' }],
    ['foo_bar>=1;python_version<"3.11"', { normalizedName: 'foo-bar', extras: [], specifiers: '>=1', markerText: 'python_version<"3.11"' }],
    ['pkg @ https://example.com/pkg-1.0-py3-none-any.whl', { normalizedName: 'pkg', url: 'https://example.com/pkg-1.0-py3-none-any.whl' }],
    ['pkg@git+https://github.com/o/r@v1 ; sys_platform == "linux"', { url: 'git+https://github.com/o/r@v1', markerText: 'sys_platform == "linux"' }],
    ['pkg[a,a,B]', { extras: ['a', 'b'] }],
    ['  spaced  ', { normalizedName: 'spaced' }],
  ])('%j', (text, expected) => {
    const parsed = parseRequirement(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { specifiers, ...rest } = expected as Record<string, unknown>;
    expect(parsed.value).toMatchObject(rest);
    if (specifiers !== undefined) expect(formatSpecifiers(parsed.value.specifiers)).toBe(specifiers);
  });

  it.each([
    ['', 'empty'],
    ['>=1.0', 'package name'],
    ['foo[bar', 'closing `]`'],
    ['foo[b@r]', 'invalid extra'],
    ['foo bar', 'unexpected text'],
    ['foo @', 'without a URL'],
    ['foo @ https://x/y.whl extra', 'after the URL'],
    ['foo >=1 ;', 'without a marker'],
    ['foo ; python_version <', 'invalid marker'],
    ['foo ; os_nam == "x"', 'unknown marker variable'],
    ['foo (>=1', 'closing `)`'],
    ['x'.repeat(9000), 'longer than'],
  ])('rejects requirement #%# (%s)', (text, reason) => {
    const parsed = parseRequirement(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it('never throws on hostile input', () => {
    for (const input of [null, 42, {}, '[', ']]]', 'a[', 'a;((((', 'a;' + '('.repeat(200) + "os_name=='x'" + ')'.repeat(200), "a ; 'x' == \"y", '\u0000']) {
      expect(() => parseRequirement(input)).not.toThrow();
    }
  });
});

describe('markers', () => {
  it.each([
    // python_version is the major.minor of python_full_version (uv rewrites it so).
    ["python_version < '3.11'", "python_full_version < '3.11'", undefined, 'equal'],
    ["python_version <= '3.11'", "python_full_version < '3.12'", undefined, 'equal'],
    ["python_version > '3.11'", "python_full_version >= '3.12'", undefined, 'equal'],
    ["python_version == '3.11'", "python_full_version == '3.11.*'", undefined, 'equal'],
    ["python_version >= '3.8.1'", "python_full_version >= '3.9'", undefined, 'equal'],
    ["python_version ~= '3.8'", "python_full_version >= '3.8' and python_full_version < '4'", undefined, 'equal'],
    ["'3.11' > python_version", "python_full_version < '3.11'", undefined, 'equal'],
    // Clause order and quoting do not matter.
    ["sys_platform == 'linux' and platform_machine == 'x86_64'", 'platform_machine == "x86_64" and sys_platform == "linux"', undefined, 'equal'],
    // Simplification against requires-python.
    ["python_version >= '3.8' and sys_platform == 'win32'", "sys_platform == 'win32'", '>=3.10', 'equal'],
    ["python_version >= '3.8' and sys_platform == 'win32'", "sys_platform == 'win32'", '>=3.7', 'different'],
    ["python_full_version < '3.9'", "python_full_version < '0'", '>=3.10', 'equal'],
    ["extra == 'Foo_Bar'", "extra == 'foo-bar'", undefined, 'equal'],
    ["extra == 'a' and extra == 'b'", "extra == 'b' and extra == 'a'", undefined, 'equal'],
    ["extra == 'a'", "extra == 'b'", undefined, 'different'],
    ["sys_platform == 'linux'", "sys_platform != 'linux'", undefined, 'different'],
    ["sys_platform == 'linux' or sys_platform != 'linux'", "python_full_version >= '0'", undefined, 'equal'],
    ["os_name == 'nt' and python_version < '3.12'", "python_full_version < '3.12' and os_name == 'nt'", '>=3.9', 'equal'],
    ["'linux' in sys_platform", "'linux' in sys_platform", undefined, 'equal'],
    ["'linux' in sys_platform", "sys_platform == 'linux'", undefined, 'different'],
    // Comparisons this module does not model: never called different.
    ["python_full_version >= '3.13.0rc1'", "python_full_version >= '3.13'", undefined, 'undecidable'],
    ["platform_release >= '5.0'", "platform_release >= '5.0'", undefined, 'equal'],
    ["platform_release >= '5.0'", "platform_release >= '6.0'", undefined, 'undecidable'],
  ])('%s vs %s (requires-python %s): %s', (a, b, requiresPython, expected) => {
    const domain = requiresPython ? range(requiresPython) : undefined;
    expect(compareMarkers(marker(a), marker(b), domain)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ["python_version < '3.11", 'unterminated'],
    ['python_version', 'ends too early'],
    ["python_version << '3'", 'expected a marker variable'],
    ["(python_version < '3'", 'matching `)`'],
    ["python_version < '3' and", 'ends too early'],
    ["python_version < '3' extra", 'unexpected text'],
    ["foo == 'x'", 'unknown marker variable'],
    ['python_version == python_full_version', 'two variables'],
    ['$', 'unexpected character'],
    ['('.repeat(100) + "os_name == 'x'" + ')'.repeat(100), 'nests too deeply'],
  ])('rejects marker #%# (%s)', (text, reason) => {
    const parsed = parseMarker(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it('renders negations with De Morgan', () => {
    const m = markerNot(marker("sys_platform == 'linux' or python_full_version < '3.10'"));
    expect(formatMarker(m)).toBe("sys_platform != 'linux' and python_full_version >= '3.10'");
    expect(formatMarker(markerAnd(marker("extra == 'a'"), marker("os_name == 'nt' or os_name == 'posix'")))).toBe(
      "extra == 'a' and (os_name == 'nt' or os_name == 'posix')",
    );
  });

  it('knows an unsatisfiable marker', () => {
    expect(isSatisfiable(markerAnd(marker("sys_platform == 'linux'"), marker("sys_platform == 'win32'")))).toBe(false);
    expect(isSatisfiable(markerAnd(marker("sys_platform == 'linux'"), markerNot(marker("sys_platform == 'win32'"))))).toBe(true);
    expect(isSatisfiable(marker("python_full_version < '3' and python_full_version >= '3'"))).toBe(false);
  });

  it('finds the extra a requirement is scoped to', () => {
    expect(topLevelExtra(marker("extra == 'asr'"))).toBe('asr');
    expect(topLevelExtra(marker("sys_platform == 'linux' and extra == 'gpu'"))).toBe('gpu');
    expect(topLevelExtra(marker("extra == 'a' or extra == 'b'"))).toBeUndefined();
  });
});
