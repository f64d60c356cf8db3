/**
 * Wording shared by the cooldown rules (cooldown, cooldown-unverified): the exemption snippet.
 * Names come from hostile files; they go into messages as they are (reporters escape), and into
 * YAML quoted.
 */

function yamlScalar(text: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(text) ? text : JSON.stringify(text);
}

/** The config entry that exempts a package from the cooldown until a date. */
export function exemptionSnippet(configFile: string, name: string, until: string, reason = '<why this release cannot wait>'): string {
  return [`${configFile}:`, 'cooldown:', '  exempt:', `    - package: ${yamlScalar(name)}`, `      until: ${until}`, `      reason: ${reason}`].join('\n');
}

/**
 * Why the head's own exclude-newer-package entry did not waive the finding: the change adds it (or
 * widens it), and an opt-out a pull request grants itself is not a review.
 */
export function selfGrantedNote(entry: string | undefined, configFile: string): string {
  if (!entry) return '';
  return (
    ` This change sets exclude-newer-package ${entry} itself, which the base does not: an opt-out a pull request grants itself` +
    ` does not waive the cooldown (lockgate reads ${configFile} from the base for the same reason). Land the entry in a reviewed change first,` +
    ' or exempt the package in the base config.'
  );
}
