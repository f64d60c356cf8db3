/**
 * The files of one revision that lockgate reads, loaded at the edge so parsers and rules stay pure.
 */
export interface SourceFiles {
  /** The revision (a commit SHA when known) or 'WORKTREE'. */
  label: string;
  /**
   * Every file of the revision, repo-relative with forward slashes, sorted: the tracked files of a
   * commit; for the working tree, tracked files still on disk plus untracked files .gitignore does
   * not exclude.
   */
  paths: string[];
  /** Text of the files lockgate reads (see `isReadByLockgate`), UTF-8 decoded, BOM removed. */
  texts: Map<string, string>;
  /** Files lockgate wanted but could not read, with the reason (too large, a symlink out of the repo, not UTF-8). */
  unreadable: Map<string, string>;
  /** Committer time of the revision (now for the working tree). */
  time: Date;
}

const WORKFLOW_RE = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const ACTION_RE = /(^|\/)action\.ya?ml$/;

/** The files whose text lockgate needs: uv projects, workflows, actions, dependabot and its own config. */
export function isReadByLockgate(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    base === 'pyproject.toml' ||
    base === 'uv.lock' ||
    base === 'uv.toml' ||
    WORKFLOW_RE.test(path) ||
    ACTION_RE.test(path) ||
    path === '.github/dependabot.yml' ||
    path === '.github/dependabot.yaml' ||
    path === '.github/lockgate.yml' ||
    path === '.github/lockgate.yaml'
  );
}
