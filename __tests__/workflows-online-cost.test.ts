/**
 * What the online audits ref-confusion, stale-action-ref and vulnerable-action add to a run's GitHub
 * requests, counted on the workflow corpus (no network: from what githubNeeds asks for):
 * - ref-confusion: one git/ref/heads request per distinct `uses:` ref that resolves as a tag (at most
 *   the distinct symbolic refs, counted here);
 * - stale-action-ref: none (it reads the tag listing ref-version-mismatch already asks for);
 * - vulnerable-action: one request per 50 actions used, plus one per version of an action that has
 *   advisories (which ones have advisories is only known online; a SHA pin or a ref with no tag names no version).
 */
import { describe, expect, it } from '@jest/globals';
import { githubNeeds } from '../src/net/github-enrich.js';
import { corpusRepos } from './support/workflow-risks.js';

describe('extra GitHub requests of the online audits on the corpus', () => {
  it('stays small per repository', () => {
    const rows = corpusRepos().map(({ repo, workflows }) => {
      const needs = [...githubNeeds(workflows).values()];
      const symbolicRefs = needs.reduce((n, r) => n + r.usesRefs.size, 0);
      const advisoryFirstStage = Math.ceil(needs.length / 50);
      return [repo, needs.length, symbolicRefs, advisoryFirstStage] as const;
    });
    // [repository, actions used, distinct symbolic refs, first-stage advisory requests]
    expect(rows).toEqual([
      ['Kludex__starlette', 12, 0, 1],
      ['PrefectHQ__fastmcp', 13, 12, 1],
      ['astral-sh__uv', 31, 0, 1],
      ['docling-project__docling', 14, 3, 1],
      ['mitmproxy__mitmproxy', 16, 0, 1],
      ['modelcontextprotocol__python-sdk', 15, 0, 1],
      ['openai__openai-agents-python', 8, 0, 1],
      ['pallets__flask', 9, 0, 1],
      ['pydantic__pydantic-settings', 9, 0, 1],
      ['tox-dev__tox-uv', 5, 0, 1],
    ]);
    for (const [, , symbolic, first] of rows) expect(symbolic + first).toBeLessThanOrEqual(40);
  });
});
