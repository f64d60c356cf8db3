/**
 * workflow-invalid: what GitHub refuses before running a workflow or composite action. GitHub's own
 * parser (@actions/workflow-parser, a devDependency here and nowhere in src/) is the oracle: every
 * file that must fire is refused by it at the same lines, and every clean fixture and corpus file,
 * all of which run on GitHub today, is accepted by it and by lockgate.
 */
import { describe, expect, it } from '@jest/globals';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rule } from '../src/rules/workflows/workflow-invalid.js';
import { ruleTester } from './support/rule-tester.js';
import { corpusRepos, riskContext, workflowsFromTexts } from './support/workflow-risks.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIRES = join(ROOT, 'fixtures/workflows/rules/workflow-invalid/fires');
const CLEAN = join(ROOT, 'fixtures/workflows/rules/workflow-invalid/clean');

function yamlFilesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name)) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

/** The lines GitHub's parser refuses in one file: schema errors, then (when there are none) the conversion's. */
async function githubErrorLines(path: string, content: string): Promise<number[]> {
  const action = /(^|\/)action\.ya?ml$/.test(path);
  const parsed = action
    ? parseAction({ name: path, content }, new NoOperationTraceWriter())
    : parseWorkflow({ name: path, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.range?.start.line ?? 0);
  if (errors.length > 0 || action || !parsed.value) return errors;
  const converted = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (converted.errors ?? []).map((e) => Number(/\(Line: (\d+),/.exec(e.Message)?.[1] ?? 0));
}

function findingsOf(files: Record<string, string>) {
  return rule.check(riskContext(workflowsFromTexts(files)));
}

function textsOf(root: string): Record<string, string> {
  return Object.fromEntries(yamlFilesUnder(root).map((path) => [path, readFileSync(join(root, path), 'utf8')]));
}

ruleTester(rule).run({
  valid: [{ name: 'every shape GitHub accepts', fixture: 'fixtures/workflows/rules/workflow-invalid/clean' }],
  invalid: [{ name: 'each rejection at its marked line', fixture: 'fixtures/workflows/rules/workflow-invalid/fires' }],
});

describe('workflow-invalid against GitHub’s parser', () => {
  it.each(yamlFilesUnder(FIRES))('GitHub refuses %s at exactly the lines lockgate reports', async (path) => {
    const text = readFileSync(join(FIRES, path), 'utf8');
    const ours = [...new Set(findingsOf({ [path]: text }).map((f) => f.line))].sort((a, b) => (a ?? 0) - (b ?? 0));
    const github = [...new Set(await githubErrorLines(path, text))].sort((a, b) => a - b);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(github);
  });

  it.each(yamlFilesUnder(CLEAN))('GitHub accepts the clean fixture %s', async (path) => {
    expect(await githubErrorLines(path, readFileSync(join(CLEAN, path), 'utf8'))).toEqual([]);
  });

  it('is silent on the whole corpus, which GitHub accepts too (103 workflows, 6 actions)', async () => {
    let workflows = 0;
    let actions = 0;
    for (const repo of corpusRepos()) {
      expect(repo.problems).toEqual([]);
      expect(rule.check(riskContext(repo.workflows))).toEqual([]);
      for (const wf of repo.workflows) {
        if (wf.kind === 'dependabot') continue;
        if (wf.kind === 'workflow') workflows++;
        else actions++;
        expect([wf.file, await githubErrorLines(wf.file, wf.text)]).toEqual([wf.file, []]);
      }
    }
    expect([workflows, actions]).toEqual([103, 6]);
  });

  it('fires on the zizmor-docs examples GitHub refuses (snippets without `on:`, an unknown context), and only on them', () => {
    const root = join(ROOT, 'fixtures/workflows/zizmor-docs');
    const found = readdirSync(root)
      .filter((name) => statSync(join(root, name)).isDirectory())
      .flatMap((name) => rule.check(riskContext(workflowsFromTexts(textsOf(join(root, name))))).map((f) => `${name}/${f.file}:${f.line}`));
    expect(found.sort()).toEqual([
      'excessive-permissions/.github/workflows/audits-md-after.yml:16',
      'excessive-permissions/.github/workflows/audits-md-before.yml:17',
      'template-injection/.github/workflows/gha-hazmat.yml:113',
      'unsound-condition/.github/workflows/audits-md.yml:2',
      'unsound-contains/.github/workflows/gha-hazmat.yml:35',
    ]);
  });
});

describe('workflow-invalid messages', () => {
  const wf = (body: string) => findingsOf({ '.github/workflows/ci.yml': body });

  it('names the key and the step, says what GitHub does and how to fix', () => {
    const [finding] = wf('on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        run: echo\n');
    expect(finding).toMatchObject({ rule: 'workflow-invalid', severity: 'error', confidence: 'high', line: 7, column: 9 });
    expect(finding.message).toBe(
      "GitHub would refuse this workflow: Step 1 of job 'test' has both uses: and run:; a step either runs an action or runs commands, so GitHub refuses it. Split it into two steps. " +
        'Until it is fixed, none of its jobs run (the checks it is meant to enforce are silently missing).',
    );
  });

  it('suggests the key a misspelt one is closest to', () => {
    const [finding] = wf('on: push\npermisions: {}\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: echo\n');
    expect(finding.message).toContain(
      "Unexpected value 'permisions' at the top of the workflow: GitHub does not know this key (did you mean 'permissions'? allowed:",
    );
    const [unrelated] = wf('on: push\nfoo: 1\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: echo\n');
    expect(unrelated.message).not.toContain('did you mean');
  });

  it('finds the same key twice in a mapping of any size, compared without regard to case, once per repeat', () => {
    const env = (count: number, repeats: string[]) =>
      [...Array.from({ length: count }, (_, i) => `      K${i}: v`), ...repeats.map((key) => `      ${key}: again`)].join('\n');
    for (const count of [3, 12, 13, 40]) {
      const findings = wf(`on: push\njobs:\n  t:\n    runs-on: x\n    env:\n${env(count, ['k1', 'K2', `K${count - 1}`])}\n    steps:\n      - run: echo\n`);
      expect(findings.map((f) => [f.line, f.message.slice(0, 70)])).toEqual([
        [6 + count, "GitHub would refuse this workflow: 'k1' is already defined (as 'K1': GitHub compares".slice(0, 70)],
        [7 + count, "GitHub would refuse this workflow: 'K2' is already defined; GitHub refuses a mapping".slice(0, 70)],
        [8 + count, `GitHub would refuse this workflow: 'K${count - 1}' is already defined; GitHub refuses a mapping`.slice(0, 70)],
      ]);
    }
  });

  it('gives GitHub’s wording for expressions', () => {
    const messages = wf('on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.sha ) }} ${{ foo.bar }}\n').map((f) => f.message);
    expect(messages).toEqual([
      expect.stringContaining('The expression ${{ github.sha ) }} is not valid syntax'),
      expect.stringContaining("Unrecognized named-value: 'foo' in ${{ foo.bar }}"),
    ]);
  });

  it('keeps a YAML that does not parse for invalid-file: such a file never reaches this rule', () => {
    expect(() => workflowsFromTexts({ '.github/workflows/ci.yml': 'on: [push\n' })).toThrow(/does not load/);
  });

  it('keeps hostile names to one bounded line', () => {
    const long = 'k'.repeat(1000); // YAML's longest implicit key
    const found = wf(`on: push\n"${long}": 1\n"a\\nb::error::x": 2\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: echo \${{ ${'('.repeat(5000)} }}\n`);
    expect(found).toHaveLength(3);
    for (const finding of found) {
      expect(finding.message.length).toBeLessThan(1000);
      expect(finding.message).not.toMatch(/[\r\n]/);
    }
  });

  it('ignores dependabot files and aliased steps reported once', () => {
    expect(findingsOf({ '.github/dependabot.yml': 'version: 2\nupdates: []\nfoo: 1\n' })).toEqual([]);
    const aliased = wf('on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - &s\n        run: echo\n        uses: x/y@v1\n      - *s\n');
    expect(aliased.map((f) => f.line)).toEqual([7]);
  });
});
