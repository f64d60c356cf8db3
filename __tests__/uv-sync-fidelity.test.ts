/**
 * lock-out-of-sync against classes of false errors seen on real, healthy repositories (issue 11),
 * each shaped after the repository it came from, with a case that must stay quiet and one that must
 * still fire. The uv function each case follows is named beside it.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadUvProjects } from '../src/uv/load.js';
import { checkLockSync, type SyncIssue } from '../src/uv/sync/index.js';
import { compareMarkers, parseMarker } from '../src/uv/markers.js';
import { LIMITS, UV_FIXTURES, sourceFromTexts } from './uv-helpers.js';
import { uvLoadFindings } from './support/uv-load-findings.js';

const okDir = join(UV_FIXTURES, 'sync', 'ok-basic');
const basePyproject = readFileSync(join(okDir, 'pyproject.toml'), 'utf8');
const baseLock = readFileSync(join(okDir, 'uv.lock'), 'utf8');

/** Issues of the project whose root is `root` ('' for the repository root). */
function issuesAt(files: Record<string, string>, root = ''): SyncIssue[] {
  const project = loadUvProjects(sourceFromTexts(files), LIMITS).projects.find((p) => p.root === root);
  if (!project) throw new Error(`no project at "${root}"`);
  return checkLockSync(project);
}

const summary = (issues: SyncIssue[]) => issues.map((i) => [i.kind, i.what, i.file]);

function marker(text: string) {
  const parsed = parseMarker(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('markers as uv normalizes them (uv-pep508 marker/algebra.rs)', () => {
  it.each([
    // `InternerGuard::expression` rewrites these platform_system values to sys_platform.
    ['platform_system == "Windows"', "sys_platform == 'win32'"],
    ['platform_system != "Windows"', "sys_platform != 'win32'"],
    ['platform_system == "Darwin"', "sys_platform == 'darwin'"],
    ['platform_system == "Linux" and python_version < "3.15"', "python_full_version < '3.15' and sys_platform == 'linux'"],
    ['"Windows" == platform_system', "sys_platform == 'win32'"],
    // `InternerGuard::exclusions`: these pairs cannot hold together, so the conjunction is FALSE.
    ["os_name == 'nt' and sys_platform == 'linux'", "python_full_version < '0'"],
    ["(os_name == 'nt' and sys_platform == 'darwin') or sys_platform == 'win32'", "sys_platform == 'win32'"],
    ["platform_system == 'FreeBSD' and sys_platform == 'linux'", "python_full_version < '0'"],
  ])('%s is %s', (a, b) => {
    expect(compareMarkers(marker(a), marker(b))).toBe('equal');
  });

  it.each([
    // FreeBSD has a version in sys.platform (`freebsd14`), so uv does not rewrite it.
    ['platform_system == "FreeBSD"', "sys_platform == 'freebsd'"],
    ['platform_system == "Linux"', "sys_platform == 'win32'"],
    // iOS is both a platform_system and a sys_platform value: compatible, so not excluded.
    ["platform_system == 'iOS' and sys_platform == 'ios'", "python_full_version < '0'"],
    ["os_name == 'nt' and sys_platform == 'win32'", "sys_platform == 'win32'"],
  ])('%s is not %s', (a, b) => {
    expect(compareMarkers(marker(a), marker(b))).not.toBe('equal');
  });

  // pydantic/pydantic: `tzdata; platform_system == "Windows"` in an extra, written by uv as
  // `sys_platform == 'win32' and extra == 'timezone'`.
  const pydanticPyproject = basePyproject.replace('cli = ["rich>=13"]', 'cli = ["rich>=13; platform_system == \\"Windows\\""]');
  it('a lock that wrote platform_system as sys_platform is in sync', () => {
    const lock = baseLock.replace(
      `{ name = "rich", marker = "extra == 'cli'", specifier = ">=13" }`,
      `{ name = "rich", marker = "sys_platform == 'win32' and extra == 'cli'", specifier = ">=13" }`,
    );
    expect(issuesAt({ 'pyproject.toml': pydanticPyproject, 'uv.lock': lock })).toEqual([]);
  });
  it('a lock whose platform differs still fires', () => {
    const lock = baseLock.replace(
      `{ name = "rich", marker = "extra == 'cli'", specifier = ">=13" }`,
      `{ name = "rich", marker = "sys_platform == 'linux' and extra == 'cli'", specifier = ">=13" }`,
    );
    expect(summary(issuesAt({ 'pyproject.toml': pydanticPyproject, 'uv.lock': lock }))).toEqual([['mismatch', 'requires-dist', 'pyproject.toml']]);
  });
});

describe('settings found above the project (uv-settings FilesystemOptions::find)', () => {
  // PrefectHQ/fastmcp: examples/testing_demo has its own uv.lock and no [tool.uv]; uv takes the
  // repository root's [tool.uv] (the nearest ancestor that has one), cooldown included.
  const rootPyproject = '[project]\nname = "outer"\nversion = "1.0"\n\n[tool.uv]\nexclude-newer = "1 week"\n';
  const nestedPyproject = basePyproject;
  const nestedLock = baseLock.replace(
    'requires-python = ">=3.10"\n',
    'requires-python = ">=3.10"\n\n[options]\nexclude-newer = "0001-01-01T00:00:00Z"\nexclude-newer-span = "P1W"\n',
  );
  const files = (lock: string, pyproject = nestedPyproject) => ({
    'pyproject.toml': rootPyproject,
    'examples/demo/pyproject.toml': pyproject,
    'examples/demo/uv.lock': lock,
  });

  it("a nested project's lock that records the ancestor's cooldown is in sync", () => {
    expect(issuesAt(files(nestedLock), 'examples/demo')).toEqual([]);
  });
  it('a nested lock without it fires, at the file that sets it', () => {
    expect(summary(issuesAt(files(baseLock), 'examples/demo'))).toEqual([['mismatch', 'exclude-newer', 'pyproject.toml']]);
  });
  it('a [tool.uv] of its own stops the search, even one without settings', () => {
    const own = nestedPyproject.replace('[build-system]', '[tool.uv]\npackage = true\n\n[build-system]');
    expect(issuesAt(files(baseLock, own), 'examples/demo')).toEqual([]);
    expect(summary(issuesAt(files(nestedLock, own), 'examples/demo'))).toEqual([['mismatch', 'exclude-newer', 'examples/demo/pyproject.toml']]);
  });
  it('a uv.toml in a folder between them is found first', () => {
    const withUvToml = { ...files(baseLock), 'examples/uv.toml': 'resolution = "highest"\n' };
    expect(issuesAt(withUvToml, 'examples/demo')).toEqual([]);
  });
  it('a pyproject without [tool.uv] in between is passed over', () => {
    const between = { ...files(nestedLock), 'examples/pyproject.toml': '[project]\nname = "examples"\nversion = "0"\n' };
    expect(issuesAt(between, 'examples/demo')).toEqual([]);
  });
});

describe("a member inside another project's folder (uv-workspace find_workspace)", () => {
  // modelcontextprotocol/python-sdk: members "examples" and "examples/snippets"; snippets needs
  // `mcp`, which the root's [tool.uv.sources] maps to the workspace. uv reads snippets' metadata
  // as a project of its own (its nearest ancestor pyproject, examples/, is a project), so the
  // root's sources do not apply and the lock records a registry requirement.
  const root = [
    '[project]',
    'name = "mcp"',
    'version = "1.0.0"',
    'requires-python = ">=3.10"',
    '',
    '[tool.uv.workspace]',
    'members = ["examples", "examples/snippets"]',
    '',
    '[tool.uv.sources]',
    'mcp = { workspace = true }',
    '',
    '[build-system]',
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    '',
  ].join('\n');
  const member = (name: string) =>
    `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["mcp"]\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n`;
  const lock = (snippetsRequirement: string) =>
    [
      'version = 1',
      'revision = 3',
      'requires-python = ">=3.10"',
      '',
      '[manifest]',
      'members = [',
      '    "mcp",',
      '    "mcp-examples",',
      '    "mcp-snippets",',
      ']',
      '',
      '[[package]]',
      'name = "mcp"',
      'version = "1.0.0"',
      'source = { editable = "." }',
      '',
      '[[package]]',
      'name = "mcp-examples"',
      'version = "0.1.0"',
      'source = { editable = "examples" }',
      'dependencies = [',
      '    { name = "mcp" },',
      ']',
      '',
      '[package.metadata]',
      'requires-dist = [{ name = "mcp", editable = "." }]',
      '',
      '[[package]]',
      'name = "mcp-snippets"',
      'version = "0.1.0"',
      'source = { editable = "examples/snippets" }',
      'dependencies = [',
      '    { name = "mcp" },',
      ']',
      '',
      '[package.metadata]',
      `requires-dist = [${snippetsRequirement}]`,
      '',
    ].join('\n');
  const files = (lockText: string) => ({
    'pyproject.toml': root,
    'examples/pyproject.toml': member('mcp-examples'),
    'examples/snippets/pyproject.toml': member('mcp-snippets'),
    'uv.lock': lockText,
  });

  it('its registry requirement, as uv locks it, is in sync', () => {
    expect(issuesAt(files(lock('{ name = "mcp" }')))).toEqual([]);
  });
  it('the root source applied to it is drift', () => {
    expect(summary(issuesAt(files(lock('{ name = "mcp", editable = "." }'))))).toEqual([['mismatch', 'requires-dist', 'examples/snippets/pyproject.toml']]);
  });
  it('a member right below the root still gets the root sources', () => {
    const wrong = lock('{ name = "mcp" }').replace('requires-dist = [{ name = "mcp", editable = "." }]', 'requires-dist = [{ name = "mcp" }]');
    expect(summary(issuesAt(files(wrong)))).toEqual([['mismatch', 'requires-dist', 'examples/pyproject.toml']]);
  });
});

describe('a dynamic version in an old lock (uv 0.5.19 stopped recording it, #10622)', () => {
  // samuelcolvin/watchfiles: maturin reads the version from Cargo.toml; its uv 0.5.18 lock (no
  // `revision`) records `version = "1.0.4"`.
  const pyproject = basePyproject.replace('version = "0.1.0"', 'dynamic = ["version"]');
  it('is a notice when the lock predates revision 1: the uv that wrote it accepts it', () => {
    const issues = issuesAt({ 'pyproject.toml': pyproject, 'uv.lock': baseLock.replace('revision = 3\n', '').replace('provides-extras = ["cli"]\n', '') });
    expect(issues.map((i) => [i.kind, i.what])).toEqual([['undecidable', 'version']]);
  });
  it('is drift in a lock of uv 0.6 or later, which never writes it', () => {
    expect(summary(issuesAt({ 'pyproject.toml': pyproject, 'uv.lock': baseLock }))).toEqual([['mismatch', 'version', 'pyproject.toml']]);
  });
});

describe('settings given to uv outside the files (SyncOptions.commandLine)', () => {
  const lock = baseLock.replace('requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\n\n[options]\nexclude-newer = "2024-03-25T00:00:00Z"\n');
  const project = () => loadUvProjects(sourceFromTexts({ 'pyproject.toml': basePyproject, 'uv.lock': lock }), LIMITS).projects[0]!;
  it('UV_EXCLUDE_NEWER matching the lock is in sync', () => {
    expect(checkLockSync(project(), { commandLine: { 'exclude-newer': '2024-03-25T00:00:00Z' } })).toEqual([]);
  });
  it('without it, the recorded cutoff has no setting behind it', () => {
    expect(checkLockSync(project()).map((i) => [i.kind, i.what])).toEqual([['mismatch', 'exclude-newer']]);
  });
});

describe('a path dependency is lowered as a project of its own', () => {
  // langchain-ai/langgraph: libs/sdk-py's lock has libs/langgraph as an editable path dependency,
  // whose own `[tool.uv.sources]` point back at `../sdk-py`: from the lock's root that is `.`, as
  // uv writes it (lock/mod.rs normalize_requirement joins and relativizes paths).
  const sdk =
    '[project]\nname = "sdk"\nversion = "1.0"\nrequires-python = ">=3.10"\ndependencies = ["graph"]\n\n[tool.uv.sources]\ngraph = { path = "../graph", editable = true }\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';
  const graph =
    '[project]\nname = "graph"\nversion = "2.0"\nrequires-python = ">=3.10"\ndependencies = ["sdk>=1", "cli"]\n\n[tool.uv.sources]\nsdk = { path = "../sdk", editable = true }\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';
  // libs/cli has no sources: `sdk` there stays a registry requirement even though the lock's root maps it.
  const cli =
    '[project]\nname = "cli"\nversion = "3.0"\nrequires-python = ">=3.10"\ndependencies = ["sdk>=0.1"]\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';
  const lock = (graphSdk: string, cliSdk: string) =>
    [
      'version = 1',
      'revision = 3',
      'requires-python = ">=3.10"',
      '',
      '[[package]]',
      'name = "cli"',
      'version = "3.0"',
      'source = { directory = "../cli" }',
      '',
      '[package.metadata]',
      `requires-dist = [${cliSdk}]`,
      '',
      '[[package]]',
      'name = "graph"',
      'version = "2.0"',
      'source = { editable = "../graph" }',
      'dependencies = [',
      '    { name = "cli" },',
      '    { name = "sdk" },',
      ']',
      '',
      '[package.metadata]',
      `requires-dist = [{ name = "cli", directory = "../cli" }, ${graphSdk}]`,
      '',
      '[[package]]',
      'name = "sdk"',
      'version = "1.0"',
      'source = { editable = "." }',
      'dependencies = [',
      '    { name = "graph" },',
      ']',
      '',
      '[package.metadata]',
      'requires-dist = [{ name = "graph", editable = "../graph" }]',
      '',
    ].join('\n');
  const files = (lockText: string) => ({
    'libs/sdk/pyproject.toml': sdk,
    'libs/sdk/uv.lock': lockText,
    'libs/graph/pyproject.toml': graph.replace('"cli"]', '"cli"]\n').replace('[tool.uv.sources]\n', '[tool.uv.sources]\ncli = { path = "../cli" }\n'),
    'libs/cli/pyproject.toml': cli,
  });
  const good = lock('{ name = "sdk", editable = "." }', '{ name = "sdk", specifier = ">=0.1" }');

  it('is in sync as uv writes it', () => {
    expect(issuesAt(files(good), 'libs/sdk')).toEqual([]);
  });
  it("the lock root's sources applied to it are drift", () => {
    const wrong = lock('{ name = "sdk", editable = "." }', '{ name = "sdk", editable = "." }');
    expect(summary(issuesAt(files(wrong), 'libs/sdk'))).toEqual([['mismatch', 'requires-dist', 'libs/cli/pyproject.toml']]);
  });
  it('its own source pointing elsewhere is drift', () => {
    const wrong = lock('{ name = "sdk", editable = "../other" }', '{ name = "sdk", specifier = ">=0.1" }');
    expect(summary(issuesAt(files(wrong), 'libs/sdk'))).toEqual([['mismatch', 'requires-dist', 'libs/graph/pyproject.toml']]);
  });
});

describe('wheel file names carry the entry version (lock/mod.rs InconsistentVersions)', () => {
  const invalidOf = (lock: string) =>
    uvLoadFindings(loadUvProjects(sourceFromTexts({ 'pyproject.toml': basePyproject, 'uv.lock': lock }), LIMITS)).map((f) => [
      f.rule,
      f.severity,
      f.line,
      f.message,
    ]);
  it.each([
    ['the same version', 'httpx-0.28.1-py3-none-any.whl'],
    ['the same version, spelled longer', 'httpx-0.28.1.0-py3-none-any.whl'],
    ['with a local version the entry drops', 'httpx-0.28.1+cpu-py3-none-any.whl'],
    ['with a build tag', 'httpx-0.28.1-1-py3-none-any.whl'],
  ])('%s is accepted', (_label, filename) => {
    expect(invalidOf(baseLock.replace('httpx-0.28.1-py3-none-any.whl', filename))).toEqual([]);
  });
  it('a wheel of another release is a tampered entry, at its line', () => {
    const rows = invalidOf(baseLock.replace('httpx-0.28.1-py3-none-any.whl', 'httpx-0.27.0-py3-none-any.whl'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(0, 3)).toEqual(['invalid-file', 'error', 40]);
    expect(rows[0]![3]).toContain('httpx-0.27.0-py3-none-any.whl');
  });
});
