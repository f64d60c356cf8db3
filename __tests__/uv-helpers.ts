/** Test helpers for the uv model: SourceFiles from the corpus fixtures or inline texts, corpus listing. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFiles } from '../src/source/types.js';
import { DEFAULT_LIMITS } from '../src/settings/types.js';

export const UV_FIXTURES = fileURLToPath(new URL('../fixtures/uv/', import.meta.url));
export const LIMITS = DEFAULT_LIMITS;

/** SourceFiles of every file under `root` (recursively), paths relative to `root`. */
export function sourceFromDir(root: string): SourceFiles {
  const texts: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else texts[relative(root, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return sourceFromTexts(texts);
}

/** SourceFiles holding exactly these texts (and these unreadable paths). */
export function sourceFromTexts(files: Record<string, string>, unreadable: Record<string, string> = {}): SourceFiles {
  const texts = new Map(Object.entries(files));
  const paths = [...new Set([...texts.keys(), ...Object.keys(unreadable)])].sort();
  return { label: 'WORKTREE', paths, texts, unreadable: new Map(Object.entries(unreadable)), time: new Date('2026-01-01T00:00:00Z') };
}

export interface CorpusSnapshot {
  repo: string;
  sha: string;
  dir: string;
}

/** Every corpus snapshot copied from the shared uv corpus: fixtures/uv/<owner>__<repo>/<sha>/. */
export function corpusSnapshots(): CorpusSnapshot[] {
  const out: CorpusSnapshot[] = [];
  for (const repo of readdirSync(UV_FIXTURES).sort()) {
    if (!repo.includes('__')) continue;
    const repoDir = join(UV_FIXTURES, repo);
    for (const sha of readdirSync(repoDir).sort()) out.push({ repo, sha, dir: join(repoDir, sha) });
  }
  return out;
}

/** The before → after pairs of SOURCES.md ("A → B": A is the base of B). */
export const CORPUS_PAIRS: [repo: string, base: string, head: string][] = [
  ['pallets__flask', '5e621a2801da', '976459f7cb35'],
  ['modelcontextprotocol__python-sdk', '1bbd27d4a50a', '118ddcc9ac6c'],
  ['modelcontextprotocol__python-sdk', '3cfdea0e975c', 'a7ddfdae0721'],
  ['modelcontextprotocol__python-sdk', 'c5f12ec1e969', '8f806da61113'],
  ['astral-sh__uv-fastapi-example', '815ad9a75735', 'a5e5d41ec407'],
  ['docling-project__docling', 'd26dac61a86b', '1557e7ce3e03'],
  ['openai__openai-agents-python', 'fe3a5e6c2718', 'c2cb03146163'],
  ['openai__openai-agents-python', 'dd0300bff9d5', '2bd03971f9d2'],
  ['pydantic__pydantic-settings', '07260673f73c', '1d27f376566f'],
  ['pydantic__pydantic-settings', '55e9a4dc542d', 'd26fc0c3944f'],
  ['PrefectHQ__fastmcp', '986af54afa02', '44180d1e3d8e'],
  ['astral-sh__uv', '665fa39c7c90', '3ef314688c53'],
  ['mitmproxy__mitmproxy', '4b5c2beb9739', '16eccae49da3'],
  ['Kludex__starlette', 'dfc717feae72', 'e264d43a2f17'],
];

import { existsSync } from 'node:fs';
import type { Finding } from '../src/findings.js';
import type { Rule, RuleContext } from '../src/rules/types.js';
import { testSettings } from './support/workflows.js';
import { buildContext } from '../src/engine.js';

/**
 * The rule context of a hand-made case in fixtures/uv/cases/<name>: `base/` and `head/` trees for a
 * change, or the tree itself as head of a full audit (no base).
 */
export function caseContext(name: string): RuleContext {
  const dir = join(UV_FIXTURES, 'cases', name);
  const hasSides = existsSync(join(dir, 'head'));
  return uvContext(sourceFromDir(hasSides ? join(dir, 'head') : dir), hasSides ? sourceFromDir(join(dir, 'base')) : null);
}

/** The engine's rule context of base -> head files (a full audit without base), offline, head time = now. */
export function uvContext(headFiles: SourceFiles, baseFiles: SourceFiles | null = null): RuleContext {
  const settings = testSettings();
  return { ...buildContext(settings, headFiles, baseFiles), headTime: settings.now };
}

export type FindingRow = [rule: string, file: string, line: number | undefined, severity: string];

/** Runs a rule and returns [rule, file, line, severity] rows, sorted, for table assertions. */
export function findingRows(rule: Rule, context: RuleContext): FindingRow[] {
  return rule
    .check(context)
    .map((f: Finding): FindingRow => [f.rule, f.file, f.line, f.severity])
    .sort((a, b) => a[1].localeCompare(b[1]) || (a[2] ?? 0) - (b[2] ?? 0));
}

/** The rule context of a corpus pair (base -> head snapshots of one repository). */
export function corpusPairContext(repo: string, baseSha: string, headSha: string): RuleContext {
  return uvContext(sourceFromDir(join(UV_FIXTURES, repo, headSha)), sourceFromDir(join(UV_FIXTURES, repo, baseSha)));
}
