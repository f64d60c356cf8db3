/** Wording shared by the workflow rules' messages. */

/** Up to five names, then how many more: `a, b, c, d, e and 2 more`. */
export function listOf(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}
