import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { globMatcher, loadUvProjects, workspaceGlob } from '../src/uv/load.js';
import { withInvalidFindings } from './support/uv-load-findings.js';
import { LIMITS, UV_FIXTURES, corpusSnapshots, sourceFromDir, sourceFromTexts } from './uv-helpers.js';

const LOCK = 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n';

function load(files: Record<string, string>, options: Parameters<typeof loadUvProjects>[2] = {}, unreadable: Record<string, string> = {}) {
  return withInvalidFindings(loadUvProjects(sourceFromTexts(files, unreadable), LIMITS, options));
}

describe('corpus discovery', () => {
  it.each(corpusSnapshots().map((s) => [`${s.repo}/${s.sha}`, s.dir] as const))(
    '%s loads as one project, with its lock, without invalid-file',
    (_label, dir) => {
      const { projects, problems } = loadUvProjects(sourceFromDir(dir), LIMITS);
      expect(problems).toEqual([]);
      expect(projects.map((p) => [p.root, p.lockState])).toEqual([['', 'ok']]);
      const lock = projects[0]!.lock!;
      // The lock's manifest lists the members uv found; discovery must find the same ones.
      if (lock.manifest.members.length > 0) {
        const names = [projects[0]!.rootPyproject, ...projects[0]!.members]
          .map((p) => p.name?.toLowerCase().replace(/[-_.]+/g, '-'))
          .filter(Boolean)
          .sort();
        expect(names).toEqual([...lock.manifest.members].sort());
      }
    },
  );

  it('finds the 18 members of python-sdk (globs examples/clients/*, examples/servers/*, examples/snippets)', () => {
    const { projects } = loadUvProjects(sourceFromDir(join(UV_FIXTURES, 'modelcontextprotocol__python-sdk', '8f806da61113')), LIMITS);
    expect(projects[0]!.members.length).toBe(18);
    expect(projects[0]!.members.map((m) => m.dir)).toContain('examples/servers/structured-output-lowlevel');
  });

  it('finds no member for openai-agents, whose members glob matches nothing', () => {
    const { projects } = loadUvProjects(sourceFromDir(join(UV_FIXTURES, 'openai__openai-agents-python', '2bd03971f9d2')), LIMITS);
    expect(projects[0]!.members).toEqual([]);
  });
});

describe('workspace globs', () => {
  it.each([
    ['', 'packages/*', 'packages/a', true],
    ['', 'packages/*', 'packages/a/b', false],
    ['', 'packages/**', 'packages/a/b', true],
    ['', 'packages/**', 'packages', true],
    ['', '**/libs/*', 'x/y/libs/z', true],
    ['', '**/libs/*', 'libs/z', true],
    ['', 'lib-?', 'lib-a', true],
    ['', 'lib-?', 'lib-ab', false],
    ['', 'lib-[ab]', 'lib-b', true],
    ['', 'lib-[!ab]', 'lib-b', false],
    ['', './tools/cli/', 'tools/cli', true],
    ['sub', 'pkgs/*', 'sub/pkgs/a', true],
    ['sub', 'pkgs/*', 'pkgs/a', false],
    ['sub', '../other', 'other', true],
    ['', 'a.b', 'aXb', false],
  ])('root %j pattern %j matches %j: %s', (root, pattern, dir, expected) => {
    expect(globMatcher(root, pattern)!(dir)).toBe(expected);
  });

  it('drops a pattern that leaves the repository', () => {
    expect(globMatcher('', '../elsewhere/*')).toBeUndefined();
  });

  it('says why a pattern cannot be applied: outside the repository, or not a pattern', () => {
    expect(workspaceGlob('', '../elsewhere/*')).toEqual({ problem: 'outside' });
    expect(workspaceGlob('sub', '../../x')).toEqual({ problem: 'outside' });
    expect(workspaceGlob('', 'lib-[z-a]')).toEqual({ problem: 'invalid', reason: 'Range out of order in character class' });
    expect('matches' in workspaceGlob('sub', '../other')).toBe(true);
  });
});

describe('workspace globs lockgate cannot apply are reported, never dropped', () => {
  const MEMBER = '[project]\nname = "api"\nversion = "1"\n';
  const rowsOf = (result: ReturnType<typeof load>) => result.invalid.map((f) => [f.rule, f.severity, f.file, f.line]);

  it('a members glob that is not a pattern: invalid-file (error) at its line, and the member is not taken in silently', () => {
    const result = load({
      'pyproject.toml': '[project]\nname = "root"\nversion = "1"\n\n[tool.uv.workspace]\nmembers = [\n  "packages/*",\n  "libs/[z-a]",\n]\n',
      'packages/api/pyproject.toml': MEMBER,
      'libs/b/pyproject.toml': '[project]\nname = "b"\nversion = "1"\n',
      'uv.lock': LOCK,
    });
    expect(rowsOf(result)).toEqual([['invalid-file', 'error', 'pyproject.toml', 8]]);
    expect(result.invalid[0]!.message).toBe(
      'pyproject.toml: lockgate cannot apply the tool.uv.workspace.members glob "libs/[z-a]" (Range out of order in character class), so the directories it names are not checked as workspace members.',
    );
    expect(result.invalid[0]!.fix).toContain('Fix the glob');
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'workspace-glob', list: 'members', problem: 'invalid', pattern: 'libs/[z-a]', file: 'pyproject.toml', line: 8 }),
    ]);
    // The glob that works still does.
    expect(result.projects[0]!.members.map((m) => m.dir)).toEqual(['packages/api']);
  });

  it('a members glob that leaves the repository: invalid-file (warning), since lockgate cannot see those members', () => {
    const result = load({ 'pyproject.toml': '[tool.uv.workspace]\nmembers = ["../shared/*"]\n', 'uv.lock': LOCK });
    expect(rowsOf(result)).toEqual([['invalid-file', 'warning', 'pyproject.toml', 2]]);
    expect(result.invalid[0]!.message).toContain('the tool.uv.workspace.members glob "../shared/*" leaves the repository');
  });

  it('an exclude glob that is not a pattern is reported (its directories are checked as members); one outside the repository excludes nothing lockgate sees', () => {
    const result = load({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/[z-a]", "../elsewhere"]\n',
      'packages/api/pyproject.toml': MEMBER,
      'uv.lock': LOCK,
    });
    expect(rowsOf(result)).toEqual([['invalid-file', 'error', 'pyproject.toml', 3]]);
    expect(result.invalid[0]!.message).toContain('not excluded: lockgate checks them as members');
    expect(result.projects[0]!.members.map((m) => m.dir)).toEqual(['packages/api']);
  });

  it('globs that apply give no problem', () => {
    const result = load({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*", "./tools"]\nexclude = ["packages/legacy"]\n',
      'packages/api/pyproject.toml': MEMBER,
      'uv.lock': LOCK,
    });
    expect(result.problems).toEqual([]);
  });
});

describe('project discovery', () => {
  it('groups members under their workspace root, honouring exclude, and keeps a virtual root', () => {
    const { projects, invalid } = load({
      'pyproject.toml': '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/legacy"]\n',
      'packages/api/pyproject.toml': '[project]\nname = "api"\nversion = "1"\n',
      'packages/web/pyproject.toml': '[project]\nname = "web"\nversion = "1"\n',
      'packages/legacy/pyproject.toml': '[project]\nname = "legacy"\nversion = "1"\n\n[tool.uv]\n',
      'packages/legacy/uv.lock': LOCK,
      'packages/api/deep/pyproject.toml': '[project]\nname = "deep"\nversion = "1"\n',
      'uv.lock': LOCK,
    });
    expect(invalid).toEqual([]);
    expect(projects.map((p) => [p.root, p.members.map((m) => m.dir)])).toEqual([
      ['', ['packages/api', 'packages/web']],
      // The excluded member has a lock of its own, so it is a project of its own.
      ['packages/legacy', []],
    ]);
    expect(projects[0]!.rootPyproject.hasProjectTable).toBe(false);
    expect(projects[0]!.lockState).toBe('ok');
    expect(projects[1]!.lockState).toBe('ok');
  });

  it('finds several independent projects, and a nested project with its own lock that is no member', () => {
    const { projects } = load({
      'pyproject.toml': '[project]\nname = "root"\nversion = "1"\n',
      'uv.lock': LOCK,
      'services/a/pyproject.toml': '[project]\nname = "a"\nversion = "1"\n',
      'services/a/uv.lock': LOCK,
      'examples/demo/pyproject.toml': '[project]\nname = "demo"\nversion = "1"\n\n[tool.uv]\npackage = false\n',
      'examples/demo/uv.lock': LOCK,
      'docs/pyproject.toml': '[project]\nname = "docs-only"\nversion = "1"\n',
    });
    expect(projects.map((p) => [p.root, p.lockFile, p.lockState])).toEqual([
      ['', 'uv.lock', 'ok'],
      ['examples/demo', 'examples/demo/uv.lock', 'ok'],
      ['services/a', 'services/a/uv.lock', 'ok'],
    ]);
  });

  it('does not take Poetry or plain setuptools projects for uv projects', () => {
    expect(load(sourceFiles('lock-missing/poetry')).projects).toEqual([]);
    expect(load(sourceFiles('lock-missing/setuptools')).projects).toEqual([]);
    // An empty uv.lock beside a Poetry project is a stray file, not a uv lock.
    expect(load(sourceFiles('lock-missing/stray-empty')).projects).toEqual([]);
    // The same empty file in a project of no other tool is a lock uv cannot read.
    const empty = load({ 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n', 'uv.lock': '' });
    expect(empty.projects.map((p) => p.lockState)).toEqual(['invalid']);
    expect(empty.invalid.map((f) => f.rule)).toEqual(['invalid-file']);
  });

  it('a project is one uv would use: it has a uv.lock, or had one at base', () => {
    const workflow = 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv sync --locked\n      - run: uv run pytest tests/plugin\n';
    const files = {
      'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n\n[tool.uv]\npackage = false\n',
      'tests/plugin/pyproject.toml': '[project]\nname = "plugin-fixture"\nversion = "1"\n',
      '.github/workflows/ci.yml': workflow,
    };
    expect(load(files).projects).toEqual([]);
    expect(load(files, { lockedAtBase: new Set(['']) }).projects.map((p) => [p.root, p.lockState])).toEqual([['', 'missing']]);
  });
});

describe('indexes', () => {
  it('reads [[tool.uv.index]], index-url, extra-index-url and find-links with their lines', () => {
    const { projects } = load({
      'pyproject.toml': [
        '[project]',
        'name = "x"',
        'version = "1"',
        '',
        '[tool.uv]',
        'index-url = "https://mirror.example/simple"',
        'extra-index-url = ["https://extra.example/simple"]',
        'find-links = "https://links.example/"',
        '',
        '[[tool.uv.index]]',
        'name = "pytorch"',
        'url = "https://download.pytorch.org/whl/cpu"',
        'explicit = true',
      ].join('\n'),
      'uv.lock': LOCK,
      'packages/m/pyproject.toml': '[project]\nname = "m"\nversion = "1"\n\n[[tool.uv.index]]\nurl = "https://member.example/simple"\n',
    });
    expect(projects[0]!.indexes.map((i) => [i.url, i.declaredAs, i.explicit, i.default, i.file, i.line])).toEqual([
      ['https://download.pytorch.org/whl/cpu', 'index', true, false, 'pyproject.toml', 12],
      ['https://mirror.example/simple', 'index-url', false, true, 'pyproject.toml', 6],
      ['https://extra.example/simple', 'extra-index-url', false, false, 'pyproject.toml', 7],
      ['https://links.example/', 'find-links', false, false, 'pyproject.toml', 8],
    ]);
  });

  it("takes the root uv.toml over [tool.uv], and keeps members' index tables", () => {
    const { projects } = load({
      'pyproject.toml':
        '[project]\nname = "x"\nversion = "1"\n\n[tool.uv]\nindex-url = "https://ignored.example/simple"\n\n[tool.uv.workspace]\nmembers = ["m"]\n',
      'uv.toml': '\n[[index]]\nname = "corp"\nurl = "https://corp.example/simple"\ndefault = true\n',
      'm/pyproject.toml': '[project]\nname = "m"\nversion = "1"\n\n[[tool.uv.index]]\nname = "member"\nurl = "https://member.example/simple"\n',
      'uv.lock': LOCK,
    });
    expect(projects[0]!.uvToml?.file).toBe('uv.toml');
    expect(projects[0]!.indexes.map((i) => [i.url, i.file, i.line])).toEqual([
      ['https://corp.example/simple', 'uv.toml', 4],
      ['https://member.example/simple', 'm/pyproject.toml', 7],
    ]);
  });
});

describe('invalid files', () => {
  const rows = (result: ReturnType<typeof load>) => result.invalid.map((f) => [f.rule, f.file, f.line, f.severity]);

  it('reports a TOML syntax error in uv.lock at the parser line, and keeps the project', () => {
    const result = load(sourceFiles('invalid/lock-syntax'));
    expect(rows(result)).toEqual([['invalid-file', 'uv.lock', 40, 'error']]);
    expect(result.projects.map((p) => [p.root, p.lockState, p.lock])).toEqual([['', 'invalid', null]]);
  });

  it('reports a TOML syntax error in pyproject.toml at the parser line', () => {
    const result = load(sourceFiles('invalid/pyproject-syntax'));
    expect(rows(result)).toEqual([['invalid-file', 'pyproject.toml', 3, 'error']]);
    expect(result.invalid[0]!.message).toContain('pyproject.toml is not valid TOML');
  });

  it('reports structural lock errors at their line', () => {
    const result = load(sourceFiles('invalid/lock-git-without-commit'));
    expect(rows(result)).toEqual([['invalid-file', 'uv.lock', 42, 'error']]);
    expect(result.invalid[0]!.fix).toContain('uv lock');
  });

  it('reports unreadable and too-large files without crashing', () => {
    const result = load(
      { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.uv]\n' },
      {},
      { 'uv.lock': 'larger than the 64 MiB limit', 'sub/pyproject.toml': 'a symlink out of the repository' },
    );
    expect(rows(result)).toEqual([
      ['invalid-file', 'sub/pyproject.toml', 1, 'error'],
      ['invalid-file', 'uv.lock', 1, 'error'],
    ]);
    expect(result.invalid[1]!.message).toContain('larger than the 64 MiB limit');
    expect(result.projects[0]!.lockState).toBe('invalid');
    const small = withInvalidFindings(loadUvProjects(sourceFromTexts({ 'pyproject.toml': '[tool.uv]\n', 'uv.lock': LOCK }), { ...LIMITS, maxFileBytes: 10 }));
    expect(small.invalid.map((f) => f.file)).toEqual(['uv.lock']);
  });

  it('reports a lock with more packages than the limit as an error (the rest go unchecked) and keeps the first ones', () => {
    const pkg = (i: number) => `[[package]]\nname = "p${i}"\nversion = "1"\nsource = { registry = "https://pypi.org/simple" }\n`;
    const text = `${LOCK}\n${[0, 1, 2, 3].map(pkg).join('\n')}`;
    const result = withInvalidFindings(
      loadUvProjects(sourceFromTexts({ 'pyproject.toml': '[tool.uv]\n', 'uv.lock': text }), { ...LIMITS, maxPackagesPerLock: 2 }),
    );
    expect(rows(result)).toEqual([['invalid-file', 'uv.lock', 15, 'error']]);
    expect(result.projects[0]!.lock!.packages.length).toBe(2);
  });

  it('survives pyprojects with every key of the wrong type', () => {
    const odd = [
      'project = 1',
      'project = { name = 1, dependencies = "x", dynamic = 3 }',
      'tool = { uv = 1 }',
      'tool = { uv = { workspace = { members = "x", exclude = [1] }, index = "x", index-url = 1, extra-index-url = { a = 1 } } }',
      'tool = { uv = { workspace = { members = [1, "*"] } } }',
      '"__proto__" = { polluted = true }\n[tool.uv]\n',
      '[tool.uv.workspace]\nmembers = ["[", "**/**", "../../.."]\n',
    ];
    for (const text of odd) {
      expect(() => load({ 'pyproject.toml': text, 'a/pyproject.toml': '[project]\nname = "a"\n', 'uv.lock': LOCK })).not.toThrow();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

function sourceFiles(name: string): Record<string, string> {
  const files = sourceFromDir(join(UV_FIXTURES, 'cases', name));
  return Object.fromEntries(files.texts);
}
