/**
 * Which secrets a workflow reads (`secrets.X`, or all of them), and which secrets a locally called
 * reusable workflow needs: facts for dangerous-trigger's privilege words and secrets-inherit's fix.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { findExpressions, scanContextPaths } from './expressions.js';
import type { WorkflowFile } from './model.js';
import { declaredSecretsOf } from './triggers.js';
import { get, jobsOf } from './walk.js';

/** The secrets a workflow can hand to its steps: names it reads (`secrets.X`), or all of them. */
export interface SecretsRead {
  names: string[];
  /** `secrets: inherit`, `toJSON(secrets)` or a computed `secrets[...]`: any secret may be read. */
  all: boolean;
}

export function secretsReadIn(wf: WorkflowFile): SecretsRead {
  const names = new Map<string, string>();
  let all = false;
  const visit = (node: unknown): void => {
    if (isScalar(node)) {
      const text = typeof node.value === 'string' ? node.value : '';
      if (!text.includes('${{')) return;
      for (const span of findExpressions(text)) {
        for (const path of scanContextPaths(span.body)) {
          const [root, name] = path.split('.');
          if (root?.toLowerCase() !== 'secrets') continue;
          if (name === undefined || name === '*') all = true;
          else if (name.toUpperCase() !== 'GITHUB_TOKEN') names.set(name.toUpperCase(), name);
        }
      }
    } else if (isMap(node)) {
      for (const pair of node.items) visit(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(wf.doc.contents);
  for (const job of jobsOf(wf)) {
    const inherit = get(job.node, 'secrets');
    if (
      isScalar(inherit) &&
      String(inherit.value ?? '')
        .trim()
        .toLowerCase() === 'inherit'
    )
      all = true;
  }
  return { names: [...names.values()], all };
}

/** The workflow a local `uses: ./.github/workflows/x.yml` names, among the revision's files. */
export function localCallee(uses: string, workflows: readonly WorkflowFile[]): WorkflowFile | undefined {
  const value = uses.trim();
  // `./` and GitHub's newer `$/` both name a file of this repository.
  if (!value.startsWith('./') && !value.startsWith('$/')) return undefined;
  const path = value.slice(2).replace(/@[^/]*$/, '');
  return workflows.find((wf) => wf.file === path);
}

/**
 * The secrets a called workflow reads: those it declares under on.workflow_call.secrets plus every
 * secrets.NAME it references (with `secrets: inherit` it may read undeclared ones). GITHUB_TOKEN is
 * always available and never needs passing. Null when it cannot be known: the callee is not a file of
 * this revision, or it passes `secrets: inherit` on itself.
 */
export function calleeSecrets(callee: WorkflowFile | undefined): { declared: string[]; undeclared: string[] } | null {
  if (!callee) return null;
  const declared = declaredSecretsOf(callee) ?? [];
  if (/^\s*secrets\s*:\s*inherit\s*(?:#.*)?$/im.test(callee.text)) return null;
  const known = new Set(declared.map((name) => name.toUpperCase()));
  const undeclared: string[] = [];
  for (const match of callee.text.matchAll(/\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']+)'\s*\])/g)) {
    const name = match[1] ?? match[2];
    const upper = name.toUpperCase();
    if (upper === 'GITHUB_TOKEN' || known.has(upper)) continue;
    known.add(upper);
    undeclared.push(name);
  }
  return { declared, undeclared };
}
