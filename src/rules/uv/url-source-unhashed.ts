import { displayUrl, normalizeName, packageLabel, shellWord } from '../../core/text.js';
import { artifactsOf } from '../../facts/index-facts.js';
import { pyprojectsOf, requirementSites, sourceSites } from '../../uv/hardening.js';
import type { LockArtifact, LockPackage, ProjectPair } from '../../uv/model.js';
import { defineRule } from '../define.js';

function hasHash(artifact: LockArtifact): boolean {
  return typeof artifact.hash === 'string' && /^[a-z0-9]+:[0-9a-f]+$/i.test(artifact.hash.trim());
}

/** The artifacts of a url package that lack a hash; the package itself when it locks no artifact at all. */
function unhashed(pkg: LockPackage): LockArtifact[] | 'no-artifacts' {
  const artifacts = artifactsOf(pkg);
  if (artifacts.length === 0) return 'no-artifacts';
  return artifacts.filter((artifact) => !hasHash(artifact));
}

/** Where the project declares the URL source of a package (for the message). */
function declaredAt(pair: ProjectPair, name: string): string | null {
  const normalized = normalizeName(name);
  for (const pyproject of pyprojectsOf(pair.head)) {
    for (const site of sourceSites(pyproject)) {
      if (normalizeName(site.name) === normalized && typeof site.table.url === 'string') return `${pyproject.file}${site.line ? `:${site.line}` : ''}`;
    }
    for (const site of requirementSites(pyproject, true)) {
      if (site.requirement.normalizedName === normalized && site.requirement.url !== undefined) return `${pyproject.file}${site.line ? `:${site.line}` : ''}`;
    }
  }
  return null;
}

function unhashedAtBase(pair: ProjectPair, pkg: LockPackage): boolean {
  const packages = pair.base?.lock?.packages;
  if (!Array.isArray(packages) || pkg.source.kind !== 'url') return false;
  for (const basePkg of packages) {
    if (basePkg?.source?.kind !== 'url' || basePkg.source.url !== pkg.source.url || typeof basePkg.name !== 'string') continue;
    if (normalizeName(basePkg.name) !== normalizeName(pkg.name)) continue;
    const missing = unhashed(basePkg);
    if (missing === 'no-artifacts' || missing.length > 0) return true;
  }
  return false;
}

export const rule = defineRule({
  meta: { id: 'url-source-unhashed', defaultSeverity: 'warning', summary: 'A direct URL artifact has no hash.' },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      const packages = pair.head?.lock?.packages;
      if (!Array.isArray(packages)) continue;
      for (const pkg of packages) {
        if (!pkg || pkg.source?.kind !== 'url' || typeof pkg.name !== 'string') continue;
        const missing = unhashed(pkg);
        if (missing !== 'no-artifacts' && missing.length === 0) continue;
        const declared = declaredAt(pair, pkg.name);
        const what =
          missing === 'no-artifacts'
            ? 'locks no archive with a hash'
            : `locks ${missing.length === 1 ? 'an archive' : `${missing.length} archives`} without a hash`;
        report({
          file: pair.lockFile,
          line: (missing === 'no-artifacts' ? undefined : missing[0]!.line) ?? pkg.line,
          message:
            `${packageLabel(pkg)} comes from a direct URL (${displayUrl(pkg.source.url)})${declared ? `, declared at ${declared},` : ''} and ${what}: ` +
            'whatever bytes that URL serves tomorrow get installed. uv itself writes a hash for every URL source and refuses a lock without one, so this entry was not written by uv.',
          fix: `Let uv record the archive's hash: uv lock --refresh-package ${shellWord(pkg.name)}; then check the archive you reviewed has that sha256.`,
          package: pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name },
          introduced: !unhashedAtBase(pair, pkg),
          subject: `${normalizeName(pkg.name)}@${displayUrl(pkg.source.url)}`,
        });
      }
    }
  },
});
