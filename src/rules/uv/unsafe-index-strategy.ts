import type { Severity } from '../../findings.js';
import type { UvProject } from '../../uv/model.js';
import { settingLine, settingsAnchorLine, uvSettingsOf } from '../../uv/uv-config.js';
import { own } from '../../uv/values.js';
import { defineRule } from '../define.js';

/** Each value's risk; `level` where it is lower than the rule's default (best-match, the worst). */
const RISK: Record<string, { level?: Severity; what: string }> = {
  'unsafe-best-match': {
    what: 'lets uv take each package from whichever index has the best version: anyone who publishes your internal package name on PyPI with a higher version wins (dependency confusion)',
  },
  'unsafe-first-match': {
    level: 'warning',
    what: 'lets uv look for each package on every index, in order: when the first index has no matching version, a public package with the same name is taken instead (dependency confusion)',
  },
  'unsafe-any-match': {
    level: 'warning',
    what: 'is an alias of unsafe-first-match: when the first index has no matching version, a public package with the same name is taken instead (dependency confusion)',
  },
};

/** index-strategy values of a project: the settings table itself and its `pip` section (uv pip commands). */
function strategies(project: UvProject | null): { key: 'index-strategy' | 'pip.index-strategy'; value: unknown }[] {
  if (!project) return [];
  const table = uvSettingsOf(project).table;
  return [
    { key: 'index-strategy' as const, value: own(table, 'index-strategy') },
    { key: 'pip.index-strategy' as const, value: own(own(table, 'pip'), 'index-strategy') },
  ].filter((entry) => entry.value !== undefined);
}

export const rule = defineRule({
  meta: { id: 'unsafe-index-strategy', defaultSeverity: 'error', summary: 'index-strategy lets a package come from any index (dependency confusion).' },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      const project = pair.head;
      if (!project) continue;
      const source = uvSettingsOf(project);
      const base = strategies(pair.base);
      for (const { key, value } of strategies(project)) {
        if (typeof value !== 'string' || !Object.hasOwn(RISK, value)) continue;
        const risk = RISK[value]!;
        const segments = key === 'index-strategy' ? ['index-strategy'] : ['pip', 'index-strategy'];
        const header = source.kind === 'uv.toml' ? (key === 'index-strategy' ? '' : '[pip]\n') : key === 'index-strategy' ? '[tool.uv]\n' : '[tool.uv.pip]\n';
        report({
          level: risk.level,
          file: source.file,
          line: settingLine(source, ...segments) ?? settingsAnchorLine(source),
          message: `${key} = "${value}" ${risk.what}.`,
          fix:
            `Use the default strategy (or delete the line):\n${header}index-strategy = "first-index"\n` +
            'and pin each private package to its index:\n[[tool.uv.index]]\nname = "internal"\nurl = "https://<your index>/simple"\nexplicit = true\n\n[tool.uv.sources]\n<package> = { index = "internal" }',
          introduced: !base.some((entry) => entry.key === key && entry.value === value),
          subject: `${source.file}:${key}`,
        });
      }
    }
  },
});
