/**
 * The fixes of the uv settings rules: a key of `[tool.uv]` (pyproject.toml) or of uv.toml set by an
 * exact-range edit of the text. The key lines come from src/uv/toml.ts; the byte range of a value is
 * found on its line. Every result is parsed again and must carry the value, or the fix is refused.
 */
import { parseToml } from '../uv/toml.js';
import { isTable, own } from '../uv/values.js';
import { eolOf, lineEnd, offsetOfLine, type TextEdit } from './edits.js';

export interface SettingChange {
  key: string;
  /** The TOML text of the value, as written (`"7 days"`). */
  value: string;
  /** The value it must parse to. */
  parsed: unknown;
  /** Only add the key when it is missing; never replace a value a user wrote. */
  onlyIfMissing?: boolean;
  rule: string;
}

export type TomlOutcome = { ok: true; edits: TextEdit[] } | { ok: false; reason: string };

const isUvToml = (file: string): boolean => /(^|\/)uv\.toml$/.test(file);

function settingsTable(file: string, value: Record<string, unknown>): Record<string, unknown> | undefined {
  if (isUvToml(file)) return value;
  const uv = own(own(value, 'tool'), 'uv');
  return isTable(uv) ? uv : undefined;
}

/** The key as written on its line: bare, quoted, or the last part of a dotted key. */
function keyLineRe(key: string): RegExp {
  const k = key.replace(/[-]/g, '\\-');
  return new RegExp(`^(\\s*(?:[A-Za-z0-9_.\\-"' ]+\\.\\s*)?(?:${k}|"${k}"|'${k}')\\s*=\\s*)("(?:[^"\\\\\\n]|\\\\.)*"|'[^'\\n]*'|[^\\s#"'\\[{]+)`);
}

/**
 * Sets each key of `changes` in the uv settings of `file` (pyproject.toml's `[tool.uv]`, created at
 * the end of the file when missing, or uv.toml's top level): a value on its line replaced in place, a
 * missing key put right after the `[tool.uv]` header (uv.toml: before the first table).
 */
export function setUvSettings(file: string, text: string, changes: readonly SettingChange[]): TomlOutcome {
  const parsed = parseToml(file, text);
  if (!parsed.ok) return { ok: false, reason: `${file} does not parse as TOML (line ${parsed.line})` };
  const table = settingsTable(file, parsed.value);
  const prefix = isUvToml(file) ? '' : 'tool.uv.';
  const eol = eolOf(text);
  const edits: TextEdit[] = [];
  const inserts: { change: SettingChange; line: string }[] = [];
  for (const change of changes) {
    const current = table ? own(table, change.key) : undefined;
    if (current !== undefined && JSON.stringify(current) === JSON.stringify(change.parsed)) continue;
    if (current !== undefined) {
      if (change.onlyIfMissing) continue;
      const line = parsed.lines.get(`${prefix}${change.key}`);
      const start = line === undefined ? -1 : offsetOfLine(text, line);
      const match = start < 0 ? null : keyLineRe(change.key).exec(text.slice(start, lineEnd(text, start)));
      if (!match) return { ok: false, reason: `the ${change.key} value of ${file} is written in a form this fix does not rewrite` };
      const valueStart = start + match[1].length;
      edits.push({ file, start: valueStart, end: valueStart + match[2].length, text: change.value, rule: change.rule });
      continue;
    }
    inserts.push({ change, line: `${change.key} = ${change.value}` });
  }
  if (inserts.length > 0) {
    const block = inserts.map((i) => `${i.line}${eol}`).join('');
    const rule = inserts[0].change.rule;
    const headerLine = isUvToml(file) ? undefined : parsed.lines.get('tool.uv');
    const headerStart = headerLine === undefined ? -1 : offsetOfLine(text, headerLine);
    const header = headerStart < 0 ? '' : text.slice(headerStart, lineEnd(text, headerStart));
    if (isUvToml(file)) {
      const at = firstTableOffset(text, parsed.lines);
      edits.push(
        at < 0
          ? { file, start: text.length, end: text.length, text: `${text === '' || text.endsWith('\n') ? '' : eol}${block}`, rule }
          : { file, start: at, end: at, text: block, rule },
      );
    } else if (/^\s*\[\s*tool\s*\.\s*uv\s*\]\s*(#.*)?$/.test(header)) {
      const end = lineEnd(text, headerStart);
      const after = text.startsWith('\r\n', end) ? end + 2 : text.startsWith('\n', end) ? end + 1 : end;
      edits.push({ file, start: after, end: after, text: after === end ? `${eol}${block}` : block, rule });
    } else {
      const lead = text === '' ? '' : text.endsWith(`${eol}${eol}`) ? '' : text.endsWith('\n') ? eol : `${eol}${eol}`;
      edits.push({ file, start: text.length, end: text.length, text: `${lead}[tool.uv]${eol}${block}`, rule });
    }
  }
  if (edits.length === 0) return { ok: true, edits };
  // The result must parse and carry every value, or nothing is written.
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  const check = parseToml(file, result);
  const after = check.ok ? settingsTable(file, check.value) : undefined;
  const missing = changes.filter((c) => !c.onlyIfMissing && JSON.stringify(after ? own(after, c.key) : undefined) !== JSON.stringify(c.parsed));
  if (!check.ok || missing.length > 0)
    return { ok: false, reason: `${file}: the settings could not be placed without breaking its TOML (a [tool.uv] written with dotted keys?)` };
  return { ok: true, edits };
}

/** Offset of the line of the first table header (`[x]` or `[[x]]`) of a TOML text, or -1. */
function firstTableOffset(text: string, lines: Map<string, number>): number {
  let first = Number.POSITIVE_INFINITY;
  for (const line of new Set(lines.values())) {
    if (line >= first) continue;
    const start = offsetOfLine(text, line);
    if (start >= 0 && /^\s*\[/.test(text.slice(start, lineEnd(text, start)))) first = line;
  }
  if (!Number.isFinite(first)) return -1;
  // The blank and comment lines right above the header belong to that table: go before them.
  let at = offsetOfLine(text, first);
  while (at > 0) {
    const previous = lineStartBefore(text, at);
    if (!/^\s*(#.*)?$/.test(text.slice(previous, lineEnd(text, previous)))) break;
    at = previous;
  }
  return at;
}

function lineStartBefore(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 2) + 1;
}
