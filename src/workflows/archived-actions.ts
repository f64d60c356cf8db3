/**
 * Archived action repositories: zizmor's list (data/zizmor/archived-repos.txt, MIT), baked in so the
 * check runs offline, with lockgate's own replacements for the well-known ones. An archived
 * repository gets no fixes, security ones included, and its owner can no longer be asked for one.
 */
import { ARCHIVED_ACTION_REPLACEMENTS, ARCHIVED_ACTIONS } from './archived-actions.generated.js';

export interface ArchivedAction {
  /** What to use instead, when one is well known (a maintained action, or the command it wrapped). */
  replacement?: string;
}

let archived: ReadonlyMap<string, ArchivedAction> | null = null;

/** Built on first use: a run without workflows never splits the list. */
function archivedMap(): ReadonlyMap<string, ArchivedAction> {
  if (archived) return archived;
  const map = new Map<string, ArchivedAction>();
  for (const name of ARCHIVED_ACTIONS.split('\n')) if (name) map.set(name, {});
  for (const line of ARCHIVED_ACTION_REPLACEMENTS.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) map.set(line.slice(0, tab), { replacement: line.slice(tab + 1) });
  }
  archived = map;
  return map;
}

/** The archived repository `owner/repo` names (compared case-insensitively, as GitHub compares them), or undefined. */
export function archivedAction(owner: string, repo: string): ArchivedAction | undefined {
  return archivedMap().get(`${owner}/${repo}`.toLowerCase());
}

/** How many repositories the list holds (for tests and the docs). */
export function archivedActionCount(): number {
  return archivedMap().size;
}
