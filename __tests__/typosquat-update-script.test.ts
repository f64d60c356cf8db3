import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRanking, parseRankingJson, parseRankingTsv, rankNames, renderModule, renderTsv } from '../scripts/update-top-pypi.mjs';
import { rankingFromLines } from '../src/typosquat/ranking.js';

/** A small sample in the shape of top-pypi-packages.min.json (download counts, project spellings as published). */
const SAMPLE = {
  last_update: '2026-11-01 07:11:40',
  query: { bytes_billed: 1, bytes_processed: 1, cached: false, estimated_cost: '0.01' },
  rows: [
    { download_count: 1_500_000_000, project: 'boto3' },
    { download_count: 1_400_000_000, project: 'Typing_Extensions' },
    { download_count: 900_000_000, project: 'zope.interface' },
    { download_count: 800_000_000, project: 'typing-extensions' }, // the same project spelled again: keeps rank 2
    { download_count: 700_000_000, project: 'not a name!' },
    { download_count: 600_000_000, project: 'ruamel.yaml.clib' },
  ],
};

const scratch = mkdtempSync(join(tmpdir(), 'lockgate-top-pypi-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('update-top-pypi conversion', () => {
  it('normalizes names (PEP 503), drops malformed ones and duplicates, and keeps the source ranks', () => {
    const { entries, month } = parseRankingJson(JSON.stringify(SAMPLE));
    expect(month).toBe('2026-11');
    expect(rankNames(entries)).toEqual([
      { rank: 1, name: 'boto3' },
      { rank: 2, name: 'typing-extensions' },
      { rank: 3, name: 'zope-interface' },
      { rank: 6, name: 'ruamel-yaml-clib' },
    ]);
  });

  it('sorts by download count when a copy comes reordered', () => {
    const reordered = { ...SAMPLE, rows: [...SAMPLE.rows].reverse() };
    expect(rankNames(parseRankingJson(JSON.stringify(reordered)).entries).map((e) => e.name)).toEqual([
      'boto3',
      'typing-extensions',
      'zope-interface',
      'ruamel-yaml-clib',
    ]);
  });

  it('keeps at most the limit, by rank', () => {
    expect(rankNames(parseRankingJson(JSON.stringify(SAMPLE)).entries, 3).map((e) => e.rank)).toEqual([1, 2, 3]);
  });

  it('rejects a document that is not the ranking', () => {
    expect(() => parseRankingJson('{"projects": []}')).toThrow('no "rows" array');
  });

  it('writes a TSV that reads back the same, and a module whose line N is the name ranked N', () => {
    const ranked = rankNames(parseRankingJson(JSON.stringify(SAMPLE)).entries);
    expect(rankNames(parseRankingTsv(renderTsv(ranked)))).toEqual(ranked);
    const module = renderModule(ranked, '2026-11', 'https://example/ranking.json');
    const literal = /export const TOP_PYPI_NAMES =\s*(".*");/.exec(module)![1]!;
    const ranking = rankingFromLines(JSON.parse(literal) as string, '2026-11', 'x');
    expect(ranked.map(({ name }) => ranking.rankOf(name))).toEqual([1, 2, 3, 6]);
    expect(module).toContain('export const TOP_PYPI_MONTH = "2026-11";');
  });

  it('refuses to embed a name that could break out of the generated string', () => {
    expect(() => renderModule([{ rank: 1, name: 'a"; process.exit(1); "' }], '2026-11', 'x')).toThrow('malformed name');
  });

  it('loads a local file; a TSV needs --date, a truncated ranking is refused', async () => {
    const tsv = join(scratch, 'ranking.tsv');
    writeFileSync(tsv, readFileSync('data/top-pypi.tsv', 'utf8'));
    await expect(loadRanking(tsv)).rejects.toThrow('pass --date');
    const { ranked, month } = await loadRanking(tsv, '2026-11');
    expect([ranked.length, month, ranked[0]]).toEqual([14985, '2026-11', { rank: 1, name: 'boto3' }]);
    const small = join(scratch, 'small.json');
    writeFileSync(small, JSON.stringify(SAMPLE));
    await expect(loadRanking(small)).rejects.toThrow('refusing to ship a truncated ranking');
  });

  it('regenerates the shipped files exactly from the shipped TSV (so the three stay in step)', () => {
    const out = join(scratch, 'out');
    execFileSync(process.execPath, ['scripts/update-top-pypi.mjs', 'data/top-pypi.tsv', '--date', '2026-11', '--out', out]);
    for (const file of ['data/top-pypi.tsv', 'data/top-pypi.meta.json', 'src/typosquat/top-pypi.generated.ts']) {
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(file, 'utf8'));
    }
  });
});
