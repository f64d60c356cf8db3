/**
 * A unified diff of two texts (what `lockgate fix --dry-run` prints), as `diff -u` and git write it:
 * `---`/`+++` headers, `@@ -a,b +c,d @@` hunks with three lines of context, and
 * `\ No newline at end of file` after a last line without one. Lines are compared whole, with a
 * `\r` kept as part of the line, so a CRLF file shows as CRLF.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

/** The lines of a text; `endsWithNewline` says whether the last one has its `\n`. */
function splitLines(text: string): { lines: string[]; endsWithNewline: boolean } {
  if (text === '') return { lines: [], endsWithNewline: true };
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, endsWithNewline };
}

/** Myers' O(ND) shortest edit script over lines (fixes change few lines, so D stays small). */
function diffLines(a: string[], b: string[]): Op[] {
  // Common prefix and suffix first: the usual fix touches a handful of lines of a long file.
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const am = a.slice(prefix, a.length - suffix);
  const bm = b.slice(prefix, b.length - suffix);
  const middle = myers(am, bm);
  return [...a.slice(0, prefix).map((line): Op => ({ kind: ' ', line })), ...middle, ...a.slice(a.length - suffix).map((line): Op => ({ kind: ' ', line }))];
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        trace.push(next);
        return backtrack(trace, a, b, offset);
      }
    }
    v = next;
  }
  return [];
}

function backtrack(trace: Int32Array[], a: string[], b: string[], offset: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  // trace[d] is the state before round d; the last entry is the state after the final round.
  for (let d = trace.length - 2; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', line: b[y - 1] });
    else ops.push({ kind: '-', line: a[x - 1] });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: ' ', line: a[x - 1] });
    x--;
    y--;
  }
  return ops.reverse();
}

const NO_NEWLINE = '\\ No newline at end of file';

/** The unified diff of `before` to `after` for `path` ('' when they are equal). */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  // A last line that differs only by its newline must show as changed: mark it before comparing.
  const aLines = a.lines.map((line, i) => (i === a.lines.length - 1 && !a.endsWithNewline ? `${line}\0` : line));
  const bLines = b.lines.map((line, i) => (i === b.lines.length - 1 && !b.endsWithNewline ? `${line}\0` : line));
  const ops = diffLines(aLines, bLines);
  const out: string[] = [`--- a/${path}`, `+++ b/${path}`];
  // Group changes into hunks with `context` lines around them.
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend while the next change is within 2*context lines of the last one.
    for (;;) {
      while (end < ops.length && ops[end].kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap].kind === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    // Line numbers: count the old and new lines before `start`.
    let oldLine = 1;
    let newLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j].kind !== '+') oldLine++;
      if (ops[j].kind !== '-') newLine++;
    }
    const hunk = ops.slice(start, stop);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    const range = (line: number, count: number): string => (count === 1 ? `${line}` : `${count === 0 ? line - 1 : line},${count}`);
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const op of hunk) {
      const missingNewline = op.line.endsWith('\0');
      out.push(`${op.kind}${missingNewline ? op.line.slice(0, -1) : op.line}`);
      if (missingNewline) out.push(NO_NEWLINE);
    }
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

/** The 1-based lines of `after` that the line diff from `before` marks as added (what a pull request touched). */
export function addedLines(before: string, after: string): Set<number> {
  const added = new Set<number>();
  if (before === after) return added;
  const ops = diffLines(splitLines(before).lines, splitLines(after).lines);
  let line = 0;
  for (const op of ops) {
    if (op.kind === '-') continue;
    line++;
    if (op.kind === '+') added.add(line);
  }
  return added;
}
