import { makeFinding, type Finding, type WaivedFinding } from '../../findings.js';
import { artifactFilename } from '../../facts/index-facts.js';
import { checkCooldown, formatUtcMinute, lockCutoffBreaches, utcDate, type CooldownCheck, type CutoffBreach } from './cooldown-check.js';
import { packageLabel, shellWord, tomlString } from '../../core/text.js';
import { exemptionSnippet, selfGrantedNote } from './cooldown-text.js';
import { describeDuration } from '../../uv/exclude-newer.js';
import type { ProjectPair } from '../../uv/model.js';
import { uvSettingsOf } from '../../uv/uv-config.js';
import type { Rule, RuleContext } from '../types.js';

function cooldownDescription(check: CooldownCheck): string {
  const length = describeDuration(check.cooldown.ms);
  if (check.cooldown.source === 'settings') return `the cooldown of ${length}`;
  return `the cooldown of ${length} (the project's own ${check.cooldown.source} = "${check.cooldown.text ?? ''}")`;
}

function youngFinding(pair: ProjectPair, check: CooldownCheck, context: RuleContext, breach?: CutoffBreach): Finding | WaivedFinding {
  const pkg = check.entry.package;
  const age = check.age;
  if (age.kind !== 'dated' || check.eligibleMs === undefined) throw new Error('youngFinding needs a dated entry');
  const ageMs = context.now.getTime() - age.uploadMs;
  const when = ageMs >= 0 ? `${describeDuration(ageMs)} ago` : "after this run's clock";
  const from = age.from === 'lock' ? '' : age.disagreement ? ' (by the index)' : ' (upload time from the index; the lock has none)';
  const eligible = formatUtcMinute(check.eligibleMs, true);
  let message =
    `${packageLabel(pkg)} was uploaded ${formatUtcMinute(age.uploadMs)}${from}, ${when}, inside ${cooldownDescription(check)}; ` +
    `it becomes eligible on ${eligible}. Most malicious releases are found and removed within days, so a release this young has not had that time.`;
  if (age.disagreement) {
    message += ` The lock records ${age.disagreement.filename} as uploaded ${formatUtcMinute(age.disagreement.lockMs)}, but the index says ${formatUtcMinute(age.disagreement.indexMs)}: the lock's time was edited, or written from another index.`;
  }
  if (breach) {
    const parts = breachParts(breach, context);
    message += ` It also breaks the lock's own ${parts.scope}: ${parts.files}, is past the cutoff ${parts.cutoff}, so uv did not write this entry under the project's settings.`;
  }
  if (check.waiver.expired) {
    message += ` The exemption for ${pkg.name} in ${context.settings.configFile} expired on ${check.waiver.expired.until}.`;
  }
  message += selfGrantedNote(check.waiver.selfGranted, context.settings.configFile);
  const previous = check.entry.previous;
  const pinPrevious =
    previous && typeof previous.version === 'string' && previous.version !== '' && previous.version !== pkg.version
      ? `keep the previous version: uv lock --upgrade-package ${shellWord(`${pkg.name}==${previous.version}`)}`
      : `leave it out of this change`;
  const fix =
    `Wait until ${eligible} and re-run; or ${pinPrevious}; or, if this release cannot wait, exempt it with a reason and an expiry:\n` +
    exemptionSnippet(context.settings.configFile, pkg.name, utcDate(check.eligibleMs));
  const finding = makeFinding({
    rule: rule.id,
    severity: rule.defaultSeverity,
    file: pair.lockFile,
    line: pkg.line,
    message,
    fix,
    package: pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name },
    introduced: true,
    subject: `${pkg.name}@${pkg.version ?? ''}`,
  });
  return check.waiver.waiver ? { ...finding, waiver: check.waiver.waiver } : finding;
}

/** The breach in words: which setting, which file, and the cutoff (recorded or derived from the head commit). */
function breachParts(breach: CutoffBreach, context: RuleContext): { scope: string; files: string; cutoff: string } {
  const { pkg, cutoff } = breach;
  const filename = artifactFilename(breach.artifact) ?? 'a file';
  const others = breach.count > 1 ? ` (and ${breach.count - 1} more of its files)` : '';
  return {
    scope: cutoff.scope === 'package' ? `exclude-newer-package entry for ${pkg.name}` : 'exclude-newer',
    files: `${filename}${others}, uploaded ${formatUtcMinute(breach.uploadMs)}`,
    cutoff:
      cutoff.origin === 'recorded'
        ? `${formatUtcMinute(cutoff.ms)} (recorded as ${cutoff.text})`
        : `${formatUtcMinute(cutoff.ms)} (${cutoff.span} before the head commit at ${formatUtcMinute(context.headTime.getTime())})`,
  };
}

function breachFinding(pair: ProjectPair, breach: CutoffBreach, context: RuleContext): Finding {
  const { pkg } = breach;
  const settings = uvSettingsOf(pair.head!);
  const parts = breachParts(breach, context);
  const message =
    `The lock breaks its own ${parts.scope}: ${packageLabel(pkg)} locks ${parts.files}, ` +
    `after the cutoff ${parts.cutoff}. uv would not have chosen it under the project's settings, so the lock was written another way (by hand, or by a tool that ignores them).`;
  const fix =
    `Re-resolve it under the project's settings: uv lock --upgrade-package ${shellWord(pkg.name)}. ` +
    `If this file is needed now, give the package its own cutoff in ${settings.file}:\n${settings.kind === 'uv.toml' ? '[exclude-newer-package]' : '[tool.uv.exclude-newer-package]'}\n${tomlString(pkg.name)} = ${tomlString(new Date(breach.uploadMs + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'))}`;
  return makeFinding({
    rule: rule.id,
    severity: rule.defaultSeverity,
    file: pair.lockFile,
    line: breach.artifact.line ?? pkg.line,
    message,
    fix,
    package: pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name },
    introduced: breach.introduced,
    subject: `exclude-newer:${pkg.name}@${pkg.version ?? ''}`,
  });
}

export const rule: Rule = {
  id: 'cooldown',
  defaultSeverity: 'error',
  summary: "A newly locked version is younger than the cooldown, or breaks the lock's own exclude-newer.",
  check(context) {
    const findings: Finding[] = [];
    for (const pair of context.projects) {
      if (!pair.head?.lock) continue;
      const checks = checkCooldown(pair, { settings: context.settings, now: context.now, headTime: context.headTime, index: context.index });
      const breaches = lockCutoffBreaches(pair, context.headTime);
      // One finding per entry: a young entry that also breaks the lock's cutoff says both. A waived
      // young entry keeps its breach separate, since an exemption does not excuse a hand-made lock.
      const told = new Set<CutoffBreach>();
      // By package: a find per young entry was quadratic on a lock of thousands of new packages.
      const breachOf = new Map<unknown, CutoffBreach>();
      for (const b of breaches) if (!breachOf.has(b.pkg)) breachOf.set(b.pkg, b);
      for (const check of checks) {
        if (!check.young) continue;
        const breach = check.waiver.waiver ? undefined : breachOf.get(check.entry.package);
        if (breach) told.add(breach);
        findings.push(youngFinding(pair, check, context, breach));
      }
      for (const breach of breaches) if (!told.has(breach)) findings.push(breachFinding(pair, breach, context));
    }
    return findings;
  },
};
