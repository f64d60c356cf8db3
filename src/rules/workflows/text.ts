/** Wording shared by the workflow rules' messages. */

/** Up to five names, then how many more: `a, b, c, d, e and 2 more`. */
export function listOf(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

/** The fix for a SHA pin that is not a release: pin a tagged commit instead, and how to list them. */
export function releasePinFix(target: string, owner: string, repo: string): string {
  return `${target}@<sha of a release> # <tag>, from: gh api repos/${owner}/${repo}/tags --jq '.[] | .name + " " + .commit.sha'`;
}
