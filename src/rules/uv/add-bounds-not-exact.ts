import type { UvProject } from '../../uv/model.js';
import { settingLine, settingsAnchorLine, settingSnippet, uvSettingsOf } from '../../uv/uv-config.js';
import { own } from '../../uv/values.js';
import { defineRule } from '../define.js';

function addBounds(project: UvProject | null): unknown {
  return project ? own(uvSettingsOf(project).table, 'add-bounds') : undefined;
}

export const rule = defineRule({
  meta: { id: 'add-bounds-not-exact', defaultSeverity: 'notice', summary: '`uv add` is not configured to write exact `==` pins.', fixable: true },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      const project = pair.head;
      if (!project) continue;
      const value = addBounds(project);
      if (value === 'exact') continue;
      const source = uvSettingsOf(project);
      const current = value === undefined ? 'is not set, so `uv add` writes `>=` lower bounds' : `is ${JSON.stringify(value)}, so \`uv add\` writes ranges`;
      report({
        file: source.file,
        line: value === undefined ? settingsAnchorLine(source) : (settingLine(source, 'add-bounds') ?? settingsAnchorLine(source)),
        message:
          `add-bounds ${current}: a direct dependency then moves to whatever \`uv lock --upgrade\` picks. ` +
          'With "exact", `uv add` writes `==` pins, and every upgrade is a reviewed change to the dependency list.',
        fix: `Add to ${source.file}${value === undefined ? '' : ' (replacing the current value)'} (uv 0.10.0 or later):\n${settingSnippet(source, 'add-bounds = "exact"')}`,
        introduced: pair.base === null || addBounds(pair.base) !== value,
        subject: `${source.file}:add-bounds`,
      });
    }
  },
});
