import { parseExcludeNewer } from '../../uv/exclude-newer.js';
import type { ProjectPair, UvProject } from '../../uv/model.js';
import { settingLine, settingsAnchorLine, settingSnippet, uvSettingsOf } from '../../uv/uv-config.js';
import { asString, own } from '../../uv/values.js';
import { defineRule, type ReportInput } from '../define.js';
import type { RuleContext } from '../types.js';

type State = { kind: 'set' } | { kind: 'missing' } | { kind: 'disabled' } | { kind: 'invalid'; error: string; text: string };

function stateOf(project: UvProject | null): State {
  if (!project) return { kind: 'missing' };
  const raw = own(uvSettingsOf(project).table, 'exclude-newer');
  if (raw === undefined) return { kind: 'missing' };
  const parsed = parseExcludeNewer(raw instanceof Date ? asString(raw) : raw);
  if (!parsed.ok) return { kind: 'invalid', error: parsed.error, text: typeof raw === 'string' ? raw : String(raw) };
  return parsed.value.kind === 'disabled' ? { kind: 'disabled' } : { kind: 'set' };
}

function check(pair: ProjectPair, context: RuleContext): ReportInput | null {
  const project = pair.head;
  if (!project) return null;
  const state = stateOf(project);
  if (state.kind === 'set') return null;
  const source = uvSettingsOf(project);
  const days = context.settings.cooldownDays > 0 ? context.settings.cooldownDays : 7;
  const wanted = `exclude-newer = "${days} days"`;
  const requiredVersion =
    own(source.table, 'required-version') === undefined ? '\nrequired-version = ">=0.9.17"  # relative exclude-newer needs uv 0.9.17 or later' : '';
  const ignoredPyproject =
    source.kind === 'uv.toml' && own(own(own(project.rootPyproject.raw, 'tool'), 'uv'), 'exclude-newer') !== undefined
      ? ` The exclude-newer in ${project.rootPyproject.file} has no effect: uv reads only ${source.file} when it exists.`
      : '';
  let message: string;
  let line: number;
  switch (state.kind) {
    case 'missing':
      message =
        `${source.file} sets no exclude-newer, so uv locks releases published minutes ago. ` +
        `Most malicious releases are found and removed within days; a cooldown keeps them out of the lock until then.${ignoredPyproject}`;
      line = settingsAnchorLine(source);
      break;
    case 'disabled':
      message = `${source.file} sets exclude-newer = false, which turns uv's cooldown off: uv locks releases published minutes ago.`;
      line = settingLine(source, 'exclude-newer') ?? settingsAnchorLine(source);
      break;
    case 'invalid':
      message = `${source.file} sets exclude-newer = ${JSON.stringify(state.text)}, which uv does not understand (${state.error}); uv stops with an error, and no cooldown applies.`;
      line = settingLine(source, 'exclude-newer') ?? settingsAnchorLine(source);
      break;
  }
  return {
    file: source.file,
    line,
    message,
    fix: `Add to ${source.file}${state.kind === 'missing' ? '' : ' (replacing the current value)'}:\n${settingSnippet(source, `${wanted}${requiredVersion}`)}\nthen run: uv lock`,
    // Introduced when the project is new or base was in another state (set, absent, off, unreadable).
    introduced: pair.base === null || stateOf(pair.base).kind !== state.kind,
    subject: `${source.file}:exclude-newer`,
  };
}

export const rule = defineRule({
  meta: { id: 'exclude-newer-missing', defaultSeverity: 'warning', summary: 'The uv project sets no exclude-newer cooldown.', fixable: true },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      const finding = check(pair, ctx);
      if (finding) report(finding);
    }
  },
});
