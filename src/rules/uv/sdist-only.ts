/**
 * `sdist-only`: a newly locked registry package that has a source distribution and no wheel.
 * Installing it means building it, and building runs the package's own code (setup.py or the build
 * backend it names) on the installing machine, before anything imports it.
 */
import { normalizeName, tomlString } from '../../core/text.js';
import type { LockPackage, ProjectPair, UvProject } from '../../uv/model.js';
import { uvSettingsOf } from '../../uv/uv-config.js';
import { defineRule, type Report } from '../define.js';
import { checkedPerProject } from '../internal-error.js';

// Each project alone: a project the check fails on gets an internal-error naming its lock, and the
// others keep their findings.
export const rule = checkedPerProject(
  defineRule({
    meta: { id: 'sdist-only', defaultSeverity: 'warning', summary: 'A newly locked registry package has only an sdist: installing it runs its build code.' },
    check(ctx, report) {
      for (const pair of ctx.projects) checkProject(pair, report);
    },
  }),
);

function isSdistOnly(pkg: LockPackage | undefined): boolean {
  return !!pkg && pkg.sdist !== undefined && pkg.sdist !== null && (!Array.isArray(pkg.wheels) || pkg.wheels.length === 0);
}

function checkProject(pair: ProjectPair, report: Report): void {
  const head = pair.head;
  const lock = head?.lock;
  if (!head || !lock) return;
  const file = typeof pair.lockFile === 'string' && pair.lockFile !== '' ? pair.lockFile : lock.file;
  const refusesBuild = buildRefusal(head);
  const where = settingsPlace(head);
  const reported = new Set<string>();
  for (const entry of Array.isArray(pair.introduced) ? pair.introduced : []) {
    const pkg = entry?.package;
    if (!pkg || typeof pkg.name !== 'string' || pkg.source?.kind !== 'registry' || !isSdistOnly(pkg)) continue;
    const name = normalizeName(pkg.name);
    // uv refuses to build it (it fails the install instead): nothing runs.
    if (refusesBuild(name) || reported.has(name)) continue;
    reported.add(name);
    const version = typeof pkg.version === 'string' ? pkg.version : undefined;
    const label = version ? `"${name}" ${version}` : `"${name}"`;
    report({
      file,
      line: pkg.line,
      message:
        `${label} is locked with a source distribution and no wheel: installing it builds it, ` +
        "and building runs the package's own code (its setup script or build backend) on every machine that installs it.",
      fix:
        `Pick a version of "${name}" that publishes wheels, or make uv refuse to build it: add ` +
        `no-build-package = [${tomlString(name)}] ${where} (or no-build = true to refuse every build), then run \`uv lock\`.`,
      package: version ? { name, version } : { name },
      // New when the name was not sdist-only at base: absent, or locked with wheels there.
      introduced: !isSdistOnly(entry.previous),
      subject: name,
    });
  }
}

/** Where uv reads this project's settings from, as the fix names it. */
function settingsPlace(project: UvProject): string {
  const source = uvSettingsOf(project);
  return source.kind === 'uv.toml' ? `to ${source.file}` : `under [tool.uv] in ${source.file}`;
}

/** Whether the project's uv settings refuse to build a package: `no-build = true` or `no-build-package`. */
function buildRefusal(project: UvProject): (name: string) => boolean {
  // No try: a project whose settings cannot be read fails the check visibly (internal-error), rather
  // than being checked as if it refused no build.
  const table = uvSettingsOf(project).table as Record<string, unknown>;
  if (table['no-build'] === true) return () => true;
  const listed = table['no-build-package'];
  const names = new Set((Array.isArray(listed) ? listed : []).filter((name): name is string => typeof name === 'string').map(normalizeName));
  return (name) => names.has(name);
}
