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
