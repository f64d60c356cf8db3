/**
 * Exact-range edits of YAML text, found through the `yaml` package's node ranges: replace a scalar
 * keeping its quotes, add a key to a block or flow mapping at the indentation its siblings use.
 * Every helper returns null when the text is not in a shape it can edit without guessing.
 */
import { isMap, isScalar, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { eolOf, lineEnd, lineStart } from './edits.js';

export interface RangeEdit {
  start: number;
  end: number;
  text: string;
}

function rangeOf(node: unknown): [number, number, number] | undefined {
  return (node as { range?: [number, number, number] } | null | undefined)?.range;
}

/** Replaces the value of a plain, single- or double-quoted scalar, keeping its quotes. */
export function replaceScalar(text: string, node: Scalar, value: string): RangeEdit | null {
  const range = rangeOf(node);
  if (!range) return null;
  const [start, end] = range;
  const source = text.slice(start, end);
  const current = String(node.value);
  if (node.type === 'PLAIN' || node.type === undefined) {
    if (source !== current) return null;
    // A plain scalar may not start with characters YAML reads as syntax.
    if (/^[\s#&*!|>'"%@`{}[\],]|[\s]#|:\s/.test(value)) return null;
    return { start, end, text: value };
  }
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    const quote = node.type === 'QUOTE_DOUBLE' ? '"' : "'";
    if (source.length < 2 || source[0] !== quote || source[source.length - 1] !== quote) return null;
    // Only a value written without escapes is rewritten (so the new one needs none either).
    if (source.slice(1, -1) !== current || value.includes(quote) || (quote === '"' && value.includes('\\'))) return null;
    return { start: start + 1, end: end - 1, text: value };
  }
  return null;
}

/** The spaces before a key when it is the first thing on its line after indentation or `- ` marks, else null. */
export function keyIndent(text: string, key: Node): string | null {
  const range = rangeOf(key);
  if (!range) return null;
  const before = text.slice(lineStart(text, range[0]), range[0]);
  if (!/^ *(?:- +)*$/.test(before)) return null;
  return ' '.repeat(before.length);
}

/** The first pair of a block map whose key sits on its own line (so a line can be put before it). */
function firstBlockPair(text: string, map: YAMLMap): { pair: Pair; indent: string } | null {
  const first = map.items[0];
  if (!first || !isScalar(first.key)) return null;
  const indent = keyIndent(text, first.key);
  if (indent === null) return null;
  const range = rangeOf(first.key)!;
  // The key must start its line (after spaces only): `- key:` lines are a sequence item's first key.
  if (text.slice(lineStart(text, range[0]), range[0]).trim() !== '') return null;
  return { pair: first, indent };
}

/**
 * Adds `key: value` lines to a mapping value: before the first key of a block map (same indentation),
 * after `{` of a flow map, or under a key whose value is empty (`with:` alone) at `childIndent`.
 * `lines` are the lines to add, relative to the map's indentation (`['persist-credentials: false']`).
 */
export function addToMap(text: string, owner: Pair, lines: string[], childIndent: string): RangeEdit | null {
  const eol = eolOf(text);
  const value = owner.value as Node | null;
  if (isMap(value)) {
    if (value.flow) {
      if (lines.length !== 1) return null;
      const range = rangeOf(value);
      if (!range || text[range[0]] !== '{') return null;
      return value.items.length === 0
        ? { start: range[0] + 1, end: range[0] + 1, text: lines[0] }
        : { start: range[0] + 1, end: range[0] + 1, text: ` ${lines[0]},` };
    }
    const first = firstBlockPair(text, value);
    if (!first) return null;
    const at = lineStart(text, rangeOf(first.pair.key)![0]);
    return { start: at, end: at, text: lines.map((line) => `${first.indent}${line}${eol}`).join('') };
  }
  if (
    value === null ||
    (isScalar(value) && (value.value === null || value.value === undefined) && (rangeOf(value)?.[0] ?? 0) === (rangeOf(value)?.[1] ?? -1))
  ) {
    const keyRange = rangeOf(owner.key);
    if (!keyRange) return null;
    const end = lineEnd(text, keyRange[1]);
    // Nothing but spaces or a comment may follow the key on its line.
    if (!/^:\s*(#.*)?$/.test(text.slice(keyRange[1], end).trimEnd())) return null;
    return { start: end, end, text: lines.map((line) => `${eol}${childIndent}${line}`).join('') };
  }
  return null;
}

/**
 * Adds lines right after the line that ends `after` (a pair's value), at `indent`: a new sibling key
 * of a block map. Null when something other than a comment follows the value on its line.
 */
export function addAfterLine(text: string, after: Node, indent: string, lines: string[]): RangeEdit | null {
  const range = rangeOf(after);
  if (!range) return null;
  const end = lineEnd(text, range[1]);
  const rest = text.slice(range[1], end);
  if (!/^\s*(#.*)?$/.test(rest)) return null;
  // The value must end on the line it is on (not a block scalar running over several lines).
  if (text.slice(range[0], range[1]).includes('\n')) return null;
  const eol = eolOf(text);
  return { start: end, end, text: lines.map((line) => `${eol}${indent}${line}`).join('') };
}
