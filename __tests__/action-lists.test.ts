import { describe, expect, it } from '@jest/globals';
import { isPopularAction } from '../src/typosquat/actions.js';
import { POPULAR_ACTIONS_SOURCE } from '../src/typosquat/popular-actions.generated.js';
import { archivedActionCount } from '../src/workflows/archived-actions.js';
import { ARCHIVED_ACTIONS_SOURCE } from '../src/workflows/archived-actions.generated.js';

describe('the baked-in action lists (scripts/update-action-lists.mjs)', () => {
  it("name zizmor's commit they were taken from", () => {
    for (const source of [ARCHIVED_ACTIONS_SOURCE, POPULAR_ACTIONS_SOURCE]) expect(source).toContain('11bbf7e6cffac7ccf4f803d40255e0cd54c60236');
  });

  it('hold the archived repositories and the popular actions, case-insensitively', () => {
    expect(archivedActionCount()).toBe(151);
    expect(isPopularAction('Actions', 'Checkout')).toBe(true);
    expect(isPopularAction('pypa', 'gh-action-pypi-publish')).toBe(true);
    expect(isPopularAction('actions', 'checkout-typo')).toBe(false);
  });
});
