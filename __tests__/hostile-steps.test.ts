/**
 * A workflow job with thousands of steps: uv-unlocked collected every earlier step for every uv
 * command, quadratic in the steps of a job (8,000 steps: 1.6 s a file, and a file may hold 50,000).
 * The first step of each job that writes UV_LOCKED to $GITHUB_ENV is now found once; these tests
 * pin down which commands that step covers.
 */
import { describe, expect, it } from '@jest/globals';
import { rule as uvUnlocked } from '../src/rules/workflows/uv-unlocked.js';
import { DEFAULT_LIMITS } from '../src/settings/types.js';
import { loadWorkflows } from '../src/workflows/load.js';
import { pipelineSettings, sourceFiles } from './support/pipeline.js';

function findingsFor(text: string) {
  const { workflows, problems } = loadWorkflows(sourceFiles({ '.github/workflows/w.yml': text }), DEFAULT_LIMITS);
  expect(problems).toEqual([]);
  const settings = pipelineSettings();
  return uvUnlocked.check({
    settings,
    now: settings.now,
    headTime: settings.now,
    projects: [],
    workflows,
    baseWorkflows: null,
    invalidFiles: [],
    headFiles: [],
    index: null,
    github: null,
  });
}

describe('uv-unlocked in a job of 3,000 steps', () => {
  it('flags the uv commands before the step that sets UV_LOCKED in $GITHUB_ENV, in that job only', () => {
    const steps = (job: string, setterAt: number | null) =>
      Array.from({ length: 3000 }, (_, i) => (i === setterAt ? '      - run: echo "UV_LOCKED=1" >> "$GITHUB_ENV"' : `      - run: uv sync # ${job} ${i}`)).join(
        '\n',
      );
    const text = `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${steps('a', 1500)}\n  b:\n    runs-on: x\n    steps:\n${steps('b', null)}\n`;
    const lines = text.split('\n');
    const flagged = findingsFor(text).map((f) => lines[f.line! - 1]!.replace(/^.*# /, ''));
    expect(flagged.filter((l) => l.startsWith('a '))).toEqual(Array.from({ length: 1500 }, (_, i) => `a ${i}`));
    expect(flagged.filter((l) => l.startsWith('b '))).toHaveLength(3000);
  });
});
