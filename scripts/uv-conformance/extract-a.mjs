#!/usr/bin/env node
/**
 * Extracts `lock-out-of-sync` conformance scenarios (issue 11) from uv's own tests: replays each
 * test function of a uv test file as a sequence of file writes, uv commands and lock snapshots, and
 * writes one fixture directory per `--locked` / `--check` command whose project files are fully
 * known at that moment.
 *
 *   node scripts/uv-conformance/extract-a.mjs RUST_FILE SOURCE_PATH [FIRST_LINE] [LAST_LINE]
 *
 * RUST_FILE is the test file (e.g. from `git -C <uv mirror> show HEAD:crates/uv/tests/lock/lock.rs`),
 * SOURCE_PATH its path in uv (recorded in scenario.json). Only literals are copied (TOML from
 * `write_str`, locks from `assert_snapshot!`, verdicts from `uv_snapshot!`), never Rust code. Prints
 * a summary of what was skipped and why. Fixtures go to __tests__/fixtures/uv-conformance/a-<fn>[-n].
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UV_COMMIT = '26a9dd4b2125bc271b47855e1fa0c49af3365db5';
const TEST_TIMESTAMP = '2024-03-25T00:00:00Z';
/** Where insta shows `[LOCALHOST]` (the packse test server, `127.0.0.1:<port>`): any fixed port. */
const LOCALHOST = '127.0.0.1:3141';
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '__tests__', 'fixtures', 'uv-conformance');

// ---------------------------------------------------------------------------------------------
// A small Rust lexer: identifiers, punctuation and string literals (with their line).

function lex(text, firstLine) {
  const tokens = [];
  let i = 0;
  let line = firstLine;
  const push = (type, value, start) => tokens.push({ type, value, line: start });
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      i = end + 2;
      continue;
    }
    const raw = /^r(#*)"/.exec(text.slice(i, i + 12));
    if (raw && !(i > 0 && /\w/.test(text[i - 1]))) {
      const close = '"' + raw[1];
      const start = i + raw[0].length;
      const end = text.indexOf(close, start);
      const value = text.slice(start, end);
      push('str', value, line);
      for (const ch of value) if (ch === '\n') line++;
      i = end + close.length;
      continue;
    }
    if (c === '"' || (c === 'b' && text[i + 1] === '"' && !/\w/.test(text[i - 1] ?? ''))) {
      const startLine = line;
      let j = c === 'b' ? i + 2 : i + 1;
      let value = '';
      while (text[j] !== '"') {
        if (text[j] === '\\') {
          const n = text[j + 1];
          if (n === '\n') {
            j += 2;
            line++;
            while (/\s/.test(text[j])) {
              if (text[j] === '\n') line++;
              j++;
            }
            continue;
          }
          value += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === '0' ? '\0' : n;
          j += 2;
          continue;
        }
        if (text[j] === '\n') line++;
        value += text[j++];
      }
      push('str', value, startLine);
      i = j + 1;
      continue;
    }
    if (c === "'") {
      // char literal or lifetime
      const m = /^'(\\.|[^\\'])'/.exec(text.slice(i, i + 5));
      if (m) {
        push('char', m[1], line);
        i += m[0].length;
        continue;
      }
      i++;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 100));
    if (id) {
      push('id', id[0], line);
      i += id[0].length;
      continue;
    }
    const num = /^[0-9][0-9_a-z.]*/.exec(text.slice(i, i + 40));
    if (num) {
      push('num', num[0], line);
      i += num[0].length;
      continue;
    }
    if (text.startsWith('::', i)) {
      push('p', '::', line);
      i += 2;
      continue;
    }
    if (text.startsWith('=>', i)) {
      push('p', '=>', line);
      i += 2;
      continue;
    }
    if (text.startsWith('==', i)) {
      push('p', '==', line);
      i += 2;
      continue;
    }
    push('p', c, line);
    i++;
  }
  return tokens;
}

const OPEN = { '(': ')', '[': ']', '{': '}' };

/** Index of the token closing the bracket at `i`. */
function closing(tokens, i) {
  const stack = [];
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.type !== 'p') continue;
    if (OPEN[t.value]) stack.push(OPEN[t.value]);
    else if (t.value === ')' || t.value === ']' || t.value === '}') {
      stack.pop();
      if (stack.length === 0) return j;
    }
  }
  return tokens.length - 1;
}

/** Splits tokens [from, to) at top-level commas. */
function splitArgs(tokens, from, to) {
  const out = [];
  let depth = 0;
  let start = from;
  for (let j = from; j < to; j++) {
    const t = tokens[j];
    if (t.type === 'p' && OPEN[t.value]) depth++;
    else if (t.type === 'p' && (t.value === ')' || t.value === ']' || t.value === '}')) depth--;
    else if (depth === 0 && t.type === 'p' && t.value === ',') {
      out.push(tokens.slice(start, j));
      start = j + 1;
    }
  }
  if (start < to) out.push(tokens.slice(start, to));
  return out;
}

/** Statements of a function body: split at `;` at any depth, and at `{`/`}` of blocks. */
function statements(tokens) {
  // Top-level statements only: split at `;` when no parenthesis/bracket is open; brace blocks
  // (with_settings!, if, for) are kept inside their statement except a plain block.
  const out = [];
  let depth = 0;
  let start = 0;
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.type !== 'p') continue;
    if (OPEN[t.value]) depth++;
    else if (t.value === ')' || t.value === ']' || t.value === '}') {
      depth--;
      if (
        depth === 0 &&
        t.value === '}' &&
        tokens[j + 1]?.value !== ')' &&
        tokens[j + 1]?.value !== ';' &&
        tokens[j + 1]?.value !== '.' &&
        tokens[j + 1]?.value !== ','
      ) {
        out.push(tokens.slice(start, j + 1));
        start = j + 1;
      }
    } else if (t.value === ';' && depth === 0) {
      out.push(tokens.slice(start, j));
      start = j + 1;
    }
  }
  if (start < tokens.length) out.push(tokens.slice(start));
  return out.filter((s) => s.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Text helpers.

/** indoc!: drop the first line when empty, remove the common indentation. */
function dedent(text) {
  let lines = text.split('\n');
  if (lines[0].trim() === '') lines = lines.slice(1);
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  lines = lines.map((l) => (l.trim() === '' ? '' : l.slice(cut)));
  return lines.join('\n');
}

/** An insta inline snapshot as the text it stands for: dedented, trimmed of blank edge lines. */
function snapshotText(text) {
  return dedent(text).replace(/^\n+/, '').replace(/\s+$/, '') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Expressions.

class Unknown extends Error {}

/**
 * A string-valued expression: a literal, `indoc!{...}`, `&x`, `x.replace(a, b)`, a known
 * variable, `formatdoc!` with literal arguments. Throws Unknown otherwise.
 */
function stringValue(expr, vars) {
  let e = expr;
  while (e.length && e[0].type === 'p' && (e[0].value === '&' || e[0].value === '*')) e = e.slice(1);
  if (e.length === 1 && e[0].type === 'str') return e[0].value;
  // A packse server's index (insta filters its address to [LOCALHOST]; see LOCALHOST below).
  if (e.length >= 4 && e[0].type === 'id' && vars.get(e[0].value)?.kind === 'server' && e[1].value === '.' && e[3].value === '(') {
    const method = e[2].value;
    const rest = e.slice(closing(e, 3) + 1);
    let value;
    if (method === 'index_url') value = `http://${LOCALHOST}/simple/`;
    else if (method === 'url') value = `http://${LOCALHOST}`;
    else throw new Unknown(`server.${method}`);
    if (rest.length === 0) return value;
    if (rest[0].value === '.' && ['to_string', 'as_str'].includes(rest[1]?.value)) return value;
    throw new Unknown('server expression');
  }
  if (e.length >= 3 && e[0].type === 'id' && (e[0].value === 'indoc' || e[0].value === 'formatdoc' || e[0].value === 'format') && e[1].value === '!') {
    const inner = e.slice(3, e.length - 1);
    const args = splitArgs(inner, 0, inner.length);
    const template = args[0]?.length === 1 && args[0][0].type === 'str' ? args[0][0].value : null;
    if (template === null) throw new Unknown('macro template');
    const base = e[0].value === 'format' ? template : dedent(template);
    if (e[0].value === 'indoc') return base;
    return formatString(base, args.slice(1), vars);
  }
  // x.replace(a, b) chains, .to_string(), .clone()
  if (e.length >= 1 && e[0].type === 'id') {
    let value;
    let j = 1;
    if (vars.has(e[0].value) && vars.get(e[0].value).kind === 'string') value = vars.get(e[0].value).value;
    else throw new Unknown(`variable ${e[0].value}`);
    while (j < e.length) {
      if (e[j].value === '.' && e[j + 1]?.type === 'id') {
        const method = e[j + 1].value;
        if (['to_string', 'clone', 'as_str', 'to_owned', 'into'].includes(method)) {
          j = closing(e, j + 2) + 1;
          continue;
        }
        if (method === 'replace') {
          const end = closing(e, j + 2);
          const args = splitArgs(e, j + 3, end);
          const from = stringValue(args[0], vars);
          const to = stringValue(args[1], vars);
          if (!value.includes(from)) throw new Unknown('replace pattern not found');
          value = value.split(from).join(to);
          j = end + 1;
          continue;
        }
        if (method === 'unwrap') {
          j = closing(e, j + 2) + 1;
          continue;
        }
      }
      if (e[j].value === '?') {
        j++;
        continue;
      }
      throw new Unknown(
        `expression ${e
          .map((t) => t.value)
          .join(' ')
          .slice(0, 60)}`,
      );
    }
    return value;
  }
  throw new Unknown(
    `expression ${e
      .map((t) => t.value)
      .join(' ')
      .slice(0, 60)}`,
  );
}

function formatString(template, args, vars) {
  const named = new Map();
  const positional = [];
  for (const arg of args) {
    if (arg.length >= 2 && arg[0].type === 'id' && arg[1].value === '=') named.set(arg[0].value, stringValue(arg.slice(2), vars));
    else positional.push(arg);
  }
  let next = 0;
  return template.replace(/\{\{|\}\}|\{([A-Za-z_0-9]*)(?::[^}]*)?\}/g, (m, name) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (name === '') return stringValue(positional[next++] ?? [], vars);
    if (/^\d+$/.test(name)) return stringValue(positional[Number(name)] ?? [], vars);
    if (named.has(name)) return named.get(name);
    if (vars.has(name) && vars.get(name).kind === 'string') return vars.get(name).value;
    throw new Unknown(`format argument ${name}`);
  });
}

/**
 * A path expression relative to the temp dir: `context.temp_dir`, `.child("a")`, `.join("b")`,
 * a variable bound to one. Returns '' for the temp dir itself.
 */
function pathValue(expr, vars, ctx) {
  let e = expr;
  while (e.length && e[0].type === 'p' && (e[0].value === '&' || e[0].value === '*')) e = e.slice(1);
  let base;
  let j;
  if (e[0]?.value === ctx && e[1]?.value === '.' && e[2]?.value === 'temp_dir') {
    base = '';
    j = 3;
  } else if (e[0]?.type === 'id' && vars.get(e[0].value)?.kind === 'path') {
    base = vars.get(e[0].value).value;
    j = 1;
  } else throw new Unknown('path');
  while (j < e.length) {
    if (e[j].value === '.' && (e[j + 1]?.value === 'child' || e[j + 1]?.value === 'join')) {
      const end = closing(e, j + 2);
      const part = stringValue(e.slice(j + 3, end), vars);
      base = joinPath(base, part);
      j = end + 1;
      continue;
    }
    if (e[j].value === '.' && ['path', 'to_path_buf', 'as_ref', 'clone', 'to_owned'].includes(e[j + 1]?.value)) {
      j = closing(e, j + 2) + 1;
      continue;
    }
    if (e[j].value === '?') {
      j++;
      continue;
    }
    throw new Unknown('path method');
  }
  return base;
}

function joinPath(base, part) {
  const parts = (base ? base.split('/') : []).concat(part.split('/'));
  const out = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length === 0) throw new Unknown('path above the temp dir');
      out.pop();
      continue;
    }
    out.push(p);
  }
  return out.join('/');
}

// ---------------------------------------------------------------------------------------------
// Commands.

const CHECKING = new Set(['lock', 'sync', 'run', 'export', 'tree']);
const WRITES_LOCK = new Set(['lock', 'sync', 'run', 'export', 'tree', 'add', 'remove', 'version', 'init', 'format', 'check']);
const WRITES_PYPROJECT = new Set(['add', 'remove', 'version', 'init']);

/** Parses `CTX.cmd().arg(..).args([..]).env(..)...` into { name, args, env, envRemove, cwd }. */
function parseCommand(expr, vars, ctx) {
  if (!(expr[0]?.value === ctx && expr[1]?.value === '.' && expr[2]?.type === 'id' && expr[3]?.value === '(')) return null;
  const command = { name: expr[2].value, args: [], env: {}, envRemove: [], cwd: null, assert: null, other: [] };
  let j = closing(expr, 3) + 1;
  while (j < expr.length) {
    const t = expr[j];
    if (t.value === '.' && expr[j + 1]?.type === 'id') {
      const method = expr[j + 1].value;
      const end = expr[j + 2]?.value === '(' ? closing(expr, j + 2) : j + 1;
      const inner = expr.slice(j + 3, end);
      if (method === 'arg') command.args.push(stringValue(inner, vars));
      else if (method === 'args') {
        let list = inner;
        while (list[0]?.value === '&') list = list.slice(1);
        if (list[0]?.value !== '[') throw new Unknown('args');
        for (const a of splitArgs(list, 1, list.length - 1)) command.args.push(stringValue(a, vars));
      } else if (method === 'env') {
        const [k, v] = splitArgs(inner, 0, inner.length);
        const key = k[k.length - 1].value;
        command.env[key] = stringValue(v, vars);
      } else if (method === 'env_remove') {
        command.envRemove.push(inner[inner.length - 1].value);
      } else if (method === 'current_dir') {
        command.cwd = pathValue(inner, vars, ctx);
      } else if (method === 'assert') {
        command.assert = 'assert';
      } else if (method === 'success' || method === 'failure') {
        command.assert = method;
      } else if (['output', 'status', 'unwrap', 'stdout', 'stderr', 'code'].includes(method)) {
        // ok
      } else command.other.push(method);
      j = end + 1;
      continue;
    }
    if (t.value === '?') {
      j++;
      continue;
    }
    throw new Unknown('command chain');
  }
  return command;
}

/** Options that do not change what the lock check compares. */
const HARMLESS = new Set([
  '--locked',
  '--check',
  '--offline',
  '--no-cache',
  '--frozen',
  '--preview',
  '--no-install-project',
  '--no-install-workspace',
  '--all-extras',
  '--no-dev',
  '--only-dev',
  '--all-groups',
  '--no-default-groups',
  '--inexact',
  '--exact',
  '--no-build',
  '--all-packages',
  '--quiet',
  '-q',
  '--verbose',
  '-v',
  '--no-progress',
  '--no-python-downloads',
  '--dry-run',
  '--no-sync',
]);
const WITH_VALUE_HARMLESS = new Set([
  '--extra',
  '--group',
  '--no-group',
  '--only-group',
  '--package',
  '--cache-dir',
  '--python',
  '-p',
  '--preview-features',
  '--format',
  '--output-format',
  '-o',
  '--output-file',
  '--no-binary-package',
  '--no-build-package',
]);
const TO_SETTING = {
  '--resolution': 'resolution',
  '--prerelease': 'prerelease',
  '--fork-strategy': 'fork-strategy',
  '--exclude-newer': 'exclude-newer',
  '--index-url': 'index-url',
  '-i': 'index-url',
  '--default-index': 'default-index',
  '--index-strategy': 'index-strategy',
};
const LIST_SETTING = {
  '--extra-index-url': 'extra-index-url',
  '--find-links': 'find-links',
  '-f': 'find-links',
  '--exclude-newer-package': 'exclude-newer-package',
  '--index': 'index',
};

/** The commandLine settings of a checking command, or a reason it cannot be modelled. */
function commandLineOf(command, contextEnv) {
  const env = { ...contextEnv, ...command.env };
  for (const k of command.envRemove) delete env[k];
  const settings = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === 'UV_EXCLUDE_NEWER') settings['exclude-newer'] = value;
    else if (key === 'UV_PREVIEW' || key === 'UV_PREVIEW_FEATURES' || key === 'UV_NO_CACHE' || key === 'UV_OFFLINE' || key === 'UV_CACHE_DIR') continue;
    else if (key === 'UV_RESOLUTION') settings.resolution = value;
    else if (key === 'UV_PRERELEASE') settings.prerelease = value;
    else if (key === 'UV_INDEX_URL') settings['index-url'] = value;
    else if (key === 'UV_EXTRA_INDEX_URL') settings['extra-index-url'] = value.split(/\s+/);
    else if (key === 'UV_FROZEN' || key === 'UV_LOCKED') continue;
    else return { skip: `environment ${key}` };
  }
  let root = command.cwd ?? '';
  const args = command.args.slice(command.name === 'run' ? 0 : 0);
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let value;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const take = () => (value !== undefined ? value : args[++i]);
    if (command.name === 'run' && !a.startsWith('-')) break; // the command uv runs
    if (HARMLESS.has(a)) continue;
    if (WITH_VALUE_HARMLESS.has(a)) {
      take();
      continue;
    }
    if (a === '--directory' || a === '--project') {
      root = joinPath(root, take());
      continue;
    }
    if (TO_SETTING[a]) {
      settings[TO_SETTING[a]] = take();
      continue;
    }
    if (LIST_SETTING[a]) {
      const key = LIST_SETTING[a];
      let v = take();
      if (key === 'index') {
        const m = /^(?:([^=]+)=)?(.*)$/.exec(v);
        v = m[1] ? { name: m[1], url: m[2] } : { url: m[2] };
      }
      if (key === 'exclude-newer-package') {
        const [pkg, date] = v.split('=');
        settings[key] = { ...(settings[key] ?? {}), [pkg]: date };
        continue;
      }
      settings[key] = [...(settings[key] ?? []), v];
      continue;
    }
    if (a === '--no-sources') {
      settings['no-sources'] = true;
      continue;
    }
    return { skip: `option ${a}` };
  }
  return { settings, root };
}

// ---------------------------------------------------------------------------------------------
// Replaying a test function.

const stats = { functions: 0, scenarios: 0, skipped: new Map() };
let currentFn = '';
function skip(reason) {
  stats.skipped.set(reason, (stats.skipped.get(reason) ?? 0) + 1);
  if (process.env.DEBUG) console.error(`${currentFn}: ${reason}`);
}

/** Filters of context.filters() turned back into what was on disk, where that is possible. */
function unfilterLock(text) {
  text = text.split('[LOCALHOST]').join(LOCALHOST);
  if (/\[(TEMP_DIR|CACHE_DIR|HASH|TMP|HOME|PYTHON|UV|WORKSPACE|SITE_PACKAGES|VENV|ROOT|PARENT)/.test(text)) throw new Unknown('placeholder in lock');
  if (/\[[A-Z][A-Z0-9_.-]*\]/.test(text.replace(/\[\[?[a-z][a-z0-9._-]*\]\]?/g, ''))) throw new Unknown('placeholder in lock');
  return text;
}

function replay(fn, source, scenarios) {
  const tokens = lex(fn.body, fn.bodyLine);
  const stmts = statements(tokens);
  const files = new Map(); // path -> text, or null when unknown
  let unknownFiles = null; // a reason when some file is unknown
  const vars = new Map();
  const reads = new Map(); // var -> { path, version }
  const versions = new Map(); // path -> modification counter
  const bump = (path) => versions.set(path, (versions.get(path) ?? 0) + 1);
  let ctx = null;
  let contextEnv = { UV_EXCLUDE_NEWER: TEST_TIMESTAMP };
  let lastLock = null; // line of the last successful (re)lock
  let lockSnapshotLine = null; // line of the insta snapshot of the lock on disk
  const edits = [];
  let n = 0;

  const setFile = (path, text) => {
    files.set(path, text);
    bump(path);
  };
  const lockPaths = () => [...files.keys()].filter((p) => p === 'uv.lock' || p.endsWith('/uv.lock'));
  const lockInvalid = (why) => {
    // Every lock in the tree may have been rewritten.
    for (const p of lockPaths()) {
      files.set(p, null);
      bump(p);
    }
    files.set('uv.lock', null);
    bump('uv.lock');
    edits.length = 0;
    edits.push(why);
  };

  const handleCommand = (command, snapshot, line) => {
    const flags = new Set(command.args);
    const checking = CHECKING.has(command.name) && (flags.has('--locked') || (command.name === 'lock' && flags.has('--check')));
    let exit = null;
    if (snapshot !== null) {
      const m = /exit_code: (-?\d+)/.exec(snapshot);
      exit = m ? Number(m[1]) : null;
    } else if (command.assert === 'success') exit = 0;
    else if (command.assert === 'failure') exit = 1;
    if (checking) {
      if (snapshot === null) {
        // `.assert().success()`: the test fails unless uv succeeds.
        if (command.assert !== 'success') {
          skip('check without a snapshot');
          return;
        }
        emitScenario(command, 'exit_code: 0 (success)\n----- stderr -----\nexit status 0 (the test asserts `.success()`)\n', 0, line);
        return;
      }
      emitScenario(command, snapshot, exit, line);
      return;
    }
    const readOnly = flags.has('--frozen') || flags.has('--dry-run') || flags.has('--locked') || (command.name === 'lock' && flags.has('--check'));
    if (WRITES_PYPROJECT.has(command.name) && exit !== 0 ? false : WRITES_PYPROJECT.has(command.name)) {
      for (const p of files.keys())
        if (p.endsWith('pyproject.toml')) {
          files.set(p, null);
          bump(p);
        }
    }
    if (WRITES_LOCK.has(command.name) && !readOnly && exit !== null && exit !== 0 && command.name === 'lock') return; // a failed lock writes nothing
    if (WRITES_LOCK.has(command.name) && !readOnly) {
      lockInvalid(`uv ${command.name} at line ${line}`);
      lastLock = line;
    }
  };

  const emitScenario = (command, snapshot, exit, line) => {
    const cl = commandLineOf(command, contextEnv);
    if (cl.skip) {
      skip(`check: ${cl.skip}`);
      return;
    }
    const stderr = snapshot.split('----- stderr -----')[1] ?? '';
    let verdict;
    let uvSays;
    const lines = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (exit === 0) {
      verdict = 'accept';
      uvSays = lines.find((l) => /^Resolved|^Audited|^Installed|^Checked|^Using|^Prepared/.test(l)) ?? lines[lines.length - 1] ?? 'exit_code: 0 (success)';
    } else {
      const decisive = lines.find((l) => /needs to be updated|is out of date|out of date/.test(l));
      if (!decisive) {
        skip(`check failing for another reason (${(lines.find((l) => l.startsWith('error:')) ?? '?').slice(0, 50).replace(/`[^`]*`/g, '`…`')})`);
        return;
      }
      verdict = 'reject';
      uvSays = decisive;
    }
    // The files of the project, re-rooted at the command's directory.
    const root = cl.root;
    const rel = new Map();
    for (const [path, text] of files) {
      if (root && !(path === root || path.startsWith(root + '/'))) {
        if (text !== null && !path.endsWith('.py') && path !== '.gitignore') {
          skip('check in a subdirectory with files outside it');
          return;
        }
        continue;
      }
      rel.set(root ? path.slice(root.length + 1) : path, text);
    }
    if (!rel.has('pyproject.toml') || rel.get('pyproject.toml') === null) {
      skip(rel.has('pyproject.toml') ? 'pyproject unknown (uv add/remove/init)' : 'no pyproject.toml at the check');
      return;
    }
    if (!rel.has('uv.lock')) {
      skip('no uv.lock at the check');
      return;
    }
    for (const [p, t] of rel)
      if (t === null) {
        skip(p.endsWith('uv.lock') ? 'lock not snapshotted before the check' : `file unknown: ${p.split('/').pop()}`);
        return;
      }
    if (unknownFiles) {
      skip(unknownFiles);
      return;
    }
    n++;
    scenarios.push({
      name: `a-${fn.name}${n > 1 ? `-${n}` : ''}`,
      files: rel,
      json: {
        uv: UV_COMMIT,
        source,
        test: fn.name,
        line,
        command: `uv ${command.name} ${command.args.join(' ')}`.trim() + (command.cwd ? ` (in ${command.cwd})` : ''),
        commandLine: cl.settings,
        verdict,
        uvSays,
        edit: edits.length
          ? `${lockSnapshotLine !== null && !edits[0].startsWith('uv.lock') ? `after the lock snapshotted at line ${lockSnapshotLine}: ` : ''}${edits.join('; ')}`
          : 'none',
        ...([...rel.values()].some((t) => t.includes(LOCALHOST)) || JSON.stringify(cl.settings).includes(LOCALHOST)
          ? { note: `insta's [LOCALHOST] (the packse test server, 127.0.0.1:<port>) is written ${LOCALHOST}, in the lock and on the command line alike` }
          : {}),
      },
    });
  };

  for (const stmt of stmts) {
    const s = stmt;
    const text = s.map((t) => t.value).join(' ');
    try {
      // let context = uv_test::test_context!(...)...
      if (s[0]?.value === 'let' && s.some((t) => t.value === 'test_context' || t.value === 'test_context_with_versions')) {
        const name = s[1].value === 'mut' ? s[2].value : s[1].value;
        if (ctx !== null) {
          unknownFiles = 'a second test context';
          continue;
        }
        ctx = name;
        for (let j = 0; j < s.length; j++) {
          if (s[j].value === 'with_exclude_newer') contextEnv = { ...contextEnv, UV_EXCLUDE_NEWER: stringValue(s.slice(j + 2, closing(s, j + 1)), vars) };
          if (s[j].value === 'with_filtered_exe_suffix' || s[j].value === 'with_filtered_counts') continue;
        }
        continue;
      }
      if (ctx === null) continue;
      // let NAME = <expr>;
      if (s[0]?.value === 'let') {
        let k = 1;
        if (s[k].value === 'mut') k++;
        const name = s[k].value;
        if (s[k + 1]?.value !== '=') {
          if (s[k + 1]?.value === ':') {
            const eq = s.findIndex((t) => t.value === '=');
            if (eq < 0) continue;
            s.splice(k + 1, eq - k - 1);
          } else continue;
        }
        const rhs = s.slice(k + 2);
        if (rhs[0]?.value === 'PackseServer') {
          vars.set(name, { kind: 'server' });
          continue;
        }
        // reads of a file
        if (rhs[0]?.value === ctx && rhs[2]?.value === 'read') {
          const path = stringValue(rhs.slice(4, closing(rhs, 3)), vars);
          reads.set(name, { path: joinPath('', path), version: versions.get(joinPath('', path)) ?? 0 });
          vars.delete(name);
          continue;
        }
        if (rhs[0]?.value === 'fs_err' && rhs[2]?.value === 'read_to_string') {
          const path = pathValue(rhs.slice(4, closing(rhs, 3)), vars, ctx);
          reads.set(name, { path, version: versions.get(path) ?? 0 });
          vars.delete(name);
          continue;
        }
        try {
          const p = pathValue(rhs, vars, ctx);
          vars.set(name, { kind: 'path', value: p });
          continue;
        } catch (e) {
          if (!(e instanceof Unknown)) throw e;
        }
        // `let pyproject_toml = context.temp_dir.child("x"); ... .write_str(...)` chained on the let
        try {
          const v = stringValue(rhs, vars);
          vars.set(name, { kind: 'string', value: v });
          continue;
        } catch (e) {
          if (!(e instanceof Unknown)) throw e;
        }
        // A command built in a variable
        if (
          rhs[0]?.value === ctx &&
          rhs[1]?.value === '.' &&
          rhs[2]?.type === 'id' &&
          rhs[2].value !== 'temp_dir' &&
          rhs[2].value !== 'filters' &&
          rhs[2].value !== 'read'
        ) {
          try {
            const c = parseCommand(rhs, vars, ctx);
            if (c) {
              vars.set(name, { kind: 'command', value: c });
              continue;
            }
          } catch (e) {
            if (!(e instanceof Unknown)) throw e;
          }
        }
        vars.delete(name);
        continue;
      }
      // uv_snapshot!(filters, command, @"...")
      const snapAt = s.findIndex((t, j) => t.value === 'uv_snapshot' && s[j + 1]?.value === '!');
      if (snapAt >= 0) {
        const open = snapAt + 2;
        const end = closing(s, open);
        const args = splitArgs(s, open + 1, end);
        const snap = args[args.length - 1];
        const snapshot = snap[snap.length - 1]?.type === 'str' ? snap[snap.length - 1].value : null;
        const cmdExpr = args.length >= 3 ? args[args.length - 2] : args[0];
        let command;
        if (cmdExpr.length && cmdExpr[0].type === 'id' && vars.get(cmdExpr[0].value)?.kind === 'command') {
          command = vars.get(cmdExpr[0].value).value;
          // `&mut cmd`
        } else {
          let e = cmdExpr;
          while (e[0]?.value === '&' || e[0]?.value === 'mut') e = e.slice(1);
          if (e.length && e[0].type === 'id' && vars.get(e[0].value)?.kind === 'command') command = vars.get(e[0].value).value;
          else command = parseCommand(e, vars, ctx);
        }
        if (!command) {
          lockInvalid(`unparsed command at line ${s[0].line}`);
          files.forEach((v, k) => {
            if (k.endsWith('pyproject.toml')) files.set(k, null);
          });
          continue;
        }
        handleCommand(command, snapshot, s[snapAt].line);
        continue;
      }
      // assert_snapshot!(NAME, @"...")
      const assertAt = s.findIndex((t, j) => t.value === 'assert_snapshot' && s[j + 1]?.value === '!');
      if (assertAt >= 0) {
        const end = closing(s, assertAt + 2);
        const args = splitArgs(s, assertAt + 3, end);
        const target = args[0];
        const lit = args[args.length - 1];
        if (target.length === 1 && reads.has(target[0].value) && lit[lit.length - 1]?.type === 'str') {
          const read = reads.get(target[0].value);
          if ((versions.get(read.path) ?? 0) === read.version) {
            try {
              setFile(read.path, unfilterLock(snapshotText(lit[lit.length - 1].value)));
            } catch (e) {
              if (!(e instanceof Unknown)) throw e;
              files.set(read.path, null);
            }
            if (read.path.endsWith('uv.lock')) {
              edits.length = 0;
              lockSnapshotLine = s[assertAt].line;
            }
          }
        }
        continue;
      }
      // assert_eq!(CTX.read("uv.lock"), VAR): the file is that known text.
      if (s[0]?.value === 'assert_eq' && s[1]?.value === '!') {
        const end = closing(s, 2);
        const args = splitArgs(s, 3, end);
        if (args.length === 2) {
          const readOf = (a) => (a[0]?.value === ctx && a[2]?.value === 'read' ? joinPath('', stringValue(a.slice(4, closing(a, 3)), vars)) : null);
          const [x, y] = args;
          const path = readOf(x) ?? readOf(y);
          const other = readOf(x) !== null ? y : x;
          if (path !== null) {
            try {
              setFile(path, stringValue(other, vars));
            } catch (e) {
              if (!(e instanceof Unknown)) throw e;
            }
          }
        }
        continue;
      }
      if (/\b(unzip|untar|copy_dir_all|copy_from)\b/.test(text)) {
        unknownFiles = 'files unpacked or copied from uv test data';
        continue;
      }
      // <path>.write_str(<text>)
      const writeAt = s.findIndex((t, j) => t.value === 'write_str' && s[j - 1]?.value === '.');
      if (writeAt >= 0) {
        let path;
        try {
          path = pathValue(s.slice(s[0].value === 'let' ? 3 : 0, writeAt - 1), vars, ctx);
        } catch (e) {
          if (!(e instanceof Unknown)) throw e;
          unknownFiles = 'a write to an unknown path';
          continue;
        }
        const end = closing(s, writeAt + 1);
        try {
          const value = dedent(stringValue(splitArgs(s, writeAt + 2, end)[0] ?? [], vars));
          setFile(path, value);
          if (path.endsWith('uv.lock')) edits.push(`uv.lock written by the test at line ${s[writeAt].line}`);
          else if (lastLock !== null) edits.push(`${path} rewritten at line ${s[writeAt].line}`);
        } catch (e) {
          if (!(e instanceof Unknown)) throw e;
          files.set(path, null);
          bump(path);
        }
        continue;
      }
      // .touch() / create_dir_all
      const touchAt = s.findIndex((t, j) => t.value === 'touch' && s[j - 1]?.value === '.');
      if (touchAt >= 0) {
        try {
          const p = pathValue(s.slice(0, touchAt - 1), vars, ctx);
          if (!files.has(p)) setFile(p, '');
        } catch (e) {
          if (!(e instanceof Unknown)) throw e;
        }
        continue;
      }
      if (s.some((t, j) => t.value === 'create_dir_all' && s[j - 1]?.value !== 'fn')) continue;
      if (s[0]?.value === 'fs_err' && s[1]?.value === '::') {
        const op = s[2].value;
        const end = closing(s, 3);
        const args = splitArgs(s, 4, end);
        if (op === 'remove_file') {
          try {
            const p = pathValue(args[0], vars, ctx);
            files.delete(p);
            bump(p);
          } catch (e) {
            if (!(e instanceof Unknown)) throw e;
            unknownFiles = 'a removed file';
          }
          continue;
        }
        if (op === 'remove_dir_all') {
          try {
            const p = pathValue(args[0], vars, ctx);
            for (const k of [...files.keys()])
              if (k.startsWith(p + '/')) {
                files.delete(k);
                bump(k);
              }
          } catch (e) {
            if (!(e instanceof Unknown)) throw e;
            unknownFiles = 'a removed directory';
          }
          continue;
        }
        if (op === 'write') {
          try {
            const p = pathValue(args[0], vars, ctx);
            try {
              setFile(p, dedent(stringValue(args[1], vars)));
              if (p.endsWith('uv.lock')) edits.push(`uv.lock written by the test at line ${s[0].line}`);
            } catch (e) {
              if (!(e instanceof Unknown)) throw e;
              files.set(p, null);
            }
          } catch (e) {
            if (!(e instanceof Unknown)) throw e;
            unknownFiles = 'a write to an unknown path';
          }
          continue;
        }
        if (op === 'copy') {
          try {
            const from = pathValue(args[0], vars, ctx);
            const to = pathValue(args[1], vars, ctx);
            setFile(to, files.get(from) ?? null);
          } catch (e) {
            if (!(e instanceof Unknown)) throw e;
            unknownFiles = 'a copied file';
          }
          continue;
        }
        if (op === 'rename') {
          unknownFiles = 'a renamed file';
          continue;
        }
        if (op.startsWith('read')) continue;
        continue;
      }
      // A command run directly: CTX.lock().arg(..).assert().success()
      if (s[0]?.value === ctx && s[2]?.type === 'id' && s[2].value !== 'temp_dir' && s[2].value !== 'read' && s[2].value !== 'filters') {
        const command = parseCommand(s, vars, ctx);
        if (command) handleCommand(command, null, s[0].line);
        continue;
      }
      // cmd.arg(...) on a command variable
      if (s[0]?.type === 'id' && vars.get(s[0].value)?.kind === 'command' && s[1]?.value === '.') {
        const c = vars.get(s[0].value).value;
        const fake = [
          { type: 'id', value: ctx },
          { type: 'p', value: '.' },
          { type: 'id', value: c.name },
          { type: 'p', value: '(' },
          { type: 'p', value: ')' },
          ...s.slice(1),
        ];
        const more = parseCommand(fake, vars, ctx);
        c.args.push(...more.args);
        Object.assign(c.env, more.env);
        c.envRemove.push(...more.envRemove);
        if (more.cwd) c.cwd = more.cwd;
        if (more.assert) handleCommand(c, null, s[0].line);
        continue;
      }
      if (process.env.DEBUG_STMTS && /write|child|fs_err|copy|remove|context\b/.test(text))
        console.error(`${fn.name}:${s[0].line}: unhandled: ${text.slice(0, 140)}`);
      // Anything that may touch the tree in ways we do not follow.
      if (/\b(copy_dir_all|git|Command|symlink|set_permissions|rename|copy_from|write_all|remove)\b/.test(text) && !/assert|println/.test(text.slice(0, 20))) {
        if (/copy_dir_all|copy_from/.test(text)) unknownFiles = 'files copied from uv test data';
      }
    } catch (e) {
      if (!(e instanceof Unknown)) throw e;
      // A statement we cannot follow: if it could touch files, nothing after it is known.
      if (process.env.DEBUG_STMTS) console.error(`${fn.name}:${s[0].line}: unknown (${e.message}): ${text.slice(0, 140)}`);
      if (/uv_snapshot|write|lock\(\)|sync\(\)|add\(\)|remove/.test(text)) {
        unknownFiles = `unfollowed statement (${e.message})`;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

function functionsOf(text, first, last) {
  const lines = text.split('\n');
  const fns = [];
  for (let i = first - 1; i < Math.min(lines.length, last); i++) {
    const m = /^(?:async )?fn (\w+)\(/.exec(lines[i]);
    if (!m) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '}') end++;
    const bodyStart = lines[i].indexOf('{') >= 0 ? i : i + 1;
    fns.push({ name: m[1], line: i + 1, body: lines.slice(i + 1, end).join('\n'), bodyLine: i + 2 });
    i = end;
  }
  return fns;
}

const [, , rustFile, sourcePath, firstArg, lastArg] = process.argv;
if (!rustFile || !sourcePath) {
  console.error('usage: extract-a.mjs RUST_FILE SOURCE_PATH [FIRST_LINE] [LAST_LINE]');
  process.exit(2);
}
const text = readFileSync(rustFile, 'utf8');
const fns = functionsOf(text, Number(firstArg ?? 1), Number(lastArg ?? Infinity));
const scenarios = [];
for (const fn of fns) {
  stats.functions++;
  currentFn = fn.name;
  replay(fn, sourcePath, scenarios);
}
const prefix = process.env.CLEAN_PREFIX;
if (prefix) for (const d of readdirSync(OUT)) if (d.startsWith(prefix)) rmSync(join(OUT, d), { recursive: true });
const seen = new Set();
for (const sc of scenarios) {
  if (seen.has(sc.name)) throw new Error(`duplicate ${sc.name}`);
  seen.add(sc.name);
  const dir = join(OUT, sc.name);
  mkdirSync(dir, { recursive: true });
  for (const [p, t] of sc.files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(sc.json, null, 2) + '\n');
}
const verdicts = scenarios.reduce((m, s) => ((m[s.json.verdict] = (m[s.json.verdict] ?? 0) + 1), m), {});
console.log(
  JSON.stringify(
    { functions: stats.functions, scenarios: scenarios.length, verdicts, skipped: Object.fromEntries([...stats.skipped].sort((a, b) => b[1] - a[1])) },
    null,
    2,
  ),
);
