import { describe, expect, it } from '@jest/globals';
import { compare as pep440Compare } from '@renovatebot/pep440';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { pairProjects } from '../src/uv/diff.js';
import { loadUvProjects } from '../src/uv/load.js';
import type { PackageChange, UvProject } from '../src/uv/model.js';
import { CORPUS_PAIRS, LIMITS, UV_FIXTURES, sourceFromDir, sourceFromTexts } from './uv-helpers.js';

type RawTable = Record<string, unknown>;
type RawPackage = { name: string; version?: string; source: RawTable; sdist?: RawTable; wheels?: RawTable[] };
type Row = { name: string; kind: string; from?: string; to?: string };

/**
 * The expected changes of a pair, computed straight from smol-toml's parse of both locks, without
 * lockgate's model: entries are compared by (version, raw source table); a name with one entry left
 * on each side is an upgrade/downgrade (same source) or a source change; entries left on one side
 * only are added/removed; identical entries are hash-changed when a file of the same name has
 * another digest. Only the shapes the corpus has are handled; anything else fails the test.
 */
function independentChanges(baseText: string, headText: string): Row[] {
  const entries = (text: string): Map<string, RawPackage[]> => {
    const doc = parse(text) as { package?: RawPackage[] };
    const out = new Map<string, RawPackage[]>();
    for (const pkg of doc.package ?? []) {
      // Workspace members (all editable/virtual entries in the corpus) are the project itself.
      if ('editable' in pkg.source || 'virtual' in pkg.source) continue;
      const name = pkg.name.toLowerCase().replace(/[-_.]+/g, '-');
      out.set(name, [...(out.get(name) ?? []), pkg]);
    }
    return out;
  };
  const sourceText = (pkg: RawPackage) => JSON.stringify(Object.entries(pkg.source).sort());
  const identityOf = (pkg: RawPackage) => `${pkg.version ?? ''} ${sourceText(pkg)}`;
  const files = (pkg: RawPackage): Map<string, string> => {
    const out = new Map<string, string>();
    for (const file of [...(pkg.sdist ? [pkg.sdist] : []), ...(pkg.wheels ?? [])]) {
      const location = String(file.filename ?? file.url ?? file.path ?? '');
      out.set(location.slice(location.lastIndexOf('/') + 1), String(file.hash ?? ''));
    }
    return out;
  };

  const base = entries(baseText);
  const head = entries(headText);
  const rows: Row[] = [];
  for (const name of new Set([...base.keys(), ...head.keys()])) {
    let baseLeft = base.get(name) ?? [];
    let headLeft = head.get(name) ?? [];
    for (const pkg of [...headLeft]) {
      const twin = baseLeft.find((other) => identityOf(other) === identityOf(pkg));
      if (!twin) continue;
      baseLeft = baseLeft.filter((other) => other !== twin);
      headLeft = headLeft.filter((other) => other !== pkg);
      const before = files(twin);
      for (const [file, hash] of files(pkg)) {
        const old = before.get(file);
        if (old !== undefined && old !== hash && old.split(':')[0] === hash.split(':')[0]) {
          rows.push({ name, kind: 'hash-changed', from: pkg.version, to: pkg.version });
          break;
        }
      }
    }
    if (baseLeft.length === 1 && headLeft.length === 1) {
      const [from, to] = [baseLeft[0]!, headLeft[0]!];
      if (sourceText(from) === sourceText(to)) {
        rows.push({ name, kind: pep440Compare(from.version!, to.version!) < 0 ? 'upgraded' : 'downgraded', from: from.version, to: to.version });
      } else rows.push({ name, kind: 'source-changed', from: from.version, to: to.version });
    } else if (baseLeft.length === 0) {
      for (const pkg of headLeft) rows.push({ name, kind: 'added', to: pkg.version });
    } else if (headLeft.length === 0) {
      for (const pkg of baseLeft) rows.push({ name, kind: 'removed', from: pkg.version });
    } else {
      throw new Error(`the independent count does not handle ${name}: ${baseLeft.length} -> ${headLeft.length} entries`);
    }
  }
  return sortRows(rows);
}

function sortRows(rows: Row[]): Row[] {
  const key = (row: Row) => `${row.name}\0${row.kind}\0${row.from ?? ''}\0${row.to ?? ''}`;
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as Row).sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

function asRows(changes: PackageChange[]): Row[] {
  return sortRows(changes.map(({ name, kind, from, to }) => ({ name, kind, from, to })));
}

function loadDir(dir: string): UvProject[] {
  const { projects, problems } = loadUvProjects(sourceFromDir(dir), LIMITS);
  if (problems.length > 0) throw new Error(`fixture does not load: ${JSON.stringify(problems)}`);
  return projects;
}

function pairCase(name: string) {
  const pairs = pairProjects(loadDir(join(UV_FIXTURES, 'cases', name, 'base')), loadDir(join(UV_FIXTURES, 'cases', name, 'head')));
  expect(pairs.length).toBe(1);
  return pairs[0]!;
}

describe('corpus pairs: changes equal an independent count from the raw TOML', () => {
  it.each(CORPUS_PAIRS)('%s %s -> %s', (repo, baseSha, headSha) => {
    const baseDir = join(UV_FIXTURES, repo, baseSha);
    const headDir = join(UV_FIXTURES, repo, headSha);
    const pairs = pairProjects(loadDir(baseDir), loadDir(headDir));
    expect(pairs.map((p) => [p.path, p.lockFile])).toEqual([['', 'uv.lock']]);
    const expected = independentChanges(readFileSync(join(baseDir, 'uv.lock'), 'utf8'), readFileSync(join(headDir, 'uv.lock'), 'utf8'));
    expect(asRows(pairs[0]!.changes)).toEqual(expected);
    // Every change that brings a head entry is in `introduced`, and (no corpus pair adds files to an
    // unchanged release) nothing else is.
    const bringing = pairs[0]!.changes.filter((c) => c.kind !== 'removed' && c.kind !== 'hash-changed');
    expect(pairs[0]!.introduced.map((i) => `${i.package.name} ${i.package.version}`).sort()).toEqual(bringing.map((c) => `${c.name} ${c.to}`).sort());
  });

  it('states what SOURCES.md says about the notable pairs', () => {
    const changesOf = (repo: string, base: string, head: string) =>
      asRows(pairProjects(loadDir(join(UV_FIXTURES, repo, base)), loadDir(join(UV_FIXTURES, repo, head)))[0]!.changes);
    expect(changesOf('pallets__flask', '5e621a2801da', '976459f7cb35')).toEqual([
      { name: 'werkzeug', kind: 'source-changed', from: '3.2.0.dev0', to: '3.1.5' },
    ]);
    expect(changesOf('modelcontextprotocol__python-sdk', 'c5f12ec1e969', '8f806da61113')).toEqual([
      { name: 'cryptography', kind: 'upgraded', from: '46.0.5', to: '46.0.7' },
    ]);
    expect(changesOf('modelcontextprotocol__python-sdk', '3cfdea0e975c', 'a7ddfdae0721')).toEqual([
      { name: 'coverage', kind: 'downgraded', from: '7.13.1', to: '7.13.0' },
      { name: 'strict-no-cover', kind: 'added', to: '0.1.1' },
    ]);
    // The root renamed app -> uv-fastapi-example and turned virtual: the project itself is no change.
    expect(changesOf('astral-sh__uv-fastapi-example', '815ad9a75735', 'a5e5d41ec407')).toEqual([]);
    expect(changesOf('mitmproxy__mitmproxy', '4b5c2beb9739', '16eccae49da3')).toEqual([]);
  });

  it('writes readable sources into source changes', () => {
    const pair = pairProjects(loadDir(join(UV_FIXTURES, 'pallets__flask', '5e621a2801da')), loadDir(join(UV_FIXTURES, 'pallets__flask', '976459f7cb35')))[0]!;
    expect(pair.changes).toEqual([
      {
        name: 'werkzeug',
        kind: 'source-changed',
        from: '3.2.0.dev0',
        to: '3.1.5',
        fromSource: 'directory ../werkzeug',
        toSource: 'registry https://pypi.org/simple',
      },
    ]);
    const docling = pairProjects(
      loadDir(join(UV_FIXTURES, 'docling-project__docling', 'd26dac61a86b')),
      loadDir(join(UV_FIXTURES, 'docling-project__docling', '1557e7ce3e03')),
    )[0]!;
    expect(docling.changes.find((c) => c.name === 'openai-whisper')?.toSource).toBe(
      'git https://github.com/openai/whisper.git@dd985ac4b90cafeef8712f2998d62c59c3e62d22',
    );
  });
});

describe('hand-made pairs', () => {
  it('sees no change in a reordered, re-spaced, commented lock and pyproject', () => {
    const pair = pairCase('reformatted');
    expect(pair.changes).toEqual([]);
    expect(pair.introduced).toEqual([]);
  });

  it('matches forked versions by source then version: {1.26.4, 2.0.0} -> {1.26.4, 2.1.0} is one upgrade', () => {
    const pair = pairCase('forked');
    expect(pair.changes).toEqual([{ name: 'numpy', kind: 'upgraded', from: '2.0.0', to: '2.1.0' }]);
    expect(pair.introduced.map((i) => [i.package.name, i.package.version, i.previous?.version, i.newArtifacts.length])).toEqual([
      ['numpy', '2.1.0', '2.0.0', 2],
    ]);
  });

  it('reports a changed hash for the same file, naming it', () => {
    const pair = pairCase('hash-changed');
    expect(pair.changes).toEqual([{ name: 'charset-normalizer', kind: 'hash-changed', from: '3.3.2', to: '3.3.2' }]);
    const detail = pair.changeDetails![0]!;
    expect(detail.changedArtifacts!.map((c) => c.head.filename)).toEqual(['charset_normalizer-3.3.2-py3-none-any.whl']);
    expect(pair.introduced.map((i) => i.newArtifacts.map((a) => a.filename))).toEqual([['charset_normalizer-3.3.2-py3-none-any.whl']]);
  });

  it('treats a new file for the same release as introduced, not as a hash change', () => {
    const pair = pairCase('new-wheel');
    expect(pair.changes).toEqual([]);
    expect(pair.introduced.map((i) => [i.package.name, i.newArtifacts.map((a) => a.filename)])).toEqual([['urllib3', ['urllib3-2.2.2-py2.py3-none-any.whl']]]);
  });

  it('reports upgrades and downgrades in PEP 440 order', () => {
    expect(pairCase('downgrade').changes).toEqual([
      { name: 'certifi', kind: 'upgraded', from: '2024.7.4', to: '2024.8.30' },
      { name: 'urllib3', kind: 'downgraded', from: '2.2.2', to: '2.2.1' },
    ]);
  });

  it('reports source changes, including a git commit move', () => {
    expect(pairCase('registry-to-git').changes).toEqual([
      {
        name: 'idna',
        kind: 'source-changed',
        from: '3.7',
        to: '3.7',
        fromSource: 'registry https://pypi.org/simple',
        toSource: expect.stringMatching(/^git https:\/\/github\.com\/attacker\/idna@[0-9a-f]{40}$/) as unknown as string,
      },
    ]);
    expect(pairCase('git-commit-bump').changes.map((c) => c.kind)).toEqual(['source-changed']);
  });
});

describe('project pairing', () => {
  const lockWith = (body: string) => `version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n${body}`;
  const pkg = (name: string, version: string, source = '{ registry = "https://pypi.org/simple" }', extra = '') =>
    `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = ${source}\n${extra}`;
  const root = pkg('app', '0.1.0', '{ editable = "." }');
  const projectsOf = (files: Record<string, string>) => loadUvProjects(sourceFromTexts(files), LIMITS).projects;
  const PY = '[project]\nname = "app"\nversion = "0.1.0"\n';

  it('in a full audit has no changes and introduces every entry with all its files, members aside', () => {
    const head = projectsOf({
      'pyproject.toml': PY,
      'uv.lock': lockWith(
        [
          root,
          pkg(
            'a',
            '1.0',
            undefined,
            'sdist = { url = "https://f/a-1.0.tar.gz", hash = "sha256:1" }\nwheels = [{ url = "https://f/a-1.0-py3-none-any.whl", hash = "sha256:2" }]\n',
          ),
          pkg('b', '2.0'),
        ].join('\n'),
      ),
    });
    const [pair] = pairProjects(null, head);
    expect(pair!.changes).toEqual([]);
    expect(pair!.base).toBeNull();
    expect(pair!.introduced.map((i) => [i.package.name, i.newArtifacts.length, i.previous])).toEqual([
      ['a', 2, undefined],
      ['b', 0, undefined],
    ]);
  });

  it('pairs by root path: a new project is all added, a removed one all removed', () => {
    const base = projectsOf({ 'old/pyproject.toml': PY, 'old/uv.lock': lockWith([root, pkg('x', '1')].join('\n')) });
    const head = projectsOf({ 'new/pyproject.toml': PY, 'new/uv.lock': lockWith([root, pkg('y', '1')].join('\n')) });
    const pairs = pairProjects(base, head);
    expect(pairs.map((p) => [p.path, p.lockFile, p.base?.root ?? null, p.head?.root ?? null, p.changes])).toEqual([
      ['new', 'new/uv.lock', null, 'new', [{ name: 'y', kind: 'added', to: '1', toSource: 'registry https://pypi.org/simple' }]],
      ['old', 'old/uv.lock', 'old', null, [{ name: 'x', kind: 'removed', from: '1', fromSource: 'registry https://pypi.org/simple' }]],
    ]);
    expect(pairs[0]!.introduced.map((i) => i.package.name)).toEqual(['y']);
    expect(pairs[1]!.introduced).toEqual([]);
  });

  it('adds a fork without touching the version that stays', () => {
    const base = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0')].join('\n')) });
    const head = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0'), pkg('n', '2.0')].join('\n')) });
    expect(pairProjects(base, head)[0]!.changes).toEqual([{ name: 'n', kind: 'added', to: '2.0', toSource: 'registry https://pypi.org/simple' }]);
  });

  it('keeps a source change apart from a version change in a fork', () => {
    const sha = 'a'.repeat(40);
    const base = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0'), pkg('n', '2.0')].join('\n')) });
    const head = projectsOf({
      'pyproject.toml': PY,
      'uv.lock': lockWith([root, pkg('n', '1.0'), pkg('n', '2.1'), pkg('n', '3.0', `{ git = "https://g/n#${sha}" }`)].join('\n')),
    });
    expect(asRows(pairProjects(base, head)[0]!.changes)).toEqual([
      { name: 'n', kind: 'added', to: '3.0' },
      { name: 'n', kind: 'upgraded', from: '2.0', to: '2.1' },
    ]);
  });

  it('treats versions equal by PEP 440 as the same release', () => {
    const base = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0')].join('\n')) });
    const head = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0.0')].join('\n')) });
    expect(pairProjects(base, head)[0]!.changes).toEqual([]);
  });

  it('does not compare hashes of different algorithms', () => {
    const files = (hash: string) => `wheels = [{ url = "https://f/n-1.0-py3-none-any.whl", hash = "${hash}" }]\n`;
    const base = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0', undefined, files('sha256:aa'))].join('\n')) });
    const algo = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0', undefined, files('sha512:bb'))].join('\n')) });
    const same = projectsOf({ 'pyproject.toml': PY, 'uv.lock': lockWith([root, pkg('n', '1.0', undefined, files('sha256:cc'))].join('\n')) });
    expect(pairProjects(base, algo)[0]!.changes).toEqual([]);
    expect(pairProjects(base, same)[0]!.changes.map((c) => c.kind)).toEqual(['hash-changed']);
  });
});
