import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';
import {
  compareSources,
  describeRequirement,
  lowerLockTable,
  lowerRequirementText,
  normalizePath,
  readNamedIndexes,
  readSources,
  toolUv,
  type LoweredRequirement,
  type LoweringProblem,
  type LoweringScope,
  type LoweringWorkspace,
  type WorkspaceMember,
} from '../src/uv/lowering.js';
import { compareRequirementSets } from '../src/uv/sync/index.js';
import { parseSpecifiers, releaseRange } from '../src/uv/specifiers.js';
import type { Pyproject } from '../src/uv/model.js';

function pyproject(dir: string, toml: string): Pyproject {
  const raw = parse(toml) as Record<string, unknown>;
  const project = raw.project as Record<string, unknown> | undefined;
  return {
    file: dir === '' ? 'pyproject.toml' : `${dir}/pyproject.toml`,
    dir,
    raw,
    name: project?.name as string | undefined,
    version: project?.version as string | undefined,
    dynamic: [],
    hasProjectTable: project !== undefined,
    hasBuildSystem: raw['build-system'] !== undefined,
    hasToolUv: raw.tool !== undefined,
    lines: new Map(),
  };
}

const HATCH = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';

/** A workspace: root `app` with a member `libs/core` (a package) and `libs/scripts` (not one). */
function workspace(rootToml: string, memberSources = ''): { ws: LoweringWorkspace; scope: LoweringScope; memberScope: LoweringScope } {
  const problems: LoweringProblem[] = [];
  const root = pyproject('', rootToml);
  const core = pyproject('libs/core', `[project]\nname = "core"\nversion = "1.0"\n${memberSources}\n${HATCH}`);
  const scripts = pyproject('libs/scripts', '[project]\nname = "scripts"\nversion = "1.0"\n');
  const sibling = pyproject('tools/plain', '[project]\nname = "plain"\nversion = "1.0"\n[tool.uv]\npackage = false\n');
  const members = new Map<string, WorkspaceMember>([
    ['app', { name: 'app', pyproject: root, relDir: '.' }],
    ['core', { name: 'core', pyproject: core, relDir: 'libs/core' }],
    ['scripts', { name: 'scripts', pyproject: scripts, relDir: 'libs/scripts' }],
  ]);
  const rootSources = readSources(root, problems);
  const ws: LoweringWorkspace = {
    root: '',
    rootPyproject: root,
    members,
    requiredMembers: new Map(),
    rootSources,
    rootIndexes: readNamedIndexes(toolUv(root)),
    pyprojectsByDir: new Map([root, core, scripts, sibling].map((p) => [p.dir, p])),
  };
  for (const [name, entries] of [...rootSources, ...readSources(core, problems)]) {
    if (entries.some((entry) => entry.table.workspace === true) && name !== 'app')
      ws.requiredMembers.set(name, entries.find((e) => typeof e.table.editable === 'boolean')?.table.editable as boolean | undefined);
  }
  expect(problems).toEqual([]);
  return {
    ws,
    scope: { projectName: 'app', projectRelDir: '.', projectSources: rootSources, projectIndexes: readNamedIndexes(toolUv(root)) },
    memberScope: {
      projectName: 'core',
      projectRelDir: 'libs/core',
      projectSources: readSources(core, problems),
      projectIndexes: readNamedIndexes(toolUv(core)),
    },
  };
}

function lower(text: string, scope: LoweringScope, ws: LoweringWorkspace, extra?: string): string[] {
  const result = lowerRequirementText(
    text,
    extra ? { ...scope, extra } : scope,
    ws,
    { file: 'pyproject.toml' },
    extra ? { kind: 'extra', name: extra, negated: false } : undefined,
  );
  if (!result.ok) return [`problem(${result.problem.kind}): ${result.problem.message}`];
  return result.requirements.map(describeRequirement);
}

describe('lowering [tool.uv.sources] as uv does', () => {
  it.each([
    // No source: the registry, specifiers normalized.
    ['httpx >= 0.27, <1', '', ['httpx>=0.27,<1']],
    // workspace = true: an editable directory for a package member, virtual for one without a build system.
    ['core', '[tool.uv.sources]\ncore = { workspace = true }', ['core (editable libs/core)']],
    // A member without a build system is still a package when another member depends on it (uv
    // requires the build system only of members nothing depends on).
    ['scripts', '[tool.uv.sources]\nscripts = { workspace = true }', ['scripts (editable libs/scripts)']],
    ['core', '[tool.uv.sources]\ncore = { workspace = true, editable = false }', ['core (directory libs/core)']],
    // A workspace member without a workspace source is refused by uv.
    ['core>=1', '', ['problem(error): `core` is a workspace member, but has no `core = { workspace = true }` in `[tool.uv.sources]`; uv refuses this']],
    // path: non-editable directory unless editable = true; virtual when the target says package = false.
    ['vendored', '[tool.uv.sources]\nvendored = { path = "third_party/vendored" }', ['vendored (directory third_party/vendored)']],
    [
      'vendored',
      '[tool.uv.sources]\nvendored = { path = "./third_party/../third_party/vendored", editable = true }',
      ['vendored (editable third_party/vendored)'],
    ],
    ['plain', '[tool.uv.sources]\nplain = { path = "tools/plain" }', ['plain (virtual tools/plain)']],
    ['wheel', '[tool.uv.sources]\nwheel = { path = "dist/wheel-1.0-py3-none-any.whl" }', ['wheel (path dist/wheel-1.0-py3-none-any.whl)']],
    [
      'outside',
      '[tool.uv.sources]\noutside = { path = "/abs/outside" }',
      ['problem(undecidable): the path `/abs/outside` is absolute; lockgate cannot relate it to the workspace root uv resolves it against'],
    ],
    // git and url.
    [
      'tqdm',
      '[tool.uv.sources]\ntqdm = { git = "https://user:token@github.com/tqdm/tqdm", tag = "v4.66.0", subdirectory = "pkg" }',
      ['tqdm @ git+https://github.com/tqdm/tqdm@v4.66.0#subdirectory=pkg'],
    ],
    [
      'tqdm',
      '[tool.uv.sources]\ntqdm = { git = "https://github.com/tqdm/tqdm", rev = "a", tag = "b" }',
      ['problem(error): a git source can only have one of `rev`, `tag` or `branch`; uv refuses it'],
    ],
    ['pkg', '[tool.uv.sources]\npkg = { url = "https://example.com/pkg-1.0.tar.gz" }', ['pkg @ https://example.com/pkg-1.0.tar.gz']],
    // A direct URL and a source at once is refused.
    [
      'pkg @ https://example.com/pkg-1.0.tar.gz',
      '[tool.uv.sources]\npkg = { url = "https://example.com/pkg-2.0.tar.gz" }',
      [expect.stringContaining('problem(error): the requirement has a direct URL and a `[tool.uv.sources]` entry')],
    ],
    // PEP 508 direct references.
    ['pkg @ git+https://github.com/o/r.git@v1#subdirectory=sub', '', ['pkg @ git+https://github.com/o/r.git@v1#subdirectory=sub']],
    ['pkg @ https://example.com/pkg-1.0-py3-none-any.whl#sha256=abc', '', ['pkg @ https://example.com/pkg-1.0-py3-none-any.whl']],
    // index: the named index's URL, credentials removed.
    [
      'torch>=2',
      '[tool.uv.sources]\ntorch = { index = "cpu" }\n[[tool.uv.index]]\nname = "cpu"\nurl = "https://u:p@download.pytorch.org/whl/cpu"',
      ['torch>=2 (index https://download.pytorch.org/whl/cpu)'],
    ],
    ['torch', '[tool.uv.sources]\ntorch = { index = "missing" }', [expect.stringContaining('problem(error): `torch` uses the index `missing`')]],
    // Marker-scoped sources: the uncovered marker space keeps the registry requirement.
    [
      "torch>=2 ; python_version >= '3.10'",
      '[tool.uv.sources]\ntorch = [{ index = "cpu", marker = "sys_platform == \'linux\'" }, { index = "cpu", marker = "sys_platform == \'win32\'" }]\n[[tool.uv.index]]\nname = "cpu"\nurl = "https://download.pytorch.org/whl/cpu"',
      [
        "torch>=2 (index https://download.pytorch.org/whl/cpu) ; sys_platform == 'linux' and python_version >= '3.10'",
        "torch>=2 (index https://download.pytorch.org/whl/cpu) ; sys_platform == 'win32' and python_version >= '3.10'",
        "torch>=2 ; sys_platform != 'linux' and sys_platform != 'win32' and python_version >= '3.10'",
      ],
    ],
    // A source marker disjoint from the requirement's marker drops that lowered requirement.
    [
      "colorama ; sys_platform == 'win32'",
      '[tool.uv.sources]\ncolorama = { url = "https://example.com/colorama-1.0.tar.gz", marker = "sys_platform == \'linux\'" }',
      ["colorama ; sys_platform != 'linux' and sys_platform == 'win32'"],
    ],
  ])('%s with %j', (requirement, tool, expected) => {
    const { ws, scope } = workspace(`[project]\nname = "app"\nversion = "0.1.0"\n${tool}\n${HATCH}`);
    expect(lower(requirement, scope, ws)).toEqual(expected);
  });

  it('uses the member source over the root source, with paths relative to the member', () => {
    const { ws, memberScope } = workspace(
      '[project]\nname = "app"\nversion = "0.1.0"\n[tool.uv.sources]\nvendored = { path = "vendor/vendored" }\n',
      '[tool.uv.sources]\nvendored = { path = "../../vendor/other" }',
    );
    expect(lower('vendored', memberScope, ws)).toEqual(['vendored (directory vendor/other)']);
    // Without a member entry, the root's applies, relative to the root.
    const { ws: ws2, memberScope: scope2 } = workspace(
      '[project]\nname = "app"\nversion = "0.1.0"\n[tool.uv.sources]\nvendored = { path = "vendor/vendored" }\n',
    );
    expect(lower('vendored', scope2, ws2)).toEqual(['vendored (directory vendor/vendored)']);
  });

  it('applies extra- and group-scoped sources only there, and records the conflict item for an index', () => {
    const tool = '[tool.uv.sources]\ntorch = [{ index = "cpu", extra = "cpu" }]\n[[tool.uv.index]]\nname = "cpu"\nurl = "https://download.pytorch.org/whl/cpu"';
    const { ws, scope } = workspace(`[project]\nname = "app"\nversion = "0.1.0"\n${tool}\n${HATCH}`);
    expect(lower('torch', scope, ws)).toEqual(['torch']);
    const lowered = lowerRequirementText('torch', { ...scope, extra: 'cpu' }, ws, { file: 'pyproject.toml' }, { kind: 'extra', name: 'cpu', negated: false });
    expect(lowered.ok && lowered.requirements.map((r) => r.source)).toEqual([
      { kind: 'registry', specifiers: [], index: 'https://download.pytorch.org/whl/cpu', conflict: 'app[cpu]' },
    ]);
  });

  it('normalizes paths lexically', () => {
    expect(normalizePath('a/./b/../c')).toBe('a/c');
    expect(normalizePath('../x/../../y')).toBe('../../y');
    expect(normalizePath('')).toBe('.');
    expect(normalizePath('./')).toBe('.');
  });
});

describe('lock requirement tables', () => {
  it.each([
    [{ name: 'Foo_Bar', specifier: '>=1.0,<2', extras: ['B', 'a'] }, 'foo-bar[a,b]>=1.0,<2'],
    [{ name: 'mcp', extras: ['cli'], editable: '.' }, 'mcp[cli] (editable .)'],
    [{ name: 'w', directory: '../werkzeug' }, 'w (directory ../werkzeug)'],
    [{ name: 'v', virtual: 'app/' }, 'v (virtual app)'],
    [
      { name: 'g', git: 'https://github.com/o/r?subdirectory=s&rev=v1#0123456789abcdef0123456789abcdef01234567' },
      'g @ git+https://github.com/o/r@v1#subdirectory=s',
    ],
    [
      { name: 't', specifier: '>=2', index: 'https://download.pytorch.org/whl/cpu', marker: "sys_platform == 'linux'" },
      "t>=2 (index https://download.pytorch.org/whl/cpu) ; sys_platform == 'linux'",
    ],
  ])('%j reads as %s', (table, expected) => {
    const result = lowerLockTable(table, 'uv.lock', 3);
    expect(result.ok && describeRequirement(result.requirements[0]!)).toBe(expected);
  });

  it.each([[null], [{}], [{ name: 'x', specifier: '>=banana' }], [{ name: 'x', marker: 'os_name ==' }]])('%j is undecidable, never a crash', (table) => {
    const result = lowerLockTable(table, 'uv.lock', 3);
    expect(result.ok).toBe(false);
  });
});

describe('comparing requirement sets as uv does', () => {
  const range = releaseRange((parseSpecifiers('>=3.10') as { ok: true; value: never }).value);
  const req = (name: string, specifier: string, marker?: string): LoweredRequirement => {
    const result = lowerLockTable(marker ? { name, specifier, marker } : { name, specifier }, 'uv.lock', 1);
    if (!result.ok) throw new Error(result.problem.message);
    return result.requirements[0]!;
  };

  it('ignores order and duplicates, compares markers by meaning', () => {
    const a = [req('b', '>=1'), req('a', '>=2', "python_version < '3.11'"), req('b', '>=1.0')];
    const b = [req('a', '>=2.0', "python_full_version < '3.11'"), req('b', '>=1')];
    expect(compareRequirementSets(a, b, range)).toEqual({ missing: [], extra: [], undecidable: [] });
  });

  it('pairs a changed requirement with what the lock has', () => {
    const result = compareRequirementSets([req('a', '>=2')], [req('a', '>=1'), req('c', '')], range);
    expect(result.missing.map(describeRequirement)).toEqual(['a>=2']);
    expect(result.extra.map(describeRequirement)).toEqual(['a>=1', 'c']);
  });

  it('leaves version-dependent differences undecided', () => {
    const result = compareRequirementSets([req('a', '~=1.0')], [req('a', '~=1.0.0')], range);
    expect(result.missing).toEqual([]);
    expect(result.extra).toEqual([]);
    expect(result.undecidable).toHaveLength(1);
  });

  it('gives up, undecided, on hundreds of entries that differ only by marker', () => {
    const many = Array.from({ length: 300 }, (_, i) => req('a', '>=1', `platform_release == '${i}'`));
    const result = compareRequirementSets(many, many.slice(0, 10), range);
    expect(result.missing).toEqual([]);
    expect(result.undecidable).toHaveLength(1);
    expect(result.undecidable[0]!.reason).toContain('more than 256');
  });

  it('treats an unknown virtual flag (path outside the repository) as either', () => {
    expect(
      compareSources(
        { kind: 'directory', path: '../w', editable: false, virtual: 'unknown' },
        { kind: 'directory', path: '../w', editable: false, virtual: true },
      ),
    ).toBe('equal');
    expect(
      compareSources({ kind: 'directory', path: '../w', editable: true, virtual: false }, { kind: 'directory', path: '../w', editable: false, virtual: false }),
    ).toBe('different');
  });
});
