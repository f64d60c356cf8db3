import { describe, expect, it } from '@jest/globals';
import { EventError, isSafeRef, resolveRevisions } from '../src/action/event.js';

const BASE = '1'.repeat(40);
const HEAD = '2'.repeat(40);
const MERGE = '3'.repeat(40);
const ZERO = '0'.repeat(40);
const NO_INPUTS = { baseRef: '', headRef: '' };

function pullRequest(fork: boolean) {
  return {
    number: 42,
    pull_request: {
      number: 42,
      base: { sha: BASE, ref: 'main', repo: { full_name: 'octo/repo' } },
      head: { sha: HEAD, ref: 'feature', repo: { full_name: fork ? 'mallory/repo' : 'octo/repo' } },
    },
  };
}

describe('resolveRevisions', () => {
  it.each(['pull_request', 'pull_request_target'])('%s: base and head SHAs from the event, the check on the PR head (not the merge commit)', (event) => {
    const r = resolveRevisions(event, pullRequest(false), NO_INPUTS, MERGE);
    expect(r).toMatchObject({ base: BASE, head: HEAD, checkSha: HEAD, skip: null, pullRequest: { number: 42, fromFork: false } });
    expect(r.description).toBe(`${event}: base ${BASE} from pull request #42, head ${HEAD} from pull request #42`);
  });

  it('marks a PR from a fork (and one whose fork was deleted)', () => {
    expect(resolveRevisions('pull_request', pullRequest(true), NO_INPUTS, MERGE).pullRequest?.fromFork).toBe(true);
    const deleted = pullRequest(false);
    (deleted.pull_request.head as { repo: unknown }).repo = null;
    expect(resolveRevisions('pull_request', deleted, NO_INPUTS, MERGE).pullRequest).toMatchObject({ fromFork: true, headRepo: null });
  });

  it('merge_group: base_sha and head_sha', () => {
    const r = resolveRevisions(
      'merge_group',
      { merge_group: { base_sha: BASE, head_sha: HEAD, head_ref: 'refs/heads/gh-readonly-queue/main/pr-1' } },
      NO_INPUTS,
      HEAD,
    );
    expect(r).toMatchObject({ base: BASE, head: HEAD, checkSha: HEAD, pullRequest: null });
  });

  it('push: before and after', () => {
    expect(resolveRevisions('push', { before: BASE, after: HEAD }, NO_INPUTS, HEAD)).toMatchObject({ base: BASE, head: HEAD, checkSha: HEAD, skip: null });
  });

  it('push of a new branch (before is all zeros): no base, a full audit of after', () => {
    const r = resolveRevisions('push', { before: ZERO, after: HEAD, created: true }, NO_INPUTS, HEAD);
    expect(r).toMatchObject({ base: null, head: HEAD, checkSha: HEAD });
    expect(r.description).toContain('no base (full audit)');
  });

  it('push that deletes a branch: nothing to check', () => {
    expect(resolveRevisions('push', { before: BASE, after: ZERO, deleted: true }, NO_INPUTS, ZERO).skip).toMatch(/deleted/);
  });

  it.each(['schedule', 'workflow_dispatch'])('%s without inputs: a full audit of the working tree, the check on GITHUB_SHA', (event) => {
    expect(resolveRevisions(event, {}, NO_INPUTS, HEAD)).toMatchObject({ base: null, head: null, checkSha: HEAD, pullRequest: null });
  });

  it('workflow_dispatch with base-ref and head-ref inputs', () => {
    const r = resolveRevisions('workflow_dispatch', { inputs: {} }, { baseRef: 'main', headRef: HEAD }, BASE);
    expect(r).toMatchObject({ base: 'main', head: HEAD, checkSha: HEAD });
    expect(r.description).toBe(`workflow_dispatch: base main from the base-ref input, head ${HEAD} from the head-ref input`);
  });

  it('inputs win over the event; a head-ref that is a branch name leaves the check SHA to be resolved', () => {
    const r = resolveRevisions('pull_request', pullRequest(false), { baseRef: 'v1.0', headRef: 'release/2' }, MERGE);
    expect(r).toMatchObject({ base: 'v1.0', head: 'release/2', checkSha: null, pullRequest: { number: 42 } });
  });

  it('rejects a payload without SHAs, or with something else in their place', () => {
    expect(() => resolveRevisions('pull_request', {}, NO_INPUTS, MERGE)).toThrow(EventError);
    expect(() =>
      resolveRevisions('pull_request', { pull_request: { number: 1, base: { sha: '--upload-pack=x' }, head: { sha: HEAD } } }, NO_INPUTS, MERGE),
    ).toThrow(EventError);
    expect(() => resolveRevisions('merge_group', { merge_group: { base_sha: 1, head_sha: HEAD } }, NO_INPUTS, MERGE)).toThrow(/merge_group/);
    expect(() => resolveRevisions('pull_request', 'not an object', NO_INPUTS, MERGE)).toThrow(EventError);
  });

  it('push with a non-SHA before is treated as no base, never passed to git', () => {
    expect(resolveRevisions('push', { before: '--output=/tmp/x', after: HEAD }, NO_INPUTS, HEAD).base).toBeNull();
  });

  it('rejects inputs that could be read as git options or ranges', () => {
    for (const bad of ['--upload-pack=touch /tmp/x', 'main..evil', 'a b', 'HEAD@{1}', 'x\ny', 'refs/heads/x.lock']) {
      expect(() => resolveRevisions('workflow_dispatch', {}, { baseRef: bad, headRef: '' }, HEAD)).toThrow(EventError);
    }
  });
});

describe('isSafeRef', () => {
  it.each(['main', 'release/1.2', 'v1.0.0', BASE, 'HEAD~1', 'origin/main', 'feature_x-y+z'])('accepts %s', (ref) => expect(isSafeRef(ref)).toBe(true));
  it.each(['', '-x', 'a..b', 'a b', 'a:b', 'a\\b', 'x.lock', 'x/', 'x.', 'a@{0}', 'a*'])('refuses %j', (ref) => expect(isSafeRef(ref)).toBe(false));
});
