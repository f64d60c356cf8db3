/**
 * How the human-readable reports (terminal, Markdown, annotations) mark a finding's confidence and
 * persona: only when they are not the usual `high` and `regular`, so that the reports of a
 * repository with nothing uncertain read as before. JSON and SARIF always carry both fields.
 */
import { confidenceOf, personaOf, type Finding } from '../findings.js';

/** `["medium confidence", "pedantic"]`, or nothing for a high-confidence regular finding. */
export function qualifiersOf(finding: Finding): string[] {
  const out: string[] = [];
  const confidence = confidenceOf(finding);
  if (confidence !== 'high') out.push(`${confidence} confidence`);
  const persona = personaOf(finding);
  if (persona !== 'regular') out.push(persona);
  return out;
}

/** `" (medium confidence, pedantic)"`, or '' when there is nothing to say. */
export function qualifierSuffix(finding: Finding): string {
  const qualifiers = qualifiersOf(finding);
  return qualifiers.length > 0 ? ` (${qualifiers.join(', ')})` : '';
}

/** What the filters of a run left out (Report.filtered). */
interface Filtered {
  total: number;
  byPersona: number;
  byConfidence: number;
  minConfidence: string;
  persona: string;
}

/**
 * "3 findings not shown (2 beyond the regular persona, 1 below medium confidence; not gating)", or
 * null when nothing was left out. `how` names the settings that show them, in the reader's terms.
 */
export function filteredLine(filtered: Filtered | undefined, how: 'flags' | 'settings'): string | null {
  if (!filtered || filtered.total === 0) return null;
  const parts: string[] = [];
  if (filtered.byPersona > 0) parts.push(`${filtered.byPersona} beyond the ${filtered.persona} persona`);
  if (filtered.byConfidence > 0) parts.push(`${filtered.byConfidence} below ${filtered.minConfidence} confidence`);
  const settings = [
    filtered.byPersona > 0 ? (how === 'flags' ? '--persona auditor' : 'persona: auditor') : null,
    filtered.byConfidence > 0 ? (how === 'flags' ? '--min-confidence low' : 'min-confidence: low') : null,
  ].filter(Boolean);
  const one = filtered.total === 1;
  return `${filtered.total} ${one ? 'finding' : 'findings'} not shown (${parts.join(', ')}; not gating): ${settings.join(' and ')} ${one ? 'shows it' : 'shows them'}.`;
}
