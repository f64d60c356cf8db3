/**
 * Would `uv sync --locked` / `uv lock --check` accept this uv.lock? A static re-implementation of
 * uv's `ValidatedLock::validate` and `Lock::satisfies` (see research/uv-lock.md part b): uv records
 * every input of a resolution in the lock (`[options]`, `[manifest]`, `requires-python`, markers,
 * each workspace member's `[package.metadata]`), and any recorded input that differs from what the
 * project now says makes it re-resolve, which `--locked` refuses.
 *
 * Each difference is a `mismatch`. What lockgate cannot decide without running uv (metadata a build
 * backend computes, a path outside the repository, a comparison whose answer depends on the uv
 * version) is `undecidable`, with the reason; out-of-sync is never guessed.
 */
import type { UvProject } from '../model.js';
import type { Table } from '../values.js';
import { checkMembers } from './check-members.js';
import { checkEnvironments, checkConflicts, checkOptions, checkRequiresPython } from './check-options.js';
import { checkManifest } from './check-manifest.js';
import { walkPackages } from './check-packages.js';
import { SyncState, WORKSPACE } from './state.js';

export { compareRequirementSets } from './compare.js';

export interface SyncIssue {
  kind: 'mismatch' | 'undecidable';
  /** The workspace member (or `workspace` for workspace-wide settings) the difference is about. */
  member: string;
  /** What differs: `requires-dist`, `dependency group \`dev\``, `exclude-newer`, ... */
  what: string;
  /**
   * Which item of `what` (a requirement's name, an index URL) when `what` has several; with
   * `kind`, `member` and `what` it says what the issue is about without its values.
   */
  about?: string;
  /** The value as pyproject.toml / uv.toml / the workspace has it. */
  inPyproject?: string;
  /** The value as uv.lock records it. */
  inLock?: string;
  /** For undecidable issues: why lockgate cannot decide; for mismatches: extra context. */
  detail?: string;
  file: string;
  line?: number;
}

export interface SyncOptions {
  /**
   * uv settings given on the command line or in the environment (`--exclude-newer`,
   * `UV_EXCLUDE_NEWER`, ...), keyed as in `[tool.uv]`. uv lets them override the file settings
   * (uv-settings `Combine`: the CLI layer comes first), so they do here too.
   */
  commandLine?: Table;
}

export function checkLockSync(project: UvProject, options: SyncOptions = {}): SyncIssue[] {
  const lock = project.lock;
  if (!lock) return [];
  try {
    const s = new SyncState(project, lock, options);
    checkOptions(s);
    checkEnvironments(s);
    checkConflicts(s);
    checkRequiresPython(s);
    checkMembers(s);
    checkManifest(s);
    walkPackages(s);
    return s.issues;
  } catch (error) {
    // A bug here must not take the run down, nor pass for "in sync".
    return [
      {
        kind: 'undecidable',
        member: WORKSPACE,
        what: 'the lock',
        detail: `lockgate could not finish the check (${error instanceof Error ? error.message : String(error)})`,
        file: project.lockFile,
      },
    ];
  }
}
