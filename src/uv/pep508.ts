/**
 * PEP 508 requirement strings (`name[extra1,extra2] >=1,<2 ; python_version < "3.11"`,
 * `name @ https://host/pkg.whl ; sys_platform == "linux"`), parsed the way uv reads
 * `project.dependencies`, `dependency-groups` and the `[tool.uv]` requirement lists.
 *
 * The text comes from hostile files: the parser returns an error (with the reason) and never
 * throws; input longer than MAX_REQUIREMENT_LENGTH is refused outright.
 */
import { normalizeName } from './names.js';
import { parseSpecifiers, type Result, type Specifier } from './specifiers.js';
import { parseMarker, type Marker } from './markers.js';

export interface Requirement {
  /** The name as written. */
  name: string;
  /** PEP 503 normalized. */
  normalizedName: string;
  /** Normalized, sorted, without duplicates. */
  extras: string[];
  /** Version specifiers, sorted as uv sorts them (empty when any version will do or a URL is given). */
  specifiers: Specifier[];
  /** The direct reference after `@`, when there is one. */
  url?: string;
  /** The marker text after `;`, trimmed, when there is one. */
  markerText?: string;
  /** The parsed marker (TRUE when there is none). */
  marker: Marker;
  /** The whole requirement as written, trimmed. */
  text: string;
}

export const MAX_REQUIREMENT_LENGTH = 8192;

const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const EXTRA_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function parseRequirement(input: unknown): Result<Requirement> {
  if (typeof input !== 'string') return { ok: false, error: 'a requirement must be a string' };
  if (input.length > MAX_REQUIREMENT_LENGTH) return { ok: false, error: `a requirement longer than ${MAX_REQUIREMENT_LENGTH} characters` };
  const text = input.trim();
  if (text === '') return { ok: false, error: 'an empty requirement' };
  const fail = (reason: string): Result<Requirement> => ({ ok: false, error: `\`${text}\`: ${reason}` });

  const nameMatch = NAME_RE.exec(text);
  if (!nameMatch) return fail('does not start with a package name');
  const name = nameMatch[0];
  let rest = text.slice(name.length);

  let extras: string[] = [];
  rest = rest.trimStart();
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return fail('has `[` without a closing `]`');
    const inner = rest.slice(1, close).trim();
    rest = rest.slice(close + 1);
    if (inner !== '') {
      const parts = inner.split(',').map((part) => part.trim());
      for (const part of parts) {
        if (!EXTRA_RE.test(part)) return fail(`has an invalid extra name \`${part}\``);
      }
      extras = [...new Set(parts.map(normalizeName))].sort();
    }
  }

  rest = rest.trimStart();
  let url: string | undefined;
  let specifierText = '';
  let markerText: string | undefined;

  if (rest.startsWith('@')) {
    rest = rest.slice(1).trimStart();
    // The URL runs to whitespace; a marker must then follow after ` ;` (a `;` glued to the URL is
    // part of it, as PEP 508 and uv read it).
    const end = rest.search(/\s/);
    url = end === -1 ? rest : rest.slice(0, end);
    rest = end === -1 ? '' : rest.slice(end).trimStart();
    if (url === '') return fail('has `@` without a URL');
    if (rest !== '') {
      if (!rest.startsWith(';')) return fail(`has unexpected text after the URL: \`${rest}\``);
      markerText = rest.slice(1).trim();
      if (markerText === '') return fail('has `;` without a marker');
    }
  } else {
    const semicolon = rest.indexOf(';');
    specifierText = (semicolon === -1 ? rest : rest.slice(0, semicolon)).trim();
    if (semicolon !== -1) {
      markerText = rest.slice(semicolon + 1).trim();
      if (markerText === '') return fail('has `;` without a marker');
    }
    if (specifierText.startsWith('(')) {
      if (!specifierText.endsWith(')')) return fail('has `(` without a closing `)`');
      specifierText = specifierText.slice(1, -1).trim();
    }
    if (specifierText !== '' && !/^[<>=!~]/.test(specifierText)) {
      return fail(`has unexpected text \`${specifierText}\` (expected a version specifier, \`@ URL\` or \`; marker\`)`);
    }
  }

  const specs = parseSpecifiers(specifierText);
  if (!specs.ok) return fail(specs.error);

  let marker: Marker = { kind: 'true' };
  if (markerText !== undefined) {
    const parsed = parseMarker(markerText);
    if (!parsed.ok) return fail(`invalid marker: ${parsed.error}`);
    marker = parsed.value;
  }

  const requirement: Requirement = { name, normalizedName: normalizeName(name), extras, specifiers: specs.value, marker, text };
  if (url !== undefined) requirement.url = url;
  if (markerText !== undefined) requirement.markerText = markerText;
  return { ok: true, value: requirement };
}
