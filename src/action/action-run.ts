/** The state of one action run that the early exit and the full check share. */
import type { Severity } from '../findings.js';
import { logLine } from './annotations.js';
import { annotation } from './runner.js';
import { Scrubber } from './secrets.js';

/** What the run printed of its own as annotations: they count against GitHub's per-type cap. */
interface OwnAnnotations {
  error: number;
  warning: number;
  notice: number;
}

export class ActionRun {
  readonly scrubber = new Scrubber();
  readonly own: OwnAnnotations = { error: 0, warning: 0, notice: 0 };
  /** Permissions a write was refused for ("checks: write"), for the one notice. */
  readonly denied: string[] = [];

  constructor(readonly env: NodeJS.ProcessEnv) {}

  info(line: string): void {
    process.stdout.write(`${logLine(this.scrubber.scrub(line))}\n`);
  }

  /** An annotation of lockgate's own (not a finding): scrubbed, and counted against the cap. */
  annotate(severity: Severity, message: string): void {
    this.own[severity]++;
    const text = this.scrubber.scrub(message);
    annotation(severity, text, 'lockgate');
  }
}
