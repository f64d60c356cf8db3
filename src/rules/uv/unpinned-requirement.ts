import { normalizeName, shellWord } from '../../core/text.js';
import {
  basePyproject,
  isExactPin,
  lockedEntries,
  namePart,
  namesWithSources,
  pyprojectsOf,
  requirementSites,
  type RequirementSite,
} from '../../uv/hardening.js';
import { isPackage } from '../../uv/lowering.js';
import type { ProjectPair, Pyproject } from '../../uv/model.js';
import { defineRule, type Report } from '../define.js';
import type { RuleContext } from '../types.js';

type PinScope = 'none' | 'direct' | 'all';

function siteKey(site: RequirementSite): string {
  return `${site.list}\n${site.requirement.normalizedName}\n${site.requirement.markerText ?? ''}`;
}

/** The requirements a published package hands to its users: an `==` there would break their resolution. */
function isPublishedList(site: RequirementSite): boolean {
  return site.list === 'project.dependencies' || site.list.startsWith('optional dependency ');
}

/**
 * Whether lockgate asks for an `==` on this requirement. A published package (uv's own rule:
 * `tool.uv.package` when set, else a `[build-system]`) is never asked to pin what it publishes
 * (`project.dependencies`, optional dependencies): its users would inherit the pin and could no
 * longer resolve it beside anything that needs another version. Applications (no build system, or
 * `package = false`) are the rule's target: under `direct` (the default), every list they install
 * from. `all` adds `[build-system] requires` and the dependency groups of published packages
 * (groups are never published, so their pins bind only this repository).
 */
function inScope(site: RequirementSite, published: boolean, scope: PinScope): boolean {
  if (scope === 'none') return false;
  if (site.list === 'build-system.requires') return scope === 'all';
  if (!published) return true;
  return scope === 'all' && !isPublishedList(site);
}

function published(pyproject: Pyproject): boolean {
  return isPackage(pyproject, true);
}

function sitesInScope(pyproject: Pyproject, scope: PinScope): RequirementSite[] {
  const isPublished = published(pyproject);
  return requirementSites(pyproject, scope === 'all').filter((site) => inScope(site, isPublished, scope));
}

function checkPair(pair: ProjectPair, context: RuleContext, report: Report): void {
  const scope: PinScope = context.settings.config?.requirements?.pin ?? 'direct';
  if (scope === 'none' || !pair.head) return;
  const pyprojects = pyprojectsOf(pair.head);
  // Workspace members and packages with a git, path, URL or workspace source are not index
  // releases: a `==` would not pin them (unpinned-git-source and url-source-unhashed cover those).
  const skip = namesWithSources(pyprojects);
  for (const pyproject of pyprojects) if (typeof pyproject.name === 'string') skip.add(normalizeName(pyproject.name));
  for (const pyproject of pyprojects) {
    const base = basePyproject(pair.base, pyproject.file);
    const atBase = new Set(
      base
        ? sitesInScope(base, scope)
            .filter((s) => !isExactPin(s.requirement))
            .map(siteKey)
        : [],
    );
    const isPublished = published(pyproject);
    for (const site of sitesInScope(pyproject, scope)) {
      const req = site.requirement;
      if (req.url !== undefined || isExactPin(req) || skip.has(req.normalizedName)) continue;
      const versions = [
        ...new Set(
          lockedEntries(pair.head.lock, req.name)
            .map((pkg) => pkg.version)
            .filter((v): v is string => typeof v === 'string'),
        ),
      ];
      const version = versions.length === 1 ? versions[0]! : '<version>';
      const pinned = `${namePart(req)}==${version}${req.markerText ? `; ${req.markerText}` : ''}`;
      const member = pyproject !== pair.head.rootPyproject && typeof pyproject.name === 'string' ? ` --package ${shellWord(pyproject.name)}` : '';
      const uvAdd = site.list === 'build-system.requires' ? '' : `, or run: uv add${member}${site.uvAddFlag ? ` ${site.uvAddFlag}` : ''} ${shellWord(pinned)}`;
      const locked = versions.length === 1 ? ` (${version} is the locked version)` : '';
      const why =
        site.list === 'build-system.requires'
          ? 'An exact pin makes each upgrade of the build backend a visible change to this file (requirements.pin: all).'
          : isPublished
            ? `An exact pin makes each upgrade a visible change to this file; ${site.list} is not published with the package, so the pin binds only this repository (requirements.pin: all).`
            : 'This project is an application (no [build-system], or tool.uv.package = false), so nobody installs it as a dependency: an exact pin makes each upgrade a visible change to this file.';
      report({
        file: pyproject.file,
        line: site.line,
        message: `${JSON.stringify(req.text)} in ${site.list} is not pinned with ==, so \`uv lock --upgrade\` or a bot can move it to any release the range allows. ${why}`,
        fix: `Replace it with ${JSON.stringify(pinned)}${locked}${uvAdd}`,
        package: { name: req.normalizedName },
        introduced: !atBase.has(siteKey(site)),
        subject: `${site.list}:${req.normalizedName}:${req.markerText ?? ''}`,
      });
    }
  }
}

export const rule = defineRule({
  meta: {
    id: 'unpinned-requirement',
    defaultSeverity: 'notice',
    summary: 'A direct dependency of an application is not pinned with `==` (never asked of what a published package publishes).',
  },
  check(ctx, report) {
    for (const pair of ctx.projects) checkPair(pair, ctx, report);
  },
});
