/**
 * Three pull requests as a reviewer meets them, run through the real rules in-process (offline,
 * clock fixed), for the rendering tests and for scripts/screenshots.mjs:
 *
 * - typical: examples/demo (a young idna, a typosquat that ships only an sdist, a stale lock, an
 *   unpinned checkout, `uv sync` without --locked): a handful of findings over 2-3 packages and a
 *   workflow;
 * - clean: a harmless upgrade; what the base already had is pre-existing (only-new);
 * - many: the typical PR plus ten workflows with the same unpinned actions and unlocked `uv sync`
 *   in 110 places: 120 findings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Finding } from '../src/findings.js';
import type { RunResult } from '../src/engine.js';
import type { SourceFiles } from '../src/source/types.js';
import { runPipeline, sourceFiles } from './support/pipeline.js';

/** The repository (scripts/screenshots.mjs runs a compiled copy from elsewhere and says where). */
const ROOT = process.env.LOCKGATE_ROOT ?? resolve(new URL('..', import.meta.url).pathname);
const DEMO = join(ROOT, 'examples', 'demo');

export const BASE_SHA = '8b4f096bde23c1d5e9f0a7b6c5d4e3f2a1b0c9d8';
export const HEAD_SHA = '4d553f232ece7a1b2c3d4e5f60718293a4b5c6d7';
/** What the action passes: file links to the head commit, the run for "see the job summary". */
export const LINKS = {
  serverUrl: 'https://github.com',
  repository: 'octo-org/demo-service',
  sha: HEAD_SHA,
  runUrl: 'https://github.com/octo-org/demo-service/actions/runs/16012345678',
};

function readTree(dir: string): Record<string, string> {
  const texts: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else texts[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return texts;
}

function revision(texts: Record<string, string>, label: string): SourceFiles {
  return sourceFiles(texts, {}, label);
}

/** With only-new, what the base already had does not gate: it moves to `preexisting`. */
function onlyNew(result: RunResult): RunResult {
  const findings = result.report.findings.filter((f) => f.introduced);
  const preexisting: Finding[] = result.report.findings.filter((f) => !f.introduced);
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return { ...result, report: { ...result.report, findings, preexisting, counts } as RunResult['report'] };
}

export function typicalPr(): RunResult {
  return runPipeline(revision(readTree(join(DEMO, 'head')), HEAD_SHA), revision(readTree(join(DEMO, 'base')), BASE_SHA)).result;
}

export function cleanPr(): RunResult {
  const base = readTree(join(DEMO, 'base'));
  // The same tree with a comment changed: nothing new, only what the base already had.
  const head = { ...base, 'pyproject.toml': `${base['pyproject.toml']}\n# a harmless change\n` };
  return onlyNew(runPipeline(revision(head, HEAD_SHA), revision(base, BASE_SHA)).result);
}

/** A workflow of one job: `checkouts` unpinned checkouts, as many unpinned setup-uv, `syncs` unlocked syncs. */
function workflow(name: string, checkouts: number, syncs: number): string {
  const steps: string[] = [];
  for (let i = 0; i < checkouts; i++) {
    steps.push('      - uses: actions/checkout@v4', '        with:', '          persist-credentials: false', '      - uses: astral-sh/setup-uv@v5');
  }
  for (let i = 0; i < syncs; i++) steps.push(`      - run: uv sync`);
  return `name: ${name}\non:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  ${name}:\n    runs-on: ubuntu-latest\n    steps:\n${steps.join('\n')}\n`;
}

export function manyPr(): RunResult {
  const head = readTree(join(DEMO, 'head'));
  for (const name of ['lint', 'test', 'docs', 'build', 'release', 'bench', 'nightly', 'typecheck', 'integration', 'publish']) {
    head[`.github/workflows/${name}.yml`] = workflow(name, 4, 3);
  }
  return runPipeline(revision(head, HEAD_SHA), revision(readTree(join(DEMO, 'base')), BASE_SHA)).result;
}

export const SCENARIOS = { typical: typicalPr, clean: cleanPr, many: manyPr } as const;
