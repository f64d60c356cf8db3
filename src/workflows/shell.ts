/**
 * Light scanning of `run:` scripts: enough shell syntax to find commands such as `uv sync` or
 * `curl … | sh` and the line they are on. Nothing is executed or expanded. It knows quotes,
 * escapes, comments, line continuations, `;` `&&` `||` `|` `&`, `$( )`, backticks, `<( )`,
 * here-documents and GitHub's `${{ }}`; it does not know functions, aliases or variables' values.
 */
import { isScalar, type Node, type Scalar } from 'yaml';
import type { WorkflowFile } from './model.js';
import { get, str } from './walk.js';

/** A script with a way back from an offset in it to the workflow file's line. */
export interface RunScript {
  script: string;
  /** 1-based line in the workflow file of an offset in `script`. */
  lineAt(offset: number): number;
}

/**
 * The script of a `run:` value. Block scalars start on the line after `|`/`>`; a literal block maps
 * line for line; a folded block is folded here the way YAML folds it, keeping each piece's line;
 * a flow scalar (plain or quoted) is attributed to its first line.
 */
export function runScriptOf(wf: WorkflowFile, node: Node | undefined): RunScript | undefined {
  if (!isScalar(node)) return undefined;
  const value = str(node);
  if (value === undefined) return undefined;
  const range = (node as Scalar).range;
  const startLine = range ? wf.posAt(range[0]).line : 1;
  const type = (node as Scalar).type;
  if (type === 'BLOCK_LITERAL') {
    const newlines = newlineOffsets(value);
    return { script: value, lineAt: (offset) => startLine + 1 + countBefore(newlines, offset) };
  }
  if (type === 'BLOCK_FOLDED' && range) return foldedScript(wf, range, startLine);
  return { script: value, lineAt: () => startLine };
}

function newlineOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i);
  return out;
}

/** How many sorted offsets are below `offset`. */
function countBefore(sorted: number[], offset: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Folds a `>` block from its source lines, recording where each source line starts in the result. */
function foldedScript(wf: WorkflowFile, range: [number, number, number], startLine: number): RunScript {
  const source = wf.text.slice(range[0], range[1]);
  const lines = source
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/\r$/, ''));
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const indent = indents.length > 0 ? Math.min(...indents) : 0;
  let script = '';
  const starts: { offset: number; line: number }[] = [];
  let previous: 'none' | 'text' | 'more' | 'blank' = 'none';
  lines.forEach((raw, i) => {
    const blank = raw.trim() === '';
    const text = blank ? '' : raw.slice(indent);
    const more = !blank && /^\s/.test(text);
    if (previous !== 'none') {
      // Lines of the same indentation fold into one with a space; blank and more-indented lines keep newlines.
      script += previous === 'text' && !blank && !more ? ' ' : '\n';
    }
    starts.push({ offset: script.length, line: startLine + 1 + i });
    script += text;
    previous = blank ? 'blank' : more ? 'more' : 'text';
  });
  const offsets = starts.map((s) => s.offset);
  return {
    script,
    lineAt: (offset) => {
      const index = Math.max(0, countBefore(offsets, offset + 1) - 1);
      return starts[index]?.line ?? startLine + 1;
    },
  };
}

export interface ShellWord {
  /** The word after quote removal (`${{ }}`, `$VAR` and substitutions kept as written). */
  value: string;
  /** Offset of the word's first character in the script. */
  offset: number;
  /** The word had quotes. */
  quoted: boolean;
}

export interface SimpleCommand {
  /** Words after leading `VAR=value` assignments and shell keywords (`if`, `then`, `!`, …). */
  words: ShellWord[];
  /** Leading `VAR=value` assignments. */
  assignments: Map<string, string>;
  /** Offset of the command's first word in the script. */
  offset: number;
  /** Texts of `$( )`, backtick and `<( )`/`>( )` substitutions anywhere in the command. */
  substitutions: string[];
  /** stdout goes to a file (`>`, `>>`, `&>`). */
  redirectsOutput: boolean;
  /** The targets of output redirections (`>> "$GITHUB_ENV"` gives `$GITHUB_ENV`), quotes removed. */
  outputTargets: string[];
}

export interface Pipeline {
  /** The stages, in order; a single command is a pipeline of one. */
  commands: SimpleCommand[];
}

type Token =
  | { kind: 'word'; word: ShellWord; substitutions: string[] }
  | { kind: 'op'; op: string; offset: number }
  | { kind: 'redirect'; op: string; offset: number };

const KEYWORDS_BEFORE_COMMAND = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'time']);
const KEYWORDS_ALONE = new Set(['fi', 'done', 'esac', '}', ')']);

/** Splits a script into pipelines of simple commands. Never throws; unbalanced quotes end at the end of the script. */
export function parseShell(script: string): Pipeline[] {
  const tokens = tokenize(script);
  const pipelines: Pipeline[] = [];
  let current: SimpleCommand[] = [];
  let words: Token[] = [];
  let redirectsOutput = false;
  let outputTargets: string[] = [];
  let skipCommand = false;

  const endCommand = (): void => {
    const command = buildCommand(words, redirectsOutput, skipCommand, outputTargets);
    if (command) current.push(command);
    words = [];
    redirectsOutput = false;
    outputTargets = [];
    skipCommand = false;
  };
  const endPipeline = (): void => {
    endCommand();
    if (current.length > 0) pipelines.push({ commands: current });
    current = [];
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'op') {
      if (token.op === '|' || token.op === '|&') endCommand();
      else endPipeline();
      continue;
    }
    if (token.kind === 'redirect') {
      if (/^(\d*>|\d*>>|&>|&>>|>\|)$/.test(token.op)) {
        const target = tokens[i + 1];
        // `>&2` / `2>&1` duplicate a descriptor; only a file target takes stdout away from the pipe.
        const fd = token.op.match(/^(\d*)/)?.[1] ?? '';
        if (fd === '' || fd === '1' || token.op.startsWith('&'))
          redirectsOutput = redirectsOutput || !(target?.kind === 'word' && target.word.value.startsWith('&'));
        if (target?.kind === 'word' && !target.word.value.startsWith('&')) outputTargets.push(target.word.value);
      }
      words.push(token);
      if (tokens[i + 1]?.kind === 'word') i++;
      continue;
    }
    // `for x in …; do` and `case … in` lists are not commands.
    if (words.length === 0 && (token.word.value === 'for' || token.word.value === 'case' || token.word.value === 'select') && !token.word.quoted)
      skipCommand = true;
    words.push(token);
  }
  endPipeline();
  return pipelines;
}

function buildCommand(tokens: Token[], redirectsOutput: boolean, skip: boolean, outputTargets: string[]): SimpleCommand | null {
  if (skip) return null;
  // One pass instead of filter + flatMap + find: this runs for every command of every script.
  const wordTokens: Extract<Token, { kind: 'word' }>[] = [];
  let substitutions: string[] = NO_SUBSTITUTIONS;
  let redirectAt: Extract<Token, { kind: 'redirect' }> | undefined;
  for (const token of tokens) {
    if (token.kind === 'word') {
      wordTokens.push(token);
      if (token.substitutions.length > 0) {
        if (substitutions === NO_SUBSTITUTIONS) substitutions = [];
        for (const substitution of token.substitutions) substitutions.push(substitution);
      }
    } else if (token.kind === 'redirect' && redirectAt === undefined) redirectAt = token;
  }
  if (substitutions === NO_SUBSTITUTIONS) substitutions = [];
  let index = 0;
  while (index < wordTokens.length && !wordTokens[index].word.quoted && KEYWORDS_BEFORE_COMMAND.has(wordTokens[index].word.value)) index++;
  const assignments = new Map<string, string>();
  while (index < wordTokens.length) {
    const value = wordTokens[index].word.value;
    const eq = value.indexOf('=');
    if (eq <= 0 || !ASSIGNMENT_NAME.test(value.slice(0, eq))) break;
    assignments.set(value.slice(0, eq), value.slice(eq + 1));
    index++;
  }
  const words: ShellWord[] = [];
  for (let k = index; k < wordTokens.length; k++) words.push(wordTokens[k].word);
  if (words.length === 1 && !words[0].quoted && KEYWORDS_ALONE.has(words[0].value)) words.length = 0;
  while (words.length > 0 && !words[words.length - 1].quoted && KEYWORDS_ALONE.has(words[words.length - 1].value)) words.pop();
  if (words.length === 0 && assignments.size === 0 && substitutions.length === 0 && outputTargets.length === 0) return null;
  const offset = words[0]?.offset ?? wordTokens[0]?.word.offset ?? redirectAt?.offset ?? 0;
  return { words, assignments, offset, substitutions, redirectsOutput, outputTargets };
}

const NO_SUBSTITUTIONS: string[] = [];
const ASSIGNMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Characters that need a look in a word outside quotes (quotes, escapes, expansions and the
 * characters that end a word); every other character is copied as a run, not one at a time.
 */
const WORD_SPECIAL = charTable('\\\'"$`<> \t\r\n;|&()');
/** The same inside double quotes: the closing quote, escapes and expansions. */
const DOUBLE_QUOTED_SPECIAL = charTable('"\\$`');

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

/** Whether the character at `i` is one of `table`'s (characters beyond ASCII never are). */
function isSpecial(table: Uint8Array, code: number): boolean {
  return code < 128 && table[code] === 1;
}

const REDIRECT = /^(\d*(?:<<<|<<-|<<|>>|>\||<>|>&|<&|>|<)|&>>|&>)/;

function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  const n = script.length;
  let i = 0;
  const pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];

  const skipHeredocBodies = (): void => {
    // Called just after a newline: the bodies follow, one per pending here-document, in order.
    while (pendingHeredocs.length > 0) {
      const { delimiter, stripTabs } = pendingHeredocs.shift() as { delimiter: string; stripTabs: boolean };
      while (i < n) {
        const end = script.indexOf('\n', i);
        const lineEnd = end < 0 ? n : end;
        let line = script.slice(i, lineEnd).replace(/\r$/, '');
        if (stripTabs) line = line.replace(/^\t+/, '');
        i = end < 0 ? n : end + 1;
        if (line === delimiter || line.trim() === delimiter) break;
      }
    }
  };

  while (i < n) {
    const c = script[i];
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      tokens.push({ kind: 'op', op: '\n', offset: i });
      i++;
      if (pendingHeredocs.length > 0) skipHeredocBodies();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (c === '&' || c === '|' || c === ';') {
      const two = script.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === ';;' || two === '|&') {
        tokens.push({ kind: 'op', op: two, offset: i });
        i += 2;
        continue;
      }
    }
    if (c === ';' || c === '|' || (c === '&' && script[i + 1] !== '>') || c === '(' || c === ')') {
      tokens.push({ kind: 'op', op: c, offset: i });
      i++;
      continue;
    }
    // Process substitution is a word; other redirections are operators with a target word.
    if ((c === '<' || c === '>') && script[i + 1] === '(') {
      const word = readWord(script, i);
      tokens.push({ kind: 'word', word: word.word, substitutions: word.substitutions });
      i = word.end;
      continue;
    }
    // Every redirection starts with a digit, `<`, `>` or `&`: the pattern is tried only there.
    const redirect = c === '<' || c === '>' || c === '&' || (c >= '0' && c <= '9') ? REDIRECT.exec(script.slice(i, i + 6)) : null;
    if (redirect && (/^\d/.test(redirect[1]) ? true : c === '<' || c === '>' || c === '&')) {
      const op = redirect[1];
      i += op.length;
      const bare = op.replace(/^\d+/, '');
      if (bare === '<<' || bare === '<<-') {
        while (script[i] === ' ' || script[i] === '\t') i++;
        const word = readWord(script, i);
        i = word.end;
        const delimiter = word.word.value;
        if (delimiter !== '') pendingHeredocs.push({ delimiter, stripTabs: bare === '<<-' });
        tokens.push({ kind: 'redirect', op, offset: i });
        continue;
      }
      tokens.push({ kind: 'redirect', op, offset: i - op.length });
      continue;
    }
    const word = readWord(script, i);
    if (word.end === i) {
      // A character no rule consumed: step over it so scanning always advances.
      i++;
      continue;
    }
    tokens.push({ kind: 'word', word: word.word, substitutions: word.substitutions });
    i = word.end;
  }
  return tokens;
}

/** Reads a balanced `(`…`)` starting at `open` (the index of `(`); returns the index after `)`. */
function readBalanced(script: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < script.length) {
    const c = script[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      i = end < 0 ? script.length : end + 1;
      continue;
    }
    if (c === '"') {
      i = readDoubleQuoted(script, i + 1).end;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return script.length;
}

/**
 * An expansion starting at `i`: a `${{ … }}` expression, or a command substitution `$(…)`, `<(…)`,
 * `>(…)` (outside quotes only) or backticks, whose command text is added to `substitutions`. Returns the index after it,
 * or undefined when none starts there. Shared by words and double-quoted strings.
 */
function readExpansion(script: string, i: number, substitutions: string[], processSubstitution: boolean): number | undefined {
  const c = script[i];
  if (c === '$' && script[i + 1] === '{' && script[i + 2] === '{') {
    const end = script.indexOf('}}', i + 3);
    return end < 0 ? script.length : end + 2;
  }
  if ((c === '$' || (processSubstitution && (c === '<' || c === '>'))) && script[i + 1] === '(') {
    const stop = readBalanced(script, i + 1);
    substitutions.push(script.slice(i + 2, Math.max(i + 2, stop - 1)));
    return stop;
  }
  if (c === '`') {
    const end = script.indexOf('`', i + 1);
    const stop = end < 0 ? script.length : end + 1;
    substitutions.push(script.slice(i + 1, Math.max(i + 1, stop - 1)));
    return stop;
  }
  return undefined;
}

/** Reads the inside of a double-quoted string from `start` (after the quote); returns its value, substitutions and the index after the closing quote. */
function readDoubleQuoted(script: string, start: number): { value: string; substitutions: string[]; end: number } {
  let value = '';
  const substitutions: string[] = [];
  let i = start;
  while (i < script.length && script[i] !== '"') {
    if (!isSpecial(DOUBLE_QUOTED_SPECIAL, script.charCodeAt(i))) {
      const from = i;
      while (i < script.length && !isSpecial(DOUBLE_QUOTED_SPECIAL, script.charCodeAt(i))) i++;
      value += script.slice(from, i);
      continue;
    }
    const c = script[i];
    if (c === '\\' && i + 1 < script.length) {
      const next = script[i + 1];
      if (next === '\n') {
        i += 2;
        continue;
      }
      value += '"\\$`'.includes(next) ? next : c + next;
      i += 2;
      continue;
    }
    const stop = readExpansion(script, i, substitutions, false);
    if (stop !== undefined) {
      value += script.slice(i, stop);
      i = stop;
      continue;
    }
    value += c;
    i++;
  }
  return { value, substitutions, end: Math.min(script.length, i + 1) };
}

function readWord(script: string, start: number): { word: ShellWord; substitutions: string[]; end: number } {
  let value = '';
  let quoted = false;
  const substitutions: string[] = [];
  let i = start;
  while (i < script.length) {
    if (!isSpecial(WORD_SPECIAL, script.charCodeAt(i))) {
      const from = i;
      while (i < script.length && !isSpecial(WORD_SPECIAL, script.charCodeAt(i))) i++;
      value += script.slice(from, i);
      continue;
    }
    const c = script[i];
    if (c === '\\') {
      if (script[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (i + 1 < script.length) value += script[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      quoted = true;
      const end = script.indexOf("'", i + 1);
      const stop = end < 0 ? script.length : end;
      value += script.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      quoted = true;
      const inner = readDoubleQuoted(script, i + 1);
      value += inner.value;
      substitutions.push(...inner.substitutions);
      i = inner.end;
      continue;
    }
    // Process substitution `<(…)` / `>(…)` only opens a word; elsewhere `<` and `>` end it.
    if ((c === '<' || c === '>') && script[i + 1] === '(' && i !== start) break;
    const stop = readExpansion(script, i, substitutions, true);
    if (stop !== undefined) {
      value += script.slice(i, stop);
      i = stop;
      continue;
    }
    if (' \t\r\n;|&()<>'.includes(c)) break;
    value += c;
    i++;
  }
  return { word: { value, offset: start, quoted }, substitutions, end: i };
}

/** Wrapper commands whose arguments are the real command (`sudo -E uv sync`, `env X=1 uv sync`, `time uv sync`). */
const WRAPPERS: Record<string, { optionsWithValue: Set<string> }> = {
  sudo: { optionsWithValue: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group']) },
  doas: { optionsWithValue: new Set(['-u', '-C']) },
  env: { optionsWithValue: new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']) },
  time: { optionsWithValue: new Set(['-f', '-o']) },
  nice: { optionsWithValue: new Set(['-n']) },
  nohup: { optionsWithValue: new Set() },
  exec: { optionsWithValue: new Set(['-a']) },
  command: { optionsWithValue: new Set() },
  xvfb_run: { optionsWithValue: new Set() },
  'xvfb-run': { optionsWithValue: new Set(['-s', '--server-args', '-n', '--server-num', '-e', '--error-file', '-f', '--auth-file', '-p', '--xauth-protocol']) },
  timeout: { optionsWithValue: new Set(['-s', '--signal', '-k', '--kill-after']) },
  retry: { optionsWithValue: new Set(['-t', '--times', '-d', '--delay']) },
};

/**
 * The command a simple command really runs, with its arguments: wrappers such as `sudo`, `env`,
 * `time`, `timeout 60` are stepped over and `env`'s `VAR=value` go into `env`.
 */
export function effectiveCommand(command: SimpleCommand): { name: string; args: ShellWord[]; env: Map<string, string>; wrappers: string[] } {
  const env = new Map(command.assignments);
  const wrappers: string[] = [];
  let words = command.words;
  for (let guard = 0; guard < 8 && words.length > 0; guard++) {
    const name = basename(words[0].value);
    const wrapper = WRAPPERS[name];
    if (!wrapper) break;
    wrappers.push(name);
    let i = 1;
    while (i < words.length) {
      const w = words[i].value;
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
        const eq = w.indexOf('=');
        env.set(w.slice(0, eq), w.slice(eq + 1));
        i++;
        continue;
      }
      if (w === '--') {
        i++;
        break;
      }
      if (w.startsWith('-')) {
        i += wrapper.optionsWithValue.has(w) ? 2 : 1;
        continue;
      }
      // `timeout 60 cmd`: the duration is a positional before the command.
      if (name === 'timeout' && /^\d+(\.\d+)?[smhd]?$/.test(w)) {
        i++;
        continue;
      }
      break;
    }
    words = words.slice(i);
  }
  return { name: words.length > 0 ? basename(words[0].value) : '', args: words.slice(1), env, wrappers };
}

/** `/usr/bin/python3` → `python3`; Windows `python.exe` → `python`. */
export function basename(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return base.length >= 4 && base.charCodeAt(base.length - 4) === 46 /* . */ && base.slice(-3).toLowerCase() === 'exe' ? base.slice(0, -4) : base;
}

/** The shell a step's `run:` runs in: step `shell:`, then job and workflow `defaults.run.shell` (undefined: the runner's default). */
export function shellOf(wf: WorkflowFile, job: Node | undefined, step: Node): string | undefined {
  return str(get(step, 'shell')) ?? str(get(get(get(job, 'defaults'), 'run'), 'shell')) ?? str(get(get(get(wf.doc.contents, 'defaults'), 'run'), 'shell'));
}

/** Whether a `shell:` value runs the script as a shell script (not `python {0}` and the like). */
export function isShellScript(shell: string | undefined): boolean {
  if (shell === undefined) return true;
  const program = basename(shell.trim().split(/\s+/)[0] ?? '').toLowerCase();
  return ['bash', 'sh', 'zsh', 'dash', 'ksh', 'pwsh', 'powershell', 'cmd'].includes(program);
}
