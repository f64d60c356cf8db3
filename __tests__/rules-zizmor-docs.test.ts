/**
 * Recall against zizmor's documented examples (issue 16): the cases of docs/audits.md and the example
 * workflows it links, copied under fixtures/workflows/zizmor-docs/<rule>/ with `# expect[...]` markers.
 * Each folder must give exactly its marked findings (so nothing the docs call safe is flagged), and
 * the share of zizmor's expected findings that lockgate reports is at least the 95%.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule as artipacked } from '../src/rules/workflows/artipacked.js';
import { rule as excessivePermissions } from '../src/rules/workflows/excessive-permissions.js';
import { rule as templateInjection } from '../src/rules/workflows/template-injection.js';
import { rule as unpinnedImage } from '../src/rules/workflows/unpinned-image.js';
import { ruleTester } from './support/rule-tester.js';
import { FIXTURES, findingRows } from './support/workflows.js';

const RULES = [templateInjection, excessivePermissions, artipacked, unpinnedImage];
const dirOf = (id: string): string => join(FIXTURES, 'zizmor-docs', id);

for (const rule of RULES) {
  ruleTester(rule).run({ invalid: [{ name: `zizmor-docs/${rule.id}: exactly the marked findings`, fixture: dirOf(rule.id) }] });
}

describe('recall on zizmor-docs', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s finds at least 95% of the marked cases', (_id, rule) => {
    const { rows, expected } = findingRows(rule, dirOf(rule.id));
    const left = [...rows];
    let found = 0;
    for (const want of expected) {
      const at = left.findIndex((row) => row.file === want.file && row.line === want.line && row.severity === want.severity);
      if (at < 0) continue;
      found++;
      left.splice(at, 1);
    }
    expect(expected.length).toBeGreaterThanOrEqual(7);
    expect(found / expected.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('messages and fixes of the new findings', () => {
  const findings = (rule: (typeof RULES)[number]) => findingRows(rule, dirOf(rule.id)).findings;

  it('template-injection names the action input and says not to paste into it', () => {
    const yq = findings(templateInjection).find((f) => f.file === '.github/workflows/action-sinks.yml' && f.line === 37)!;
    expect(yq.message).toBe(
      '${{ github.event.issue.title }} pastes attacker-controlled text (github.event.issue.title, written by anyone who opens an issue) into the cmd input of mikefarah/yq before it runs; ' +
        "a crafted value executes as shell code with this job's token and secrets.",
    );
    expect(yq.fix).toBe(
      'Do not write ${{ github.event.issue.title }} into the cmd input: mikefarah/yq runs that text as code. ' +
        'Pass the value as data instead: set it in env: on this step and read the variable from the code, or have an earlier step write it to a file the code reads.',
    );
  });

  it('template-injection keeps the github-script wording and fix for actions/github-script', () => {
    const script = findings(templateInjection).find((f) => f.file === '.github/workflows/gha-hazmat.yml' && f.line === 104)!;
    expect(script.message).toContain('into this github-script script before it runs');
    expect(script.fix).toContain('process.env.ISSUE_TITLE');
  });

  it('excessive-permissions explains read-all at workflow and job level', () => {
    const readAll = findings(excessivePermissions).filter((f) => f.file === '.github/workflows/read-all.yml');
    expect(readAll.map((f) => [f.line, f.severity])).toEqual([
      [4, 'notice'],
      [12, 'notice'],
    ]);
    expect(readAll[0].message).toContain('permissions: read-all lets every job without its own permissions: block (test) read every scope');
    expect(readAll[1].message).toContain('Job docs asks for permissions: read-all');
    expect(readAll[1].fix).toBe('Replace read-all with the scopes this job reads, for example:\npermissions:\n  contents: read');
  });

  it('artipacked escalates to an error only when the upload can carry the token (checkout before v6)', () => {
    const upload = findings(artipacked).filter((f) => f.file === '.github/workflows/upload-forms.yml');
    expect(upload.map((f) => [f.line, f.severity])).toEqual([
      [8, 'error'],
      [18, 'error'],
      [26, 'warning'],
      [47, 'warning'],
      [48, 'warning'],
    ]);
    expect(upload[0].message).toContain('uploads the whole workspace as an artifact, token included');
    expect(upload[3].message).not.toContain('uploads');
  });

  it('unpinned-image reports a matrix image at the matrix value, naming where it is used', () => {
    const matrix = findings(unpinnedImage).filter((f) => f.file === '.github/workflows/forms.yml' && (f.line ?? 0) >= 22);
    expect(matrix.map((f) => f.line)).toEqual([22, 24, 33, 52]);
    expect(matrix.map((f) => f.confidence)).toEqual(['high', 'high', 'high', 'low']);
    expect(matrix[0].message).toBe(
      'The image python:3.12 (job matrix-images container, from matrix.image) is referenced by a tag, not by @sha256 digest: the registry can serve different content under the same name at any time.',
    );
    expect(matrix[2].message).toContain('(service database of job matrix-service, from matrix.db)');
    expect(matrix[1].fix).toBe('postgres@sha256:<digest>, with the digest from: docker buildx imagetools inspect postgres   (the "Digest:" line)');
  });
});
