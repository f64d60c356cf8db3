/**
 * Where a uv project's settings live, with positions for findings. uv reads settings from the
 * workspace root: its `uv.toml` when present (uv then ignores `[tool.uv]` in pyproject.toml,
 * docs/concepts/configuration-files.md), else the root pyproject's `[tool.uv]`; when the root has
 * neither, from the nearest ancestor directory that has one (uv-settings `FilesystemOptions::find`
 * walks up from the workspace root, skipping a pyproject.toml without `[tool.uv]`). Members'
 * `[tool.uv]` settings have no effect, except `[tool.uv.sources]` and `[[tool.uv.index]]`.
 */
import type { UvProject } from './model.js';
import { keyPath } from './toml.js';
import { isTable, own, type Table } from './values.js';

export interface UvSettingsSource {
  /** The file whose settings uv uses: the root uv.toml, else the root pyproject.toml. */
  file: string;
  kind: 'uv.toml' | 'pyproject';
  /** The settings table (empty when the file has none). */
  table: Table;
  /** Whether the file has a settings table at all (`[tool.uv]` in pyproject; always for uv.toml). */
  present: boolean;
  lines: Map<string, number>;
  /** Key path of the settings table in `lines`: '' for uv.toml, 'tool.uv' for pyproject. */
  prefix: string;
}

export function uvSettingsOf(project: UvProject): UvSettingsSource {
  const uvToml = project.uvToml;
  if (uvToml && isTable(uvToml.raw)) {
    return { file: uvToml.file, kind: 'uv.toml', table: uvToml.raw, present: true, lines: uvToml.lines, prefix: '' };
  }
  const pyproject = project.rootPyproject;
  const uv = own(own(pyproject.raw, 'tool'), 'uv');
  const inherited = project.inheritedSettings;
  if (!isTable(uv) && inherited) {
    const table = inherited.kind === 'uv.toml' ? inherited.raw : own(own(inherited.raw, 'tool'), 'uv');
    return {
      file: inherited.file,
      kind: inherited.kind,
      table: isTable(table) ? table : {},
      present: true,
      lines: inherited.lines,
      prefix: inherited.kind === 'uv.toml' ? '' : 'tool.uv',
    };
  }
  return {
    file: pyproject.file,
    kind: 'pyproject',
    table: isTable(uv) ? uv : {},
    present: isTable(uv),
    lines: pyproject.lines,
    prefix: 'tool.uv',
  };
}

/** A settings key path inside the source, as `lines` spells it. */
export function settingPath(source: UvSettingsSource, ...segments: (string | number)[]): string {
  return source.prefix === '' ? keyPath(...segments) : keyPath('tool', 'uv', ...segments);
}

/** Line of a setting, or undefined when the key is not in the file. */
export function settingLine(source: UvSettingsSource, ...segments: (string | number)[]): number | undefined {
  return source.lines.get(settingPath(source, ...segments));
}

/**
 * Where a missing setting should go: the `[tool.uv]` header, else the `[project]` line, else line 1
 * (uv.toml: line 1, settings are top-level there).
 */
export function settingsAnchorLine(source: UvSettingsSource): number {
  if (source.kind === 'uv.toml') return 1;
  return source.lines.get('tool.uv') ?? source.lines.get('project') ?? 1;
}

/** TOML text that adds `key = value` where it belongs in this source. */
export function settingSnippet(source: UvSettingsSource, line: string): string {
  return source.kind === 'uv.toml' ? line : `[tool.uv]\n${line}`;
}
