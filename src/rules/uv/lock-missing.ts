import type { ProjectPair, Pyproject } from '../../uv/model.js';
import { keyPath, lineOf } from '../../uv/toml.js';
import { asStringArray, isTable, own } from '../../uv/values.js';
import { shellWord } from '../../core/text.js';
import { defineRule, type Report } from '../define.js';

export const rule = defineRule({
  meta: { id: 'lock-missing', defaultSeverity: 'error', summary: 'A change deletes the uv.lock of a uv project that has dependencies.' },
  check: (ctx, report) => checkLockMissing(ctx.projects, report),
});

function hasEntries(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isTable(value)) return Object.values(value).some((list) => Array.isArray(list) && list.length > 0);
  return false;
}

/** The line of the first dependency declaration of a pyproject, or undefined when it declares none. */
function dependencyLine(pyproject: Pyproject): number | undefined {
  const project = own(pyproject.raw, 'project');
  const candidates: [unknown, string][] = [
    [own(project, 'dependencies'), keyPath('project', 'dependencies')],
    [own(project, 'optional-dependencies'), keyPath('project', 'optional-dependencies')],
    [own(pyproject.raw, 'dependency-groups'), keyPath('dependency-groups')],
    [own(own(own(pyproject.raw, 'tool'), 'uv'), 'dev-dependencies'), keyPath('tool', 'uv', 'dev-dependencies')],
  ];
  for (const [value, path] of candidates) {
    if (hasEntries(value)) return lineOf(pyproject.lines, path) ?? lineOf(pyproject.lines, 'project') ?? 1;
  }
  // `dynamic = ["dependencies"]`: the build backend supplies them; a lock is still needed.
  if ((asStringArray(own(project, 'dynamic')) ?? []).some((key) => key === 'dependencies' || key === 'optional-dependencies')) {
    return lineOf(pyproject.lines, keyPath('project', 'dynamic')) ?? 1;
  }
  return undefined;
}

function checkLockMissing(pairs: readonly ProjectPair[], report: Report): void {
  for (const pair of pairs) {
    const head = pair.head;
    if (!head || head.lock || (head.lockState ?? 'missing') !== 'missing') continue;
    let where: { file: string; line: number } | undefined;
    for (const pyproject of [head.rootPyproject, ...head.members]) {
      const line = dependencyLine(pyproject);
      if (line !== undefined) {
        where = { file: pyproject.file, line };
        break;
      }
    }
    if (!where) continue;
    const dir = head.root === '' ? '' : ` --directory ${shellWord(head.root)}`;
    const introduced = !(pair.base && !pair.base.lock && (pair.base.lockState ?? 'missing') === 'missing');
    report({
      file: where.file,
      line: where.line,
      message: `This uv project declares dependencies but has no ${head.lockFile}, so every install resolves afresh: versions, files and indexes are whatever they are that day, and nothing in review pins them.`,
      fix: `Run \`uv lock${dir}\`, commit ${head.lockFile}, and install with \`uv sync --locked\`.`,
      introduced,
      subject: head.lockFile,
    });
  }
}
