/**
 * pyproject.toml -> Pyproject. Only TOML syntax errors are errors: other tools read pyproject.toml
 * too, and a key of an unexpected type is simply treated as absent here (the checks that care about
 * a key look at `raw` and report it themselves).
 */
import type { Pyproject } from './model.js';
import { parseToml } from './toml.js';
import { asString, asStringArray, isTable, own } from './values.js';
import type { LockProblem } from './lock.js';

export function dirOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

export function readPyproject(file: string, text: string): Pyproject | { error: LockProblem } {
  const parsed = parseToml(file, text);
  if (!parsed.ok) return { error: { line: parsed.line, column: parsed.column, message: `is not valid TOML: ${parsed.message}` } };
  return pyprojectFromParsed(file, parsed.value, parsed.lines);
}

export function pyprojectFromParsed(file: string, raw: Record<string, unknown>, lines: Map<string, number>): Pyproject {
  const project = own(raw, 'project');
  const tool = own(raw, 'tool');
  const pyproject: Pyproject = {
    file,
    dir: dirOf(file),
    raw,
    dynamic: asStringArray(own(project, 'dynamic')) ?? [],
    hasProjectTable: isTable(project),
    hasBuildSystem: isTable(own(raw, 'build-system')),
    hasToolUv: isTable(own(tool, 'uv')),
    lines,
  };
  const name = asString(own(project, 'name'));
  if (name !== undefined) pyproject.name = name;
  const version = asString(own(project, 'version'));
  if (version !== undefined) pyproject.version = version;
  const requiresPython = asString(own(project, 'requires-python'));
  if (requiresPython !== undefined) pyproject.requiresPython = requiresPython;
  return pyproject;
}

export function isPyprojectError(value: Pyproject | { error: LockProblem }): value is { error: LockProblem } {
  return 'error' in value;
}
