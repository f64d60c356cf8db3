/**
 * lock-out-of-sync against every corpus snapshot: the snapshots as committed (in sync: no
 * mismatch), and mutations generated from each: edits uv would re-lock for must give a mismatch,
 * edits it ignores must give nothing. The detection rate is printed; the goal, asserted, is all.
 */
import { describe, expect, it, afterAll } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { corpusSnapshots, sourceFromTexts, LIMITS } from './uv-helpers.js';
import { loadUvProjects } from '../src/uv/load.js';
import { checkLockSync, type SyncIssue } from '../src/uv/sync/index.js';
import { parseRequirement } from '../src/uv/pep508.js';
import { parseSpecifiers, releaseRange } from '../src/uv/specifiers.js';
import type { UvProject } from '../src/uv/model.js';

type Files = Record<string, string>;
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function readTree(root: string): Files {
  const out: Files = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

function projectOf(files: Files): UvProject {
  const { projects } = loadUvProjects(sourceFromTexts(files), LIMITS);
  const withLock = projects.filter((project) => project.lock);
  if (withLock.length !== 1) throw new Error(`expected one project with a lock, got ${withLock.length}`);
  return withLock[0]!;
}

function mismatches(issues: SyncIssue[]): SyncIssue[] {
  return issues.filter((issue) => issue.kind === 'mismatch');
}

function describeIssues(issues: SyncIssue[]): string {
  return issues
    .map((i) => `${i.kind} [${i.member}] ${i.what}: pyproject=${i.inPyproject ?? '-'} lock=${i.inLock ?? '-'} ${i.detail ?? ''} (${i.file}:${i.line ?? '?'})`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Mutations

const ADDED = 'lockgate-mutation-added>=1.0';

interface Target {
  file: string;
  doc: Doc;
}

/** The package pyprojects of the workspace (root first when it has [project]). */
function packageFiles(project: UvProject): string[] {
  const list = project.rootPyproject.hasProjectTable ? [project.rootPyproject, ...project.members] : [...project.members];
  return list.filter((p) => p.hasProjectTable).map((p) => p.file);
}

function dynamicOf(doc: Doc): string[] {
  return Array.isArray(doc.project?.dynamic) ? doc.project.dynamic : [];
}

/** First package whose `project.dependencies` is static (and, when asked, non-empty). */
function staticDependencyTarget(files: Files, project: UvProject, nonEmpty: boolean): Target | null {
  for (const file of packageFiles(project)) {
    const doc = parse(files[file]!) as Doc;
    if (dynamicOf(doc).includes('dependencies')) continue;
    const deps = doc.project?.dependencies;
    if (nonEmpty && !(Array.isArray(deps) && deps.length > 0)) continue;
    return { file, doc };
  }
  return null;
}

/**
 * The first non-empty list of requirement strings a package declares statically: its
 * dependencies, else an extra, else a dependency group, else the legacy dev-dependencies.
 */
function requirementList(files: Files, project: UvProject): { target: Target; list: string[]; where: string } | null {
  for (const file of [...new Set([...packageFiles(project), project.rootPyproject.file])]) {
    const doc = parse(files[file]!) as Doc;
    const dynamic = dynamicOf(doc);
    const candidates: [string, unknown][] = [];
    if (!dynamic.includes('dependencies')) candidates.push(['project.dependencies', doc.project?.dependencies]);
    if (!dynamic.includes('optional-dependencies'))
      for (const [extra, list] of Object.entries(doc.project?.['optional-dependencies'] ?? {})) candidates.push([`extra ${extra}`, list]);
    for (const [group, list] of Object.entries(doc['dependency-groups'] ?? {})) candidates.push([`group ${group}`, list]);
    candidates.push(['tool.uv.dev-dependencies', doc.tool?.uv?.['dev-dependencies']]);
    for (const [where, list] of candidates) {
      if (Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'string'))
        return { target: { file, doc }, list: list as string[], where };
    }
  }
  return null;
}

function write(files: Files, target: Target): Files {
  return { ...files, [target.file]: stringify(target.doc) };
}

interface Mutation {
  name: string;
  expect: 'mismatch' | 'none';
  apply(files: Files, project: UvProject): Files | string;
}

const MUTATIONS: Mutation[] = [
  {
    name: 'add a dependency',
    expect: 'mismatch',
    apply(files, project) {
      const target = staticDependencyTarget(files, project, false);
      if (!target) return 'no package with static dependencies';
      target.doc.project.dependencies = [...(target.doc.project.dependencies ?? []), ADDED];
      return write(files, target);
    },
  },
  {
    name: 'change a specifier',
    expect: 'mismatch',
    apply(files, project) {
      const found = requirementList(files, project);
      if (!found) return 'no static requirement list';
      const index = found.list.findIndex((text) => {
        const parsed = parseRequirement(text);
        return parsed.ok && parsed.value.url === undefined;
      });
      if (index === -1) return 'no registry requirement';
      const parsed = parseRequirement(found.list[index]);
      if (!parsed.ok) return 'unparsable';
      const r = parsed.value;
      const specs = r.specifiers.length ? `${r.specifiers.map((s) => `${s.operator}${s.text}${s.star ? '.*' : ''}`).join(',')},<9999` : '>=0.0.1';
      found.list[index] = `${r.name}${r.extras.length ? `[${r.extras.join(',')}]` : ''}${specs}${r.markerText ? ` ; ${r.markerText}` : ''}`;
      return write(files, found.target);
    },
  },
  {
    name: 'remove a dependency',
    expect: 'mismatch',
    apply(files, project) {
      const found = requirementList(files, project);
      if (!found) return 'no static requirement list';
      found.list.splice(0, 1);
      return write(files, found.target);
    },
  },
  {
    name: 'change requires-python',
    expect: 'mismatch',
    apply(files, project) {
      const locked = project.lock!.requiresPython;
      const specs = locked === undefined ? undefined : parseSpecifiers(locked);
      const range = specs?.ok ? releaseRange(specs.value) : undefined;
      const lower = range?.lower?.release;
      if (!lower) return 'the lock has no lower Python bound';
      const raised = `>=${lower[0]}.${(lower[1] ?? 0n) + 1n}`;
      const file = packageFiles(project)[0];
      if (!file) return 'no package';
      const doc = parse(files[file]!) as Doc;
      doc.project['requires-python'] = raised;
      return write(files, { file, doc });
    },
  },
  {
    name: 'add an extra',
    expect: 'mismatch',
    apply(files, project) {
      for (const file of packageFiles(project)) {
        const doc = parse(files[file]!) as Doc;
        if (dynamicOf(doc).includes('optional-dependencies')) continue;
        doc.project['optional-dependencies'] = { ...(doc.project['optional-dependencies'] ?? {}), 'lockgate-mutation-extra': [ADDED] };
        return write(files, { file, doc });
      }
      return 'every package has dynamic optional-dependencies';
    },
  },
  {
    name: 'add a dependency-group entry',
    expect: 'mismatch',
    apply(files, project) {
      const candidates = [project.rootPyproject.file, ...packageFiles(project)];
      for (const file of candidates) {
        const doc = parse(files[file]!) as Doc;
        const groups = doc['dependency-groups'];
        if (groups && Object.keys(groups).length) {
          const first = Object.keys(groups)[0]!;
          groups[first] = [...groups[first], ADDED];
          return write(files, { file, doc });
        }
        const dev = doc.tool?.uv?.['dev-dependencies'];
        if (Array.isArray(dev)) {
          doc.tool.uv['dev-dependencies'] = [...dev, ADDED];
          return write(files, { file, doc });
        }
      }
      const file = candidates[0]!;
      const doc = parse(files[file]!) as Doc;
      doc['dependency-groups'] = { 'lockgate-mutation': [ADDED] };
      return write(files, { file, doc });
    },
  },
  {
    name: 'add a workspace member',
    expect: 'mismatch',
    apply(files, project) {
      const file = project.rootPyproject.file;
      const doc = parse(files[file]!) as Doc;
      doc.tool ??= {};
      doc.tool.uv ??= {};
      doc.tool.uv.workspace ??= {};
      doc.tool.uv.workspace.members = [...(doc.tool.uv.workspace.members ?? []), 'lockgate-mutation-member'];
      return {
        ...files,
        [file]: stringify(doc),
        'lockgate-mutation-member/pyproject.toml': '[project]\nname = "lockgate-mutation-member"\nversion = "0.1.0"\ndependencies = []\n',
      };
    },
  },
  {
    name: 'change exclude-newer',
    expect: 'mismatch',
    apply(files, project) {
      const file = project.rootPyproject.file;
      const doc = parse(files[file]!) as Doc;
      doc.tool ??= {};
      doc.tool.uv ??= {};
      const current = doc.tool.uv['exclude-newer'];
      if (current === undefined) doc.tool.uv['exclude-newer'] = '2025-01-01T00:00:00Z';
      else if (typeof current === 'string' && /^\d+\s*days?$/i.test(current.trim())) doc.tool.uv['exclude-newer'] = `${parseInt(current, 10) + 1} days`;
      else if (typeof current === 'string' && /^P\d+D$/i.test(current.trim())) doc.tool.uv['exclude-newer'] = `P${parseInt(current.slice(1), 10) + 1}D`;
      else if (typeof current === 'string' && /week/.test(current)) doc.tool.uv['exclude-newer'] = '8 days';
      else doc.tool.uv['exclude-newer'] = '2025-01-02T00:00:00Z';
      return write(files, { file, doc });
    },
  },
  // Edits uv ignores.
  {
    name: 'reorder dependencies',
    expect: 'none',
    apply(files, project) {
      const out = { ...files };
      for (const file of new Set([project.rootPyproject.file, ...packageFiles(project)])) {
        const doc = parse(files[file]!) as Doc;
        if (Array.isArray(doc.project?.dependencies)) doc.project.dependencies.reverse();
        for (const list of Object.values(doc.project?.['optional-dependencies'] ?? {})) if (Array.isArray(list)) list.reverse();
        for (const list of Object.values(doc['dependency-groups'] ?? {})) if (Array.isArray(list)) list.reverse();
        if (Array.isArray(doc.tool?.uv?.['dev-dependencies'])) doc.tool.uv['dev-dependencies'].reverse();
        out[file] = stringify(doc);
      }
      return out;
    },
  },
  {
    name: 'edit comments and whitespace',
    expect: 'none',
    apply(files, project) {
      const out = { ...files };
      for (const file of new Set([project.rootPyproject.file, ...packageFiles(project)])) {
        const original = parse(files[file]!);
        const edited = files[file]!.split('\n')
          .map((line) =>
            /^\s*\[[^\]]+\]\]?\s*$/.test(line)
              ? `\n# lockgate: a comment above the table\n${line.trim()}   # and after its header`
              : line.replace(/^([A-Za-z0-9_-]+)\s*=\s*/, '$1    =   '),
          )
          .join('\n');
        // The edit must not change any value (a line inside a multi-line string would).
        expect(parse(edited)).toEqual(original);
        out[file] = edited;
      }
      return out;
    },
  },
  {
    name: 'change [tool.ruff]',
    expect: 'none',
    apply(files, project) {
      const file = project.rootPyproject.file;
      const doc = parse(files[file]!) as Doc;
      doc.tool ??= {};
      doc.tool.ruff = { ...(doc.tool.ruff ?? {}), 'line-length': 123, 'target-version': 'py39' };
      return write(files, { file, doc });
    },
  },
  {
    name: 'change the description',
    expect: 'none',
    apply(files, project) {
      const file = packageFiles(project)[0];
      if (!file) return 'no package';
      const doc = parse(files[file]!) as Doc;
      doc.project.description = 'A description lockgate changed; uv does not lock it.';
      return write(files, { file, doc });
    },
  },
  {
    name: 'rewrite the TOML unchanged',
    expect: 'none',
    apply(files, project) {
      const out = { ...files };
      for (const file of new Set([project.rootPyproject.file, ...packageFiles(project)])) out[file] = stringify(parse(files[file]!));
      return out;
    },
  },
];

/** Mutations that cannot apply to a snapshot, and why (asserted, so a change in applicability shows). */
const NOT_APPLICABLE: Record<string, string[]> = {
  // Both packages of fastmcp compute their extras in a build hook.
  'PrefectHQ__fastmcp/44180d1e3d8e': ['add an extra'],
  'PrefectHQ__fastmcp/986af54afa02': ['add an extra'],
};

// ---------------------------------------------------------------------------------------------

const snapshots = corpusSnapshots();

/** Each snapshot's files, project and issues, read once. */
const loaded = new Map<string, { files: Files; project: UvProject; issues: SyncIssue[] }>();
function load(dir: string): { files: Files; project: UvProject; issues: SyncIssue[] } {
  let entry = loaded.get(dir);
  if (!entry) {
    const files = readTree(dir);
    const project = projectOf(files);
    entry = { files, project, issues: checkLockSync(project) };
    loaded.set(dir, entry);
  }
  return entry;
}

/** What each drifting edit was reported as (printed with the rate, for review). */
const reported: string[] = [];
const tally = { applicable: 0, detected: 0, quiet: 0, quietExpected: 0, missed: [] as string[] };

describe('lock-out-of-sync on the corpus snapshots as committed', () => {
  it.each(snapshots.map((s) => [`${s.repo}/${s.sha}`, s.dir]))('%s: no mismatch', (_label, dir) => {
    expect(describeIssues(mismatches(load(dir).issues))).toBe('');
  });

  it("flask's ../werkzeug path source outside the repository is undecidable, not a mismatch", () => {
    const snapshot = snapshots.find((s) => s.repo === 'pallets__flask' && s.sha === '5e621a2801da')!;
    const issues = load(snapshot.dir).issues;
    expect(mismatches(issues)).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ kind: 'undecidable', member: 'werkzeug', file: 'uv.lock', line: 1745 })]);
    expect(issues[0]!.detail).toContain('outside the repository');
  });

  it('fastmcp: dynamic dependencies and extras are undecidable, with the static part still compared', () => {
    const snapshot = snapshots.find((s) => s.repo === 'PrefectHQ__fastmcp' && s.sha === '44180d1e3d8e')!;
    const issues = load(snapshot.dir).issues;
    expect(issues.map((i) => [i.kind, i.member, i.file, i.line])).toEqual([
      ['undecidable', 'fastmcp', 'pyproject.toml', 3],
      ['undecidable', 'fastmcp-slim', 'fastmcp_slim/pyproject.toml', 3],
    ]);
  });
});

describe('lock-out-of-sync mutation suite', () => {
  const cases: [string, string, Mutation][] = [];
  for (const snapshot of snapshots) for (const mutation of MUTATIONS) cases.push([`${snapshot.repo}/${snapshot.sha}`, snapshot.dir, mutation]);

  it.each(cases.map(([label, dir, mutation]) => [label, mutation.name, dir, mutation] as const))('%s: %s', (label, _name, dir, mutation) => {
    const { files, project, issues: baseline } = load(dir);
    const mutated = mutation.apply(files, project);
    const expectedNotApplicable = (NOT_APPLICABLE[label] ?? []).includes(mutation.name);
    if (typeof mutated === 'string') {
      expect(`${mutation.name}: not applicable (${mutated})`).toBe(
        expectedNotApplicable ? `${mutation.name}: not applicable (${mutated})` : `${mutation.name}: applicable`,
      );
      return;
    }
    expect(expectedNotApplicable).toBe(false);
    const issues = checkLockSync(projectOf(mutated));
    if (mutation.expect === 'mismatch') {
      tally.applicable++;
      if (mismatches(issues).length > 0) {
        tally.detected++;
        reported.push(
          `${label}: ${mutation.name} -> ${mismatches(issues)
            .map((i) => `${i.what} @${i.file}:${i.line ?? '?'}`)
            .join('; ')}`,
        );
      } else tally.missed.push(`${label}: ${mutation.name}\n${describeIssues(issues)}`);
      expect(mismatches(issues).length).toBeGreaterThan(0);
    } else {
      tally.quietExpected++;
      if (mismatches(issues).length === 0) tally.quiet++;
      expect(describeIssues(mismatches(issues))).toBe('');
      // Nothing new is left undecided either.
      expect(issues.length).toBe(baseline.length);
    }
  });

  afterAll(() => {
    const rate = tally.applicable ? ((100 * tally.detected) / tally.applicable).toFixed(1) : 'n/a';
    // The figure the closing note quotes.
    console.log(
      `lock-out-of-sync mutation suite: detected ${tally.detected}/${tally.applicable} (${rate}%) drifting edits; ` +
        `${tally.quiet}/${tally.quietExpected} harmless edits gave no finding` +
        (tally.missed.length ? `\nmissed:\n${tally.missed.join('\n')}` : ''),
    );
    if (process.env.LOCKGATE_SHOW_MUTATIONS) console.log(reported.join('\n'));
  });
});
