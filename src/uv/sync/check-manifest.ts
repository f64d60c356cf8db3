/** `[manifest]`: requirements, constraints, overrides, build constraints, excludes, workspace groups and `dependency-metadata`. */
import { normalizeName } from '../names.js';
import { parseRequirement } from '../pep508.js';
import { formatMarker } from '../markers.js';
import { parseSpecifiers, specifierListKey } from '../specifiers.js';
import { keyPath, lineOf } from '../toml.js';
import { asString, asStringArray, entriesOf, isTable, own } from '../values.js';
import { toolUv, type LoweringScope } from '../lowering.js';
import { compareSets } from './compare.js';
import { expectedGroups, lockTables, lowerInto, type Expected } from './expected.js';
import { WORKSPACE, type SyncState } from './state.js';

// -------------------------------------------------------------------------------------------
// [manifest]

export function checkManifest(s: SyncState): void {
  const root = s.project.rootPyproject;
  const uv = toolUv(root);
  const rootScope: LoweringScope = { projectRelDir: '.', projectSources: new Map(), projectIndexes: [] };
  const manifest = own(s.lock.raw, 'manifest');

  // requirements: always empty for a workspace (only PEP 723 scripts have them).
  compareSets(s, WORKSPACE, 'manifest requirements', { requirements: [], problems: [] }, lockTables(s, manifest, 'manifest', ['requirements']));

  for (const [key, manifestKey, what] of [
    ['constraint-dependencies', 'constraints', 'constraints (`constraint-dependencies`)'],
    ['override-dependencies', 'overrides', 'overrides (`override-dependencies`)'],
    ['build-constraint-dependencies', 'build-constraints', 'build constraints (`build-constraint-dependencies`)'],
  ] as const) {
    const list = own(uv, key);
    const expected: Expected = { requirements: [], problems: [] };
    if (list !== undefined && !Array.isArray(list)) {
      s.undecidable(WORKSPACE, what, `\`${key}\` is not a list`, root.file, s.rootToolLine(key));
      continue;
    }
    let scoped = false;
    (list ?? []).forEach((text: unknown, index: number) => {
      if (typeof text !== 'string') {
        scoped = true;
        return;
      }
      // Root lists are lowered with the root's sources.
      lowerInto(s, expected, text, rootScope, { file: root.file, line: lineOf(root.lines, keyPath('tool', 'uv', key, index)) });
    });
    if (scoped) {
      s.undecidable(WORKSPACE, what, `\`${key}\` has scoped (table) entries, which lockgate does not compare`, root.file, s.rootToolLine(key));
      continue;
    }
    const actual = lockTables(s, manifest, 'manifest', [manifestKey]);
    compareSets(s, WORKSPACE, what, expected, actual);
  }

  // Excludes: names.
  const excludes = own(uv, 'exclude-dependencies');
  const lockExcludes = own(manifest, 'excludes');
  if (excludes !== undefined || lockExcludes !== undefined) {
    const expected = Array.isArray(excludes) ? excludes : [];
    const locked = Array.isArray(lockExcludes) ? lockExcludes : [];
    if ([...expected, ...locked].some((item) => typeof item !== 'string')) {
      s.undecidable(
        WORKSPACE,
        'excludes (`exclude-dependencies`)',
        'scoped exclusions are not compared by lockgate',
        root.file,
        s.rootToolLine('exclude-dependencies'),
      );
    } else {
      const a = [...new Set(expected.map((item) => normalizeName(item as string)))].sort();
      const b = [...new Set(locked.map((item) => normalizeName(item as string)))].sort();
      if (a.join(',') !== b.join(','))
        s.mismatch(
          WORKSPACE,
          'excludes (`exclude-dependencies`)',
          a.join(', ') || '(none)',
          b.join(', ') || '(none)',
          root.file,
          s.rootToolLine('exclude-dependencies'),
        );
    }
  }

  // Dependency groups of a workspace root without [project].
  const lockGroups = own(manifest, 'dependency-groups');
  if (!root.hasProjectTable) {
    const groups = expectedGroups(s, root, rootScope, WORKSPACE);
    if (groups) {
      const names = new Set<string>();
      for (const [name, expected] of groups) if (expected.requirements.length || expected.problems.length) names.add(name);
      const lockKeys = new Map<string, string>();
      for (const [key, list] of entriesOf(lockGroups)) if (Array.isArray(list) && list.length) lockKeys.set(normalizeName(key), key);
      for (const name of lockKeys.keys()) names.add(name);
      for (const name of [...names].sort()) {
        const key = lockKeys.get(name);
        const actual = key === undefined ? { requirements: [], problems: [] } : lockTables(s, manifest, 'manifest', ['dependency-groups', key]);
        compareSets(s, WORKSPACE, `dependency group \`${name}\``, groups.get(name) ?? { requirements: [], problems: [] }, actual);
      }
    }
  } else if (entriesOf(lockGroups).some(([, list]) => Array.isArray(list) && list.length)) {
    s.mismatch(
      WORKSPACE,
      'workspace dependency groups',
      '(the root has [project]: its groups belong to the project)',
      'recorded in [manifest.dependency-groups]',
      s.lock.file,
      s.lockLine('manifest.dependency-groups'),
    );
  }

  checkDependencyMetadata(s, manifest);
}

function checkDependencyMetadata(s: SyncState, manifest: unknown): void {
  const configured = own(s.settings.table, 'dependency-metadata');
  const locked = own(manifest, 'dependency-metadata');
  const a = Array.isArray(configured) ? configured : [];
  const b = Array.isArray(locked) ? locked : [];
  if (a.length === 0 && b.length === 0) return;
  const keys = (list: unknown[]): (string | undefined)[] => list.map(staticMetadataKey);
  const ka = keys(a);
  const kb = keys(b);
  const line = s.settingLine('dependency-metadata');
  if (ka.includes(undefined) || kb.includes(undefined)) {
    s.undecidable(WORKSPACE, '`dependency-metadata`', 'lockgate cannot read every entry', s.settings.file, line);
    return;
  }
  const sa = [...new Set(ka as string[])].sort();
  const sb = [...new Set(kb as string[])].sort();
  if (sa.join('\n') !== sb.join('\n')) {
    const missing = sa.filter((key) => !sb.includes(key));
    const extra = sb.filter((key) => !sa.includes(key));
    s.mismatch(WORKSPACE, '`dependency-metadata`', missing.join('; ') || '(matching entries)', extra.join('; ') || '(matching entries)', s.settings.file, line);
  }
}

/** A `dependency-metadata` entry as a comparable key (uv compares the parsed entries as a set). */
function staticMetadataKey(entry: unknown): string | undefined {
  if (!isTable(entry)) return undefined;
  const name = asString(own(entry, 'name'));
  if (!name) return undefined;
  const parts = [normalizeName(name)];
  const version = asString(own(entry, 'version'));
  parts.push(version === undefined ? '' : `version ${version.replace(/(\.0+)+$/, '')}`);
  const requiresDist = own(entry, 'requires-dist');
  if (requiresDist !== undefined) {
    if (!Array.isArray(requiresDist)) return undefined;
    const reqs: string[] = [];
    for (const text of requiresDist) {
      const parsed = parseRequirement(text);
      if (!parsed.ok) return undefined;
      const r = parsed.value;
      reqs.push(`${r.normalizedName}[${r.extras.join(',')}]${r.url ? `@${r.url}` : specifierListKey(r.specifiers)};${formatMarker(r.marker)}`);
    }
    parts.push(`requires-dist ${reqs.join(' | ')}`);
  } else parts.push('');
  const requiresPython = asString(own(entry, 'requires-python'));
  if (requiresPython !== undefined) {
    const specs = parseSpecifiers(requiresPython);
    if (!specs.ok) return undefined;
    parts.push(`requires-python ${specifierListKey(specs.value)}`);
  } else parts.push('');
  const extras = asStringArray(own(entry, 'provides-extras')) ?? [];
  parts.push(extras.length ? `provides-extras ${extras.map(normalizeName).join(',')}` : '');
  return parts.filter(Boolean).join(' ');
}
