/**
 * dependabot.yml: the `updates:` entries and their cooldown settings, for the dependabot-cooldown
 * rule (src/rules/workflows/dependabot-cooldown.ts). Facts only: pure functions of the file and the settings.
 */
import { isScalar, type Node } from 'yaml';
import type { Settings } from '../settings/types.js';
import type { Pos, WorkflowFile } from './model.js';
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

const SEMVER_KEYS = ['semver-major-days', 'semver-minor-days', 'semver-patch-days'];

/** One cooldown setting of an entry: where its key is and its whole number of days (null: not a number). */
export interface CooldownDays {
  key: string;
  pos: Pos;
  days: number | null;
}

/** One `updates:` entry of a dependabot.yml. */
export interface DependabotUpdate {
  ecosystem: string;
  /** The entry itself, for the keys a rule reads. */
  entry: Node;
  /** Where the `package-ecosystem` key is. */
  pos: Pos;
  /** ecosystem|directories|target-branch, with `#n` from the second entry that repeats it. */
  subject: string;
  /** Whether the entry has a `cooldown:` key. */
  hasCooldown: boolean;
  /** cooldown.default-days, when written. */
  defaultDays: CooldownDays | undefined;
  /** The semver-major/minor/patch-days written under cooldown:, in that order. */
  semver: CooldownDays[];
}

/** The `updates:` entries of a dependabot file that name an ecosystem (GitHub rejects one without). */
export function dependabotUpdates(wf: WorkflowFile): DependabotUpdate[] {
  if (wf.kind !== 'dependabot') return [];
  const updates: DependabotUpdate[] = [];
  const subjects = new Map<string, number>();
  for (const entry of items(get(wf.doc.contents, 'updates'))) {
    const ecosystemPair = getPair(entry, 'package-ecosystem');
    const ecosystem = str(ecosystemPair?.value)?.trim();
    if (!ecosystemPair || !ecosystem) continue;
    const directories = str(get(entry, 'directory')) ?? JSON.stringify(get(entry, 'directories')?.toJSON?.() ?? null);
    const base = `${ecosystem}|${directories}|${str(get(entry, 'target-branch')) ?? ''}`;
    const n = (subjects.get(base) ?? 0) + 1;
    subjects.set(base, n);
    const cooldownPair = getPair(entry, 'cooldown');
    const setting = (key: string): CooldownDays | undefined => {
      const pair = getPair(cooldownPair?.value, key);
      if (!pair) return undefined;
      return { key, pos: posOf(wf, pair.key), days: daysOf((pair.value ?? undefined) as Node | undefined) };
    };
    updates.push({
      entry,
      ecosystem,
      pos: posOf(wf, ecosystemPair.key),
      subject: n === 1 ? base : `${base}#${n}`,
      hasCooldown: cooldownPair !== undefined,
      defaultDays: setting('default-days'),
      semver: SEMVER_KEYS.map(setting).filter((s): s is CooldownDays => s !== undefined),
    });
  }
  return updates;
}
