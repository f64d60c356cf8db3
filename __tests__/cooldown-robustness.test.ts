/** Hostile inputs: the cooldown, index and uv-settings rules never throw, whatever the files hold. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { IndexFacts } from '../src/facts/types.js';
import { rule as addBounds } from '../src/rules/uv/add-bounds-not-exact.js';
import { rule as cooldown } from '../src/rules/uv/cooldown.js';
import { rule as cooldownUnverified } from '../src/rules/uv/cooldown-unverified.js';
import { rule as excludeNewerMissing } from '../src/rules/uv/exclude-newer-missing.js';
import { rule as ghostFile } from '../src/rules/uv/ghost-file.js';
import { rule as unpinnedGitSource } from '../src/rules/uv/unpinned-git-source.js';
import { rule as unpinnedRequirement } from '../src/rules/uv/unpinned-requirement.js';
import { rule as unsafeIndexStrategy } from '../src/rules/uv/unsafe-index-strategy.js';
import { rule as urlSourceUnhashed } from '../src/rules/uv/url-source-unhashed.js';
import { rule as yanked } from '../src/rules/uv/yanked.js';
import { pairProjects } from '../src/uv/diff.js';
import { parseExcludeNewer, parseSpan, parseTimestamp } from '../src/uv/exclude-newer.js';
import { loadUvProjects } from '../src/uv/load.js';
import { contextFor } from './cooldown-helpers.js';
import { LIMITS, sourceFromTexts } from './uv-helpers.js';

const RULES = [
  cooldown,
  cooldownUnverified,
  excludeNewerMissing,
  addBounds,
  unpinnedRequirement,
  unsafeIndexStrategy,
  unpinnedGitSource,
  urlSourceUnhashed,
  yanked,
  ghostFile,
];

const HOSTILE_PYPROJECT = `[project]
name = "evil\\n::error::<b>x</b>"
dependencies = ["ok>=1", 5, { a = 1 }, "bad name !!", "x @ git+https://h/r", "y @ git+not a url"]
optional-dependencies = "nope"

[dependency-groups]
dev = "not a list"
g = [{ include-group = "dev" }, ["nested"]]

[tool.uv]
exclude-newer = 7
exclude-newer-package = ["x"]
add-bounds = { a = 1 }
index-strategy = ["unsafe-best-match"]
pip = "x"
dev-dependencies = [1, 2]

[tool.uv.sources]
a = "string"
b = [1, "x", { git = 5 }]
c = { git = "https://github.com/x/y", rev = "" , branch = ["main"] }
"weird::name" = { url = 3 }
`;

const HOSTILE_LOCK = `version = 1
requires-python = ">=3.12"

[options]
exclude-newer = "not a time"
exclude-newer-span = "1 month"

[options.exclude-newer-package]
a = 1
b = { span = 5 }
c = { timestamp = "yesterday" }

[[package]]
name = "a"
version = "1.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://x/a-1.0.tar.gz", hash = "sha256:zz", upload-time = "2026-13-45T99:00:00Z" }
wheels = [{ url = "https://x/%ZZ/a-1.0-py3-none-any.whl", upload-time = "" }]

[[package]]
name = "c"
version = "2.0"
source = { url = "https://example.com/c-2.0.tar.gz" }

[[package]]
name = "d"
version = "1.0"
source = { registry = "../local" }
sdist = { path = "../local/d-1.0.tar.gz", upload-time = "2026-08-31T00:00:00Z" }
`;

describe('rules on hostile files', () => {
  it('never throw, online or offline', () => {
    const head = loadUvProjects(
      sourceFromTexts({ 'pyproject.toml': HOSTILE_PYPROJECT, 'uv.lock': HOSTILE_LOCK, 'uv.toml': 'exclude-newer = false\n[pip]\nindex-strategy = 3\n' }),
      LIMITS,
    );
    const pairs = pairProjects(null, head.projects);
    // The files load (so the rules really see them): three packages, one from a URL without a hash.
    expect(pairs[0]!.head!.lock!.packages.map((p) => p.name)).toEqual(['a', 'c', 'd']);
    expect(urlSourceUnhashed.check(contextFor(pairs)).map((f) => f.package?.name)).toEqual(['c']);
    const index: IndexFacts = {
      projects: new Map([
        [
          'https://pypi.org/simple\na',
          { status: 'found', versions: [5 as unknown as string], files: [{ filename: 'a-1.0.tar.gz', url: '', yanked: 'x' }, null as never], source: 'simple' },
        ],
      ]),
    };
    for (const facts of [null, index, { projects: new Map() }]) {
      for (const rule of RULES) expect(() => rule.check(contextFor(pairs, { index: facts }))).not.toThrow();
    }
  });
});

describe('exclude-newer parsing never throws', () => {
  it('on any string or value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (value) => {
        const parsed = parseExcludeNewer(value);
        expect(typeof parsed.ok).toBe('boolean');
        if (typeof value === 'string') {
          parseSpan(value);
          parseTimestamp(value);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it("on strings made of the grammar's own pieces", () => {
    const piece = fc.constantFrom(
      '1',
      '7',
      '1.5',
      ' ',
      ',',
      'd',
      'days',
      'w',
      'week',
      'h',
      'P',
      'T',
      'D',
      'W',
      'H',
      'M',
      'S',
      '-',
      '+',
      'ago',
      ':',
      '00',
      '2026-01-01',
      'Z',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const parsed = parseExcludeNewer(pieces.join(''));
        if (parsed.ok && parsed.value.kind === 'span') expect(Number.isFinite(parsed.value.span.ms) && parsed.value.span.ms >= 0).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
