/**
 * Shared wording for the cooldown rules: the exemption snippet and package labels. Names come from
 * hostile files; they go into messages as they are (reporters escape), and into YAML quoted.
 */
import { redactUrl } from '../core/text.js';
import type { LockPackage } from './model.js';

/** `httpx 0.28.1`, or just the name when the entry has no version. */
export function packageLabel(pkg: LockPackage): string {
  return typeof pkg.version === 'string' && pkg.version !== '' ? `${pkg.name} ${pkg.version}` : pkg.name;
}

function yamlScalar(text: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(text) ? text : JSON.stringify(text);
}

/** The config entry that exempts a package from the cooldown until a date. */
export function exemptionSnippet(configFile: string, name: string, until: string, reason = '<why this release cannot wait>'): string {
  return [
    `${configFile}:`,
    'cooldown:',
    '  exempt:',
    `    - package: ${yamlScalar(name)}`,
    `      until: ${until}`,
    `      reason: ${reason}`,
  ].join('\n');
}

/** A URL for a message: credentials removed, long ones shortened. */
export function displayUrl(url: string): string {
  const clean = redactUrl(url);
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

/** A word for a shell command line: as is when plain, else single-quoted. */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9._=@:+\/-]+$/.test(text)) return text;
  // Double quotes read better for requirements with markers (`'3.12'` inside); they are safe
  // when nothing in the text expands or escapes in them.
  if (!/["$`\\!\n]/.test(text)) return `"${text}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A TOML basic string (JSON escapes are valid TOML escapes for these characters). */
export function tomlString(text: string): string {
  return JSON.stringify(text);
}
