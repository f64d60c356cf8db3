/**
 * Acceptance: on every file of the shared workflow corpus, unpinned-uses reports exactly the `uses:`
 * lines that an independent text scan (a regex over the lines, not the YAML parser) calls unpinned:
 * neither a full 40-hex SHA, nor local (`./`, `$/`), nor `docker://`.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/settings/types.js';
import { loadWorkflows } from '../src/workflows/load.js';
import { rule } from '../src/rules/workflows/unpinned-uses.js';
import { FIXTURES, corpusRepos, ruleContext, sourceFromDir } from './support/workflows.js';

const USES_LINE = /^\s*(?:-\s+)?uses:\s*(['"]?)([^'"#\s]*)\1\s*(?:#.*)?$/;

interface ScannedUses {
  line: number;
  value: string;
  unpinned: boolean;
}

function scanText(text: string): ScannedUses[] {
  const out: ScannedUses[] = [];
  text.split('\n').forEach((raw, index) => {
    const match = USES_LINE.exec(raw.replace(/\r$/, ''));
    if (!match) return;
    const value = match[2];
    const ref = value.includes('@') ? value.slice(value.lastIndexOf('@') + 1) : '';
    const local = value.startsWith('./') || value.startsWith('$/');
    const docker = value.startsWith('docker://');
    const sha = /^[0-9a-fA-F]{40}$/.test(ref);
    out.push({ line: index + 1, value, unpinned: !local && !docker && !sha });
  });
  return out;
}

const WORKFLOW_OR_ACTION = /(^\.github\/workflows\/[^/]+\.ya?ml$)|((^|\/)action\.ya?ml$)/;

describe('unpinned-uses on the shared workflow corpus', () => {
  const repos = corpusRepos();
  it('has the corpus copied', () => {
    expect(repos.length).toBeGreaterThanOrEqual(10);
  });

  let totalUnpinned = 0;
  let totalPinned = 0;
  it.each(repos)('%s: reported lines equal the independent line scan', (repo) => {
    const files = sourceFromDir(join(FIXTURES, 'corpus', repo));
    const { workflows, problems } = loadWorkflows(files, DEFAULT_LIMITS);
    expect(problems).toEqual([]);
    const findings = rule.check(ruleContext(workflows));
    for (const [path, text] of files.texts) {
      if (!WORKFLOW_OR_ACTION.test(path)) continue;
      const scanned = scanText(text);
      const expected = scanned.filter((s) => s.unpinned).map((s) => s.line);
      const pinnedLines = new Set(scanned.filter((s) => !s.unpinned).map((s) => s.line));
      const reported = findings.filter((f) => f.file === path).map((f) => f.line);
      expect({ path, lines: reported }).toEqual({ path, lines: expected });
      expect(reported.filter((line) => pinnedLines.has(line as number))).toEqual([]);
      totalUnpinned += expected.length;
      totalPinned += pinnedLines.size;
    }
    for (const finding of findings) {
      expect(finding).toMatchObject({ rule: 'unpinned-uses', severity: 'error', introduced: true });
      expect(finding.column).toBeGreaterThan(1);
    }
  });

  it('covered both pinned and unpinned uses (the comparison was not vacuous)', () => {
    expect(totalUnpinned).toBeGreaterThan(50);
    expect(totalPinned).toBeGreaterThan(50);
  });
});
