/**
 * A finding's `fix` as a reader should see it: sentences as prose, commands and replacement text as
 * code, multi-line snippets (TOML, YAML) as a block.
 *
 * The rules write fixes in a few shapes, and these are the signals read here, most structural first:
 *
 * - A backtick span (`uv lock`) is code: the rules quote commands inside sentences that way.
 * - A line ending with `:` introduces a snippet (so does a TOML table header alone on a line, followed
 *   by more lines): the lines after it are a block (a TOML table, a
 *   YAML ignore entry, a `permissions:` block) until a line that goes on with the sentence
 *   (`then run: uv lock`, `and give any job…`), which is prose again. A first line that is only a
 *   file name and a colon (`.github/lockgate.yml:`) names the file the snippet goes in: it is shown
 *   as code before the block, not inside it.
 * - A fix or a clause that starts with a command (`uv sync --locked; or set…`, `./uv run …`), a
 *   `uses:` value or an action or image reference (`actions/checkout@<sha> # v4, with the sha from: …`),
 *   or a command right after a colon or an opening parenthesis (`…, or run: uv add httpx==0.28.1`,
 *   `(uv lock --upgrade)`), is code up to where the sentence goes on (`; `, `, `, a `. ` after a
 *   word, a run of spaces, a parenthesis the command did not open, the end).
 * - A workflow expression (`${{ inputs.x }}`, with the `NAME: ` of the env line it goes in) and a
 *   reference to an environment variable (`"$NAME"`, `$env:NAME`, `process.env.NAME`) are code
 *   anywhere: they are what a template-injection fix asks to paste.
 *
 * Anything else stays prose: a sentence shown as code is as hard to read as a command shown as
 * prose is to copy, and prose is the safe side. Nothing here escapes anything: the reporters render
 * each segment with their own escaping (markdown.ts), so a hostile value is inert whichever kind of
 * segment it lands in.
 */

export type FixSegment =
  | { kind: 'text'; text: string }
  /** `value`: a value to paste (an expression, an env reference, a file name), not a command to run. */
  | { kind: 'code'; text: string; value?: true }
  | { kind: 'block'; text: string }
  | { kind: 'break' };

/** Words a command in a fix starts with (every command the rules suggest starts with one). */
const COMMAND_WORDS = new Set([
  'uv',
  'uvx',
  'pip',
  'pip3',
  'pipx',
  'git',
  'gh',
  'curl',
  'wget',
  'docker',
  'sudo',
  'sh',
  'bash',
  'python',
  'python3',
  'npm',
  'npx',
]);

/** `owner/repo[/path]@ref`: the value of a `uses:` (a replacement the reader pastes). */
const ACTION_REF_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+@[^\s,;]+/;
/**
 * `image[:tag]@sha256:…`: a pinned container image; its tag may be a workflow expression. One
 * character (or one expression) at a time: nested quantifiers backtrack exponentially on a long name.
 */
const IMAGE_REF_RE = /^(?:[a-z0-9]|\$\{\{[^}]*\}\})(?:[a-z0-9._\/:-]|\$\{\{[^}]*\}\})*@sha256:[^\s,;]+/i;
/**
 * A command word, or a path to one (`./uv`, `.venv/bin/python`), followed by an argument: a
 * subcommand, an option, a path or a quoted value. Not a version (`uv 0.10.0 or later`, `uv >= 0.6`):
 * that is prose about the tool.
 */
const COMMAND_RE = /^(?:\.{0,2}\/)?(?:[A-Za-z0-9_.-]+\/)*([a-z][a-z0-9]*) [A-Za-z\-.\/"'$~]/;
/** A TOML table header alone on a line (`[tool.uv]`, `[[tool.uv.index]]`): a snippet starts, even unannounced. */
const TOML_HEADER_RE = /^\[\[?[A-Za-z0-9_.\-" ]+\]\]?\s*$/;
/** A line that carries on the sentence after a snippet. */
const PROSE_CONTINUATION_RE = /^(then|and|or)\b/;
/** A snippet's first line that only names its file: `.github/lockgate.yml:`. */
const FILE_LABEL_RE = /^([A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(ya?ml|toml|json|txt|cfg|ini):$/;
/** An environment variable reference a fix asks to write in place of an expression. */
const ENV_REFERENCE_RE = /^(?:"\$[A-Za-z_][A-Za-z0-9_]*"|\$env:[A-Za-z_][A-Za-z0-9_]*|process\.env\.[A-Za-z_][A-Za-z0-9_]*)/;
/** The `NAME: ` of an env line, right before an expression. */
const ENV_KEY_BEFORE_RE = /(?:^|\s)([A-Z_][A-Z0-9_]*: )$/;

/** Where a code run may start: a command word followed by an argument, `uses: `, or a reference. */
function startsCode(text: string): boolean {
  if (text.startsWith('uses: ')) return true;
  if (ACTION_REF_RE.test(text) || IMAGE_REF_RE.test(text)) return true;
  const word = COMMAND_RE.exec(text);
  return word !== null && COMMAND_WORDS.has(word[1]!);
}

/**
 * The length of the code run at the start of `text`: up to the first place, outside quotes and
 * workflow expressions, where the sentence goes on. Trailing spaces are not part of it.
 */
function codeLength(text: string): number {
  let quote: string | null = null;
  let depth = 0;
  let end = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '$' && text.startsWith('${{', i)) {
      const close = text.indexOf('}}', i + 3);
      if (close > 0) {
        i = close + 1;
        continue;
      }
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) {
        end = i;
        break;
      }
      depth--;
    } else if (c === ' ') {
      const rest = text.slice(i);
      if (rest.startsWith('  ') || rest.startsWith(' (')) {
        end = i;
        break;
      }
    } else if (c === ';' || c === ',') {
      if (text[i + 1] === ' ' || i + 1 === text.length) {
        end = i;
        break;
      }
    } else if (c === '.') {
      // A full stop ends the sentence; a lone `.` after a space is an argument (`ruff check .`).
      if ((text[i + 1] === ' ' || i + 1 === text.length) && i > 0 && text[i - 1] !== ' ') {
        end = i;
        break;
      }
    } else if (c === ':' && i + 1 === text.length) {
      end = i;
      break;
    }
  }
  while (end > 0 && text[end - 1] === ' ') end--;
  return end;
}

function pushText(out: FixSegment[], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}

/** `${{ … }}` at the start of `text`: its length, or 0. */
function expressionLength(text: string): number {
  if (!text.startsWith('${{')) return 0;
  const close = text.indexOf('}}', 3);
  return close > 0 ? close + 2 : 0;
}

/** One line of prose that may hold backtick spans, commands, expressions and env references. */
function inlineSegments(line: string, out: FixSegment[]): void {
  let i = 0;
  let atClauseStart = true;
  while (i < line.length) {
    const rest = line.slice(i);
    if (rest[0] === '`') {
      const end = line.indexOf('`', i + 1);
      if (end > i + 1) {
        out.push({ kind: 'code', text: line.slice(i + 1, end) });
        i = end + 1;
        atClauseStart = false;
        continue;
      }
    }
    if (atClauseStart && startsCode(rest)) {
      const length = codeLength(rest);
      if (length > 0) {
        out.push({ kind: 'code', text: rest.slice(0, length) });
        i += length;
        atClauseStart = false;
        continue;
      }
    }
    const expression = expressionLength(rest);
    if (expression > 0) {
      // `NAME: ${{ … }}` is the env line to add: the key goes with the expression.
      const last = out[out.length - 1];
      const key = last?.kind === 'text' ? ENV_KEY_BEFORE_RE.exec(last.text) : null;
      let text = rest.slice(0, expression);
      if (key && last?.kind === 'text') {
        last.text = last.text.slice(0, last.text.length - key[1]!.length);
        if (last.text === '') out.pop();
        text = key[1] + text;
      }
      out.push({ kind: 'code', text, value: true });
      i += expression;
      atClauseStart = false;
      continue;
    }
    const previous = i > 0 ? line[i - 1]! : ' ';
    const env = /[\s(]/.test(previous) ? ENV_REFERENCE_RE.exec(rest) : null;
    if (env) {
      out.push({ kind: 'code', text: env[0], value: true });
      i += env[0].length;
      atClauseStart = false;
      continue;
    }
    // A clause starts at the start of the line, after ": " (a command the sentence introduces) and
    // after an opening parenthesis (`(uv lock --upgrade)`).
    const c = line[i]!;
    pushText(out, c);
    i++;
    atClauseStart = c === '(';
    if (c === ':' && line[i] === ' ') {
      pushText(out, ' ');
      i++;
      atClauseStart = true;
    }
  }
}

/**
 * The segments of a fix, in order. Adjacent text is merged; a block never ends with a blank line; a
 * `break` separates two lines of prose (or code) that are not a snippet.
 */
export function fixSegments(fix: string): FixSegment[] {
  const lines = fix.replace(/\r\n?/g, '\n').split('\n');
  const out: FixSegment[] = [];
  let block: string[] | null = null;
  const flush = (): void => {
    if (block === null) return;
    while (block.length > 0 && block[block.length - 1]!.trim() === '') block.pop();
    if (block.length > 0) out.push({ kind: 'block', text: block.join('\n') });
    block = null;
  };
  let previousIntroduces = false;
  lines.forEach((line, index) => {
    if (block !== null && !PROSE_CONTINUATION_RE.test(line)) {
      block.push(line);
      return;
    }
    if (block === null && !previousIntroduces && TOML_HEADER_RE.test(line) && index + 1 < lines.length) {
      // A table and its keys, written without an introducing sentence.
      block = [line];
      return;
    }
    if (block === null && previousIntroduces && !PROSE_CONTINUATION_RE.test(line)) {
      if (FILE_LABEL_RE.test(line) && index + 1 < lines.length) {
        // The file the snippet goes in: shown before the block, which starts on the next line.
        out.push({ kind: 'break' }, { kind: 'code', text: line.slice(0, -1), value: true }, { kind: 'text', text: ':' });
        return;
      }
      block = [line];
      return;
    }
    flush();
    if (index > 0 && out.length > 0 && out[out.length - 1]!.kind !== 'block') out.push({ kind: 'break' });
    inlineSegments(line, out);
    previousIntroduces = /:\s*$/.test(line) && line.trim().length > 1;
  });
  flush();
  while (out.length > 0 && out[out.length - 1]!.kind === 'break') out.pop();
  return out;
}

/**
 * The command or replacement a reader runs or pastes first, when the fix leads with one (before any
 * snippet): what the reviewer's to-do list shows. Null when the fix is prose, or starts with a
 * snippet. Values (an expression, an env reference, a file name) are not commands.
 */
export function primaryCommand(fix: string): string | null {
  for (const segment of fixSegments(fix)) {
    if (segment.kind === 'block') return null;
    if (segment.kind === 'code' && !segment.value) return segment.text;
  }
  return null;
}
