#!/usr/bin/env node
/**
 * Writes helper b's conformance fixtures from the candidates extract.mjs found.
 *
 *   node scripts/uv-conformance-b/write.mjs <out dir> <candidates.json>... > skipped.json
 *
 * A candidate becomes `b-<test>[-<n>]/` (files + scenario.json) when every file the test wrote
 * is known, the lock was snapshotted (or written by the test), uv's verdict is about the lock being
 * in sync, and nothing the script could not follow happened since the lock was written. Everything
 * else is printed as skipped with the reason, for review by hand.
 */
import { mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const UV = '26a9dd4b2125bc271b47855e1fa0c49af3365db5';

/** Flags that do not change what the lock must say. */
const NEUTRAL = new Set([
  '--locked',
  '--check',
  '--offline',
  '--no-cache',
  '--no-install-project',
  '--no-install-workspace',
  '--all-extras',
  '--no-dev',
  '--dev',
  '--only-dev',
  '--all-groups',
  '--no-default-groups',
  '--inexact',
  '--exact',
  '--all-packages',
  '--no-sync',
  '--quiet',
  '-q',
  '--verbose',
  '-v',
  '--no-build',
  '--no-binary',
  '--no-editable',
  '--isolated',
  '--no-project',
  '--with-editable',
  '--active',
  '--no-progress',
  '--color',
  '--dry-run',
  '--refresh',
  '--reinstall',
  '--no-install-local',
  '--no-build-isolation',
  '--compile-bytecode',
  '--show-settings',
]);
const WITH_VALUE_NEUTRAL = new Set([
  '--output-format',
  '--extra',
  '--group',
  '--only-group',
  '--no-group',
  '--package',
  '--python',
  '-p',
  '--with',
  '--no-extra',
  '--preview-features',
  '--no-install-package',
  '--script',
  '--format',
  '--output-file',
  '-o',
  '--link-mode',
]);
const SETTING_FLAGS = {
  '--exclude-newer': 'exclude-newer',
  '--prerelease': 'prerelease',
  '--resolution': 'resolution',
  '--index-url': 'index-url',
  '--default-index': 'index-url',
  '--fork-strategy': 'fork-strategy',
  '--index-strategy': 'index-strategy',
};

function commandLine(c) {
  const table = {};
  const problems = [];
  let exclude = c.excludeNewer;
  if (c.envRemove.includes('UV_EXCLUDE_NEWER')) exclude = null;
  for (const [k, v] of Object.entries(c.env)) {
    if (k === 'UV_EXCLUDE_NEWER') {
      if (typeof v === 'string') exclude = v;
      else problems.push(`env ${k}`);
    } else if (k === 'UV_PRERELEASE' && typeof v === 'string') table.prerelease = v;
    else if (k === 'UV_RESOLUTION' && typeof v === 'string') table.resolution = v;
    else if (k === 'UV_TEST_CURRENT_TIMESTAMP' && typeof v === 'string') continue;
    else if (/^(UV_PREVIEW|UV_PREVIEW_FEATURES|UV_PYTHON|UV_PROJECT_ENVIRONMENT|UV_HTTP_TIMEOUT|UV_NO_SYNC|VIRTUAL_ENV|UV_LINK_MODE)$/.test(k)) continue;
    else problems.push(`env ${k}=${JSON.stringify(v)}`);
  }
  for (const k of c.envRemove) if (k !== 'UV_EXCLUDE_NEWER') problems.push(`env_remove ${k}`);
  const args = c.args;
  const shown = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (a.startsWith('{')) {
      problems.push(`expression argument ${a}`);
      continue;
    }
    if (NEUTRAL.has(flag)) {
      shown.push(a);
      continue;
    }
    if (WITH_VALUE_NEUTRAL.has(flag)) {
      shown.push(a);
      if (inline === undefined) shown.push(args[++i]);
      continue;
    }
    if (SETTING_FLAGS[flag]) {
      const v = inline ?? args[++i];
      if (typeof v !== 'string' || v.startsWith('{')) {
        problems.push(`setting ${flag} from an expression`);
        continue;
      }
      if (flag === '--exclude-newer') exclude = v;
      else table[SETTING_FLAGS[flag]] = v;
      shown.push(flag, v);
      continue;
    }
    if (flag === '--exclude-newer-package') {
      const v = inline ?? args[++i];
      const eq = typeof v === 'string' ? v.indexOf('=') : -1;
      if (eq < 0) {
        problems.push(`--exclude-newer-package ${v}`);
        continue;
      }
      table['exclude-newer-package'] = { ...(table['exclude-newer-package'] ?? {}), [v.slice(0, eq)]: v.slice(eq + 1) };
      shown.push(flag, v);
      continue;
    }
    if (flag === '--frozen') {
      problems.push('--frozen');
      continue;
    }
    if (c.kind === 'run' && (!a.startsWith('-') || a === '--')) {
      shown.push(...args.slice(i));
      break;
    }
    problems.push(`argument ${a}`);
  }
  if (exclude !== null) table['exclude-newer'] = exclude;
  // Key order as a reader expects: exclude-newer first.
  const ordered = {};
  if (table['exclude-newer']) ordered['exclude-newer'] = table['exclude-newer'];
  for (const [k, v] of Object.entries(table)) if (k !== 'exclude-newer') ordered[k] = v;
  return { table: ordered, shown, problems };
}

function edit(c) {
  const parts = [];
  const origin = c.log.find((l) => l.why && l.why.startsWith('uv '));
  for (const l of c.log) {
    if (l.taint) continue;
    if (l.why === 'snapshot' || (l.why && l.why.startsWith('uv '))) continue;
    if (l.path === c.lockPath) parts.push(`the test wrote ${l.path} itself${l.comments ? ` (${l.comments})` : ''}`);
    else parts.push(`rewrote ${l.path}${l.comments ? ` (${l.comments})` : ''}`);
  }
  const lockState = c.files[c.lockPath];
  const wroteLock = c.log.some((l) => l.path === c.lockPath && l.why === 'write');
  const head = origin && !wroteLock ? `after \`${origin.why}\` wrote the lock: ` : wroteLock ? '' : 'lock as written by the test: ';
  if (!origin)
    return `none: no uv command wrote the lock; the test wrote ${c.log
      .filter((l) => l.why === 'write' || l.why === 'touch')
      .map((l) => l.path)
      .filter((p, i, a) => a.indexOf(p) === i)
      .join(', ')} itself, then ran the check`;
  if (!parts.length) return 'none';
  return head + parts.join('; ');
}

/** Project files compared line by line, indentation and blank lines aside. */
const norm = (files) =>
  JSON.stringify(
    Object.entries(files)
      .filter(([, t]) => t !== null)
      .map(([p, t]) => [
        p,
        t
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      ])
      .sort(),
  );

/**
 * A lock uv wrote without the test snapshotting it is known when uv wrote a fresh lock (no lock on
 * disk before) from exactly the same project files under the same settings in another test that
 * did snapshot it: uv's resolution is deterministic for the same inputs and the same index state
 * (UV_EXCLUDE_NEWER pins it).
 */
function donorFor(state, donors) {
  if (!state || !state.unknown || !state.inputs || !state.fresh || !state.by) return null;
  if (Object.values(state.inputs).some((t) => t === null)) return null;
  const plain = (by) =>
    ['lock', 'sync'].includes(by.kind) &&
    (by.exit === '0' || by.exit === null) &&
    by.args.every((a) => NEUTRAL.has(a) || a === '--frozen' || a === '--all-extras') &&
    Object.keys(by.env).length === 0 &&
    by.envRemove.length === 0;
  if (!plain(state.by)) return null;
  const key = norm(state.inputs);
  return (
    donors.find(
      (d) =>
        d.fresh &&
        plain(d.by) &&
        d.by.excludeNewer === state.by.excludeNewer &&
        d.by.python === state.by.python &&
        norm(d.inputs) === key &&
        !/\[[A-Z_]+\]/.test(d.text),
    ) ?? null
  );
}

function main() {
  const args = process.argv.slice(2);
  const donors = [];
  while (args[0] === '--donors') {
    donors.push(...JSON.parse(readFileSync(args[1], 'utf8')));
    args.splice(0, 2);
  }
  const [out, ...inputs] = args;
  const skipped = [];
  const written = [];
  const byTest = new Map();
  for (const input of inputs) {
    for (const c of JSON.parse(readFileSync(input, 'utf8'))) {
      const reasons = [];
      // The mock proxy's `127.0.0.1:<port>` is filtered to `[LOCALHOST]` in snapshots; where the
      // TOML literals got the substituted proxy URI, the lock gets the same one back.
      const proxied = Object.values(c.files).some((f) => (f.subst ?? []).some((x) => x.startsWith('`proxy.uri()`')));
      const ls = c.files[c.lockPath];
      const localhost = Object.values(c.files).some((f) => typeof f.text === 'string' && f.text.includes('http://[LOCALHOST]'));
      if ((proxied || localhost) && ls && typeof ls.text === 'string' && localhost) {
        // One mock server per test: every `[LOCALHOST]` in the snapshots is the same host.
        for (const [p, f] of Object.entries(c.files)) {
          if (typeof f.text === 'string' && f.text.includes('http://[LOCALHOST]'))
            c.files[p] = {
              ...f,
              text: f.text.split('http://[LOCALHOST]').join('http://127.0.0.1:8080'),
              subst: [
                ...(f.subst ?? []),
                `\`http://[LOCALHOST]\` (the insta filter of the mock server's address) in the ${p} snapshot -> http://127.0.0.1:8080`,
              ],
            };
        }
      }
      const lockState = c.files[c.lockPath];
      const donor = donorFor(lockState, donors);
      if (donor) {
        c.files[c.lockPath] = { text: donor.text };
        c.donor = `${donor.source}:${donor.line} (${donor.test})`;
      }
      if (c.verdict === null) reasons.push(`not a sync verdict: ${c.uvSays}`);
      for (const [p, s] of Object.entries(c.files)) if (s.unknown) reasons.push(`${p} unknown: ${s.unknown}`);
      // The runner (uv-conformance.test.ts) checks the project at the fixture's root.
      if (c.lockPath !== 'uv.lock')
        reasons.push(/\.py\.lock$/.test(c.lockPath) ? `a PEP 723 script lock (${c.lockPath})` : `the lock of a project below the root (${c.lockPath})`);
      if (!c.files[c.lockPath]) reasons.push(`no lock at ${c.lockPath}`);
      else if (
        c.files[c.lockPath].text !== undefined &&
        /\[(?:TEMP_DIR|CACHE_DIR|PYTHON|HOME|ROOT|WORKSPACE|TMP|LOCALHOST|SERVER|INDEX|X\]|UV)/.test(c.files[c.lockPath].text)
      )
        reasons.push('filtered lock');
      for (const l of c.log) if (l.taint) reasons.push(`since the lock: ${l.taint}`);
      for (const u of c.unparsed) reasons.push(`unparsed command part ${u}`);
      const cl = commandLine(c);
      for (const p of cl.problems) reasons.push(p);
      if (c.lockDirGuessed) reasons.push(`lock of a workspace above ${c.cwd} (check by hand)`);
      if (c.cwd) reasons.push(`runs in ${c.cwd} (check by hand)`);
      const key = `${c.test}`;
      if (reasons.length) {
        skipped.push({ test: c.test, line: c.line, verdict: c.verdict, reasons });
        continue;
      }
      const files = Object.fromEntries(Object.entries(c.files).map(([p, s]) => [p, s.text]));
      const list = byTest.get(key) ?? [];
      const sig = JSON.stringify([files, cl.table, c.verdict, c.kind]);
      if (list.some((x) => x.sig === sig)) {
        skipped.push({ test: c.test, line: c.line, verdict: c.verdict, reasons: ['duplicate of an earlier check on the same files'] });
        continue;
      }
      list.push({ sig, c, files, cl });
      byTest.set(key, list);
    }
  }
  for (const [test, list] of byTest) {
    list.forEach(({ c, files, cl }, idx) => {
      const name = `b-${test}${list.length > 1 ? `-${idx + 1}` : ''}`;
      const dir = join(out, name);
      if (existsSync(dir)) rmSync(dir, { recursive: true });
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
      const scenario = {
        uv: UV,
        source: c.source,
        test: c.test,
        line: c.line,
        command: ['uv', c.kind, ...cl.shown].join(' '),
        commandLine: cl.table,
        verdict: c.verdict,
        uvSays: c.uvSays,
        edit: edit(c),
      };
      const notes = [];
      if (c.python) notes.push(`TestContext Python ${c.python}`);
      if (typeof c.env.UV_TEST_CURRENT_TIMESTAMP === 'string')
        notes.push(
          `uv ran with UV_TEST_CURRENT_TIMESTAMP=${c.env.UV_TEST_CURRENT_TIMESTAMP} (the "now" relative exclude-newer spans count back from; the TestContext default is 2024-03-25T00:00:00Z)`,
        );
      if (c.args.includes('--preview-features')) notes.push('uv ran with `--preview-features ' + c.args[c.args.indexOf('--preview-features') + 1] + '`');
      if (c.log.some((l) => l.path === c.lockPath && l.why === 'write') && c.test)
        notes.push('the lock is the literal the test wrote (indoc!/raw string, as on disk)');
      const subst = [...new Set(Object.values(c.files).flatMap((f) => f.subst ?? []))];
      if (subst.length) notes.push(`substituted: ${subst.join(', ')}`);
      if (c.donor)
        notes.push(
          `this test does not snapshot the lock \`${c.donorBy ?? 'uv lock'}\` wrote; uv.lock is the snapshot at ${c.donor}, where uv wrote a fresh lock from the same project files under the same settings`,
        );
      if (notes.length) scenario.note = notes.join('; ');
      writeFileSync(join(dir, 'scenario.json'), JSON.stringify(scenario, null, 2) + '\n');
      written.push({ name, verdict: c.verdict, line: c.line });
    });
  }
  process.stdout.write(JSON.stringify({ written, skipped }, null, 1));
}

main();
