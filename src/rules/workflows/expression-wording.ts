/** Wording shared by the expression rules' messages (bot-condition, unsound-*, obfuscation, secrets). */
import type { Node } from 'yaml';
import { get, str } from '../../workflows/walk.js';

/** One line, at most `max` characters: whitespace runs become one space, the rest is cut with `…`. */
export function shorten(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `step "Publish" of job release`, `step #3 of job build`, or `step "x" of this action`. */
export function stepLabel(site: { jobId: string; step?: Node; stepIndex?: number }): string {
  const named = str(get(site.step, 'id')) ?? str(get(site.step, 'name'));
  const step = named !== undefined ? `step ${JSON.stringify(shorten(named, 60))}` : `step #${(site.stepIndex ?? 0) + 1}`;
  return site.jobId === '' ? `${step} of this action` : `${step} of job ${shorten(site.jobId, 60)}`;
}

/** A stable name for a step in fingerprints: its id, else its name, else its position. */
export function stepSubject(site: { step?: Node; stepIndex?: number }): string {
  return str(get(site.step, 'id')) ?? str(get(site.step, 'name')) ?? `#${(site.stepIndex ?? 0) + 1}`;
}
