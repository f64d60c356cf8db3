/**
 * scripts/check-layers.mjs (npm run check:layers, a step of .ci/run) on tiny fixture trees: it must
 * fail on an import running up a layer, name the file, the import and the two layers, and pass a
 * tree whose imports all run down.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SCRIPT = join(process.cwd(), 'scripts', 'check-layers.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'lockgate-layers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let trees = 0;
function tree(files: Record<string, string>): string {
  const root = join(scratch, `t${trees++}`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

function check(root: string): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [SCRIPT, '--root', root, '--no-allow-list'], { encoding: 'utf8' });
  return { status: run.status, out: run.stdout + run.stderr };
}

const BASE = {
  'src/findings.ts': 'export type Severity = "error" | "warning" | "notice";\n',
  'src/rules/types.ts': "import type { Severity } from '../findings.js';\nexport interface Rule { id: string; defaultSeverity: Severity }\n",
};

/** Checks a tree built from BASE plus `files`; expects exit 1 and every line of `expected` in the output. */
function expectFailure(files: Record<string, string>, expected: string[]): void {
  const result = check(tree({ ...BASE, ...files }));
  expect(result.status).toBe(1);
  for (const line of expected) expect(result.out).toContain(line);
}

describe('check-layers', () => {
  it('passes a tree whose imports run down the layers', () => {
    const root = tree({
      ...BASE,
      'src/report/text.ts': "import type { Severity } from '../findings.js';\nexport const levels: Severity[] = [];\n",
    });
    const result = check(root);
    expect(result.out).toContain('0 violations');
    expect(result.status).toBe(0);
  });

  it('fails on an import running up a layer, type-only or not, and names both files and layers', () => {
    expectFailure(
      {
        'src/report/sarif.ts': "import type { Rule } from '../rules/types.js';\nexport const rules: Rule[] = [];\n",
        'src/workflows/introduced.ts': "export { type Rule } from '../rules/types.js';\n",
      },
      [
        'src/report/sarif.ts -> src/rules/types.ts (layer report may not import layer rules)',
        'src/workflows/introduced.ts -> src/rules/types.ts (layer workflows may not import layer rules)',
        '2 violations',
      ],
    );
  });

  it('fails on a file in no layer, and on an import that resolves to nothing', () => {
    expectFailure(
      { 'src/newfolder/x.ts': 'export const y = 1;\n', 'src/report/x.ts': "import { gone } from '../findings-old.js';\nexport const y = gone;\n" },
      ['src/newfolder/x.ts: in no layer', 'src/report/x.ts -> ../findings-old.js (does not resolve to a file)'],
    );
  });

  it('fails on an allow-list entry that no longer occurs (the list only shrinks)', () => {
    const root = tree(BASE);
    // The shipped list may be empty: the check is run with an entry of its own.
    const allowed = [{ from: 'src/report/gone.ts', to: 'src/rules/types.ts', why: 'test entry' }];
    const code =
      `import { checkLayers } from ${JSON.stringify(pathToFileURL(SCRIPT).href)};\n` +
      `const result = checkLayers(${JSON.stringify(root)}, { allowed: ${JSON.stringify(allowed)} });\n` +
      `console.log(result.problems.join('\\n'));\nprocess.exitCode = result.problems.length === 0 ? 0 : 1;\n`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('allow-list entry src/report/gone.ts -> src/rules/types.ts no longer occurs');
  });
});
