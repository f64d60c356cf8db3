/**
 * Text edits: a byte range of one file (UTF-16 offsets into the JavaScript string, as the yaml
 * package's ranges are) and the text that replaces it. Fixers compute edits; only the CLI edge writes.
 */

export interface TextEdit {
  /** Repo-relative path, forward slashes. */
  file: string;
  /** Offset of the first replaced character. */
  start: number;
  /** Offset after the last replaced character (start for an insertion). */
  end: number;
  text: string;
  /** The rule whose finding this edit fixes. */
  rule: string;
}

/** The line ending a file already uses (CRLF when its first line ends so). */
export function eolOf(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
}

/** Offset of the line end (the `\r` of CRLF, the `\n`, or the end of the text) of the line holding `offset`. */
export function lineEnd(text: string, offset: number): number {
  const lf = text.indexOf('\n', offset);
  if (lf < 0) return text.length;
  return lf > 0 && text[lf - 1] === '\r' ? lf - 1 : lf;
}

/** Offset of the start of 1-based line `line`, or -1 when the text has fewer lines. */
export function offsetOfLine(text: string, line: number): number {
  let at = 0;
  for (let n = 1; n < line; n++) {
    const lf = text.indexOf('\n', at);
    if (lf < 0) return -1;
    at = lf + 1;
  }
  return at;
}

/**
 * Applies edits to one text. Edits are applied in offset order; insertions at the same offset keep
 * their given order; an edit overlapping an earlier one is dropped (and returned), never merged.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; applied: TextEdit[]; dropped: TextEdit[] } {
  const ordered = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.index - b.index)
    .map(({ edit }) => edit);
  const applied: TextEdit[] = [];
  const dropped: TextEdit[] = [];
  let out = '';
  let at = 0;
  for (const edit of ordered) {
    const valid = edit.start >= 0 && edit.end >= edit.start && edit.end <= text.length;
    const overlaps = edit.start < at;
    if (!valid || overlaps) {
      dropped.push(edit);
      continue;
    }
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
    applied.push(edit);
  }
  return { text: out + text.slice(at), applied, dropped };
}

/** Edits that do the same thing (two findings fixed by one insertion) are kept once. */
export function uniqueEdits(edits: readonly TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  return edits.filter((edit) => {
    const key = `${edit.file}\0${edit.start}\0${edit.end}\0${edit.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
