/**
 * The whole pipeline in-process over SourceFiles built in memory: loaders, pairing, every rule of the
 * registry through one RuleContext, policy, and every reporter. Unlike the engine (rules/run.ts), a
 * rule that throws is NOT caught here, and an internal-error finding is thrown: the fuzz and hostile
 * suites must see the crash itself, not the internal-error finding that reports it.
 */
import { buildContext, buildReport, withBaseline, type RunResult } from '../../src/engine.js';
import type { Finding, WaivedFinding } from '../../src/findings.js';
import { renderGithub } from '../../src/report/github.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/report/types.js';
import { RULES } from '../../src/rules/index.js';
import type { RuleContext } from '../../src/rules/types.js';
import { settingsFromArgv } from '../../src/settings/resolve.js';
import type { OutputFormat, Settings } from '../../src/settings/types.js';
import type { SourceFiles } from '../../src/source/types.js';

export const FIXED_NOW = '2026-11-26T12:00:00Z';

/** Offline settings for a run at a fixed time, as the CLI would build them from these flags. */
export function pipelineSettings(extraArgs: string[] = []): Settings {
  const command = settingsFromArgv(['--offline', '--now', FIXED_NOW, ...extraArgs], {}, '/nonexistent-lockgate-repo');
  if (command.kind !== 'run') throw new Error('unexpected CLI command');
  return command.settings;
}

/** SourceFiles holding exactly these texts (and these unreadable paths), listed as tracked files. */
export function sourceFiles(texts: Record<string, string>, unreadable: Record<string, string> = {}, label = 'WORKTREE'): SourceFiles {
  const paths = [...new Set([...Object.keys(texts), ...Object.keys(unreadable)])].sort();
  return {
    label,
    paths,
    texts: new Map(Object.entries(texts)),
    unreadable: new Map(Object.entries(unreadable)),
    time: new Date(FIXED_NOW),
  };
}

export interface PipelineRun {
  result: RunResult;
  /** Every rule's findings before policy, tagged with the rule module that returned them. */
  raw: (Finding | WaivedFinding)[];
  outputs: Record<OutputFormat, string>;
}

export function runPipeline(head: SourceFiles, base: SourceFiles | null, settings: Settings = pipelineSettings()): PipelineRun {
  const limits = settings.config.limits;
  const context: RuleContext = buildContext(settings, head, base);
  const runAll = (ctx: RuleContext) => {
    const found: (Finding | WaivedFinding)[] = [];
    for (const rule of RULES) {
      for (const finding of rule.check(ctx)) {
        // A rule that checks one project at a time (perProject) turns a crash into an internal-error
        // finding itself: here that is the crash the suites must see.
        if (finding.rule === 'internal-error') throw new Error(`rule ${rule.id} crashed: ${finding.message}`);
        if (finding.rule !== rule.id) throw new Error(`rule ${rule.id} returned a finding for ${finding.rule}`);
        found.push(finding);
      }
    }
    return found;
  };
  const raw = withBaseline(settings, runAll(context), base, runAll);
  const report: Report = buildReport(context, raw, head, base);
  const projects = context.projects;
  const result: RunResult = { report, pairs: projects, log: [], settings };
  const outputs: Record<OutputFormat, string> = {
    text: renderText(report, { color: false }),
    json: renderJson(report),
    sarif: renderSarif(report),
    markdown: renderMarkdown(report, { maxBytes: 1024 * 1024, maxFindings: limits.maxRenderedFindings }),
    github: renderGithub(report),
  };
  return { result, raw, outputs };
}
