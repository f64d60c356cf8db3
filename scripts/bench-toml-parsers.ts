/**
 * Issue 13 item 6: is one parse with positions (toml-eslint-parser, the parser behind
 * eslint-plugin-toml) faster or simpler than what lockgate does today (smol-toml for values plus
 * our own linear position lexer, src/uv/toml.ts)? Measured on the bench's uv.lock shapes: the
 * corpus locks and synthetic locks of 1 and 8 MB. Each figure is the median of several runs in this
 * process after a warm-up; run it in a quiet machine:
 *
 *   npx tsc -p tsconfig.scripts.json && node lib/scripts/bench-toml-parsers.js
 *
 * toml-eslint-parser is a devDependency for this measurement only; nothing in src/ imports it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as smolParse } from 'smol-toml';
import { getStaticTOMLValue, parseTOML, type AST } from 'toml-eslint-parser';
import { parseToml } from '../src/uv/toml.js';
import { syntheticProjectOfSize } from './synthetic.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = HERE.endsWith(join('lib', 'scripts')) ? join(HERE, '..', '..') : join(HERE, '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function time(rounds: number, run: () => unknown): number {
  run(); // warm-up: JIT and the parser's own caches
  const figures: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    run();
    figures.push(performance.now() - started);
  }
  return median(figures);
}

function corpusLocks(): { name: string; text: string }[] {
  const root = join(ROOT, 'fixtures', 'uv');
  const out: { name: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry === 'uv.lock' && dir.includes('__')) out.push({ name: path, text: readFileSync(path, 'utf8') });
    }
  };
  walk(root);
  return out;
}

/**
 * What lockgate needs from the AST: the values, plus a line for every key and array element (the
 * same index src/uv/toml.ts builds), walked from the AST's `loc`s. This is the work a switch would
 * have to do on top of `parseTOML`.
 */
function eslintValuesAndLines(text: string): { value: unknown; lines: Map<string, number> } {
  const ast = parseTOML(text);
  const lines = new Map<string, number>();
  const keyText = (key: AST.TOMLKey): string => key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value)).join('.');
  const arrayCounts = new Map<string, number>();
  const visitValue = (node: AST.TOMLContentNode | AST.TOMLKeyValue['value'], path: string): void => {
    if (node.type === 'TOMLArray') {
      node.elements.forEach((element, i) => {
        const at = `${path}[${i}]`;
        lines.set(at, element.loc.start.line);
        visitValue(element, at);
      });
    } else if (node.type === 'TOMLInlineTable') {
      for (const kv of node.body) {
        const at = `${path}.${keyText(kv.key)}`;
        lines.set(at, kv.loc.start.line);
        visitValue(kv.value, at);
      }
    }
  };
  for (const table of ast.body[0]?.body ?? []) {
    let prefix = '';
    if (table.type === 'TOMLTable') {
      prefix = keyText(table.key);
      if (table.kind === 'array') {
        const n = arrayCounts.get(prefix) ?? 0;
        arrayCounts.set(prefix, n + 1);
        prefix = `${prefix}[${n}]`;
      }
      lines.set(prefix, table.loc.start.line);
      for (const kv of table.body) {
        const at = `${prefix}.${keyText(kv.key)}`;
        lines.set(at, kv.loc.start.line);
        visitValue(kv.value, at);
      }
    } else {
      const at = keyText(table.key);
      lines.set(at, table.loc.start.line);
      visitValue(table.value, at);
    }
  }
  return { value: getStaticTOMLValue(ast), lines };
}

function main(): void {
  const inputs: { name: string; texts: string[] }[] = [];
  const corpus = corpusLocks();
  inputs.push({ name: `corpus uv.lock files (${corpus.length})`, texts: corpus.map((c) => c.text) });
  for (const mb of [1, 8]) inputs.push({ name: `synthetic uv.lock, ${mb} MB`, texts: [syntheticProjectOfSize(mb * 1024 * 1024).lock] });

  console.log('| Input | bytes | smol-toml (values only) | smol-toml + our lexer (today) | toml-eslint-parser AST | AST + values + line index |');
  console.log('|---|---|---|---|---|---|');
  for (const input of inputs) {
    const bytes = input.texts.reduce((sum, t) => sum + t.length, 0);
    const rounds = bytes > 4_000_000 ? 5 : 9;
    const smol = time(rounds, () => input.texts.forEach((t) => smolParse(t)));
    const ours = time(rounds, () => input.texts.forEach((t) => parseToml('uv.lock', t, { compact: true })));
    const ast = time(rounds, () => input.texts.forEach((t) => parseTOML(t)));
    const eslint = time(rounds, () => input.texts.forEach((t) => eslintValuesAndLines(t)));
    const f = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      `| ${input.name} | ${bytes} | ${f(smol)} | ${f(ours)} (${(ours / smol).toFixed(2)}×) | ${f(ast)} (${(ast / smol).toFixed(2)}×) | ${f(eslint)} (${(eslint / smol).toFixed(2)}×) |`,
    );
  }
  // Same values? A switch must not change what a lock says.
  let differing = 0;
  for (const { text } of corpus) {
    const a = JSON.stringify(smolParse(text));
    const b = JSON.stringify(eslintValuesAndLines(text).value);
    if (a !== b) differing += 1;
  }
  console.log(`\nvalues equal to smol-toml's on ${corpus.length - differing} of ${corpus.length} corpus locks`);
}

main();
