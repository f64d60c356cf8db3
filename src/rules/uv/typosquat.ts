/**
 * `typosquat`: newly locked registry packages whose name imitates a popular one, raised to error by
 * what the index says (young, single release), and locked packages the index no longer has at all.
 * The name matching (matcher, techniques, ranking) is the typosquat model in src/typosquat/.
 */
import { normalizeName, redactUrl, shellWord } from '../../core/text.js';
import type { Severity } from '../../findings.js';
import { lookupOf } from '../../facts/index-facts.js';
import type { IndexLookup } from '../../facts/types.js';
import { POPULAR_RANK, matchConfidence, typosquatMatcher, type MatchConfidence, type TyposquatMatcher, type TyposquatMatch } from '../../typosquat/matcher.js';
import { shippedRanking } from '../../typosquat/ranking.js';
import { TECHNIQUE_DESCRIPTIONS } from '../../typosquat/techniques.js';
import type { LockPackage, ProjectPair } from '../../uv/model.js';
import { defineRule, type Report, type ReportInput } from '../define.js';
import { checkedPerProject } from '../internal-error.js';
import type { RuleContext } from '../types.js';

/** The level of a match offline: how sure the name match is (the index can only raise it, to error). */
const LEVEL_OF_CONFIDENCE: Readonly<Record<MatchConfidence, Severity>> = { high: 'error', medium: 'warning', low: 'notice' };

export function typosquatLevel(match: TyposquatMatch): Severity {
  return LEVEL_OF_CONFIDENCE[matchConfidence(match)];
}

/** A package first uploaded less than this long before now is "very young". */
const YOUNG_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

// Each project alone: a project the check fails on gets an internal-error naming its lock, and the
// others keep their findings.
export const rule = checkedPerProject(
  defineRule({
    meta: {
      id: 'typosquat',
      defaultSeverity: 'warning',
      summary: 'A newly locked package name imitates a popular package, or a locked package was removed from the index.',
    },
    check(ctx, report) {
      // Built on the first name that needs it: a change that only adds popular packages never pays for the index.
      let matcher: TyposquatMatcher | null = null;
      const matcherOnce = () => (matcher ??= typosquatMatcher(ctx.settings?.config?.typosquat));
      for (const pair of ctx.projects) checkProject(pair, matcherOnce, ctx, report);
    },
  }),
);

function checkProject(pair: ProjectPair, matcher: () => TyposquatMatcher, context: RuleContext, report: Report): void {
  const ranking = shippedRanking();
  const lock = pair.head?.lock;
  if (!lock || !Array.isArray(lock.packages)) return;
  const file = typeof pair.lockFile === 'string' && pair.lockFile !== '' ? pair.lockFile : lock.file;
  const baseNames = new Set((pair.base?.lock?.packages ?? []).map((pkg) => normalizeName(String(pkg?.name ?? ''))));
  // By name: an upgrade of a look-alike is as suspicious as its arrival, and the diff may hand over copies.
  const introducedNames = new Set(
    (Array.isArray(pair.introduced) ? pair.introduced : [])
      .map((entry) => entry?.package?.name)
      .filter((name): name is string => typeof name === 'string')
      .map(normalizeName),
  );
  const directNames = directDependencyNames(lock.packages);
  const reported = new Set<string>();

  for (const pkg of lock.packages) {
    if (!pkg || typeof pkg.name !== 'string' || pkg.source?.kind !== 'registry') continue;
    const name = normalizeName(pkg.name);
    if (reported.has(name)) continue; // one finding a name, even when the lock has it at several versions
    const lookup = lookupOf(context.index, pkg);
    // A popular name is never an imitation (see POPULAR_RANK): checked on the ranking first, so a
    // change that adds only popular packages never builds the matcher.
    const popular = (ranking.rankOf(name) ?? Infinity) <= POPULAR_RANK;
    const match = introducedNames.has(name) && !popular ? matcher().match(name) : null;
    const removed = lookup?.status === 'missing-project';
    if (!match && !removed) continue;
    reported.add(name);
    const direct = directNames.has(name);
    const finding = removed ? removedFinding(pkg, name, file, match, direct) : imitationFinding(pkg, name, file, match!, lookup, context.now, direct);
    report({ ...finding, introduced: !baseNames.has(name) });
  }
}

function packageRef(pkg: LockPackage, name: string): { name: string; version?: string } {
  return typeof pkg.version === 'string' ? { name, version: pkg.version } : { name };
}

function imitationFinding(
  pkg: LockPackage,
  name: string,
  file: string,
  match: TyposquatMatch,
  lookup: IndexLookup | undefined,
  now: Date,
  direct: boolean,
): ReportInput {
  let level = typosquatLevel(match);
  // Only a project page (the simple API) lists every file and version: the JSON API fallback answers
  // for the locked versions alone, which says nothing about the project's first upload or its releases.
  let evidence = '';
  if (lookup?.status === 'found' && lookup.source === 'simple') {
    const age = firstUploadAgeDays(lookup, now);
    const young = age !== null && age < YOUNG_DAYS ? `first uploaded ${age} day${age === 1 ? '' : 's'} ago` : '';
    const single = lookup.versionsListed !== false && Array.isArray(lookup.versions) && lookup.versions.length === 1 ? 'a single release' : '';
    evidence = young && single ? `it was ${young}, with a single release` : young ? `it was ${young}` : single ? `it has ${single}` : '';
  }
  // How sure the name match is (zizmor's typosquat-uses: low offline, high once the index confirms
  // the look-alike's shape); the level follows it.
  const confidence = evidence ? 'high' : matchConfidence(match);
  if (evidence) level = 'error';
  const message =
    `"${name}" looks like a typosquat of "${match.target}", the #${match.targetRank} most downloaded PyPI package ` +
    `(${TECHNIQUE_DESCRIPTIONS[match.technique]})` +
    (evidence ? `, and the index shows ${evidence}, as malicious look-alikes often do.` : '.') +
    " Installing the wrong package runs its author's code; check that this is the package you meant.";
  return {
    level,
    confidence,
    file,
    line: pkg.line,
    message,
    fix: imitationFix(name, match.target, direct),
    package: packageRef(pkg, name),
    subject: name,
  };
}

function imitationFix(name: string, target: string, direct: boolean): string {
  const keep = `If "${name}" is the package you want, add it to typosquat.allow in .github/lockgate.yml.`;
  return direct
    ? `If you meant "${target}": replace "${name}" with "${target}" in pyproject.toml, or run \`uv remove ${shellWord(name)} && uv add ${shellWord(target)}\`. ${keep}`
    : `"${name}" is pulled in by another package: \`uv tree --invert --package ${shellWord(name)}\` shows which one; replace that with the package you meant. ${keep}`;
}

function removedFinding(pkg: LockPackage, name: string, file: string, match: TyposquatMatch | null, direct: boolean): ReportInput {
  const index = pkg.source.kind === 'registry' && typeof pkg.source.url === 'string' ? redactUrl(pkg.source.url) : 'the index';
  const imitation = match ? ` Its name imitates "${match.target}" (${TECHNIQUE_DESCRIPTIONS[match.technique]}).` : '';
  const locate = direct ? `\`uv remove ${shellWord(name)}\`` : `find what requires it with \`uv tree --invert --package ${shellWord(name)}\` and remove that`;
  return {
    level: 'error',
    file,
    line: pkg.line,
    message:
      `"${name}" is locked but ${index} no longer has it: removed from the index (the most common fate of malicious packages).${imitation}` +
      ' Treat machines that installed it as exposed until you know why it was removed.',
    fix: `Remove it: ${locate}, then \`uv lock\`.${match ? ` If you meant "${match.target}", add that instead.` : ''}`,
    package: packageRef(pkg, name),
    subject: name,
  };
}

/** Whole days since the earliest upload the index lists for the project, or null when it lists none. */
function firstUploadAgeDays(lookup: Extract<IndexLookup, { status: 'found' }>, now: Date): number | null {
  let earliest = Infinity;
  for (const file of Array.isArray(lookup.files) ? lookup.files : []) {
    const time = typeof file?.uploadTime === 'string' ? Date.parse(file.uploadTime) : NaN;
    if (Number.isFinite(time) && time < earliest) earliest = time;
  }
  const nowMs = now instanceof Date ? now.getTime() : NaN;
  if (!Number.isFinite(earliest) || !Number.isFinite(nowMs)) return null;
  return Math.max(0, Math.floor((nowMs - earliest) / DAY_MS));
}

/** Names the workspace's own packages (non-registry entries) depend on directly, in any group or extra. */
function directDependencyNames(packages: readonly LockPackage[]): Set<string> {
  const names = new Set<string>();
  for (const pkg of packages) {
    if (!pkg || pkg.source?.kind === 'registry') continue;
    const lists = [pkg.dependencies, ...Object.values(pkg.optionalDependencies ?? {}), ...Object.values(pkg.devDependencies ?? {})];
    for (const list of lists) {
      for (const dep of Array.isArray(list) ? list : []) {
        if (typeof dep?.name === 'string') names.add(normalizeName(dep.name));
      }
    }
  }
  return names;
}
