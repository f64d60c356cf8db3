/**
 * The edge of `lockgate fix [DIR]` and `--fix`: scan the working tree (offline: the fixes ask the
 * network only for what they pin), read the files the findings name, plan, then write the files in
 * place or, with `--dry-run`, print a unified diff. The planner (plan.ts) is pure; this is the I/O.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLockgate } from '../engine.js';
import { terminalSafe } from '../report/terminal.js';
import { SettingsError, type Settings } from '../settings/types.js';
import { loadWorktree, openRepo } from '../source/git.js';
import { workflowKindOf } from '../workflows/parse.js';
import { unifiedDiff } from './diff.js';
import { planFixes, type FixPlan } from './plan.js';
import type { FixResolver } from './resolver.js';

export interface FixOptions {
  dryRun: boolean;
  /** Move SHA pins to the newest release older than the cooldown (`major`: across major versions too). */
  update: { major: boolean } | null;
}

export interface FixIo {
  stdout: (text: string) => void;
  stderr: (line: string) => void;
}

export interface FixRunResult {
  plan: FixPlan;
  /** Files written (none for a dry run). */
  written: string[];
}

const BOM = '\ufeff';

/** A file's text for editing: null when it is not valid UTF-8 (rewriting it would corrupt it). */
function readText(root: string, file: string): { text: string; bom: boolean } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(root, file));
  } catch {
    return null;
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return null;
  return text.startsWith(BOM) ? { text: text.slice(1), bom: true } : { text, bom: false };
}

export async function runFix(settings: Settings, options: FixOptions, resolver: FixResolver | null, io: FixIo): Promise<FixRunResult> {
  if (settings.base !== null || settings.head !== null) throw new SettingsError('fix edits the working tree: --base and --head do not apply to it');
  const scan = await runLockgate({ ...settings, offline: true, onlyNew: false });
  const repo = openRepo(settings.dir, false);
  const files = new Map<string, string>();
  const boms = new Set<string>();
  const wanted = new Set(scan.report.findings.map((f) => f.file));
  if (options.update) {
    // Every workflow and action file, pinned or not: --update looks at the pins no finding names.
    for (const path of loadWorktree(repo, settings.config.limits.maxFileBytes, settings.now).paths) if (workflowKindOf(path)) wanted.add(path);
  }
  for (const file of [...wanted].sort()) {
    const read = readText(repo.root, file);
    if (!read) continue;
    files.set(file, read.text);
    if (read.bom) boms.add(file);
  }
  const plan = await planFixes(
    { findings: scan.report.findings, files, cooldownDays: scan.settings.cooldownDays, now: settings.now, update: options.update },
    settings.offline ? null : resolver,
  );
  const written: string[] = [];
  const changed = [...plan.results.keys()].sort();
  if (options.dryRun) {
    for (const file of changed) io.stdout(terminalSafe(unifiedDiff(file, files.get(file) ?? '', plan.results.get(file) ?? '')));
  } else {
    for (const file of changed) {
      writeFileSync(join(repo.root, file), `${boms.has(file) ? BOM : ''}${plan.results.get(file)}`);
      written.push(file);
    }
  }
  const fixedCount = [...plan.fixed.values()].reduce((a, b) => a + b, 0);
  const verb = options.dryRun ? 'would fix' : 'fixed';
  io.stderr(
    `${verb} ${fixedCount} finding${fixedCount === 1 ? '' : 's'} in ${changed.length} file${changed.length === 1 ? '' : 's'}${changed.length > 0 ? `: ${changed.join(', ')}` : ''}.`,
  );
  for (const notice of plan.notices) io.stderr(notice);
  // Offline skips are the one notice above; everything else left is listed with its reason.
  for (const left of plan.unfixed.filter((u) => !u.reason.startsWith('offline:'))) {
    io.stderr(`not fixed: ${left.file}${left.line ? `:${left.line}` : ''} ${left.rule}: ${left.reason}`);
  }
  for (const command of plan.commands) io.stderr(`then run: ${command}   (the settings changed; only uv can re-lock)`);
  return { plan, written };
}
