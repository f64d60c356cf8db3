import { shellWord } from '../../core/text.js';
import { packageRef } from './lock-diff-text.js';
import { defineRule } from '../define.js';
import type { WaivedFinding } from '../../findings.js';
import { activeIgnoreOf, advisoryEntries, describeAdvisory, reportExpiredIgnores, labelOf, type AdvisoryEntry } from './advisory-text.js';

/** Names shown in the "not checked" notice before "and N more". */
const SHOWN = 10;

/**
 * An introduced version that an OSV advisory lists as malicious (a MAL- record of OpenSSF's
 * malicious-packages feed, or a record whose data marks the code malicious). This rule also owns
 * the one notice that says which introduced versions the advisory check could not look at.
 */
export const rule = defineRule({
  meta: {
    id: 'malicious-package',
    defaultSeverity: 'error',
    summary: 'An introduced package version is listed as malicious in an OSV advisory.',
    online: true,
  },
  check(ctx, report) {
    const entries = advisoryEntries(ctx);
    const unchecked: { entry: AdvisoryEntry; reason: string }[] = [];
    for (const entry of entries) {
      const { lookup, pkg } = entry;
      if (!lookup) {
        unchecked.push({ entry, reason: ctx.settings.offline ? 'lockgate ran offline' : 'OSV was not asked' });
        continue;
      }
      if (lookup.status === 'unchecked') {
        unchecked.push({ entry, reason: lookup.reason });
        continue;
      }
      const malicious = lookup.advisories.filter((a) => a.malicious);
      if (malicious.length === 0) continue;
      const ignored = malicious.map((a) => [a, activeIgnoreOf(ctx, a)] as const);
      const active = ignored.filter(([, ignore]) => !ignore).map(([a]) => a);
      const listed = (active.length > 0 ? active : malicious).map(describeAdvisory).join('; ');
      const input = {
        file: entry.lockFile,
        line: pkg.line,
        message: `${labelOf(pkg)} is listed as malicious: ${listed}. Installing it runs its code, so any machine or CI job that installed it may have leaked what it could read.`,
        fix: `Remove it: drop the dependency that brings in ${pkg.name} and run \`uv lock\` (\`uv remove ${shellWord(pkg.name)}\` when it is a direct dependency). Then rotate every secret an install could have read: CI tokens, cloud credentials, SSH keys and .env files on the machines and runners that installed it.`,
        package: packageRef(pkg),
        introduced: true,
        subject: `${pkg.name}==${pkg.version}`,
      };
      if (active.length > 0) report(input);
      else {
        // Every matching advisory is set aside in the config: reported as waived, never dropped.
        const ignore = ignored[0]![1]!;
        const waived: typeof input & Pick<WaivedFinding, 'waiver'> = {
          ...input,
          waiver: { by: 'exemption', reason: `advisories.ignore ${ignore.id}: ${ignore.reason}`, until: ignore.until },
        };
        report(waived);
      }
    }
    if (unchecked.length > 0) {
      const reasons = [...new Set(unchecked.map((u) => u.reason))];
      const names = unchecked.map((u) => labelOf(u.entry.pkg));
      const shown = names.slice(0, SHOWN).join(', ') + (names.length > SHOWN ? ` and ${names.length - SHOWN} more` : '');
      report({
        file: unchecked[0]!.entry.lockFile,
        level: 'notice',
        message: `The advisory check did not run for ${names.length} introduced package version${names.length === 1 ? '' : 's'} (${reasons.slice(0, 3).join('; ')}): ${shown}. A known-malicious or known-vulnerable version among them is not reported.`,
        fix: 'Run lockgate online so it can ask OSV (https://osv.dev); a nightly full audit also catches advisories published after a merge (docs/github-action.md, "Nightly advisory audit").',
        introduced: true,
        // Names in the subject: a baseline run over base (offline, everything unasked) must not mark
        // head's notice as already there and hide it under only-new.
        subject: `advisories-not-checked:${[...names].sort().join(',')}`,
      });
    }
    reportExpiredIgnores(ctx, report, true);
  },
});
