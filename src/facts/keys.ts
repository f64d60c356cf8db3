/** The keys of the fact maps, shared by the network edge (which fills them) and the rules (which read them). */

/** Key of an index lookup: index URL (credentials stripped) + normalized project name. */
export function indexKey(indexUrl: string, name: string): string {
  return `${indexUrl}\n${name}`;
}

/** Key of a GithubFacts entry: owner and repo lowercased (GitHub ignores their case), ref or SHA as written (SHAs lowercased). */
export function githubFactKey(owner: string, repo: string, refOrSha: string): string {
  const ref = /^[0-9a-fA-F]{40}$/.test(refOrSha) ? refOrSha.toLowerCase() : refOrSha;
  return `${owner.toLowerCase()}/${repo.toLowerCase()}@${ref}`;
}

/** Key of a per-repository GithubFacts entry: owner/repo lowercased. */
export function githubRepoKey(owner: string, repo: string): string {
  return `${owner.toLowerCase()}/${repo.toLowerCase()}`;
}
