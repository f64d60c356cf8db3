/** What the project says a source tree's requirements and groups are (lowered), and what uv.lock records, as comparable lists. */
import type { Pyproject } from '../model.js';
import { normalizeName } from '../names.js';
import { markerAnd, TRUE, type Marker } from '../markers.js';
import { parseSpecifiers, releaseRange, type ReleaseRange, type Specifier } from '../specifiers.js';
import { keyPath, lineOf } from '../toml.js';
import { asString, entriesOf, isTable, own } from '../values.js';
import { lowerLockTable, lowerRequirementText, toolUv, type LoweredRequirement, type LoweringProblem, type LoweringScope } from '../lowering.js';
import type { SyncState } from './state.js';

export interface Expected {
  requirements: LoweredRequirement[];
  problems: LoweringProblem[];
}

export function groupLine(pyproject: Pyproject, group: string): number | undefined {
  for (const [key] of entriesOf(own(pyproject.raw, 'dependency-groups'))) {
    if (normalizeName(key) === group) return lineOf(pyproject.lines, keyPath('dependency-groups', key));
  }
  if (group === 'dev') return pyproject.lines.get('tool.uv.dev-dependencies');
  return undefined;
}

/** `project.dependencies` and each `project.optional-dependencies` extra (marker `extra == '<name>'`), lowered. */
export function expectedRequiresDist(s: SyncState, pyproject: Pyproject, scope: LoweringScope, withExtras: boolean): Expected {
  const out: Expected = { requirements: [], problems: [] };
  const project = own(pyproject.raw, 'project');
  const dependencies = own(project, 'dependencies');
  if (Array.isArray(dependencies)) {
    dependencies.forEach((text, index) => {
      lowerInto(s, out, text, scope, { file: pyproject.file, line: lineOf(pyproject.lines, keyPath('project', 'dependencies', index)) });
    });
  }
  for (const [extra, list] of withExtras ? entriesOf(own(project, 'optional-dependencies')) : []) {
    if (!Array.isArray(list)) continue;
    const name = normalizeName(extra);
    const extraMarker: Marker = { kind: 'extra', name, negated: false };
    list.forEach((text, index) => {
      lowerInto(
        s,
        out,
        text,
        { ...scope, extra: name },
        { file: pyproject.file, line: lineOf(pyproject.lines, keyPath('project', 'optional-dependencies', extra, index)) },
        extraMarker,
      );
    });
  }
  return out;
}

export function lowerInto(
  s: SyncState,
  out: Expected,
  text: unknown,
  scope: LoweringScope,
  origin: { file: string; line?: number },
  extraMarker?: Marker,
): void {
  const result = lowerRequirementText(text, scope, s.workspace, origin, extraMarker);
  if (result.ok) out.requirements.push(...result.requirements);
  else out.problems.push(result.problem);
}

/**
 * PEP 735 groups with `include-group` flattened, `[tool.uv.dependency-groups]` requires-python
 * as markers, and the legacy `tool.uv.dev-dependencies` as `dev` (uv's FlatDependencyGroups).
 */
export function expectedGroups(s: SyncState, pyproject: Pyproject, scope: LoweringScope, label: string): Map<string, Expected> | undefined {
  const rawGroups = own(pyproject.raw, 'dependency-groups');
  const byName = new Map<string, { key: string; list: unknown[] }>();
  const file = pyproject.file;
  if (rawGroups !== undefined) {
    if (!isTable(rawGroups)) {
      s.undecidable(label, 'dependency groups', '`[dependency-groups]` is not a table; uv rejects it', file, pyproject.lines.get('dependency-groups'));
      return undefined;
    }
    for (const [key, list] of Object.entries(rawGroups)) {
      const name = normalizeName(key);
      if (!Array.isArray(list) || byName.has(name)) {
        s.undecidable(
          label,
          `dependency group \`${name}\``,
          byName.has(name) ? 'two groups have the same normalized name; uv rejects that' : 'the group is not a list; uv rejects it',
          file,
          lineOf(pyproject.lines, keyPath('dependency-groups', key)),
        );
        return undefined;
      }
      byName.set(name, { key, list });
    }
  }
  // Group requires-python markers.
  const groupPython = new Map<string, Marker>();
  for (const [key, settings] of entriesOf(own(toolUv(pyproject), 'dependency-groups'))) {
    const name = normalizeName(key);
    if (!byName.has(name)) {
      s.undecidable(
        label,
        `dependency group \`${name}\``,
        '`[tool.uv.dependency-groups]` configures a group that `[dependency-groups]` does not define; uv rejects that',
        file,
        lineOf(pyproject.lines, keyPath('tool', 'uv', 'dependency-groups', key)),
      );
      return undefined;
    }
    const requiresPython = asString(own(settings, 'requires-python'));
    if (requiresPython === undefined) continue;
    const specs = parseSpecifiers(requiresPython);
    const range = specs.ok ? releaseRange(specs.value) : undefined;
    if (!range) {
      s.undecidable(
        label,
        `dependency group \`${name}\``,
        `lockgate cannot compute the range of the group's requires-python \`${requiresPython}\``,
        file,
        lineOf(pyproject.lines, keyPath('tool', 'uv', 'dependency-groups', key, 'requires-python')),
      );
      return undefined;
    }
    groupPython.set(name, rangeMarker(range));
  }

  interface Item {
    text: unknown;
    line?: number;
    marker: Marker;
  }
  const resolved = new Map<string, Item[]>();
  const resolve = (name: string, stack: string[]): Item[] | string => {
    const done = resolved.get(name);
    if (done) return done;
    if (stack.includes(name)) return `the groups include each other in a cycle (${[...stack, name].join(' -> ')}); uv rejects that`;
    const group = byName.get(name);
    if (!group) return `a group includes \`${name}\`, which is not defined; uv rejects that`;
    const items: Item[] = [];
    for (let index = 0; index < group.list.length; index++) {
      const entry = group.list[index];
      if (typeof entry === 'string') {
        items.push({ text: entry, line: lineOf(pyproject.lines, keyPath('dependency-groups', group.key, index)), marker: TRUE });
      } else if (isTable(entry) && typeof own(entry, 'include-group') === 'string' && Object.keys(entry).length === 1) {
        const included = resolve(normalizeName(own(entry, 'include-group') as string), [...stack, name]);
        if (typeof included === 'string') return included;
        items.push(...included);
      } else {
        return `group \`${name}\` has an entry that is neither a requirement string nor \`{ include-group = "..." }\`; uv rejects it`;
      }
    }
    const python = groupPython.get(name);
    const withPython = python ? items.map((item) => ({ ...item, marker: markerAnd(item.marker, python) })) : items;
    resolved.set(name, withPython);
    return withPython;
  };

  const out = new Map<string, Expected>();
  for (const name of byName.keys()) {
    const items = resolve(name, []);
    if (typeof items === 'string') {
      s.undecidable(label, 'dependency groups', items, file, groupLine(pyproject, name));
      return undefined;
    }
    const expected: Expected = { requirements: [], problems: [] };
    for (const item of items)
      lowerInto(s, expected, item.text, { ...scope, group: name }, { file, line: item.line }, item.marker.kind === 'true' ? undefined : item.marker);
    out.set(name, expected);
  }
  const dev = own(toolUv(pyproject), 'dev-dependencies');
  if (Array.isArray(dev)) {
    const expected = out.get('dev') ?? { requirements: [], problems: [] };
    dev.forEach((text, index) =>
      lowerInto(s, expected, text, { ...scope, group: 'dev' }, { file, line: lineOf(pyproject.lines, keyPath('tool', 'uv', 'dev-dependencies', index)) }),
    );
    out.set('dev', expected);
  }
  return out;
}

/** Requirement tables of uv.lock at `<containerPath>.<segments>[i]`, read from the raw document (with their lines). */
export function lockTables(s: SyncState, container: unknown, containerPath: string | undefined, segments: string[]): Expected {
  const out: Expected = { requirements: [], problems: [] };
  let node: unknown = container;
  for (const segment of segments) node = own(node, segment);
  if (!Array.isArray(node)) return out;
  const path = containerPath === undefined ? undefined : `${containerPath}.${keyPath(...segments)}`;
  node.forEach((entry, i) => {
    const result = lowerLockTable(entry, s.lock.file, path === undefined ? undefined : s.lockLine(`${path}[${i}]`), s.project.root);
    if (result.ok) out.requirements.push(...result.requirements);
    else out.problems.push(result.problem);
  });
  return out;
}

/** The marker uv adds for a group's requires-python (`RequiresPython::to_marker_tree`: the range). */
function rangeMarker(range: ReleaseRange): Marker {
  const items: Marker[] = [];
  const spec = (operator: Specifier['operator'], release: bigint[]): Marker => ({
    kind: 'version',
    variable: 'python_full_version',
    spec: { operator, star: false, text: release.join('.'), version: { epoch: 0n, release } },
  });
  if (range.empty) return { kind: 'false' };
  if (range.lower) items.push(spec(range.lower.inclusive ? '>=' : '>', range.lower.release));
  if (range.upper) items.push(spec(range.upper.inclusive ? '<=' : '<', range.upper.release));
  return markerAnd(...items);
}
