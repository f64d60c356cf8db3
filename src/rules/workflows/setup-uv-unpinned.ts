/**
 * `astral-sh/setup-uv` without a pinned uv: no `version:` (and no exact `required-version` in the
 * project it reads), `version: latest`, or a range. The job then runs whatever uv release is newest
 * when it starts. In a job that publishes that uv builds and uploads the release (a warning); in any
 * other job it is hygiene (a pedantic notice). The action's own ref is unpinned-uses's concern.
 */
import type { UvProject } from '../../uv/model.js';
import { own } from '../../uv/values.js';
import { describePublishReason, publishReasons } from '../../workflows/publishing.js';
import { classifyUvVersion, setupUvSteps, type SetupUvStep, type UvVersionRequest } from '../../workflows/setup-uv.js';
import { posOf } from '../../workflows/walk.js';
import { defineRule } from '../define.js';
import type { RuleContext } from '../types.js';

export const rule = defineRule({
  meta: {
    id: 'setup-uv-unpinned',
    defaultSeverity: 'warning',
    defaultConfidence: 'high',
    summary: 'astral-sh/setup-uv installs whatever uv release is newest when the job runs.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const perJob = new Map<string, number>();
      for (const step of setupUvSteps(wf)) {
        const nth = (perJob.get(step.s.jobId) ?? 0) + 1;
        perJob.set(step.s.jobId, nth);
        const request = requestOf(step, ctx);
        if (!request) continue;
        const reasons = publishReasons(wf, step.s.jobId);
        const publishing = reasons.length > 0;
        const pos = posOf(wf, step.version?.node ?? step.usesNode);
        const job = step.s.jobId ? `job ${step.s.jobId}` : 'this action';
        const what = request.what;
        const consequence = publishing
          ? `; ${describePublishReason(reasons[0])}, so the uv that builds and uploads the release is one nobody tested, and a broken or compromised uv release reaches the publish step the day it is out.`
          : `; ${job} changes under you whenever uv is released.`;
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message: `${what}${consequence}`,
          fix: 'Pin the uv release you tested: with: version: "X.Y.Z" (what uv self version prints), or required-version = "==X.Y.Z" under [tool.uv] in pyproject.toml (uv.toml) for setup-uv v6 and later to read.',
          subject: `${step.s.jobId}:setup-uv#${nth}`,
          // Outside a publishing job an unpinned uv is hygiene: the pedantic persona's notice.
          level: publishing && request.kind !== 'range' ? 'warning' : 'notice',
          persona: publishing ? 'regular' : 'pedantic',
          confidence: request.confidence,
        });
      }
    }
  },
});

interface Unpinned {
  kind: 'latest' | 'range';
  what: string;
  confidence: 'high' | 'medium';
}

/** What uv the step asks for, when it is not a pinned release (undefined when pinned or not judgeable). */
function requestOf(step: SetupUvStep, ctx: RuleContext): Unpinned | undefined {
  if (step.version) return unpinned(classifyUvVersion(step.version.value), `\`version: ${step.version.value}\``, 'high');
  // A version file (uv.toml, pyproject.toml, .tool-versions, requirements.txt, uv.lock) is the project's choice.
  if (step.versionFile) return undefined;
  const major = step.major;
  // v1 installs a fixed uv by default; v2 to v5 install the newest.
  if (major === 1) return undefined;
  if (major !== undefined && major < 6) {
    return { kind: 'latest', what: `setup-uv v${major} without \`version:\` installs the newest uv release at the moment the job runs`, confidence: 'high' };
  }
  const project = projectAt(ctx, step.workingDirectory);
  if (project === 'unknown') {
    return {
      kind: 'latest',
      what: 'setup-uv without `version:` reads required-version from the uv.toml or pyproject.toml in its working directory, which lockgate could not read here, and otherwise installs the newest uv release',
      confidence: 'medium',
    };
  }
  const required = project ? requiredVersionOf(project) : undefined;
  if (required)
    return unpinned(classifyUvVersion(required.value), `the required-version "${required.value}" that setup-uv reads from ${required.file}`, 'high');
  return {
    kind: 'latest',
    what: 'setup-uv without `version:` installs the newest uv release at the moment the job runs (no required-version in uv.toml or pyproject.toml to read instead)',
    confidence: 'high',
  };
}

function unpinned(request: UvVersionRequest, source: string, confidence: 'high' | 'medium'): Unpinned | undefined {
  if (request.kind === 'latest') return { kind: 'latest', what: `${source} installs the newest uv release at the moment the job runs`, confidence };
  if (request.kind === 'range')
    return { kind: 'range', what: `${source} is a range: setup-uv installs the highest uv release in it when the job runs`, confidence };
  return undefined;
}

/** setup-uv's order (src/version/version-request-resolver.ts): uv.toml, then pyproject.toml's [tool.uv]. */
function requiredVersionOf(project: UvProject): { value: string; file: string } | undefined {
  const fromUvToml = own(project.uvToml?.raw, 'required-version');
  if (typeof fromUvToml === 'string' && project.uvToml) return { value: fromUvToml, file: project.uvToml.file };
  const fromPyproject = own(own(own(project.rootPyproject.raw, 'tool'), 'uv'), 'required-version');
  if (typeof fromPyproject === 'string') return { value: fromPyproject, file: project.rootPyproject.file };
  return undefined;
}

/**
 * The uv project in setup-uv's working directory (the workspace root by default). `null`: there is
 * no pyproject.toml or uv.toml there, so setup-uv falls back to the newest uv; 'unknown': the
 * directory is an expression, or its files were not read as a project.
 */
function projectAt(ctx: RuleContext, workingDirectory: string | undefined): UvProject | null | 'unknown' {
  const raw = (workingDirectory ?? '').replace(/^\$\{\{\s*github\.workspace\s*\}\}\/?/, '');
  if (raw.includes('${{') || raw.startsWith('/')) return 'unknown';
  const dir = raw.replace(/^\.\/?/, '').replace(/\/+$/, '');
  const pair = ctx.projects.find((p) => p.path === dir);
  if (pair?.head) return pair.head;
  const prefix = dir ? `${dir}/` : '';
  const hasConfig = ctx.headFiles.includes(`${prefix}pyproject.toml`) || ctx.headFiles.includes(`${prefix}uv.toml`);
  return hasConfig ? 'unknown' : null;
}
