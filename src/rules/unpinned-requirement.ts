import { makeFinding, type Finding } from '../findings.js';
import { shellWord } from '../uv/cooldown-text.js';
import { basePyproject, isExactPin, lockedEntries, namePart, namesWithSources, pyprojectsOf, requirementSites, type RequirementSite } from '../uv/hardening.js';
import type { ProjectPair } from '../uv/model.js';
import { normalizeName } from '../uv/names.js';
import type { Rule, RuleContext } from './types.js';

const ID = 'unpinned-requirement';

function siteKey(site: RequirementSite): string {
  return `${site.list}\n${site.requirement.normalizedName}\n${site.requirement.markerText ?? ''}`;
}

function findingsOf(pair: ProjectPair, context: RuleContext): Finding[] {
  const scope = context.settings.config?.requirements?.pin ?? 'direct';
  if (scope === 'none' || !pair.head) return [];
  const includeBuild = scope === 'all';
  const pyprojects = pyprojectsOf(pair.head);
  // Workspace members and packages with a git, path, URL or workspace source are not index
  // releases: a `==` would not pin them (unpinned-git-source and url-source-unhashed cover those).
  const skip = namesWithSources(pyprojects);
  for (const pyproject of pyprojects) if (typeof pyproject.name === 'string') skip.add(normalizeName(pyproject.name));
  const findings: Finding[] = [];
  for (const pyproject of pyprojects) {
    const base = basePyproject(pair.base, pyproject.file);
    const atBase = new Set(base ? requirementSites(base, includeBuild).filter((s) => !isExactPin(s.requirement)).map(siteKey) : []);
    for (const site of requirementSites(pyproject, includeBuild)) {
      const req = site.requirement;
      if (req.url !== undefined || isExactPin(req) || skip.has(req.normalizedName)) continue;
      const versions = [...new Set(lockedEntries(pair.head.lock, req.name).map((pkg) => pkg.version).filter((v): v is string => typeof v === 'string'))];
      const version = versions.length === 1 ? versions[0]! : '<version>';
      const pinned = `${namePart(req)}==${version}${req.markerText ? `; ${req.markerText}` : ''}`;
      const member = pyproject !== pair.head.rootPyproject && typeof pyproject.name === 'string' ? ` --package ${shellWord(pyproject.name)}` : '';
      const uvAdd = site.list === 'build-system.requires' ? '' : `, or run: uv add${member}${site.uvAddFlag ? ` ${site.uvAddFlag}` : ''} ${shellWord(pinned)}`;
      const locked = versions.length === 1 ? ` (${version} is the locked version)` : '';
      findings.push(
        makeFinding({
          rule: ID,
          severity: 'notice',
          file: pyproject.file,
          line: site.line,
          message:
            `${JSON.stringify(req.text)} in ${site.list} is not pinned with ==, so \`uv lock --upgrade\` or a bot can move it to any release the range allows. ` +
            'An exact pin makes each upgrade a visible change to this file.',
          fix: `Replace it with ${JSON.stringify(pinned)}${locked}${uvAdd}`,
          package: { name: req.normalizedName },
          introduced: !atBase.has(siteKey(site)),
          subject: `${site.list}:${req.normalizedName}:${req.markerText ?? ''}`,
        }),
      );
    }
  }
  return findings;
}

export const rule: Rule = {
  id: ID,
  defaultSeverity: 'notice',
  summary: 'A direct dependency is not pinned with `==`.',
  check(context) {
    return context.projects.flatMap((pair) => findingsOf(pair, context));
  },
};
