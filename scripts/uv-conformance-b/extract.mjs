#!/usr/bin/env node
/**
 * Helper b's extraction of conformance scenarios from uv's integration tests (issue 11).
 *
 * Reads the Rust text of one uv test file, walks each test function statement by statement and
 * keeps track of the files the test writes (TOML literals from `write_str`, `indoc!`, `formatdoc!`
 * without interpolation) and of the `uv.lock` snapshots it asserts. At every command that checks
 * the lock (`--locked`, `lock --check`) it records a candidate scenario: the files on disk at that
 * moment, uv's verdict from the command's snapshot, and every reason the state might not be fully
 * known (an unrecognised statement that may touch files, a lock never snapshotted, ...).
 *
 *   node scripts/uv-conformance-b/extract.mjs <file.rs> <source path in uv> [first line] > candidates.json
 *
 * Only facts are carried over (literals and verdicts); the fixtures are written by write.mjs after
 * review, and the tests never read the uv mirror.
 */
import { readFileSync, writeFileSync } from 'node:fs';

// ---------------------------------------------------------------------------------------------
// Rust lexing: enough to find string literals, comments and bracket depth.

/** Parses a Rust string literal at `i`; returns { value, end } or null. */
export function stringAt(src, i) {
  let j = i;
  if (src[j] === 'b') j++;
  if (src[j] === 'r') {
    let k = j + 1;
    let hashes = 0;
    while (src[k] === '#') {
      hashes++;
      k++;
    }
    if (src[k] !== '"') return null;
    const close = '"' + '#'.repeat(hashes);
    const end = src.indexOf(close, k + 1);
    if (end < 0) return null;
    return { value: src.slice(k + 1, end), end: end + close.length };
  }
  if (src[j] !== '"') return null;
  let k = j + 1;
  let out = '';
  while (k < src.length && src[k] !== '"') {
    if (src[k] === '\\') {
      const c = src[k + 1];
      if (c === 'n') out += '\n';
      else if (c === 't') out += '\t';
      else if (c === 'r') out += '\r';
      else if (c === '0') out += '\0';
      else if (c === '\\' || c === '"' || c === "'") out += c;
      else if (c === 'u') {
        const m = /^\{([0-9a-fA-F]+)\}/.exec(src.slice(k + 2));
        if (m) {
          out += String.fromCodePoint(parseInt(m[1], 16));
          k += 2 + m[0].length;
          continue;
        }
      } else if (c === '\n') {
        k += 2;
        while (/\s/.test(src[k])) k++;
        continue;
      } else out += '\\' + c;
      k += 2;
    } else {
      out += src[k++];
    }
  }
  return { value: out, end: k + 1 };
}

/** Is position `i` the start of a string literal (not part of an identifier)? */
function isStringStart(src, i) {
  const prev = src[i - 1];
  if (prev && /[A-Za-z0-9_]/.test(prev)) return false;
  if (src[i] === '"') return true;
  if (src[i] === 'r' && (src[i + 1] === '"' || src[i + 1] === '#')) return /^r#*"/.test(src.slice(i, i + 10));
  if (src[i] === 'b' && (src[i + 1] === '"' || (src[i + 1] === 'r' && /^br#*"/.test(src.slice(i, i + 10))))) return true;
  return false;
}

/** Skips a string, comment or char literal at i; returns the new index or -1 if none there. */
function skipAtom(src, i) {
  if (src[i] === '/' && src[i + 1] === '/') {
    const e = src.indexOf('\n', i);
    return e < 0 ? src.length : e;
  }
  if (src[i] === '/' && src[i + 1] === '*') {
    const e = src.indexOf('*/', i + 2);
    return e < 0 ? src.length : e + 2;
  }
  if (isStringStart(src, i)) {
    const s = stringAt(src, i);
    if (s) return s.end;
  }
  if (src[i] === "'") {
    const m = /^'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'\n])'/.exec(src.slice(i, i + 12));
    if (m) return i + m[0].length;
  }
  return -1;
}

/** Index of the bracket closing the one at `open`. */
function matching(src, open) {
  let depth = 0;
  for (let i = open; i < src.length; ) {
    const s = skipAtom(src, i);
    if (s >= 0) {
      i = s;
      continue;
    }
    const c = src[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
}

/** Splits a block body into top-level statements: { text, start } with start an offset. */
function statements(body, base) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; ) {
    const s = skipAtom(body, i);
    if (s >= 0) {
      i = s;
      continue;
    }
    const c = body[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      // A block statement (`if ... { }`, `{ }`) ends at its closing brace.
      if (depth === 0 && c === '}' && /^\s*\n/.test(body.slice(i + 1)) && !/^\s*[.;)]/.test(body.slice(i + 1))) {
        const text = body.slice(start, i + 1);
        if (/^\s*(?:\/\/[^\n]*\n\s*)*(?:#\[[^\]]*\]\s*)*(?:if |for |\{|while |match |loop )/.test(text)) {
          out.push({ text, start: base + start });
          start = i + 1;
        }
      }
    } else if (c === ';' && depth === 0) {
      out.push({ text: body.slice(start, i + 1), start: base + start });
      start = i + 1;
    }
    i++;
  }
  if (body.slice(start).trim()) out.push({ text: body.slice(start), start: base + start });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text transformations uv's test macros apply.

/** `indoc!`: drop a leading newline, remove the common indentation of non-blank lines. */
export function indoc(text) {
  let lines = text.split('\n');
  const firstEmpty = lines[0].trim() === '';
  const rest = lines.slice(1).filter((l) => l.trim() !== '');
  const min = rest.length ? Math.min(...rest.map((l) => l.match(/^ */)[0].length)) : 0;
  lines = lines.map((l, idx) => (idx === 0 ? l : l.trim() === '' ? '' : l.slice(min)));
  if (firstEmpty) lines = lines.slice(1);
  return lines.join('\n');
}

/** insta's inline snapshot normalisation: the dedented body, one trailing newline. */
export function snapshotText(text) {
  let lines = text.split('\n');
  if (lines[0].trim() === '') lines = lines.slice(1);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const nonBlank = lines.filter((l) => l.trim() !== '');
  const min = nonBlank.length ? Math.min(...nonBlank.map((l) => l.match(/^[ \t]*/)[0].length)) : 0;
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(min).replace(/\s+$/, ''))).join('\n') + '\n';
}

/** `format!` text with `{{`/`}}` unescaped; null when it interpolates anything. */
function unformat(text, args) {
  if (/\{[^{}]*\}/.test(text.replace(/\{\{|\}\}/g, ''))) {
    // Interpolation: substitute only plain literal named arguments.
    let unresolved = false;
    const out = text.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)?(:[^}]*)?\}/g, (m, name) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      if (name && args[name] !== undefined) return args[name];
      unresolved = true;
      return m;
    });
    return unresolved ? null : out;
  }
  return text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
}

/**
 * Values for the few runtime expressions these tests interpolate whose exact value does not
 * matter to the lock check as long as it is the same everywhere: the mock PyPI proxy's base URI
 * (`crate::pypi_proxy::start().await.uri()`, a local `http://127.0.0.1:<port>` server).
 */
const SUBSTITUTES = { 'proxy.uri()': 'http://127.0.0.1:8080' };

/**
 * Evaluates a content expression of a write (`indoc! {r#"..."#}`, `r#"..."#`, `&formatdoc! {...}`,
 * `"..."`). Returns { value } or { unknown: reason }.
 */
function evalContent(expr, vars) {
  const e = expr
    .trim()
    .replace(/,\s*$/, '')
    .replace(/^&/, '')
    .replace(/\.as_bytes\(\)$/, '')
    .replace(/\.to_string\(\)$/, '')
    .trim();
  const macro = /^(?:indoc::)?(indoc|formatdoc|format)!\s*[{(]/.exec(e);
  if (macro) {
    const open = e.indexOf(macro[0]) + macro[0].length - 1;
    const inner = e.slice(open + 1, matching(e, open)).trim();
    const s = stringAt(inner, inner.search(/[rb"]/));
    if (!s) return { unknown: `unparsed ${macro[1]}!` };
    const restArgs = inner.slice(s.end).trim();
    const args = {};
    let unresolvedArg = false;
    const subst = [];
    for (const m of restArgs.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^,]+)/g)) {
      const lit = stringAt(m[2].trim(), 0);
      if (lit && lit.end === m[2].trim().length) args[m[1]] = lit.value;
      else if (SUBSTITUTES[m[2].trim()]) {
        args[m[1]] = SUBSTITUTES[m[2].trim()];
        subst.push(`\`${m[2].trim()}\` (${m[1]}) -> ${SUBSTITUTES[m[2].trim()]}`);
      } else unresolvedArg = true;
    }
    let text = s.value;
    if (macro[1] !== 'format') text = indoc(text);
    if (macro[1] === 'indoc') return { value: text };
    const out = unformat(text, args);
    if (out === null) return { unknown: `interpolated ${macro[1]}! (${restArgs.replace(/\s+/g, ' ').slice(0, 120)})` };
    return subst.length ? { value: out, subst } : { value: out };
  }
  if (isStringStart(e, 0)) {
    const s = stringAt(e, 0);
    if (s && e.slice(s.end).trim() === '') return { value: s.value };
  }
  const v = /^([a-z_][a-z0-9_]*)$/.exec(e);
  if (v && vars[v[1]] && typeof vars[v[1]].text === 'string') return { value: vars[v[1]].text };
  const vr = /^([a-z_][a-z0-9_]*)((?:\.replace\([\s\S]*\))*)$/.exec(e);
  if (vr && vars[vr[1]] && typeof vars[vr[1]].text === 'string') {
    let t = vars[vr[1]].text;
    let after = vr[2];
    for (;;) {
      const r = /^\.replace\(\s*/.exec(after);
      if (!r) break;
      const a = stringAt(after, r[0].length);
      const rest = a ? after.slice(a.end).replace(/^\s*,\s*/, '') : '';
      const b = a ? stringAt(rest, 0) : null;
      if (!a || !b || !t.includes(a.value)) return { unknown: `replace not applied in ${e.slice(0, 80)}` };
      t = t.split(a.value).join(b.value);
      after = rest.slice(b.end).replace(/^\s*,?\s*\)/, '');
    }
    if (after.trim() === '') return { value: t };
  }
  return { unknown: `content expression ${e.replace(/\s+/g, ' ').slice(0, 100)}` };
}

// ---------------------------------------------------------------------------------------------
// Paths.

/** lock.rs `lock_without_package_metadata`: every `[package.metadata]` removed, `revision = 4`. */
export function withoutPackageMetadata(lock) {
  const out = [];
  let skipping = false;
  for (const line of lock.split('\n')) {
    if (/^\[/.test(line)) skipping = /^\[package\.metadata[\].]/.test(line);
    if (!skipping) out.push(line);
  }
  return out
    .join('\n')
    .replace(/^revision = \d+$/m, 'revision = 4')
    .replace(/\n{3,}/g, '\n\n');
}

function joinPath(dir, rel) {
  const parts = (dir ? dir.split('/') : []).concat(rel.split('/'));
  const out = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
}

/**
 * Resolves a path expression: `context.temp_dir`, `context.temp_dir.child("a").child("b")`,
 * `x.join("a")`, `&x`, `x.path()`. Returns a relative path ('' for the temp dir) or null.
 */
function resolvePath(expr, paths) {
  let e = expr
    .trim()
    .replace(/^&+/, '')
    .replace(/\?$/, '')
    .trim()
    .replace(/\s*\.\s*/g, '.');
  e = e.replace(/\.(path|to_path_buf|as_ref)\(\)/g, '').replace(/\.clone\(\)/g, '');
  const m = /^(context\.temp_dir|[a-z_][a-z0-9_]*)((?:\s*\.\s*(?:child|join)\(\s*"[^"]*"\s*\))*)$/.exec(e);
  if (!m) return null;
  let base;
  if (m[1] === 'context.temp_dir') base = '';
  else if (paths[m[1]] !== undefined) base = paths[m[1]];
  else return null;
  for (const c of m[2].matchAll(/\(\s*"([^"]*)"\s*\)/g)) base = joinPath(base, c[1]);
  return base;
}

// ---------------------------------------------------------------------------------------------
// Commands.

const LOCKING = new Set(['lock', 'sync', 'run', 'add', 'remove', 'export', 'tree', 'version', 'init', 'upgrade']);

/** Parses `context.lock().arg("--locked").current_dir(&x)...` into a command. */
function parseCommand(expr, paths, vars = {}) {
  const m = /context\s*\.\s*([a-z_]+)\s*\(\s*\)/.exec(expr);
  if (!m) return null;
  const cmd = { kind: m[1], args: [], cwd: '', env: {}, envRemove: [], unparsed: [] };
  let rest = expr.slice(m.index + m[0].length);
  const re = /\s*\.\s*([a-z_]+)\s*\(/y;
  for (;;) {
    re.lastIndex = 0;
    const mm = re.exec(rest);
    if (!mm) break;
    const open = mm[0].length - 1;
    const close = matching(rest, open);
    const inner = rest.slice(open + 1, close);
    const method = mm[1];
    if (method === 'arg') {
      const s = stringAt(inner.trim(), 0);
      if (s) cmd.args.push(s.value);
      else cmd.args.push({ expr: inner.trim() });
    } else if (method === 'args') {
      for (let i = 0; i < inner.length; i++) {
        if (isStringStart(inner, i)) {
          const s = stringAt(inner, i);
          if (s) {
            cmd.args.push(s.value);
            i = s.end - 1;
          }
        }
      }
    } else if (method === 'current_dir') {
      const p = resolvePath(inner, paths);
      if (p === null) cmd.unparsed.push(`current_dir(${inner.trim()})`);
      else cmd.cwd = p;
    } else if (method === 'env') {
      const parts = inner.split(',');
      const key = parts[0].trim().replace(/^EnvVars::/, '');
      const s = stringAt(parts.slice(1).join(',').trim(), 0);
      const valueExpr = parts.slice(1).join(',').trim();
      const bound = /^&?([a-z_][a-z0-9_]*)$/.exec(valueExpr);
      cmd.env[key] = s ? s.value : bound && vars[bound[1]] && typeof vars[bound[1]].text === 'string' ? vars[bound[1]].text : { expr: valueExpr };
    } else if (method === 'env_remove') {
      cmd.envRemove.push(inner.trim().replace(/^EnvVars::/, ''));
    } else {
      cmd.unparsed.push(`${method}(${inner.trim().slice(0, 60)})`);
    }
    rest = rest.slice(close + 1);
  }
  return cmd;
}

const isCheck = (cmd) => cmd.args.includes('--locked') || (cmd.kind === 'lock' && cmd.args.includes('--check'));
const isFrozen = (cmd) => cmd.args.includes('--frozen') || cmd.args.includes('--dry-run');

// ---------------------------------------------------------------------------------------------
// Walking a test function.

export const donors = [];

function analyse(fnName, body, bodyOffset, lineOf, source) {
  const paths = {}; // var -> relative path
  const vars = {}; // var -> { readOf, version } | { text }
  const files = new Map(); // path -> { text } | { unknown }
  const candidates = [];
  let python = null;
  let excludeNewer = '2024-03-25T00:00:00Z';
  let contextEnv = {};
  let comments = [];
  let log = []; // what happened since the last lock write
  const lockWrites = new Map(); // lock path -> last event line
  let version = 0;
  const fileVersion = new Map();

  const setFile = (path, state, why) => {
    files.set(path, state);
    fileVersion.set(path, ++version);
    if (why) log.push({ path, why, comments: comments.join(' ') });
  };

  const projectFiles = () => [...files.entries()];

  for (const st of statements(body, bodyOffset)) {
    const raw = st.text;
    // The line of the statement's code (of its `uv_snapshot!` when it has one), not of its comments.
    const codeAt =
      raw.search(/uv_snapshot!/) >= 0
        ? raw.search(/uv_snapshot!/)
        : raw.search(/^\s*[^\s\/]/m) >= 0
          ? raw.replace(/^(\s*\/\/[^\n]*\n)*\s*/, (m) => m).length - raw.replace(/^(\s*\/\/[^\n]*\n)*\s*/, '').length
          : 0;
    const line = lineOf(st.start + codeAt);
    // Comments preceding the statement.
    const commentLines = [...raw.matchAll(/^\s*\/\/\s?(.*)$/gm)].map((m) => m[1].trim());
    const text = raw.replace(/^\s*\/\/.*$/gm, '').trim();
    if (commentLines.length) comments = commentLines;
    if (!text) continue;

    // The context.
    let m = /let\s+(?:mut\s+)?context\s*=\s*(?:uv_test::)?test_context!\(\s*"([^"]*)"/.exec(text);
    if (m || /let\s+(?:mut\s+)?context\s*=/.test(text)) {
      python = m ? m[1] : python;
      const en = /with_exclude_newer\(\s*"([^"]*)"\s*\)/.exec(text);
      if (en) excludeNewer = en[1];
      if (!m && !/test_context/.test(text)) contextEnv.unknownContext = text.slice(0, 120);
      if (/with_filtered|with_exclude_newer|test_context|new_with_versions/.test(text)) {
        comments = [];
        continue;
      }
    }

    // Path bindings.
    m = /^let\s+(?:mut\s+)?([a-z_][a-z0-9_]*)\s*=\s*([^;]*);$/s.exec(text);
    if (m && !/write_str|read|uv_snapshot|\.touch\(|create_dir/.test(m[2])) {
      const p = resolvePath(m[2], paths);
      if (p !== null) {
        paths[m[1]] = p;
        comments = [];
        continue;
      }
      if (isStringStart(m[2].trim(), 0)) {
        const s = stringAt(m[2].trim(), 0);
        if (s) {
          vars[m[1]] = { text: s.value };
          comments = [];
          continue;
        }
      }
      const content = /^(?:&)?(?:indoc::)?(indoc|formatdoc|format)!/.test(m[2].trim()) ? evalContent(m[2], vars) : null;
      if (content) {
        vars[m[1]] = content.value !== undefined ? { text: content.value } : { unknownText: content.unknown };
        comments = [];
        continue;
      }
    }
    // `let x = context.temp_dir.child("x"); x.create_dir_all()?;` style bindings with a call.
    m = /^let\s+(?:mut\s+)?([a-z_][a-z0-9_]*)\s*=\s*(.*?)\s*;\s*$/s.exec(text);
    if (m && /\.create_dir_all\(\)|\.touch\(\)/.test(m[2])) {
      const p = resolvePath(m[2].replace(/\.create_dir_all\(\)\??|\.touch\(\)\??/, ''), paths);
      if (p !== null) paths[m[1]] = p;
    }

    // Reads of a file for a snapshot.
    m = /^let\s+(?:mut\s+)?([a-z_][a-z0-9_]*)\s*=\s*(.*);$/s.exec(text);
    if (m && /(?:context\.read\(|read_to_string\()/.test(m[2]) && !/uv_snapshot/.test(m[2])) {
      let rm = /context\.read\(\s*("[^"]*"|[^)]*)\)/.exec(m[2]);
      let rel = null;
      if (rm) {
        const arg = rm[1].trim();
        rel = arg.startsWith('"') ? stringAt(arg, 0).value : resolvePath(arg, paths);
      } else {
        rm = /read_to_string\(\s*(.*?)\s*\)\s*(?:\?|\.unwrap\(\))/s.exec(m[2]);
        if (rm) rel = resolvePath(rm[1], paths);
      }
      let transformed = /lock_without_package_metadata|\.parse::|replace\(/.test(m[2]);
      if (rel !== null) {
        const state = files.get(rel);
        let text = state && typeof state.text === 'string' ? state.text : undefined;
        if (text !== undefined && transformed) {
          // The two edits these tests make to a snapshotted lock: `lock_without_package_metadata`
          // (lock.rs: drop every `[package.metadata]`, set `revision = 4`) and `.replace(a, b)`.
          let t = text;
          let ok = true;
          if (/^lock_without_package_metadata\(/.test(m[2].trim())) t = withoutPackageMetadata(t);
          const after = m[2].slice(m[2].indexOf(')') + 1);
          for (const r of after.matchAll(/\.replace\(\s*/g)) {
            const a = stringAt(after, r.index + r[0].length);
            const rest = a ? after.slice(a.end).replace(/^\s*,\s*/, '') : '';
            const b = a ? stringAt(rest, 0) : null;
            if (!a || !b) {
              ok = false;
              break;
            }
            if (!t.includes(a.value)) {
              ok = false;
              break;
            }
            t = t.split(a.value).join(b.value);
          }
          if (/\.parse::/.test(m[2])) ok = false;
          text = ok ? t : undefined;
          if (ok) transformed = false;
        }
        vars[m[1]] = { readOf: rel, version: fileVersion.get(rel) ?? 0, transformed, state, expr: m[2].trim(), text };
        comments = [];
        continue;
      }
    }

    // Snapshots of a read file.
    if (/assert_snapshot!\s*\(/.test(text)) {
      const sm = /assert_snapshot!\s*\(\s*([a-z_][a-z0-9_]*)\s*,\s*@/.exec(text);
      if (sm && vars[sm[1]] && vars[sm[1]].readOf !== undefined) {
        const at = text.indexOf('@', sm.index) + 1;
        const s = stringAt(text, at);
        const v = vars[sm[1]];
        if (s && !v.transformed) {
          const value = snapshotText(s.value);
          const cur = files.get(v.readOf);
          if ((fileVersion.get(v.readOf) ?? 0) === v.version) {
            files.set(v.readOf, { text: value, snapshotLine: line, filtered: /\[[A-Z_]+[^\]]*\]/.test(value) });
            if (cur && cur.unknown && cur.inputs)
              donors.push({ test: fnName, source, line, path: v.readOf, inputs: cur.inputs, fresh: cur.fresh, by: cur.by, text: value });
            if (cur && cur.unknown) log.push({ path: v.readOf, why: 'snapshot', comments: '' });
          }
        } else if (s && v.transformed) {
          const cur = files.get(v.readOf);
          if (cur && cur.unknown) files.set(v.readOf, { unknown: `only a transformed read snapshotted (${v.expr.slice(0, 80)})` });
        }
        comments = [];
        continue;
      }
      // assert_snapshot!(context.read("x"), @...)
      const sm2 = /assert_snapshot!\s*\(\s*context\.read\(\s*"([^"]*)"\s*\)\s*,\s*@/.exec(text);
      if (sm2) {
        const at = text.indexOf('@', sm2.index) + 1;
        const s = stringAt(text, at);
        if (s) files.set(sm2[1], { text: snapshotText(s.value), snapshotLine: line });
        comments = [];
        continue;
      }
    }

    // Writes.
    m = /^(.*?)\s*\.\s*write_str\s*\(/s.exec(text);
    if (m && !/uv_snapshot/.test(text)) {
      const open = m[0].length - 1;
      const inner = text.slice(open + 1, matching(text, open));
      const p = resolvePath(m[1].replace(/^let\s+\w+\s*=\s*/, ''), paths);
      const content = evalContent(inner, vars);
      if (p === null) {
        candidatesTaint(`write to unresolved path ${m[1].slice(0, 80)}`, line);
      } else {
        setFile(p, content.value !== undefined ? { text: content.value, line, subst: content.subst } : { unknown: content.unknown, line }, 'write');
      }
      comments = [];
      continue;
    }
    m = /^(?:fs_err|std::fs|fs)::write\s*\(/.exec(text);
    if (m) {
      const open = text.indexOf('(');
      const inner = text.slice(open + 1, matching(text, open));
      // split first top-level comma
      let depth = 0,
        cut = -1;
      for (let i = 0; i < inner.length; ) {
        const s = skipAtom(inner, i);
        if (s >= 0) {
          i = s;
          continue;
        }
        if ('([{'.includes(inner[i])) depth++;
        else if (')]}'.includes(inner[i])) depth--;
        else if (inner[i] === ',' && depth === 0) {
          cut = i;
          break;
        }
        i++;
      }
      const p = resolvePath(inner.slice(0, cut), paths);
      const content = evalContent(inner.slice(cut + 1), vars);
      if (p === null) candidatesTaint(`fs write to unresolved path ${inner.slice(0, 60)}`, line);
      else setFile(p, content.value !== undefined ? { text: content.value, line } : { unknown: content.unknown, line }, 'write');
      comments = [];
      continue;
    }
    m = /^(.*?)\.touch\(\)/s.exec(text);
    if (m && !/uv_snapshot/.test(text)) {
      const p = resolvePath(m[1].replace(/^let\s+\w+\s*=\s*/, ''), paths);
      if (p !== null) {
        if (!files.has(p)) setFile(p, { text: '', line }, 'touch');
      } else candidatesTaint(`touch of unresolved path`, line);
      comments = [];
      continue;
    }
    if (/^(.*?)\.create_dir_all\(\)/s.test(text) || /^(?:fs_err|std::fs)::create_dir_all/.test(text)) {
      comments = [];
      continue;
    }

    // Commands.
    if (
      /context\s*\.\s*[a-z_]+\s*\(\s*\)/.test(text) &&
      !/context\.(read|filters|temp_dir|venv\b|site_packages|python_path|workspace_root)/.test(
        text.replace(/context\.filters\(\)/g, '').replace(/context\s*\.\s*[a-z_]+\s*\(\s*\)[\s\S]*$/, ''),
      )
    ) {
      const cmdAt = text.search(/context\s*\.\s*(?!filters\b|read\b|temp_dir\b|filters_without)[a-z_]+\s*\(\s*\)/);
      let snapshotAt = text.indexOf('@', cmdAt);
      let cmdExpr = snapshotAt > 0 ? text.slice(cmdAt, text.lastIndexOf(',', snapshotAt)) : text.slice(cmdAt);
      const cmd = parseCommand(cmdExpr, paths, vars);
      if (cmd && !['filters', 'read'].includes(cmd.kind)) {
        let output = null;
        if (snapshotAt > 0 && /uv_snapshot!/.test(text)) {
          const s = stringAt(text, snapshotAt + 1);
          if (s) output = snapshotText(s.value);
        }
        handleCommand(cmd, output, line, text);
        comments = [];
        continue;
      }
    }

    // Anything else that may touch files.
    if (/^(?:fs_err|std::fs)::remove_dir_all\(\s*&?context\.(?:cache_dir|venv)/.test(text)) {
      comments = [];
      continue;
    }
    if (/uv\.lock|pyproject|write|remove|rename|copy|replace|toml_edit|fs_err|std::fs|git|child\(/.test(text)) {
      candidatesTaint(`unrecognised statement: ${text.replace(/\s+/g, ' ').slice(0, 140)}`, line);
    }
    comments = [];
  }

  function candidatesTaint(reason, line) {
    log.push({ taint: reason, line });
  }

  function lockDirOf(cwd) {
    // The nearest directory at or above cwd whose pyproject declares a workspace containing cwd.
    let dir = cwd;
    const chain = [];
    for (;;) {
      chain.push(dir);
      if (dir === '') break;
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    }
    for (const d of chain.slice(1)) {
      const py = files.get(joinPath(d, 'pyproject.toml'));
      if (py && py.text && /\[tool\.uv\.workspace\]|tool\.uv\.workspace|\[workspace\]/.test(py.text)) return { dir: d, guessed: true };
    }
    return { dir: cwd, guessed: false };
  }

  function handleCommand(cmd, output, line, text) {
    const lockInfo = lockDirOf(cmd.cwd);
    let lockPath = joinPath(lockInfo.dir, 'uv.lock');
    const scriptIdx = cmd.args.indexOf('--script');
    if (scriptIdx >= 0 && typeof cmd.args[scriptIdx + 1] === 'string') lockPath = joinPath(cmd.cwd, cmd.args[scriptIdx + 1] + '.lock');
    const exit = output ? /exit_code: (\d+)/.exec(output)?.[1] : null;
    if (isCheck(cmd)) {
      let verdict = null;
      let uvSays = null;
      if (output) {
        const needs = /^(error: The lockfile at `[^`]*` needs to be updated, but `--(?:locked|check)` was provided\..*)$/m.exec(output);
        if (needs) {
          verdict = 'reject';
          uvSays = needs[1];
        } else if (exit === '0') {
          verdict = 'accept';
          const said = output.split('\n').filter((l) => /^(Resolved|Audited|Checked|Installed|Prepared|Uninstalled|Bytecode|warning:)/.test(l));
          uvSays = said.find((l) => l.startsWith('Resolved')) ?? said[0] ?? '(exit 0)';
        } else {
          const err = output.split('\n').find((l) => /^error:/.test(l));
          verdict = null;
          uvSays = err ?? `exit ${exit}`;
        }
      }
      candidates.push({
        test: fnName,
        source,
        line,
        python,
        kind: cmd.kind,
        args: cmd.args.map((a) => (typeof a === 'string' ? a : `{${a.expr}}`)),
        cwd: cmd.cwd,
        lockPath,
        lockDirGuessed: lockInfo.guessed,
        env: { ...cmd.env },
        envRemove: cmd.envRemove,
        unparsed: cmd.unparsed,
        excludeNewer,
        verdict,
        uvSays,
        exit,
        output,
        files: Object.fromEntries(projectFiles().map(([p, s]) => [p, s])),
        log: log.slice(),
      });
      return;
    }
    if (!LOCKING.has(cmd.kind) || isFrozen(cmd)) return;
    // A command that may write the lock (and, for add/remove/init/version, the pyproject).
    if (exit === '0' || exit === null || cmd.kind !== 'lock') {
      const prior = files.get(lockPath);
      const fresh = !files.has(lockPath);
      const inputs = Object.fromEntries([...files.entries()].filter(([p]) => p !== lockPath).map(([p, st]) => [p, st.text ?? null]));
      files.set(lockPath, {
        unknown: `written by uv ${cmd.kind} at line ${line}`,
        line,
        inputs,
        fresh,
        by: { kind: cmd.kind, args: cmd.args.filter((a) => typeof a === 'string'), exit, excludeNewer, python, env: cmd.env, envRemove: cmd.envRemove },
      });
      fileVersion.set(lockPath, ++version);
      log = [{ path: lockPath, why: `uv ${cmd.kind} ${cmd.args.filter((a) => typeof a === 'string' && !a.startsWith('--preview')).join(' ')}`.trim(), line }];
      if (['add', 'remove', 'init', 'version', 'upgrade'].includes(cmd.kind)) {
        const py = joinPath(cmd.cwd, 'pyproject.toml');
        files.set(py, { unknown: `rewritten by uv ${cmd.kind} at line ${line}` });
        fileVersion.set(py, ++version);
      }
    }
  }

  return candidates;
}

// ---------------------------------------------------------------------------------------------

export function extract(text, source, firstLine = 1) {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (off) => {
    let lo = 0,
      hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const out = [];
  const re = /^(?:async\s+)?fn\s+([a-z0-9_]+)\s*\(\s*\)[^{]*\{/gm;
  for (const m of text.matchAll(re)) {
    if (lineOf(m.index) < firstLine) continue;
    const open = m.index + m[0].length - 1;
    const close = matching(text, open);
    const body = text.slice(open + 1, close);
    const found = analyse(m[1], body, open + 1, lineOf, source);
    if (/--locked|--check/.test(body)) out.push(...found);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, source, first] = process.argv.slice(2);
  const text = readFileSync(file, 'utf8');
  const candidates = extract(text, source, Number(first ?? 1));
  if (process.env.DONORS) writeFileSync(process.env.DONORS, JSON.stringify(donors, null, 1));
  process.stdout.write(JSON.stringify(candidates, null, 1));
}
