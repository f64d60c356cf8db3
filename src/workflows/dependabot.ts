/**
 * dependabot.yml: each `updates:` entry should wait at least the cooldown before proposing a new
 * release, so a compromised release is yanked before Dependabot opens a pull request for it.
 */
import { isScalar, type Node, type Scalar } from 'yaml';
import { makeFinding, type Finding } from '../findings.js';
import type { Settings } from '../settings/types.js';
import type { WorkflowFile } from './model.js';
import { get, getPair, items, posOf, str } from './walk.js';

/** Dependabot accepts cooldown days from 1 to 90; asking for more could never be satisfied. */
export const DEPENDABOT_MAX_COOLDOWN_DAYS = 90;
const DEFAULT_DAYS = 7;

/** The cooldown dependabot entries must meet: lockgate's cooldown (settings, or the config's longer one), capped at 90. */
export function dependabotCooldownDays(settings: Settings | undefined): number {
  const candidates = [settings?.cooldownDays, settings?.config?.cooldown?.days].filter(
    (n): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0,
  );
  const days = candidates.length > 0 ? Math.max(...candidates) : DEFAULT_DAYS;
  return Math.min(Math.ceil(days), DEPENDABOT_MAX_COOLDOWN_DAYS);
}

/** A scalar's whole-number value (a number or a numeric string), or null. */
function daysOf(node: Node | undefined): number | null {
  if (!isScalar(node)) return null;
  const value = node.value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return null;
}

/** Ecosystems whose updates land in uv.lock or requirements, where lockgate's own cooldown rule applies. */
const PYTHON_ECOSYSTEMS = new Set(['pip', 'uv', 'pipenv', 'poetry', 'pip-compile']);

const SEMVER_KEYS = ['semver-major-days', 'semver-minor-days', 'semver-patch-days'];

export function dependabotCooldownFindings(wf: WorkflowFile, minDays: number): Finding[] {
  if (wf.kind !== 'dependabot') return [];
  const findings: Finding[] = [];
  const subjects = new Map<string, number>();
  for (const entry of items(get(wf.doc.contents, 'updates'))) {
    const ecosystemPair = getPair(entry, 'package-ecosystem');
    const ecosystem = str(ecosystemPair?.value)?.trim();
    if (!ecosystemPair || !ecosystem) continue; // GitHub rejects an entry without an ecosystem
    const directories = str(get(entry, 'directory')) ?? JSON.stringify(get(entry, 'directories')?.toJSON?.() ?? null);
    const base = `${ecosystem}|${directories}|${str(get(entry, 'target-branch')) ?? ''}`;
    const n = (subjects.get(base) ?? 0) + 1;
    subjects.set(base, n);
    const subject = n === 1 ? base : `${base}#${n}`;

    const keyPos = posOf(wf, ecosystemPair.key);
    const indent = ' '.repeat(Math.max(0, keyPos.column - 1));
    const cooldownPair = getPair(entry, 'cooldown');
    const defaultPair = getPair(cooldownPair?.value, 'default-days');
    const label = `Dependabot ${ecosystem} updates`;
    const push = (at: Scalar, message: string, fix: string, sub: string): void => {
      const pos = posOf(wf, at);
      findings.push(
        makeFinding({ rule: 'dependabot-cooldown', severity: 'warning', file: wf.file, line: pos.line, column: pos.column, message, fix, subject: sub }),
      );
    };

    if (!cooldownPair) {
      push(
        ecosystemPair.key,
        `${label} have no cooldown, so Dependabot proposes a release the moment it is published, before a compromised one is likely to be caught; lockgate's cooldown is ${minDays} days.`,
        `Add to this entry:\n${indent}cooldown:\n${indent}  default-days: ${minDays}`,
        `${subject}|default-days`,
      );
      continue;
    }
    const days = daysOf((defaultPair?.value ?? undefined) as Node | undefined);
    if (!defaultPair) {
      push(
        ecosystemPair.key,
        `${label} set cooldown: without default-days, so releases outside the semver-specific settings are proposed the moment they are published; lockgate's cooldown is ${minDays} days.`,
        `Add under cooldown:\n${indent}  default-days: ${minDays}`,
        `${subject}|default-days`,
      );
    } else if (days === null || days < minDays) {
      push(
        defaultPair.key,
        days === null
          ? `${label} have a cooldown.default-days that is not a number of days, which Dependabot rejects; lockgate's cooldown is ${minDays} days.`
          : `${label} wait ${days} day${days === 1 ? '' : 's'} (cooldown.default-days), less than lockgate's ${minDays}-day cooldown` +
              (PYTHON_ECOSYSTEMS.has(ecosystem.toLowerCase())
                ? ', so Dependabot opens pull requests that lockgate\'s cooldown rule then fails.'
                : ', so a compromised release can reach a pull request before it is caught.'),
        `Set default-days: ${minDays}`,
        `${subject}|default-days`,
      );
    }
    for (const key of SEMVER_KEYS) {
      const pair = getPair(cooldownPair.value, key);
      if (!pair) continue;
      const value = daysOf((pair.value ?? undefined) as Node | undefined);
      if (value !== null && value >= minDays) continue;
      push(
        pair.key,
        value === null
          ? `${label} have a cooldown.${key} that is not a number of days, which Dependabot rejects.`
          : `${label} wait only ${value} day${value === 1 ? '' : 's'} for ${key.split('-')[1]} releases (cooldown.${key}), less than lockgate's ${minDays}-day cooldown.`,
        `Set ${key}: ${minDays}, or delete it so default-days applies.`,
        `${subject}|${key}`,
      );
    }
  }
  return findings;
}
