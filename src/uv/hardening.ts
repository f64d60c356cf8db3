/**
 * Helpers for the uv hardening rules (exclude-newer-missing, add-bounds-not-exact,
 * unpinned-requirement, unsafe-index-strategy, unpinned-git-source, url-source-unhashed): walking
 * a project's requirement lists and sources with their lines, finding the same thing at base, and
 * writing TOML for fixes. Pure; hostile values are skipped, never thrown on.
 */
import type { Lock, LockPackage, Pyproject, UvProject } from './model.js';
import { lockByName } from './lock.js';
import { normalizeName } from './names.js';
import { parseRequirement, type Requirement } from './pep508.js';
import { keyPath } from './toml.js';
import { entriesOf, isTable, own, type Table } from './values.js';

/** Root pyproject first, then members (each once). */
export function pyprojectsOf(project: UvProject | null): Pyproject[] {
  if (!project) return [];
  const out = [project.rootPyproject];
  for (const member of Array.isArray(project.members) ? project.members : []) if (member && member !== project.rootPyproject) out.push(member);
  return out;
}

/** The same pyproject at base (by file), when the base project has it. */
export function basePyproject(base: UvProject | null, file: string): Pyproject | undefined {
  return pyprojectsOf(base).find((pyproject) => pyproject.file === file);
}

export interface RequirementSite {
  pyproject: Pyproject;
  /** Where it is, as words: `project.dependencies`, `optional dependency "socks"`, `dependency group "dev"`. */
  list: string;
  /** Key path of the element in the pyproject's line index. */
  path: string;
  line?: number;
  requirement: Requirement;
  /** What `uv add` needs to write to the same list: '', `--optional socks`, `--group dev`, `--dev`. */
  uvAddFlag: string;
}

type ListSpec = { list: string; segments: string[]; flag: string };

function requirementLists(raw: Table, includeBuild: boolean): ListSpec[] {
  const lists: ListSpec[] = [{ list: 'project.dependencies', segments: ['project', 'dependencies'], flag: '' }];
  for (const [extra] of entriesOf(own(own(raw, 'project'), 'optional-dependencies'))) {
    lists.push({ list: `optional dependency "${extra}"`, segments: ['project', 'optional-dependencies', extra], flag: `--optional ${extra}` });
  }
  for (const [group] of entriesOf(own(raw, 'dependency-groups'))) {
    lists.push({ list: `dependency group "${group}"`, segments: ['dependency-groups', group], flag: `--group ${group}` });
  }
  lists.push({ list: 'tool.uv.dev-dependencies', segments: ['tool', 'uv', 'dev-dependencies'], flag: '--dev' });
  if (includeBuild) lists.push({ list: 'build-system.requires', segments: ['build-system', 'requires'], flag: '' });
  return lists;
}

function valueAt(raw: Table, segments: string[]): unknown {
  let value: unknown = raw;
  for (const segment of segments) value = own(value, segment);
  return value;
}

/** Every parseable PEP 508 string in a pyproject's requirement lists (tables like `{ include-group }` are skipped). */
export function requirementSites(pyproject: Pyproject, includeBuild: boolean): RequirementSite[] {
  const out: RequirementSite[] = [];
  if (!isTable(pyproject.raw)) return out;
  for (const spec of requirementLists(pyproject.raw, includeBuild)) {
    const list = valueAt(pyproject.raw, spec.segments);
    if (!Array.isArray(list)) continue;
    list.forEach((element, index) => {
      if (typeof element !== 'string') return;
      const parsed = parseRequirement(element);
      if (!parsed.ok) return;
      const path = keyPath(...spec.segments, index);
      const site: RequirementSite = { pyproject, list: spec.list, path, requirement: parsed.value, uvAddFlag: spec.flag };
      const line = pyproject.lines?.get(path);
      if (line !== undefined) site.line = line;
      out.push(site);
    });
  }
  return out;
}

/** `==1.2` or `===x`: an exact pin (`==1.*` is a range). */
export function isExactPin(requirement: Requirement): boolean {
  return requirement.specifiers.some((spec) => (spec.operator === '==' && !spec.star) || spec.operator === '===');
}

export interface SourceSite {
  pyproject: Pyproject;
  /** The package name as the sources table spells it. */
  name: string;
  /** The source table (one element when the entry is a list). */
  table: Table;
  path: string;
  line?: number;
}

/** Every `[tool.uv.sources]` entry (list entries one by one). */
export function sourceSites(pyproject: Pyproject): SourceSite[] {
  const out: SourceSite[] = [];
  const sources = own(own(own(pyproject.raw, 'tool'), 'uv'), 'sources');
  for (const [name, value] of entriesOf(sources)) {
    const tables: [Table, string][] = [];
    if (isTable(value)) tables.push([value, keyPath('tool', 'uv', 'sources', name)]);
    else if (Array.isArray(value)) value.forEach((element, index) => isTable(element) && tables.push([element, keyPath('tool', 'uv', 'sources', name, index)]));
    for (const [table, path] of tables) {
      const site: SourceSite = { pyproject, name, table, path };
      const line = pyproject.lines?.get(path) ?? pyproject.lines?.get(keyPath('tool', 'uv', 'sources', name));
      if (line !== undefined) site.line = line;
      out.push(site);
    }
  }
  return out;
}

/** Normalized names of the packages a pyproject (or its workspace root) gives a non-index source. */
export function namesWithSources(pyprojects: Pyproject[]): Set<string> {
  const names = new Set<string>();
  for (const pyproject of pyprojects) {
    for (const site of sourceSites(pyproject)) {
      if (own(site.table, 'index') !== undefined && Object.keys(site.table).every((k) => ['index', 'marker', 'extra', 'group'].includes(k))) continue;
      names.add(normalizeName(site.name));
    }
  }
  return names;
}

/** The head lock's entries of a package name. */
export function lockedEntries(lock: Lock | null | undefined, name: string): LockPackage[] {
  if (!lock || !Array.isArray(lock.packages)) return [];
  return [...(lockByName(lock).get(normalizeName(name)) ?? [])];
}

/** A git URL for comparison: no credentials, no `git+`, no query or fragment, no `.git`, no trailing slash, lower-case host. */
export function canonicalGitUrl(url: string): string {
  let text = url
    .trim()
    .replace(/^git\+/i, '')
    .split('#')[0]!
    .split('?')[0]!;
  try {
    const parsed = new URL(text);
    parsed.username = '';
    parsed.password = '';
    text = `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname}`;
  } catch {
    // scp-like `git@host:org/repo`: compare as written.
  }
  return text.replace(/\/+$/, '').replace(/\.git$/i, '');
}

// ---------------------------------------------------------------------------------------------
// TOML for fixes

const BARE = /^[A-Za-z0-9_-]+$/;

export function tomlKey(key: string): string {
  return BARE.test(key) ? key : JSON.stringify(key);
}

export function tomlValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (isTable(value))
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`)
      .join(', ')} }`;
  return '""';
}

/** The original `name[extras]` prefix of a requirement string (spelling kept). */
export function namePart(requirement: Requirement): string {
  const m = /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?/.exec(requirement.text);
  return m ? m[0].replace(/\s+/g, '') : requirement.name;
}
