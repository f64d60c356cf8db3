import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { readLock, parseGitSource } from '../src/uv/lock.js';
import { normalizeName } from '../src/uv/names.js';
import { compareVersions } from '../src/uv/version.js';
import type { Lock } from '../src/uv/model.js';
import { UV_FIXTURES, corpusSnapshots, LIMITS } from './uv-helpers.js';

function mustRead(text: string, file = 'uv.lock'): Lock {
  const result = readLock(file, text, LIMITS);
  if ('error' in result) throw new Error(`expected a lock, got ${JSON.stringify(result.error)}`);
  return result.lock;
}

function mustFail(text: string): { line: number; message: string } {
  const result = readLock('uv.lock', text, LIMITS);
  if (!('error' in result)) throw new Error('expected an error');
  return result.error;
}

const corpusLock = (repo: string, sha: string): string => readFileSync(join(UV_FIXTURES, repo, sha, 'uv.lock'), 'utf8');
const caseLock = (name: string): string => readFileSync(join(UV_FIXTURES, 'cases', name, 'uv.lock'), 'utf8');

describe('readLock on the corpus', () => {
  it.each(corpusSnapshots().map((s) => [`${s.repo}/${s.sha}`, s.repo, s.sha] as const))('%s reads, with every package and file', (_label, repo, sha) => {
    const text = corpusLock(repo, sha);
    const lock = mustRead(text);
    const raw = parse(text) as { package: { name: string; version?: string; wheels?: unknown[]; sdist?: unknown }[] };
    expect(lock.packages.length).toBe(raw.package.length);
    lock.packages.forEach((pkg, index) => {
      expect(pkg.name).toBe(normalizeName(raw.package[index]!.name));
      expect(pkg.version).toBe(raw.package[index]!.version);
      expect(pkg.wheels.length).toBe(raw.package[index]!.wheels?.length ?? 0);
      expect(pkg.sdist !== undefined).toBe(raw.package[index]!.sdist !== undefined);
      expect(pkg.line).toBeGreaterThan(0);
    });
  });

  it('reads the 2024 format of uv-fastapi-example: no revision, no upload-time, sizes present', () => {
    for (const sha of ['815ad9a75735', 'a5e5d41ec407']) {
      const lock = mustRead(corpusLock('astral-sh__uv-fastapi-example', sha));
      expect(lock.revision).toBe(0);
      const artifacts = lock.packages.flatMap((p) => [...(p.sdist ? [p.sdist] : []), ...p.wheels]);
      expect(artifacts.length).toBe(174);
      expect(artifacts.every((a) => a.uploadTime === undefined)).toBe(true);
      expect(artifacts.every((a) => typeof a.size === 'number' && typeof a.hash === 'string')).toBe(true);
    }
  });

  it('reads python-sdk 1bbd/118d: old format, lowest-direct, legacy dev-dependencies as requires-dev "dev"', () => {
    for (const sha of ['1bbd27d4a50a', '118ddcc9ac6c']) {
      const lock = mustRead(corpusLock('modelcontextprotocol__python-sdk', sha));
      expect(lock.revision).toBe(0);
      expect(lock.options.resolutionMode).toBe('lowest-direct');
      expect(lock.manifest.members).toEqual(['mcp', 'mcp-simple-prompt', 'mcp-simple-resource', 'mcp-simple-tool']);
      const mcp = lock.packages.find((p) => p.name === 'mcp')!;
      expect(mcp.source).toEqual({ kind: 'editable', path: '.' });
      expect(Object.keys(mcp.metadata!.requiresDev)).toContain('dev');
      expect(mcp.metadata!.providesExtras).toBeUndefined();
    }
  });

  it('reads the git source of docling with its pinned rev and commit', () => {
    const lock = mustRead(corpusLock('docling-project__docling', '1557e7ce3e03'));
    const whisper = lock.packages.find((p) => p.name === 'openai-whisper')!;
    expect(whisper.source).toEqual({
      kind: 'git',
      url: 'https://github.com/openai/whisper.git',
      commit: 'dd985ac4b90cafeef8712f2998d62c59c3e62d22',
      reference: { type: 'rev', value: 'dd985ac4b90cafeef8712f2998d62c59c3e62d22' },
    });
  });

  it('reads relative cooldown options and per-package exemptions', () => {
    const lock = mustRead(corpusLock('openai__openai-agents-python', '2bd03971f9d2'));
    expect(lock.options.excludeNewer).toBe('0001-01-01T00:00:00Z');
    expect(lock.options.excludeNewerSpan).toBe('P7D');
    expect(lock.options.excludeNewerPackage.openai).toBe(false);
    expect(lock.lines?.get('options')).toBe(lock.options.line);
  });

  it('reads the directory source of flask that points outside the repository', () => {
    const lock = mustRead(corpusLock('pallets__flask', '5e621a2801da'));
    const werkzeug = lock.packages.find((p) => p.name === 'werkzeug')!;
    expect(werkzeug.source).toEqual({ kind: 'directory', path: '../werkzeug' });
    expect(werkzeug.metadata?.requiresDist.length).toBeGreaterThan(0);
  });
});

const MINIMAL_PACKAGE = `[[package]]
name = "idna"
version = "3.7"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/idna-3.7.tar.gz", hash = "sha256:aa", size = 10, upload_time = "2024-04-11T03:34:23.1Z" }
wheels = [{ url = "https://files.example/idna-3.7-py3-none-any.whl", hash = "sha256:bb", size = 5, upload_time = "2024-04-11T03:34:23.2Z" }]
`;

describe('readLock on older spellings', () => {
  it('accepts `upload_time` (uv 0.6.15-0.6.x)', () => {
    const lock = mustRead(`version = 1\nrevision = 2\n\n${MINIMAL_PACKAGE}`);
    expect(lock.packages[0]!.sdist!.uploadTime).toBe('2024-04-11T03:34:23.1Z');
    expect(lock.packages[0]!.wheels[0]!.uploadTime).toBe('2024-04-11T03:34:23.2Z');
    expect(lock.packages[0]!.wheels[0]!.filename).toBe('idna-3.7-py3-none-any.whl');
  });

  it('accepts `[[distribution]]` and the `dependency-groups` aliases', () => {
    const text = `version = 1

[[distribution]]
name = "app"
version = "0.1.0"
source = { editable = "." }

[distribution.dependency-groups]
dev = [{ name = "idna" }]

[distribution.metadata.dependency-groups]
dev = [{ name = "idna", specifier = ">=3" }]

[[distribution]]
name = "idna"
version = "3.7"
source = { registry = "https://pypi.org/simple" }
`;
    const lock = mustRead(text);
    expect(lock.packages.map((p) => p.name)).toEqual(['app', 'idna']);
    expect(lock.packages[0]!.devDependencies.dev).toEqual([{ name: 'idna', extras: [] }]);
    expect(lock.packages[0]!.metadata!.requiresDev.dev).toEqual([{ name: 'idna', specifier: '>=3' }]);
    expect(lock.packages[1]!.line).toBe(14);
  });

  it('normalizes names, extras and option keys as uv does', () => {
    const text = `version = 1
[options.exclude-newer-package]
Mkdocstrings_Python = "2024-01-01T00:00:00Z"
[[package]]
name = "Zope.Interface"
version = "6.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "Zope.Interface", extra = ["Some_Extra"] }]
`;
    const lock = mustRead(text);
    expect(lock.packages[0]!.name).toBe('zope-interface');
    expect(lock.packages[0]!.dependencies[0]).toEqual({ name: 'zope-interface', extras: ['some-extra'] });
    expect(lock.options.excludeNewerPackage['mkdocstrings-python']).toEqual({ timestamp: '2024-01-01T00:00:00Z' });
  });
});

describe('readLock rejects what uv rejects, at the line', () => {
  const cases: [string, string, number, RegExp][] = [
    ['invalid/lock-syntax', 'unterminated string', 40, /not valid TOML/],
    ['invalid/lock-unsupported-version', 'version 2', 1, /unsupported lockfile schema version 2/],
    ['invalid/lock-git-without-commit', 'git source without commit', 42, /full commit hash/],
    ['invalid/lock-unknown-dependency', 'dependency edge to a missing package', 46, /depending on `idna`, which the lock does not contain/],
    ['invalid/lock-duplicate-package', 'duplicate package', 48, /`idna` 3.7 from the same source twice/],
    ['invalid/lock-registry-without-version', 'registry package without version', 63, /registry package `urllib3` without a `version`/],
  ];
  it.each(cases)('%s (%s) -> line %i', (name, _label, line, message) => {
    const error = mustFail(caseLock(name));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });

  it.each([
    ['no version key', '[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "r" }\n', 1, /no `version`/],
    ['package without name', 'version = 1\n\n[[package]]\nversion = "1"\nsource = { registry = "r" }\n', 3, /without a `name`/],
    ['package without source', 'version = 1\n\n[[package]]\nname = "a"\nversion = "1"\n', 3, /without a `source`/],
    ['unknown source kind', 'version = 1\n\n[[package]]\nname = "a"\nversion = "1"\nsource = { svn = "x" }\n', 6, /does not know/],
    ['wheels not an array', 'version = 1\n\n[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "r" }\nwheels = "x"\n', 7, /not an array/],
    ['name of the wrong type', 'version = 1\n\n[[package]]\nname = 5\nsource = { registry = "r" }\n', 3, /without a `name`/],
    [
      'ambiguous short dependency edge',
      'version = 1\n[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "r" }\n[[package]]\nname = "a"\nversion = "2"\nsource = { registry = "r" }\n[[package]]\nname = "b"\nversion = "1"\nsource = { registry = "r" }\ndependencies = [{ name = "a" }]\n',
      14,
      /without saying which of its 2 locked entries/,
    ],
    [
      'git rev that is a SHA other than the commit',
      `version = 1\n[[package]]\nname = "a"\nversion = "1"\nsource = { git = "https://g/r?rev=${'a'.repeat(40)}#${'b'.repeat(40)}" }\n`,
      5,
      /asks for revision/,
    ],
  ])('%s', (_label, text, line, message) => {
    const error = mustFail(text);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });

  it('never throws on wrong types anywhere', () => {
    const values = ['1', '"s"', 'true', '[1, "x", {a = 1}]', '{ x = 1 }', '1979-05-27'];
    const keys = ['version', 'revision', 'requires-python', 'resolution-markers', 'options', 'manifest', 'package', 'conflicts'];
    for (const key of keys) {
      for (const value of values) {
        const text = key === 'version' ? `version = ${value}\n` : `version = 1\n${key} = ${value}\n`;
        expect(() => readLock('uv.lock', text, LIMITS)).not.toThrow();
      }
    }
    const packageKeys = [
      'name',
      'version',
      'source',
      'dependencies',
      'sdist',
      'wheels',
      'metadata',
      'optional-dependencies',
      'dev-dependencies',
      'resolution-markers',
    ];
    for (const key of packageKeys) {
      for (const value of values) {
        const base = { name: '"a"', version: '"1"', source: '{ registry = "r" }' } as Record<string, string>;
        base[key] = value;
        const body = Object.entries(base)
          .map(([k, v]) => `${k} = ${v}`)
          .join('\n');
        expect(() => readLock('uv.lock', `version = 1\n[[package]]\n${body}\n`, LIMITS)).not.toThrow();
      }
    }
  });
});

describe('readLock at scale and limits', () => {
  function syntheticLock(count: number): string {
    const parts = ['version = 1', 'revision = 3', 'requires-python = ">=3.12"', ''];
    for (let i = 0; i < count; i++) {
      const name = `pkg-${i}`;
      parts.push('[[package]]', `name = "${name}"`, `version = "1.${i}.0"`, 'source = { registry = "https://pypi.org/simple" }');
      if (i > 0) parts.push('dependencies = [', `    { name = "pkg-${i - 1}" },`, ']');
      parts.push(
        `sdist = { url = "https://files.example/${name}-1.${i}.0.tar.gz", hash = "sha256:${i.toString(16).padStart(64, '0')}", size = ${i + 1}, upload-time = "2025-01-01T00:00:00Z" }`,
      );
      parts.push(
        'wheels = [',
        `    { url = "https://files.example/${name.replace('-', '_')}-1.${i}.0-py3-none-any.whl", hash = "sha256:${(i + 1).toString(16).padStart(64, '0')}", size = ${i + 2}, upload-time = "2025-01-01T00:00:00Z" },`,
        ']',
        '',
      );
    }
    return parts.join('\n');
  }

  it('parses a 3,000-package lock', () => {
    const lock = mustRead(syntheticLock(3000));
    expect(lock.packages.length).toBe(3000);
    expect(lock.packages[2999]!.name).toBe('pkg-2999');
    expect(lock.packages[2999]!.dependencies[0]!.name).toBe('pkg-2998');
    expect(lock.packages[2999]!.wheels[0]!.line).toBe(lock.packages[2999]!.line! + 9);
  });

  it('reads only maxPackagesPerLock packages and says so', () => {
    const result = readLock('uv.lock', syntheticLock(30), { maxPackagesPerLock: 10 });
    if ('error' in result) throw new Error(result.error.message);
    expect(result.lock.packages.length).toBe(10);
    expect(result.truncated?.message).toMatch(/30 packages, more than the limit of 10/);
    expect(result.truncated?.line).toBe(result.lock.packages[9]!.line! + 12);
  });
});

describe('git sources and versions', () => {
  it('splits a git source into repository, reference, subdirectory and commit', () => {
    const sha = 'c'.repeat(40);
    expect(parseGitSource(`https://github.com/o/r?subdirectory=pkgs/a&tag=v1.2#${sha}`, 'p', 'a')).toEqual({
      kind: 'git',
      url: 'https://github.com/o/r',
      commit: sha,
      reference: { type: 'tag', value: 'v1.2' },
      subdirectory: 'pkgs/a',
    });
    expect(() => parseGitSource('https://github.com/o/r?branch=main', 'p', 'a')).toThrow(/full commit hash/);
    expect(() => parseGitSource('https://github.com/o/r#main', 'p', 'a')).toThrow(/full commit hash/);
  });

  it('orders versions by PEP 440 and never throws on garbage', () => {
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('2.0', '10.0')).toBe(-1);
    expect(compareVersions('1.0a1', '1.0')).toBe(-1);
    expect(compareVersions('1.0.post1', '1.0')).toBe(1);
    expect(compareVersions('1!0.1', '2.0')).toBe(1);
    expect(compareVersions('not a version', '1.0')).toBe(1);
    expect(compareVersions('zzz', 'aaa')).toBe(1);
  });
});
