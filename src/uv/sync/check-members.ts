/** Each workspace member against its `[[package]]` entry: presence, virtual and editable state, location, version, extras, requires-dist and groups. */
import type { LockPackage, Pyproject } from '../model.js';
import { normalizeName } from '../names.js';
import { mentionsExtra } from '../markers.js';
import { versionsEqual } from '../version.js';
import { keyPath, lineOf } from '../toml.js';
import { entriesOf, isTable, own } from '../values.js';
import { canonicalPath, isPackage, type LoweringScope } from '../lowering.js';
import { compareSets } from './compare.js';
import { expectedGroups, expectedRequiresDist, groupLine, lockTables } from './expected.js';
import { WORKSPACE, type MemberInfo, type SyncState } from './state.js';

// -------------------------------------------------------------------------------------------
// Members

export function checkMembers(s: SyncState): void {
  const root = s.project.rootPyproject;
  const names = [...s.members.keys()].sort();
  // uv leaves `members` out for a single-project workspace whose root is that project.
  const expected = names.length === 1 && root.hasProjectTable ? [] : names;
  const actual = [...new Set(s.lock.manifest.members.map(normalizeName))].sort();
  if (expected.join('\n') !== actual.join('\n')) {
    const added = expected.filter((name) => !actual.includes(name));
    const removed = actual.filter((name) => !expected.includes(name));
    // Point at a new member's pyproject (the root counts as added only because uv omits the list for a lone root).
    const newMember =
      added.map((name) => s.members.get(name)?.pyproject).find((p) => p !== undefined && p !== root) ??
      (added.length ? s.members.get(added[0]!)?.pyproject : undefined);
    const first = newMember;
    s.mismatch(
      WORKSPACE,
      'workspace members',
      expected.length ? expected.join(', ') : names.join(', ') || '(none)',
      actual.length ? actual.join(', ') : '(none recorded)',
      first?.file ?? root.file,
      first
        ? (first.lines.get('project.name') ?? first.lines.get('project'))
        : (root.lines.get('tool.uv.workspace.members') ?? root.lines.get('tool.uv.workspace')),
      added.length || removed.length
        ? `${added.length ? `added: ${added.join(', ')}` : ''}${added.length && removed.length ? '; ' : ''}${removed.length ? `removed: ${removed.join(', ')}` : ''}`
        : undefined,
    );
  }

  for (const member of s.members.values()) checkMember(s, member);
}

function checkMember(s: SyncState, member: MemberInfo): void {
  const pyproject = member.pyproject;
  const packages = s.findPackages(member.name);
  if (packages.length === 0) {
    s.mismatch(
      member.name,
      'workspace member',
      pyproject.name,
      '(no [[package]] entry)',
      pyproject.file,
      pyproject.lines.get('project.name') ?? pyproject.lines.get('project'),
    );
    return;
  }
  if (packages.length > 1) {
    s.undecidable(member.name, 'workspace member', 'uv.lock has several entries for this member; uv refuses such a lock', s.lock.file, packages[1]!.line);
    return;
  }
  const pkg = packages[0]!;
  const required = s.workspace.requiredMembers.has(member.name);
  const expectedVirtual = !isPackage(pyproject, !required);
  const actualVirtual = pkg.source.kind === 'virtual';
  const sourceLine = pyproject.lines.get('build-system') ?? pyproject.lines.get('tool.uv.package') ?? pyproject.lines.get('project');
  if (expectedVirtual !== actualVirtual) {
    s.mismatch(
      member.name,
      'virtual state',
      expectedVirtual ? 'not a package (no [build-system], or tool.uv.package = false): virtual' : 'a package: editable or directory',
      `source = { ${pkg.source.kind} = ... }`,
      pyproject.file,
      sourceLine,
    );
    return;
  }
  const lockedPath = 'path' in pkg.source ? canonicalPath(s.project.root, pkg.source.path) : undefined;
  if (lockedPath !== undefined && lockedPath !== member.relDir) {
    // uv would read the member's metadata at the recorded path, which is no longer the member.
    s.mismatch(
      member.name,
      'member location',
      member.relDir,
      lockedPath,
      pyproject.file,
      pyproject.lines.get('project.name') ?? pyproject.lines.get('project'),
    );
    return;
  }
  const expectedEditable = expectedVirtual ? false : (s.workspace.requiredMembers.get(member.name) ?? true);
  const actualEditable = pkg.source.kind === 'editable';
  if (expectedEditable !== actualEditable) {
    s.mismatch(
      member.name,
      'editable state',
      expectedEditable ? 'editable' : 'not editable (editable = false in a workspace source)',
      `source = { ${pkg.source.kind} = ... }`,
      pyproject.file,
      sourceLine,
    );
    return;
  }
  checkSourceTree(s, pkg, pyproject, member.scope, member.name);
}

/** Version, provides-extras, requires-dist and dependency groups of a source tree (uv's satisfies loop). */
export function checkSourceTree(s: SyncState, pkg: LockPackage, pyproject: Pyproject, scope: LoweringScope, label: string): void {
  const file = pyproject.file;
  const dynamic = new Set(pyproject.dynamic.map((field) => field.toLowerCase()));
  const versionDynamic = dynamic.has('version');

  // Version (MismatchedDynamic / MismatchedVersion).
  if (pkg.version !== undefined) {
    if (versionDynamic && s.lock.revision === 0) {
      // uv wrote versions of dynamic projects until 0.5.19 (#10622), whose locks have no
      // `revision`; the uv that wrote this lock accepts it, uv from 0.5.19 on re-locks
      // (lock/mod.rs `satisfies`: MismatchedDynamic).
      s.undecidable(
        label,
        'version',
        'the project has a dynamic version and this lock (written by uv before 0.6) records one; uv up to 0.5.18 accepts that, later versions re-lock to drop it',
        file,
        pyproject.lines.get('project.dynamic') ?? pyproject.lines.get('project'),
        'dynamic',
        pkg.version,
      );
    } else if (versionDynamic) {
      s.mismatch(label, 'version', 'dynamic', pkg.version, file, pyproject.lines.get('project.dynamic') ?? pyproject.lines.get('project'));
    } else if (pyproject.version === undefined) {
      s.undecidable(
        label,
        'version',
        'pyproject.toml has neither a `project.version` nor a dynamic version; uv rejects that',
        file,
        pyproject.lines.get('project'),
      );
    } else if (!versionsEqual(pyproject.version, pkg.version)) {
      s.mismatch(label, 'version', pyproject.version, pkg.version, file, pyproject.lines.get('project.version'));
    }
  } else if (!versionDynamic && pyproject.hasProjectTable) {
    s.mismatch(
      label,
      'version',
      pyproject.version ?? '(static)',
      '(dynamic: no version recorded)',
      file,
      pyproject.lines.get('project.version') ?? pyproject.lines.get('project'),
    );
  }

  const pkgIndex = s.packageIndex.get(pkg);
  const pkgPath = pkgIndex === undefined ? undefined : keyPath(s.packageKey, pkgIndex);
  if (!pkg.metadata && s.lock.revision >= 4) {
    s.undecidable(
      label,
      'metadata',
      'uv.lock was written without `[package.metadata]` (the preview lock-without-metadata format); uv then compares dependency edges, which lockgate does not',
      s.lock.file,
      pkg.line,
    );
    return;
  }
  // uv writes `[package.metadata]` only when it has something in it (lock/serialize.rs): no
  // table is no requirements, no groups and no extras, and is compared as such.
  const metadata = pkg.metadata ?? { requiresDist: [], requiresDev: {}, providesExtras: [] };

  // provides-extras (lock revision >= 1).
  const project = own(pyproject.raw, 'project');
  const optionalTable = own(project, 'optional-dependencies');
  const dependenciesDynamic = dynamic.has('dependencies');
  const extrasDynamic = dynamic.has('optional-dependencies');
  if (s.lock.revision >= 1 && !extrasDynamic) {
    const expected = [...new Set(Object.keys(isTable(optionalTable) ? optionalTable : {}).map(normalizeName))].sort();
    const actual = [...new Set((metadata.providesExtras ?? []).map(normalizeName))].sort();
    if (expected.join(',') !== actual.join(',')) {
      const added = expected.filter((extra) => !actual.includes(extra));
      const line = added.length
        ? lineOf(pyproject.lines, keyPath('project', 'optional-dependencies', originalKey(optionalTable, added[0]!)))
        : pyproject.lines.get('project.optional-dependencies');
      s.mismatch(label, 'provides-extras', expected.join(', ') || '(none)', actual.join(', ') || '(none)', file, line ?? pyproject.lines.get('project'));
    }
  }

  // requires-dist.
  const actualRequiresDist = lockTables(s, s.rawPackage(pkgIndex), pkgPath, ['metadata', 'requires-dist']);
  if (dependenciesDynamic || extrasDynamic) {
    const fields = [dependenciesDynamic ? 'dependencies' : '', extrasDynamic ? 'optional-dependencies' : ''].filter(Boolean).join(' and ');
    s.undecidable(
      label,
      extrasDynamic ? 'requires-dist and provides-extras' : 'requires-dist',
      `\`project.dynamic\` lists ${fields}, so uv asks the build backend for ${dependenciesDynamic ? 'the requirements' : 'the extras and their requirements'}; lockgate cannot run it${dependenciesDynamic ? '' : ' (the static `dependencies` are still compared)'}`,
      file,
      pyproject.lines.get('project.dynamic'),
    );
    if (!dependenciesDynamic) {
      // PEP 621: static `dependencies` are what the backend must report; extras carry an
      // `extra == ...` marker, so the lock entries without one must be exactly the static list.
      const expected = expectedRequiresDist(s, pyproject, scope, false);
      if (!expected.requirements.some((req) => mentionsExtra(req.marker))) {
        const withoutExtras = {
          requirements: actualRequiresDist.requirements.filter((req) => !mentionsExtra(req.marker)),
          problems: actualRequiresDist.problems,
        };
        compareSets(s, label, 'requires-dist', expected, withoutExtras);
      }
    }
  } else {
    const expected = expectedRequiresDist(s, pyproject, scope, true);
    compareSets(s, label, 'requires-dist', expected, actualRequiresDist, { selfName: pkg.version === undefined ? scope.projectName : undefined });
  }

  // Dependency groups (requires-dev), with empty groups only from lock revision 1 on.
  const groups = expectedGroups(s, pyproject, scope, label);
  if (groups) {
    const rawMetadata = own(s.rawPackage(pkgIndex), 'metadata');
    // Written as `requires-dev`; uv also reads the alias `dependency-groups`.
    const devKey = own(rawMetadata, 'requires-dev') !== undefined ? 'requires-dev' : 'dependency-groups';
    const rawGroups = own(rawMetadata, devKey);
    const lockGroups = new Map<string, { key: string; count: number }>();
    for (const [group, list] of entriesOf(rawGroups)) lockGroups.set(normalizeName(group), { key: group, count: Array.isArray(list) ? list.length : 0 });
    const includeEmpty = s.lock.revision >= 1;
    const names = new Set([...groups.keys(), ...lockGroups.keys()]);
    for (const group of [...names].sort()) {
      const expected = groups.get(group);
      const locked = lockGroups.get(group);
      const expectedEmpty = !expected || (expected.requirements.length === 0 && expected.problems.length === 0);
      const lockedEmpty = !locked || locked.count === 0;
      if (expectedEmpty && lockedEmpty) {
        if (includeEmpty && !!expected !== !!locked) {
          s.mismatch(
            label,
            `dependency group \`${group}\``,
            expected ? '(empty group)' : '(absent)',
            locked ? '(empty group)' : '(absent)',
            expected ? file : s.lock.file,
            expected ? groupLine(pyproject, group) : s.lockLine(`${pkgPath}.metadata.${devKey}`),
          );
        }
        continue;
      }
      const actual = locked ? lockTables(s, s.rawPackage(pkgIndex), pkgPath, ['metadata', devKey, locked.key]) : { requirements: [], problems: [] };
      compareSets(s, label, `dependency group \`${group}\``, expected ?? { requirements: [], problems: [] }, actual);
    }
  }
}

function originalKey(table: unknown, normalized: string): string {
  for (const key of Object.keys(isTable(table) ? table : {})) if (normalizeName(key) === normalized) return key;
  return normalized;
}
