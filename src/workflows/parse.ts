import { parseDocument } from 'yaml';
import type { WorkflowFile, WorkflowFileKind, Pos } from './model.js';

/** Builds a function that maps an offset in `text` to a 1-based line and column. */
export function positionIndex(text: string): (offset: number) => Pos {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
}

export function workflowKindOf(path: string): WorkflowFileKind | null {
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'workflow';
  if (/^\.github\/dependabot\.ya?ml$/.test(path)) return 'dependabot';
  if (/(^|\/)action\.ya?ml$/.test(path)) return 'action';
  return null;
}

/** Parses one file; the workflow helper owns hardening (limits, errors as invalid-file findings). */
export function parseWorkflowFile(file: string, kind: WorkflowFileKind, text: string): WorkflowFile {
  const doc = parseDocument(text, { keepSourceTokens: false, prettyErrors: false, uniqueKeys: false });
  return { file, kind, text, doc, posAt: positionIndex(text) };
}
