/**
 * The fix planner: from a scan's findings and the texts of the files they name, the minimal edits
 * that fix what can be fixed without a person, plus the commands that only uv can run (re-locking),
 * and for everything else the reason it was left. Pure: the network is the injected resolver, absent
 * offline; nothing is read or written here.
 */
import { parseWorkflow, workflowKindOf } from '../workflows/parse.js';
import type { WorkflowFile } from '../workflows/model.js';
import { usesSites } from '../workflows/uses.js';
import { applyEdits, uniqueEdits, type TextEdit } from './edits.js';
import type { FixResolver } from './resolver.js';
import { setUvSettings, type SettingChange } from './toml-fixes.js';
import {
  fixArtipacked,
  fixDependabotCooldown,
  fixExcessivePermissions,
  fixUnpinnedImage,
  fixUnpinnedUses,
  fixUvUnlocked,
  updatePin,
  type FixOutcome,
} from './workflow-fixes.js';

/** The rules `lockgate fix` can fix (each one's meta says `fixable: true` where the rule has meta). */
export const FIXABLE_RULES: ReadonlySet<string> = new Set([
  'unpinned-uses',
  'unpinned-image',
  'exclude-newer-missing',
  'add-bounds-not-exact',
  'uv-unlocked',
  'artipacked',
  'excessive-permissions',
  'dependabot-cooldown',
]);

/** What the planner reads of a finding. */
export interface FixableFinding {
  rule: string;
  file: string;
  line?: number;
  column?: number;
}

export interface FixInput {
  findings: readonly FixableFinding[];
  /** Repo-relative path → text, for every file a finding names (and every workflow file, for `update`). */
  files: ReadonlyMap<string, string>;
  /** The cooldown in days (settings with the config applied). */
  cooldownDays: number;
  now: Date;
  /** `--update`: move SHA pins with a version comment to the newest release older than the cooldown. */
  update?: { major: boolean } | null;
}

export interface Unfixed {
  rule: string;
  file: string;
  line?: number;
  reason: string;
}

export interface FixPlan {
  /** Every edit, all files, non-overlapping within a file. */
  edits: TextEdit[];
  /** The files' texts after the edits (only the files that change). */
  results: Map<string, string>;
  /** Commands a person must run after the edits (uv lock), exact. */
  commands: string[];
  /** One line each: offline skips, pin updates made. */
  notices: string[];
  /** Findings of fixable rules that were not fixed, with why. */
  unfixed: Unfixed[];
  /** How many findings each edit set fixed, by rule. */
  fixed: Map<string, number>;
}

/** Fixes that touch the end of a line come first, so a comment lands before a line added after it. */
const RULE_ORDER = [
  'unpinned-uses',
  'unpinned-image',
  'uv-unlocked',
  'artipacked',
  'dependabot-cooldown',
  'excessive-permissions',
  'exclude-newer-missing',
  'add-bounds-not-exact',
];

function projectDir(file: string): string {
  const cut = file.lastIndexOf('/');
  return cut < 0 ? '.' : file.slice(0, cut);
}

export async function planFixes(input: FixInput, resolver: FixResolver | null): Promise<FixPlan> {
  const plan: FixPlan = { edits: [], results: new Map(), commands: [], notices: [], unfixed: [], fixed: new Map() };
  const parsed = new Map<string, WorkflowFile | null>();
  const workflow = (file: string): WorkflowFile | null => {
    if (!parsed.has(file)) {
      const kind = workflowKindOf(file);
      const text = input.files.get(file);
      const outcome = kind && text !== undefined ? parseWorkflow(file, kind, text) : null;
      parsed.set(file, outcome?.ok ? outcome.workflow : null);
    }
    return parsed.get(file) ?? null;
  };
  let offlineSkips = 0;
  const findings = input.findings
    .filter((f) => FIXABLE_RULES.has(f.rule))
    .slice()
    .sort(
      (a, b) =>
        a.file.localeCompare(b.file) ||
        RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule) ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0),
    );
  const days = input.cooldownDays > 0 ? input.cooldownDays : 7;
  const settingChanges = new Map<string, SettingChange[]>();
  const relock = new Set<string>();
  const record = (finding: FixableFinding, outcome: FixOutcome): void => {
    if (!outcome.ok) {
      plan.unfixed.push({ rule: finding.rule, file: finding.file, line: finding.line, reason: outcome.reason });
      return;
    }
    for (const edit of outcome.edits) plan.edits.push({ file: finding.file, rule: finding.rule, ...edit });
    if (outcome.edits.length > 0) plan.fixed.set(finding.rule, (plan.fixed.get(finding.rule) ?? 0) + 1);
  };

  for (const finding of findings) {
    if (finding.rule === 'exclude-newer-missing' || finding.rule === 'add-bounds-not-exact') {
      const changes = settingChanges.get(finding.file) ?? [];
      if (finding.rule === 'exclude-newer-missing') {
        const value = `${days} days`;
        changes.push({ key: 'exclude-newer', value: JSON.stringify(value), parsed: value, rule: finding.rule });
        // A relative exclude-newer needs uv 0.9.17; an older uv would stop on it with a parse error.
        changes.push({ key: 'required-version', value: '">=0.9.17"', parsed: '>=0.9.17', onlyIfMissing: true, rule: finding.rule });
        relock.add(projectDir(finding.file));
      } else {
        changes.push({ key: 'add-bounds', value: '"exact"', parsed: 'exact', rule: finding.rule });
      }
      settingChanges.set(finding.file, changes);
      continue;
    }
    const wf = workflow(finding.file);
    if (!wf) {
      plan.unfixed.push({ rule: finding.rule, file: finding.file, line: finding.line, reason: 'the file could not be read or parsed' });
      continue;
    }
    switch (finding.rule) {
      case 'unpinned-uses':
      case 'unpinned-image':
        if (!resolver) {
          offlineSkips++;
          plan.unfixed.push({ rule: finding.rule, file: finding.file, line: finding.line, reason: 'offline: the commit SHA or digest needs the network' });
          break;
        }
        record(
          finding,
          await safely(() => (finding.rule === 'unpinned-uses' ? fixUnpinnedUses(wf, finding, resolver) : fixUnpinnedImage(wf, finding, resolver))),
        );
        break;
      case 'uv-unlocked':
        record(finding, fixUvUnlocked(wf, finding));
        break;
      case 'artipacked':
        record(finding, fixArtipacked(wf, finding));
        break;
      case 'excessive-permissions':
        record(finding, fixExcessivePermissions(wf, finding));
        break;
      case 'dependabot-cooldown':
        record(finding, fixDependabotCooldown(wf, finding, days));
        break;
    }
  }

  for (const [file, changes] of settingChanges) {
    const text = input.files.get(file);
    if (text === undefined) {
      for (const c of changes.filter((c) => !c.onlyIfMissing)) plan.unfixed.push({ rule: c.rule, file, reason: 'the file could not be read' });
      continue;
    }
    const outcome = setUvSettings(file, text, uniqueChanges(changes));
    if (!outcome.ok) {
      for (const c of changes.filter((c) => !c.onlyIfMissing)) plan.unfixed.push({ rule: c.rule, file, reason: outcome.reason });
      relock.delete(projectDir(file));
      continue;
    }
    plan.edits.push(...outcome.edits);
    if (!outcome.edits.some((edit) => edit.rule === 'exclude-newer-missing')) relock.delete(projectDir(file));
    for (const rule of new Set(changes.filter((c) => !c.onlyIfMissing).map((c) => c.rule))) plan.fixed.set(rule, (plan.fixed.get(rule) ?? 0) + 1);
  }

  if (input.update) {
    if (!resolver) offlineSkips++;
    else {
      for (const [file] of input.files) {
        const wf = workflow(file);
        if (!wf) continue;
        for (const site of usesSites(wf)) {
          const major = input.update.major;
          const outcome = await safely(() => updatePin(wf, site, resolver, { now: input.now, cooldownDays: days, major }));
          if (!outcome.ok) {
            plan.unfixed.push({ rule: 'unpinned-uses', file, line: site.pos.line, reason: outcome.reason });
            continue;
          }
          for (const edit of outcome.edits) plan.edits.push({ file, rule: 'unpinned-uses', ...edit });
          if (outcome.edits.length > 0 && site.uses.kind === 'repository')
            plan.notices.push(`${file}:${site.pos.line}: ${site.uses.owner}/${site.uses.repo} ${outcome.from} -> ${outcome.to}`);
        }
      }
    }
  }

  if (offlineSkips > 0) {
    const pins = plan.unfixed.filter((u) => u.reason.startsWith('offline:')).length;
    const what = input.update ? `${pins} pin${pins === 1 ? '' : 's'} not made and no pin updated` : `${pins} pin${pins === 1 ? '' : 's'} not made`;
    plan.notices.push(`Offline: ${what} (pinning needs GitHub and the image registries); run without --offline to pin.`);
  }
  plan.edits = uniqueEdits(plan.edits);
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of plan.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  for (const [file, edits] of byFile) {
    const applied = applyEdits(input.files.get(file) ?? '', edits);
    for (const edit of applied.dropped) plan.unfixed.push({ rule: edit.rule, file, reason: 'another fix edits the same text' });
    plan.edits = plan.edits.filter((edit) => edit.file !== file || applied.applied.includes(edit));
    if (applied.text !== input.files.get(file)) plan.results.set(file, applied.text);
  }
  for (const dir of [...relock].sort()) plan.commands.push(dir === '.' ? 'uv lock' : `uv lock --directory ${shellWord(dir)}`);
  return plan;
}

/** A resolver failure (network, rate limit) leaves that one finding unfixed, with the reason. */
async function safely<T extends FixOutcome>(run: () => Promise<T>): Promise<T | { ok: false; reason: string }> {
  try {
    return await run();
  } catch (error) {
    return { ok: false, reason: `the look-up failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200)}` };
  }
}

/** A path as one shell word. */
function shellWord(path: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

function uniqueChanges(changes: SettingChange[]): SettingChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.key) && seen.add(c.key) !== undefined);
}
