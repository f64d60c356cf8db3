/**
 * Suggested changes (src/action/suggestions.ts) in process: which findings become suggestions (the
 * fixable ones on lines the pull request touched), what each suggestion replaces, and the review
 * bookkeeping (one per head SHA, older ones dismissed or marked superseded). End to end against the
 * loopback GitHub: __tests__/e2e-suggestions.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { commentBody, computeSuggestions, publishSuggestions, SUGGESTIONS_MARKER, type ReviewApi } from '../src/action/suggestions.js';
import type { CreateReview, PullReview } from '../src/net/github.js';
import { fakeResolver, fakeSha, NOW, scan } from './support/fix.js';

const WF = '.github/workflows/ci.yml';
const BASE = 'name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv sync\n';

async function suggest(base: Record<string, string>, head: Record<string, string>) {
  const findings = scan(head);
  return computeSuggestions({ findings, head: new Map(Object.entries(head)), base: new Map(Object.entries(base)), cooldownDays: 7, now: NOW }, fakeResolver());
}

describe('computeSuggestions', () => {
  it('suggests only on lines the pull request touched', async () => {
    const head = { [WF]: `${BASE}      - uses: actions/setup-python@v5\n      - run: uv run pytest\n` };
    const suggestions = await suggest({ [WF]: BASE }, head);
    // uv sync on line 9 was there before: its finding stays in the report, without a suggestion.
    expect(suggestions).toEqual([
      {
        path: WF,
        startLine: 10,
        line: 10,
        text: `      - uses: actions/setup-python@${fakeSha('actions', 'setup-python', 'v5')} # v5`,
        rules: ['unpinned-uses'],
      },
      { path: WF, startLine: 11, line: 11, text: '      - run: uv run --locked pytest', rules: ['uv-unlocked'] },
    ]);
  });

  it('merges two fixes of one line into one suggestion, in the planner order, lines added included', async () => {
    const head = { [WF]: `${BASE}      - uses: actions/checkout@v4\n` };
    const suggestions = await suggest({ [WF]: BASE }, head);
    expect(suggestions).toEqual([
      {
        path: WF,
        startLine: 10,
        line: 10,
        text: `      - uses: actions/checkout@${fakeSha('actions', 'checkout', 'v4')} # v4\n        with:\n          persist-credentials: false`,
        rules: ['unpinned-uses', 'artipacked'],
      },
    ]);
  });

  it('treats a new file as touched everywhere, and drops the CR of CRLF lines from the suggestion', async () => {
    const head = { '.github/dependabot.yml': 'version: 2\r\nupdates:\r\n  - package-ecosystem: pip\r\n    directory: /\r\n' };
    const suggestions = await suggest({}, head);
    expect(suggestions).toEqual([
      {
        path: '.github/dependabot.yml',
        startLine: 3,
        line: 3,
        text: '  - package-ecosystem: pip\n    cooldown:\n      default-days: 7',
        rules: ['dependabot-cooldown'],
      },
    ]);
  });

  it('suggests nothing offline for pins, and nothing for a finding without a fix', async () => {
    const head = { [WF]: `${BASE.replace('permissions:\n  contents: read\n', 'permissions: write-all\n')}      - uses: actions/setup-python@v5\n` };
    const findings = scan(head);
    const suggestions = await computeSuggestions({ findings, head: new Map(Object.entries(head)), base: new Map(), cooldownDays: 7, now: NOW }, null);
    expect(suggestions.map((s) => s.rules)).toEqual([['uv-unlocked']]);
  });
});

describe('commentBody', () => {
  it('fences the suggestion longer than any backtick run in it, and says why without file text', () => {
    const body = commentBody({ path: WF, startLine: 3, line: 3, text: '      - run: echo ```x```', rules: ['uv-unlocked'] });
    expect(body).toBe(
      '**uv-unlocked**: Installs exactly what uv.lock says, or fails if the lock is out of date.\n\n````suggestion\n      - run: echo ```x```\n````',
    );
  });
});

class MemoryReviews implements ReviewApi {
  reviews: PullReview[] = [];
  created: CreateReview[] = [];
  calls: string[] = [];
  async listReviews(): Promise<PullReview[]> {
    return this.reviews;
  }
  async createReview(_pull: number, review: CreateReview): Promise<{ id: number }> {
    this.created.push(review);
    const id = 100 + this.reviews.length;
    this.reviews.push({ id, body: review.body, state: 'COMMENTED', commit_id: review.commit_id, user: null });
    return { id };
  }
  async updateReview(_pull: number, id: number, body: string): Promise<void> {
    this.calls.push(`update ${id}`);
    this.reviews.find((r) => r.id === id)!.body = body;
  }
  async dismissReview(_pull: number, id: number): Promise<void> {
    this.calls.push(`dismiss ${id}`);
    this.reviews.find((r) => r.id === id)!.state = 'DISMISSED';
  }
}

describe('publishSuggestions', () => {
  const head = 'a'.repeat(40);
  const one = [{ path: WF, startLine: 2, line: 3, text: 'x\ny', rules: ['uv-unlocked'] }];

  it('creates one COMMENT review on the head SHA, with start_line for a multi-line suggestion', async () => {
    const api = new MemoryReviews();
    expect(await publishSuggestions(api, 7, head, one)).toEqual({ action: 'created', id: 100, suggestions: 1, superseded: 0 });
    expect(api.created).toEqual([
      {
        commit_id: head,
        event: 'COMMENT',
        body: expect.stringContaining(SUGGESTIONS_MARKER),
        comments: [{ path: WF, line: 3, side: 'RIGHT', start_line: 2, start_side: 'RIGHT', body: expect.stringContaining('```suggestion\nx\ny\n```') }],
      },
    ]);
  });

  it('does not post twice on one head, posts nothing without suggestions, and leaves other reviews alone', async () => {
    const api = new MemoryReviews();
    api.reviews.push({ id: 1, body: 'LGTM', state: 'APPROVED', commit_id: 'b'.repeat(40), user: null });
    await publishSuggestions(api, 7, head, one);
    expect(await publishSuggestions(api, 7, head, one)).toEqual(expect.objectContaining({ action: 'skipped', reason: expect.stringContaining('already has') }));
    expect(await publishSuggestions(api, 7, 'c'.repeat(40), [])).toEqual({
      action: 'skipped',
      reason: 'no fixable finding on a line this pull request touched',
      superseded: 1,
    });
    expect(api.created).toHaveLength(1);
    expect(api.calls).toEqual(['update 101']);
    expect(api.reviews[0]!.state).toBe('APPROVED');
  });

  it('dismisses an older approving or change-requesting lockgate review, and marks a commented one once', async () => {
    const api = new MemoryReviews();
    api.reviews.push({ id: 1, body: `${SUGGESTIONS_MARKER}\nold`, state: 'CHANGES_REQUESTED', commit_id: 'b'.repeat(40), user: null });
    api.reviews.push({ id: 2, body: `${SUGGESTIONS_MARKER}\nold`, state: 'COMMENTED', commit_id: 'b'.repeat(40), user: null });
    await publishSuggestions(api, 7, head, one);
    await publishSuggestions(api, 7, 'd'.repeat(40), one);
    expect(api.calls).toEqual(['dismiss 1', 'update 2', 'update 102']);
  });
});
