import type { UvProject } from '../../uv/model.js';
import { settingLine, settingsAnchorLine, settingSnippet, uvSettingsOf, type UvSettingsSource } from '../../uv/uv-config.js';
import { own } from '../../uv/values.js';
import { defineRule } from '../define.js';

function addBounds(project: UvProject | null): unknown {
  return project ? own(uvSettingsOf(project).table, 'add-bounds') : undefined;
}

export const rule = defineRule({
  meta: { id: 'add-bounds-not-exact', defaultSeverity: 'notice', summary: '`uv add` is not configured to write exact `==` pins.', fixable: true },
  check(ctx, report) {
    // One finding a settings file: projects that inherit one folder's [tool.uv] share its fix.
    const bySettingsFile = new Map<string, { source: UvSettingsSource; value: unknown; introduced: boolean; projects: number }>();
    for (const pair of ctx.projects) {
      const project = pair.head;
      if (!project) continue;
      const value = addBounds(project);
      if (value === 'exact') continue;
      const source = uvSettingsOf(project);
      const introduced = pair.base === null || addBounds(pair.base) !== value;
      const seen = bySettingsFile.get(source.file);
      if (seen) {
        seen.projects++;
        seen.introduced ||= introduced;
      } else bySettingsFile.set(source.file, { source, value, introduced, projects: 1 });
    }
    for (const { source, value, introduced, projects } of bySettingsFile.values()) {
      const current = value === undefined ? 'is not set, so `uv add` writes `>=` lower bounds' : `is ${JSON.stringify(value)}, so \`uv add\` writes ranges`;
      const shared = projects > 1 ? ` (the setting of the ${projects} uv projects that read ${source.file})` : '';
      report({
        file: source.file,
        line: value === undefined ? settingsAnchorLine(source) : (settingLine(source, 'add-bounds') ?? settingsAnchorLine(source)),
        message:
          `add-bounds ${current}${shared}: a direct dependency then moves to whatever \`uv lock --upgrade\` picks. ` +
          'With "exact", `uv add` writes `==` pins, and every upgrade is a reviewed change to the dependency list.',
        fix: `Add to ${source.file}${value === undefined ? '' : ' (replacing the current value)'} (uv 0.10.0 or later):\n${settingSnippet(source, 'add-bounds = "exact"')}`,
        introduced,
        subject: `${source.file}:add-bounds`,
      });
    }
  },
});
