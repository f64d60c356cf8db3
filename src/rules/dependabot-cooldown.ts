import { dependabotCooldownDays, dependabotCooldownFindings } from '../workflows/dependabot.js';
import { checkAgainstBase } from '../workflows/introduced.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'dependabot-cooldown',
  defaultSeverity: 'warning',
  summary: 'A Dependabot ecosystem updates without a cooldown.',
  check: (ctx) => {
    const minDays = dependabotCooldownDays(ctx.settings);
    return checkAgainstBase(ctx, (workflows) => workflows.flatMap((wf) => dependabotCooldownFindings(wf, minDays)));
  },
};
