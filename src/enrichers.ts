/**
 * The network edge: gathers index and GitHub facts before the rules run.
 * (Wired to the clients in src/registry as they land.)
 */
import type { GithubFacts, IndexFacts } from './registry/types.js';
import type { Settings } from './settings/types.js';
import type { ProjectPair } from './uv/model.js';
import type { WorkflowFile } from './workflows/model.js';

export async function gatherIndexFacts(_pairs: ProjectPair[], _settings: Settings, _log: (line: string) => void): Promise<IndexFacts> {
  return { projects: new Map() };
}

export async function gatherGithubFacts(_workflows: WorkflowFile[], _settings: Settings, _log: (line: string) => void): Promise<GithubFacts> {
  return { refs: new Map(), tagsAtCommit: new Map(), reachable: new Map() };
}
