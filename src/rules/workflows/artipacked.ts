/**
 * actions/checkout leaves the job's GITHUB_TOKEN in .git/config (persist-credentials defaults to
 * true), where every later step, action or uploaded artifact can read it. A later upload-artifact of
 * the whole workspace publishes it: that is zizmor's High case and an error here. From checkout v6
 * on the credential sits under $RUNNER_TEMP instead, outside the workspace, so an upload does not
 * carry it and the finding stays a warning.
 *
 * Confidence and persona follow zizmor's artipacked: with a workspace upload the leak is certain
 * (high); without one the token is only exposed if something later reads it (low). An explicit
 * `persist-credentials: true` is a deliberate choice (a job that pushes): shown to the auditor
 * persona only; an expression cannot be judged statically: pedantic.
 */
import { isMap } from 'yaml';
import type { Persona } from '../../findings.js';
import { checkoutMajorVersion, isCheckoutStep, uploadsWorkspace } from '../../workflows/checkout.js';
import { stepsInContext } from '../../workflows/steps.js';
import { get, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'artipacked',
    defaultSeverity: 'warning',
    summary: 'actions/checkout persists the token in .git/config.',
    on: 'workflows',
    fixable: true,
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const all = stepsInContext(wf);
      const perJob = new Map<string, number>();
      all.forEach((s, i) => {
        if (!isCheckoutStep(s)) return;
        const nth = (perJob.get(s.jobId) ?? 0) + 1;
        perJob.set(s.jobId, nth);
        const withNode = get(s.step, 'with');
        const persist = get(withNode, 'persist-credentials');
        let persona: Persona | undefined;
        if (persist !== undefined) {
          // false turns persistence off (nothing to report). An explicit true is a deliberate choice (a
          // job that pushes): the auditor's. An expression cannot be judged statically: the pedantic's.
          const value = (str(persist) ?? String((persist as { toJSON?: () => unknown }).toJSON?.() ?? '')).trim();
          if (value.includes('${{')) persona = 'pedantic';
          else if (value.toLowerCase() === 'true') persona = 'auditor';
          else return;
        }
        const major = checkoutMajorVersion(s);
        const credentialInWorkspace = major === undefined || major < 6;
        const upload = credentialInWorkspace
          ? all.slice(i + 1).find((later) => later.jobId === s.jobId && later.jobNode === s.jobNode && uploadsWorkspace(later))
          : undefined;
        const usesNode = get(s.step, 'uses');
        const pos = posOf(wf, usesNode ?? s.step);
        const where = s.jobId ? `in job ${s.jobId} ` : '';
        const uploadPos = upload ? posOf(wf, get(upload.step, 'uses') ?? upload.step) : null;
        const why =
          persona === 'auditor'
            ? 'persist-credentials: true'
            : persona === 'pedantic'
              ? 'when the persist-credentials expression is true'
              : 'persist-credentials defaults to true';
        const message =
          `This checkout ${where}leaves the job's GITHUB_TOKEN in .git/config for every later step (${why})` +
          (uploadPos
            ? `, and a later step (line ${uploadPos.line}) uploads the whole workspace as an artifact, token included.`
            : '; any later step, action or uploaded artifact can read it.');
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message,
          fix:
            persona !== undefined
              ? 'Set persist-credentials: false, and give the step that pushes its own token (or run git push with a token in its env:) instead.'
              : isMap(withNode)
                ? "Add persist-credentials: false under this step's with:"
                : 'Add to this step:\nwith:\n  persist-credentials: false',
          // The upload the message names, for SARIF's relatedLocations.
          related: uploadPos ? [{ file: wf.file, line: uploadPos.line, column: uploadPos.column, message: 'the step that uploads the workspace' }] : undefined,
          // An explicit value has its own subject: removing it later makes the regular finding new.
          subject: `${s.jobId}:checkout#${nth}${persona ? `:${persona}` : ''}`,
          // The token in a workspace artifact is readable by anyone who can download it: zizmor's High.
          level: uploadPos ? 'error' : undefined,
          confidence: uploadPos ? 'high' : 'low',
          persona,
        });
      });
    }
  },
});
