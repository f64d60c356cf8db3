/**
 * A workflow's GITHUB_TOKEN broader than its jobs need: `write-all`, write scopes at workflow level
 * that every job inherits, or no `permissions:` at all (the repository default, which can be
 * read-write on every scope). `read-all` is a notice: it cannot write, but reads every scope
 * (security alerts, packages, logs) for jobs that need one. Read as the effective token: a job's
 * own block replaces the workflow's, and a job calling a reusable workflow of this repository whose
 * jobs all declare their token gets no more than the callee declares.
 *
 * Personas and confidence follow zizmor's excessive-permissions: a workflow-level block that no job
 * inherits (one job, every job with its own block) is a job-level block in all but name, and the
 * token of a workflow_call-only workflow is bounded by its caller: those are pedantic findings.
 * The repository's default token (no block at all) is medium confidence: it is read-write or
 * read-only by a repository setting the files do not show.
 */
import type { Scalar } from 'yaml';
import { calleeBoundsToken, permissionsOf } from '../../workflows/permissions.js';
import { isWorkflowCallOnly } from '../../workflows/triggers.js';
import { get, jobsOf, posOf } from '../../workflows/walk.js';
import { defineRule } from '../define.js';
import { listOf } from './text.js';

const READ_ONLY_FIX = 'permissions:\n  contents: read';

export const rule = defineRule({
  meta: {
    id: 'excessive-permissions',
    defaultSeverity: 'warning',
    summary: 'A workflow or job runs with broad or default token permissions.',
    on: 'workflows',
    fixable: true,
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      if (wf.kind !== 'workflow') continue;
      const root = wf.doc.contents;
      const jobs = jobsOf(wf).map((job) => ({ ...job, permissions: permissionsOf(job.node) }));
      const top = permissionsOf(root);
      const inheriting = jobs.filter((job) => job.permissions.kind === 'absent');
      const at = (node: Scalar): { line: number; column: number } => posOf(wf, node);

      if (top.kind === 'write-all') {
        // A job's own permissions: replaces the workflow's entirely: when every job has one, write-all
        // at the top gives nothing to anyone (it would to a job added later without a block).
        if (inheriting.length > 0) {
          report({
            file: wf.file,
            ...at(top.keyNode),
            message:
              `permissions: write-all gives every job without its own permissions: block (${listOf(inheriting.map((job) => job.id))}) a token that can push code, edit releases and change workflows; ` +
              'a single compromised step or action there can then take over the repository.',
            fix: `Replace it with only what the jobs need, for example:\n${READ_ONLY_FIX}\nand give the job that must write its own permissions: block.`,
            subject: 'workflow:write-all',
          });
        } else {
          report({
            file: wf.file,
            ...at(top.keyNode),
            message:
              'permissions: write-all at workflow level reaches no job today (each has its own permissions: block), ' +
              'but a job added later without one would get a token that can push code and change workflows.',
            fix: `Replace it with a read-only default:\n${READ_ONLY_FIX}`,
            subject: 'workflow:write-all:pedantic',
            persona: 'pedantic',
          });
        }
      } else if (top.kind === 'scopes' && (jobs.length <= 1 || inheriting.length === 0)) {
        // One job, or every job with its own block: a job-level block in all but name (zizmor: pedantic).
        for (const scope of top.scopes) {
          if (scope.level !== 'write') continue;
          report({
            file: wf.file,
            ...at(scope.keyNode),
            message:
              `${scope.name}: write at workflow level reaches ${jobs.length <= 1 && inheriting.length > 0 ? 'the only job' : 'no job today'}; ` +
              'written in that job it stays with it when another job is added.',
            fix: `Move ${scope.name}: write into the permissions: block of the job that needs it and keep the workflow level read-only:\n${READ_ONLY_FIX}`,
            subject: `workflow:${scope.name}:write:pedantic`,
            persona: 'pedantic',
          });
        }
      } else if (top.kind === 'scopes' && jobs.length > 1 && inheriting.length > 0) {
        // With one job (or every job declaring its own), workflow-level scopes are job-level scopes in all but name.
        for (const scope of top.scopes) {
          if (scope.level !== 'write') continue;
          const names = inheriting.map((job) => job.id);
          report({
            file: wf.file,
            ...at(scope.keyNode),
            message:
              `${scope.name}: write at workflow level hands write access to every job without its own permissions (${listOf(names)}), ` +
              'not just the one that needs it; any step in those jobs can use it.',
            fix: `Move ${scope.name}: write into the permissions: block of the job that needs it and keep the workflow level read-only:\n${READ_ONLY_FIX}`,
            subject: `workflow:${scope.name}:write`,
          });
        }
      } else if (top.kind === 'read-all' && jobs.length > 1 && inheriting.length > 0 && !isWorkflowCallOnly(wf)) {
        // As for write scopes: with one job (or every job declaring its own), this is a job-level block in all but name.
        report({
          file: wf.file,
          ...at(top.keyNode),
          message:
            `permissions: read-all lets every job without its own permissions: block (${listOf(inheriting.map((job) => job.id))}) read every scope of the repository, ` +
            'security alerts, packages and workflow logs included, when a job usually needs only contents: read.',
          fix: `Replace it with the scopes the jobs read, for example:\n${READ_ONLY_FIX}`,
          subject: 'workflow:read-all',
          level: 'notice',
        });
      } else if (top.kind === 'read-all') {
        // One job, every job with its own block, or a token its caller bounds: zizmor's pedantic case.
        report({
          file: wf.file,
          ...at(top.keyNode),
          message:
            'permissions: read-all at workflow level reads every scope of the repository, security alerts, packages and workflow logs included, ' +
            'when a job usually needs only contents: read.',
          fix: `Replace it with the scopes the jobs read, for example:\n${READ_ONLY_FIX}`,
          subject: 'workflow:read-all:pedantic',
          level: 'notice',
          persona: 'pedantic',
        });
      } else if (top.kind === 'absent' && isWorkflowCallOnly(wf)) {
        // A workflow_call-only workflow runs with a token its caller already bounded: pedantic, except
        // jobs that call a reusable workflow themselves (their callee's token is this one's).
        for (const job of inheriting) {
          if (get(job.node, 'uses') !== undefined) continue;
          report({
            file: wf.file,
            ...at(job.keyNode),
            message:
              `Job ${job.id} of this reusable workflow has no permissions: block and neither has the workflow, so it gets whatever token its caller has; ` +
              'declaring what it needs keeps it from a broad token in a caller that forgot to narrow it.',
            fix: `Add at the top of the workflow (after on:):\n${READ_ONLY_FIX}\nand give any job that needs more its own permissions: block.`,
            subject: `job:${job.id}:default:pedantic`,
            confidence: 'medium',
            persona: 'pedantic',
          });
        }
      } else if (top.kind === 'absent' && !isWorkflowCallOnly(wf)) {
        // A workflow_call-only workflow runs with a token its caller already bounded; its jobs are not reported.
        for (const job of inheriting) {
          // Its reusable workflow declares every token its jobs get: the default never reaches a step.
          if (calleeBoundsToken(job.node, ctx.workflows ?? [])) continue;
          report({
            file: wf.file,
            ...at(job.keyNode),
            message:
              `Job ${job.id} has no permissions: block and neither has the workflow, so it runs with the repository's default GITHUB_TOKEN permissions, ` +
              'which can be read-write on every scope; a compromised step could push code or tamper with releases.',
            fix: `Add at the top of the workflow (after on:):\n${READ_ONLY_FIX}\nand give any job that needs more its own permissions: block.`,
            subject: `job:${job.id}:default`,
            // Read-write or read-only by a repository setting the files do not show: zizmor's Medium confidence.
            confidence: 'medium',
          });
        }
      }

      for (const job of jobs) {
        if (job.permissions.kind === 'read-all') {
          report({
            file: wf.file,
            ...at(job.permissions.keyNode),
            message: `Job ${job.id} asks for permissions: read-all, a token that reads every scope of the repository, security alerts, packages and workflow logs included, when a job usually needs only contents: read.`,
            fix: `Replace read-all with the scopes this job reads, for example:\n${READ_ONLY_FIX}`,
            subject: `job:${job.id}:read-all`,
            level: 'notice',
          });
          continue;
        }
        if (job.permissions.kind !== 'write-all') continue;
        report({
          file: wf.file,
          ...at(job.permissions.keyNode),
          message: `Job ${job.id} asks for permissions: write-all, a token that can push code, edit releases and change workflows; any compromised step in it can take over the repository.`,
          fix: `Replace write-all with the scopes this job uses, for example:\n${READ_ONLY_FIX}`,
          subject: `job:${job.id}:write-all`,
        });
      }
    }
  },
});
