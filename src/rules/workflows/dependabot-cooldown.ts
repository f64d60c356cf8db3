import { dependabotCooldownDays, dependabotUpdates } from '../../workflows/dependabot.js';
import type { Pos } from '../../workflows/model.js';
import { defineRule } from '../define.js';

/** Ecosystems whose updates land in uv.lock or requirements, where lockgate's own cooldown rule applies. */
const PYTHON_ECOSYSTEMS = new Set(['pip', 'uv', 'pipenv', 'poetry', 'pip-compile']);

/**
 * dependabot.yml: each `updates:` entry should wait at least the cooldown before proposing a new
 * release, so a compromised release is yanked before Dependabot opens a pull request for it.
 */
export const rule = defineRule({
  meta: {
    id: 'dependabot-cooldown',
    defaultSeverity: 'warning',
    summary: 'A Dependabot ecosystem updates without a cooldown.',
    on: 'workflows',
    fixable: true,
  },
  check(ctx, report) {
    const minDays = dependabotCooldownDays(ctx.settings);
    for (const wf of ctx.workflows) {
      for (const update of dependabotUpdates(wf)) {
        const { ecosystem, subject } = update;
        const indent = ' '.repeat(Math.max(0, update.pos.column - 1));
        const label = `Dependabot ${ecosystem} updates`;
        const push = (pos: Pos, message: string, fix: string, sub: string): void =>
          report({ file: wf.file, line: pos.line, column: pos.column, message, fix, subject: sub });

        if (!update.hasCooldown) {
          push(
            update.pos,
            `${label} have no cooldown, so Dependabot proposes a release the moment it is published, before a compromised one is likely to be caught; lockgate's cooldown is ${minDays} days.`,
            `Add to this entry:\n${indent}cooldown:\n${indent}  default-days: ${minDays}`,
            `${subject}|default-days`,
          );
          continue;
        }
        const defaultDays = update.defaultDays;
        if (!defaultDays) {
          push(
            update.pos,
            `${label} set cooldown: without default-days, so releases outside the semver-specific settings are proposed the moment they are published; lockgate's cooldown is ${minDays} days.`,
            `Add under cooldown:\n${indent}  default-days: ${minDays}`,
            `${subject}|default-days`,
          );
        } else if (defaultDays.days === null || defaultDays.days < minDays) {
          const days = defaultDays.days;
          push(
            defaultDays.pos,
            days === null
              ? `${label} have a cooldown.default-days that is not a number of days, which Dependabot rejects; lockgate's cooldown is ${minDays} days.`
              : `${label} wait ${days} day${days === 1 ? '' : 's'} (cooldown.default-days), less than lockgate's ${minDays}-day cooldown` +
                  (PYTHON_ECOSYSTEMS.has(ecosystem.toLowerCase())
                    ? ", so Dependabot opens pull requests that lockgate's cooldown rule then fails."
                    : ', so a compromised release can reach a pull request before it is caught.'),
            `Set default-days: ${minDays}`,
            `${subject}|default-days`,
          );
        }
        for (const { key, pos, days: value } of update.semver) {
          if (value !== null && value >= minDays) continue;
          push(
            pos,
            value === null
              ? `${label} have a cooldown.${key} that is not a number of days, which Dependabot rejects.`
              : `${label} wait only ${value} day${value === 1 ? '' : 's'} for ${key.split('-')[1]} releases (cooldown.${key}), less than lockgate's ${minDays}-day cooldown.`,
            `Set ${key}: ${minDays}, or delete it so default-days applies.`,
            `${subject}|${key}`,
          );
        }
      }
    }
  },
});
