/**
 * The uv half of the invalid-file rule (src/rules/uv/invalid-file.ts): each uv file, or part of one,
 * that the loader could not use (src/uv/load.ts) is reported at the line at fault, with what to do.
 */
import { raiseLimitFix } from '../../settings/limits.js';
import type { UvLoadProblem } from '../../uv/load.js';
import type { Report } from '../define.js';

const REGENERATE_LOCK = 'Regenerate the lock with `uv lock` and commit it.';
const FIX_TOML = 'Fix the TOML syntax at this line.';

export function reportUvLoadProblems(problems: readonly UvLoadProblem[], report: Report): void {
  for (const problem of problems) {
    const { file, line, column, message } = problem;
    const at = { file, line, column, message };
    switch (problem.kind) {
      case 'too-large':
        report({ ...at, fix: raiseLimitFix('maxFileBytes', problem.bytes), subject: 'too-large' });
        break;
      case 'unreadable':
        report({ ...at, fix: 'Make the file a regular UTF-8 text file (not a symlink out of the repository).', subject: 'unreadable' });
        break;
      case 'toml-syntax':
        report(
          problem.unused
            ? {
                ...at,
                // Not read by uv here (a template, a fixture): said, without failing the check.
                level: 'notice',
                fix: 'Fix the TOML syntax; if the file is a template, leave it out of what lockgate reads with `exclude:` in .github/lockgate.yml.',
                subject: 'toml:syntax',
              }
            : { ...at, fix: FIX_TOML, subject: 'toml:syntax' },
        );
        break;
      case 'lock-syntax':
        report({ ...at, fix: REGENERATE_LOCK, subject: 'toml:syntax' });
        break;
      case 'lock-structure':
        report({ ...at, fix: REGENERATE_LOCK, subject: 'lock:structure' });
        break;
      case 'too-many-packages':
        // An error, not a notice: the packages past the limit go unchecked, and padding a lock past
        // it must not pass a gate that fails on errors (fail closed).
        report({ ...at, fix: raiseLimitFix('maxPackagesPerLock', problem.packages), subject: 'lock:too-many-packages' });
        break;
      case 'workspace-glob':
        report({
          ...at,
          // Outside the repository the members cannot be seen, whatever the glob: a warning to look
          // at them where they live. A glob that cannot be applied at all fails closed.
          level: problem.problem === 'outside' ? 'warning' : undefined,
          fix:
            problem.problem === 'outside'
              ? 'Keep the workspace members inside the repository, or check them where they live: lockgate only reads this repository.'
              : 'Fix the glob: uv reads members and exclude with the glob crate (`*`, `?`, `**`, `[abc]`, `[a-z]`, `[!a]`).',
          subject: `workspace-glob:${problem.list}:${problem.pattern}`,
        });
        break;
    }
  }
}
