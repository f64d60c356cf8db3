/**
 * The reviewed successors list (data/typosquat-successors.tsv) and the popular-name exemption:
 * look-alikes that are not typosquats. Set UPDATE_TYPOSQUAT_SUCCESSORS=1 to rewrite the generated
 * module after editing the data file.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { POPULAR_RANK, TyposquatMatcher } from '../src/typosquat/matcher.js';
import { rankingFromLines, shippedRanking } from '../src/typosquat/ranking.js';
import { parseMalicious } from '../src/typosquat/score.js';
import { parseSuccessors, renderSuccessorsModule, shippedSuccessors, successorMap } from '../src/typosquat/successors.js';

const DATA = 'data/typosquat-successors.tsv';
const MODULE = 'src/typosquat/successors.generated.ts';

describe('data/typosquat-successors.tsv', () => {
  const text = readFileSync(DATA, 'utf8');
  const rows = parseSuccessors(text);

  it('is what the bundle carries (successors.generated.ts)', () => {
    const expected = renderSuccessorsModule(text);
    if (process.env.UPDATE_TYPOSQUAT_SUCCESSORS) writeFileSync(MODULE, expected);
    expect(readFileSync(MODULE, 'utf8')).toBe(expected);
  });

  it('lists httpx2 and httpcore2, each row with a source, normalized names and a ranked imitated name', () => {
    expect(rows.map((r) => `${r.name}>${r.imitates}`)).toEqual(expect.arrayContaining(['httpx2>httpx', 'httpcore2>httpcore']));
    for (const row of rows) {
      expect(row.source).toMatch(/^https:\/\/\S+/);
      expect(row.name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(shippedRanking().rankOf(row.imitates)).toBeDefined();
    }
  });

  it('holds no known malicious name, and every row is needed (the matcher flags it without the list)', () => {
    const malicious = new Set(parseMalicious(readFileSync('fixtures/typosquat/malicious.tsv', 'utf8')).map((m) => m.name));
    const without = new TyposquatMatcher(shippedRanking(), { top: 15000, successors: new Map() });
    const withList = new TyposquatMatcher(shippedRanking(), { top: 15000 });
    for (const row of rows) {
      expect(malicious.has(row.name)).toBe(false);
      expect(without.match(row.name)?.target).toBe(row.imitates);
      expect(withList.match(row.name)).toBeNull();
    }
  });

  it('skips comments, blank and incomplete lines, and normalizes spellings', () => {
    expect(parseSuccessors('# c\n\nname\timitates\tsource\nHTTPX_2\tHttpx\thttps://x\nonly-name\n\tx\ty\n')).toEqual([
      { name: 'httpx-2', imitates: 'httpx', source: 'https://x' },
    ]);
    expect([...shippedSuccessors().get('httpx2')!]).toEqual(['httpx']);
  });
});

describe('a listed successor', () => {
  const ranking = rankingFromLines('httpx\nhttpz', '2026-11', 'test');
  it('is never an imitation of the name it is listed with, but still of any other', () => {
    const plain = new TyposquatMatcher(ranking, { top: 2, successors: new Map() });
    expect(plain.match('httpy')?.target).toBe('httpx'); // one letter from both: the better rank wins
    const listed = new TyposquatMatcher(ranking, { top: 2, successors: successorMap([{ name: 'httpy', imitates: 'httpx', source: 'test' }]) });
    expect(listed.match('httpy')?.target).toBe('httpz');
    expect(listed.match('httpx2')?.target).toBe('httpx'); // only the listed name is spared
  });
});

describe('the popular-name exemption', () => {
  it('covers the whole shipped ranking: pypdf3 (#14,310) is a real project, not a squat of pypdf', () => {
    expect(POPULAR_RANK).toBe(15000);
    expect(shippedRanking().rankOf('pypdf3')).toBe(14310);
    const matcher = new TyposquatMatcher(shippedRanking(), { top: 15000 });
    expect(matcher.isPopular('pypdf3')).toBe(true);
    expect(matcher.match('pypdf3')).toBeNull();
    expect(matcher.matchIgnoringPopularity('pypdf3')?.target).toBe('pypdf');
    const shallow = new TyposquatMatcher(shippedRanking(), { top: 15000, popularRank: 5000 });
    expect(shallow.match('pypdf3')?.target).toBe('pypdf');
    // A name never matches itself, even with the exemption off.
    expect(matcher.matchIgnoringPopularity('requests')?.target).not.toBe('requests');
  });
});
