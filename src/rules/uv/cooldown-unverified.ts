import { makeFinding, type Finding, type WaivedFinding } from '../../findings.js';
import { checkCooldown, formatUtcMinute, utcDate, type CooldownCheck, type UndatedReason } from './cooldown-check.js';
import { displayUrl, packageLabel } from '../../core/text.js';
import { exemptionSnippet, selfGrantedNote } from './cooldown-text.js';
import { describeDuration } from '../../uv/exclude-newer.js';
import type { ProjectPair } from '../../uv/model.js';
import type { Rule, RuleContext } from '../types.js';

function isPypi(url: string): boolean {
  return /^https:\/\/(test\.)?pypi\.org\/simple\/?$/i.test(url.trim());
}

/**
 * Some of the entry's new files are dated and some are not: `files` have no upload time, `datedMs` is
 * the youngest dated one. The wording of the registry messages, about those files only.
 */
interface PartlyDated {
  files: string[];
  datedMs: number;
}

function describe(why: UndatedReason, label: string, length: string, partly?: PartlyDated): { message: string; fix: string } {
  const them = partly && partly.files.length > 1 ? 'those files' : 'that file';
  const unknown = partly ? `so the age of ${them} against the cooldown of ${length} is unknown` : `so its age against the cooldown of ${length} is unknown`;
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
  const lacking = partly
    ? `${label} locks ${fileList(partly.files)} with no upload time, though its other new files have one (uploaded ${formatUtcMinute(partly.datedMs)})`
    : `${label} has no upload time in the lock (written by uv before 0.6.15, or from an index without PEP 700 upload times)`;
  // Files can be added to a release at any time: the dates of the others do not date these.
  const notDatedBySiblings = partly
    ? ' Files can be added to a release long after it was published, so the dates of the others say nothing about this one.'
    : '';
  const listed = partly ? `does not list ${them}` : 'no longer lists the locked files';
  const noTimes = partly ? `lists ${them} without an upload time` : 'lists the files without upload times';
  const relock = 'Re-locking with uv >= 0.6.15 from an index that serves upload times records them: uv lock --refresh.';
  const checkByHand = isPypi(why.registry)
    ? `Check the upload date at https://pypi.org/project/${encodeURIComponent(label.split(' ')[0]!)}/ and, if it is younger than ${length}, wait or keep the previous version.`
    : `Check the upload date on ${displayUrl(why.registry)} and, if it is younger than ${length}, wait or keep the previous version.`;
  switch (why.index.kind) {
    case 'offline':
      return {
        message: `${lacking}, and lockgate ran offline, ${unknown}.${notDatedBySiblings}`,
        fix: `Run lockgate online so it can ask the index. ${relock} ${checkByHand} To accept it as is:`,
      };
    case 'not-asked':
      return {
        message: `${lacking}, and lockgate did not ask its index (${displayUrl(why.registry)}: a local index, or the network time budget ran out), ${unknown}.${notDatedBySiblings}`,
        fix: `${relock} ${checkByHand} To accept it as is:`,
      };
    case 'error':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) could not be asked (${why.index.message}), ${unknown}.${notDatedBySiblings}`,
        fix: `Re-run when the index answers. ${relock} ${checkByHand} To accept it as is:`,
      };
    case 'missing-project':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) no longer has the project, ${unknown}.${notDatedBySiblings}`,
        fix: `See the ghost-file finding: the locked files are no longer published. ${checkByHand} To accept it as is:`,
      };
    case 'not-listed':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) ${listed}, ${unknown}.${notDatedBySiblings}`,
        fix: `See the ghost-file finding. ${checkByHand} To accept it as is:`,
      };
    case 'no-times':
      return {
        message: `${lacking}, and its index (${displayUrl(why.registry)}) ${noTimes}, ${unknown}.${notDatedBySiblings}`,
        fix: `${checkByHand} To accept it as is:`,
      };
  }
}

function fileList(files: string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more files`;
}

/** What cannot be dated about an entry: all of it, or some of its new files; null when it is dated. */
function undatedPart(check: CooldownCheck): { why: UndatedReason; partly?: PartlyDated } | null {
  const age = check.age;
  if (age.kind === 'undated') return { why: age.why };
  // A young entry is a cooldown error already; its undated files would not change that.
  if (age.kind !== 'dated' || !age.undated || check.young) return null;
  const source = check.entry.package.source;
  if (source.kind !== 'registry') return null;
  return { why: { kind: 'registry', registry: source.url, index: age.undated.index }, partly: { files: age.undated.files, datedMs: age.uploadMs } };
}

function unverifiedFinding(pair: ProjectPair, check: CooldownCheck, context: RuleContext): Finding | WaivedFinding | null {
  const pkg = check.entry.package;
  const part = undatedPart(check);
  if (!part) return null;
  const length = describeDuration(check.cooldown.ms);
  const { message, fix } = describe(part.why, packageLabel(pkg), length, part.partly);
  const expired = check.waiver.expired ? ` The exemption for ${pkg.name} in ${context.settings.configFile} expired on ${check.waiver.expired.until}.` : '';
  const until = utcDate(context.now.getTime() + check.cooldown.ms);
  const finding = makeFinding({
    rule: rule.id,
    severity: rule.defaultSeverity,
    file: pair.lockFile,
    line: pkg.line,
    message: message + expired + selfGrantedNote(check.waiver.selfGranted, context.settings.configFile),
    fix: `${fix}\n${exemptionSnippet(context.settings.configFile, pkg.name, until, part.why.kind === 'registry' ? '<why this release cannot wait>' : '<who reviewed it, and why it is trusted>')}`,
    package: pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name },
    introduced: true,
    subject: `${pkg.name}@${pkg.version ?? ''}`,
  });
  return check.waiver.waiver ? { ...finding, waiver: check.waiver.waiver } : finding;
}

export const rule: Rule = {
  id: 'cooldown-unverified',
  defaultSeverity: 'warning',
  summary: 'The upload time of a newly locked version could not be established.',
  check(context) {
    const findings: Finding[] = [];
    for (const pair of context.projects) {
      if (!pair.head?.lock) continue;
      const checks = checkCooldown(pair, { settings: context.settings, now: context.now, headTime: context.headTime, index: context.index });
      for (const check of checks) {
        // A cooldown of zero days is switched off: nothing to verify.
        if (check.cooldown.ms <= 0) continue;
        const finding = unverifiedFinding(pair, check, context);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};
