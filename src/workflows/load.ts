/**
 * Finds and parses the workflow, action and dependabot files of one revision. Every file that cannot
 * be used becomes an `invalid-file` finding (error) with the file and the line at fault; nothing here
 * throws, whatever the input.
 */
import { makeFinding, type Finding } from '../findings.js';
import type { Limits } from '../settings/types.js';
import { ParseCache } from '../source/parse-cache.js';
import type { SourceFiles } from '../source/types.js';
import type { WorkflowFile } from './model.js';
import { isFileSizeLimitReason, raiseLimitFix } from '../settings/limits.js';
import { MAX_WORKFLOW_BYTES, parseWorkflow, workflowKindOf } from './parse.js';

export interface LoadedWorkflows {
  /** Files that parsed into a usable model, sorted by path. */
  workflows: WorkflowFile[];
  /** `invalid-file` findings for the files that did not. */
  invalid: Finding[];
}

const TOO_LARGE_FOR_ANY_LIMIT = `Workflow YAML over ${MAX_WORKFLOW_BYTES} bytes is never parsed, whatever the limits say: split the file (reusable workflows, composite actions).`;

/**
 * Discovery: `.github/workflows/*.yml|yaml` (top level only, as GitHub reads them), `action.yml|yaml`
 * anywhere (composite, Docker and JavaScript actions), `.github/dependabot.yml|yaml`.
 */
export function loadWorkflows(files: SourceFiles, limits: Limits, options: { cache?: ParseCache } = {}): LoadedWorkflows {
  const cache = options.cache ?? new ParseCache();
  const workflows: WorkflowFile[] = [];
  const invalid: Finding[] = [];
  const candidates = new Set<string>();
  for (const path of files.paths ?? []) candidates.add(path);
  for (const path of files.texts?.keys() ?? []) candidates.add(path);
  for (const path of files.unreadable?.keys() ?? []) candidates.add(path);

  for (const path of [...candidates].sort()) {
    const kind = workflowKindOf(path);
    if (!kind) continue;
    const unreadable = files.unreadable?.get(path);
    const text = files.texts?.get(path);
    if (unreadable !== undefined || typeof text !== 'string') {
      const overLimit = isFileSizeLimitReason(unreadable);
      const size = overLimit ? Number(/^(\d+) bytes/.exec(unreadable!)?.[1] ?? 0) : 0;
      invalid.push(
        makeFinding({
          rule: 'invalid-file',
          severity: 'error',
          file: path,
          line: 1,
          message: `This ${kind} file could not be read (${unreadable ?? 'no text was loaded'}), so it was not checked.`,
          fix: !overLimit ? undefined : size > MAX_WORKFLOW_BYTES ? TOO_LARGE_FOR_ANY_LIMIT : raiseLimitFix('maxFileBytes', size),
          subject: overLimit ? 'yaml:too-large' : 'unreadable',
        }),
      );
      continue;
    }
    const outcome = cache.get('workflow', path, text, () => parseWorkflow(path, kind, text, limits));
    if (outcome.ok) {
      workflows.push(outcome.workflow);
      continue;
    }
    const { problem } = outcome;
    invalid.push(
      makeFinding({
        rule: 'invalid-file',
        severity: 'error',
        file: path,
        line: problem.line,
        column: problem.column,
        message: `${/[.!?]$/.test(problem.message) ? problem.message : `${problem.message}.`} Lockgate did not check this ${kind} file.`,
        fix: problem.limit
          ? raiseLimitFix(problem.limit.name, problem.limit.needed)
          : problem.kind === 'too-large'
            ? TOO_LARGE_FOR_ANY_LIMIT
            : problem.kind === 'syntax'
              ? 'Fix the YAML at this line (GitHub rejects the file too).'
              : undefined,
        subject: `yaml:${problem.kind}`,
      }),
    );
  }
  return { workflows, invalid };
}
