/**
 * Hostile input for the workflow loader and the pinning and run-step rules: random text, random YAML
 * shaped like workflows and actions (wrong types, odd shell), anchors and aliases. Nothing may throw;
 * every finding stays well-formed and points inside its file.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { SEVERITIES } from '../src/findings.js';
import { DEFAULT_LIMITS } from '../src/settings/types.js';
import { loadWorkflows } from '../src/workflows/load.js';
import { parseShell } from '../src/workflows/shell.js';
import { githubNeeds } from '../src/net/github-enrich.js';
import { rule as unpinnedUses } from '../src/rules/workflows/unpinned-uses.js';
import { rule as unpinnedImage } from '../src/rules/workflows/unpinned-image.js';
import { rule as refVersionMismatch } from '../src/rules/workflows/ref-version-mismatch.js';
import { rule as impostorCommit } from '../src/rules/workflows/impostor-commit.js';
import { rule as uvUnlocked } from '../src/rules/workflows/uv-unlocked.js';
import { rule as pipUnhashed } from '../src/rules/workflows/pip-unhashed.js';
import { rule as curlPipeShell } from '../src/rules/workflows/curl-pipe-shell.js';
import type { GithubFacts } from '../src/facts/types.js';
import { loadWorkflowsReported, ruleContext, sourceFromTexts } from './support/workflows.js';

const RULES = [unpinnedUses, unpinnedImage, refVersionMismatch, impostorCommit, uvUnlocked, pipUnhashed, curlPipeShell];
const KEYS = ['on', 'jobs', 'steps', 'run', 'uses', 'with', 'env', 'container', 'image', 'services', 'runs', 'using', 'shell', 'defaults', 'UV_LOCKED', 'x'];
const SCALARS = [
  'actions/checkout@v4',
  `actions/cache@${'a'.repeat(40)} # v4.0.2`,
  'docker://alpine',
  'docker',
  'composite',
  './x',
  '$/x',
  'python:3.12',
  'uv sync',
  'uv run --locked pytest',
  'curl -s https://x | sh',
  'pip install -r r.txt',
  'uvx ruff',
  'bash <(curl x)',
  'sh -c "$(curl x)"',
  'cat <<EOF\nuv sync\nEOF',
  'a \\\n b',
  '"unterminated',
  '${{ matrix.x }}',
  '1',
  'true',
  '',
  '\u0000',
  '<b>',
];
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('list'), tie('map')),
  scalar: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(...SCALARS)),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
})).node;

const FACTS: GithubFacts = {
  refs: new Map([['actions/cache@v4.0.2', { status: 'found', sha: 'b'.repeat(40), kind: 'tag' }]]),
  tagsAtCommit: new Map([[`actions/cache@${'a'.repeat(40)}`, { error: 'x' }]]),
  reachable: new Map([[`actions/cache@${'a'.repeat(40)}`, false]]),
};

function checkAll(files: Record<string, string>): void {
  const { workflows, invalid } = loadWorkflowsReported(sourceFromTexts(files), DEFAULT_LIMITS);
  for (const finding of invalid) expect(finding.rule).toBe('invalid-file');
  githubNeeds(workflows);
  const ctx = ruleContext(workflows, { base: workflows, github: FACTS });
  for (const rule of RULES) {
    for (const finding of rule.check(ctx)) {
      expect(SEVERITIES).toContain(finding.severity);
      expect(finding.rule).toBe(rule.id);
      const lines = files[finding.file].split('\n').length;
      expect(finding.line).toBeGreaterThanOrEqual(1);
      expect(finding.line).toBeLessThanOrEqual(lines);
      expect(typeof finding.message).toBe('string');
      expect(finding.introduced).toBe(false);
    }
  }
}

describe('hostile workflow input', () => {
  it('random YAML shaped like workflows and actions', () => {
    fc.assert(
      fc.property(value, value, (workflow, action) => {
        checkAll({ '.github/workflows/w.yml': stringify(workflow), 'a/action.yml': stringify(action) });
      }),
      { numRuns: 300 },
    );
  });

  it('random text, including YAML syntax characters', () => {
    const alphabet = fc.constantFrom(...'ab:- \n\t#&*!|>{}[]"\'%@`\\$'.split(''));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')),
        (text) => {
          checkAll({ '.github/workflows/w.yml': text });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('random run scripts', () => {
    const pieces = fc.constantFrom(
      'uv',
      'sync',
      'run',
      'pip',
      'install',
      'curl',
      '|',
      'sh',
      '&&',
      ';',
      '\n',
      '"',
      "'",
      '$(',
      ')',
      '<(',
      '`',
      '\\',
      '<<EOF',
      'EOF',
      '#',
      '${{',
      '}}',
      '-c',
      '--locked',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 40 }).map((a) => a.join(' ')),
        (script) => {
          parseShell(script);
          checkAll({
            '.github/workflows/w.yml': stringify({
              on: 'push',
              jobs: { a: { 'runs-on': 'x', steps: [{ run: script }, { run: script.replace(/\n/g, ' ') }] } },
            }),
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('anchors and aliases in odd places', () => {
    const text = [
      'x: &s {uses: actions/checkout@v4, run: uv sync}',
      'on: &on push',
      'jobs:',
      '  a: &job',
      '    runs-on: x',
      '    container: &img python:3',
      '    services: {db: {image: *img}}',
      '    steps: [*s, *s, {run: *on}]',
      '  b: *job',
      '  c: {uses: *on, steps: *s}',
      '',
    ].join('\n');
    checkAll({ '.github/workflows/w.yml': text });
    const { workflows } = loadWorkflows(sourceFromTexts({ '.github/workflows/w.yml': text }), DEFAULT_LIMITS);
    // Job b is job a through an alias, job c uses the `push` scalar: findings point at the anchored text.
    expect(unpinnedUses.check(ruleContext(workflows)).map((f) => f.line)).toEqual([1, 1, 1, 1, 2]);
  });
});
