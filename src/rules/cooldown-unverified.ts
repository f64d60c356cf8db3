import { makeFinding, type Finding, type WaivedFinding } from '../findings.js';
import { checkCooldown, utcDate, type CooldownCheck, type UndatedReason } from '../uv/cooldown.js';
import { displayUrl, exemptionSnippet, packageLabel } from '../uv/cooldown-text.js';
import { describeDuration } from '../uv/exclude-newer.js';
import type { ProjectPair } from '../uv/model.js';
import type { Rule, RuleContext } from './types.js';

const ID = 'cooldown-unverified';

function isPypi(url: string): boolean {
  return /^https:\/\/(test\.)?pypi\.org\/simple\/?$/i.test(url.trim());
}

function describe(why: UndatedReason, label: string, length: string): { message: string; fix: string } {
  const unknown = `so its age against the cooldown of ${length} is unknown`;
  if (why.kind === 'url') {
    return {
      message: `${label} comes from a direct URL (${displayUrl(why.url)}), which has no upload time, ${unknown}. A direct URL bypasses the index and any exclude-newer.`,
      fix: 'Review the archive at that URL before merging; if it is trusted, record that with an exemption:',
    };
  }
  if (why.kind === 'git') {
    const at = why.commit ? ` at ${why.commit}` : '';
    return {
      message: `${label} comes from git (${displayUrl(why.url)}${at}), which has no upload time, ${unknown}. exclude-newer does not apply to git sources.`,
      fix: 'Review the commit before merging; if it is trusted, record that with an exemption:',
    };
  }
  const lacking = `${label} has no upload time in the lock (written by uv before 0.6.15, or from an index without PEP 700 upload times)`;
  const relock = 'Re-locking with uv >= 0.6.15 from an index that serves upload times records them: uv lock --refresh.';
  const checkByHand = isPypi(why.registry)
    ? `Check the upload date at https://pypi.org/project/${encodeURIComponent(label.split(' ')[0]!)}/ and, if it is younger than ${length}, wait or keep the previous version.`
    : `Check the upload date on ${displayUrl(why.registry)} and, if it is younger than ${length}, wait or keep the previous version.`;
  switch (why.index.kind) {
    case 'offline':
      return { message: `${lacking}, and lockgate ran offline, ${unknown}.`, fix: `Run lockgate online so it can ask the index. ${relock} ${checkByHand} To accept it as is:` };
    case 'not-asked':
      return {
        message: `${lacking}, and lockgate did not ask its index (${displayUrl(why.registry)}: a local index, or the network time budget ran out), ${unknown}.`,
        fix: `${relock} ${checkByHand} To accept it as is:`,
      };
    case 'error':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) could not be asked (${why.index.message}), ${unknown}.`,
        fix: `Re-run when the index answers. ${relock} ${checkByHand} To accept it as is:`,
      };
    case 'missing-project':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) no longer has the project, ${unknown}.`,
        fix: `See the ghost-file finding: the locked files are no longer published. ${checkByHand} To accept it as is:`,
      };
    case 'not-listed':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) no longer lists the locked files, ${unknown}.`,
        fix: `See the ghost-file finding. ${checkByHand} To accept it as is:`,
      };
    case 'no-times':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) lists the files without upload times, ${unknown}.`,
        fix: `${checkByHand} To accept it as is:`,
      };
  }
}

function unverifiedFinding(pair: ProjectPair, check: CooldownCheck, context: RuleContext): Finding | WaivedFinding {
  const pkg = check.entry.package;
  if (check.age.kind !== 'undated') throw new Error('unverifiedFinding needs an undated entry');
  const length = describeDuration(check.cooldown.ms);
  const { message, fix } = describe(check.age.why, packageLabel(pkg), length);
  const expired = check.waiver.expired ? ` The exemption for ${pkg.name} in ${context.settings.configFile} expired on ${check.waiver.expired.until}.` : '';
  const until = utcDate(context.now.getTime() + check.cooldown.ms);
  const finding = makeFinding({
    rule: ID,
    severity: 'warning',
    file: pair.lockFile,
    line: pkg.line,
    message: message + expired,
    fix: `${fix}\n${exemptionSnippet(context.settings.configFile, pkg.name, until, check.age.why.kind === 'registry' ? '<why this release cannot wait>' : '<who reviewed it, and why it is trusted>')}`,
    package: pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name },
    introduced: true,
    subject: `${pkg.name}@${pkg.version ?? ''}`,
  });
  return check.waiver.waiver ? { ...finding, waiver: check.waiver.waiver } : finding;
}

export const rule: Rule = {
  id: ID,
  defaultSeverity: 'warning',
  summary: 'The upload time of a newly locked version could not be established.',
  check(context) {
    const findings: Finding[] = [];
    for (const pair of context.projects) {
      if (!pair.head?.lock) continue;
      const checks = checkCooldown(pair, { settings: context.settings, now: context.now, headTime: context.headTime, index: context.index });
      for (const check of checks) {
        // A cooldown of zero days is switched off: nothing to verify.
        if (check.age.kind === 'undated' && check.cooldown.ms > 0) findings.push(unverifiedFinding(pair, check, context));
      }
    }
    return findings;
  },
};
