/**
 * A workflow's GITHUB_TOKEN broader than its jobs need: `write-all`, write scopes at workflow level
 * that every job inherits, or no `permissions:` at all (the repository default, which can be
 * read-write on every scope). `read-all` is a notice: it cannot write, but reads every scope
 * (security alerts, packages, logs) for jobs that need one. Read as the effective token: a job's
 * own block replaces the workflow's, and a job calling a reusable workflow of this repository whose
 * jobs all declare their token gets no more than the callee declares.
 */
import type { Scalar } from 'yaml';
import { calleeBoundsToken, permissionsOf } from '../../workflows/permissions.js';
import { isWorkflowCallOnly } from '../../workflows/triggers.js';
import { jobsOf, posOf } from '../../workflows/walk.js';
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
