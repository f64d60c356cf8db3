import { displayUrl, packageLabel, shellWord } from '../../core/text.js';
import { artifactFilename } from '../../facts/index-facts.js';
import { yankedEntries } from '../../facts/index-checks.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: { id: 'yanked', defaultSeverity: 'error', summary: 'A locked version is yanked on its index.', online: true },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      for (const yanked of yankedEntries(pair, ctx.index)) {
        const pkg = yanked.entry.package;
        const registry = pkg.source.kind === 'registry' ? displayUrl(pkg.source.url) : 'its index';
        const reasons = yanked.reasons.filter((r) => r !== '');
        const why = reasons.length > 0 ? `, with the reason: ${reasons.map((r) => `"${r}"`).join('; ')}` : ' (no reason given)';
        const which =
          yanked.files.length === yanked.listed
            ? ''
            : ` (${yanked.files.length} of its ${yanked.listed} locked files: ${yanked.files
                .map((f) => artifactFilename(f.artifact) ?? '?')
                .slice(0, 3)
                .join(', ')})`;
        report({
          file: pair.lockFile,
          line: pkg.line,
          message:
            `${packageLabel(pkg)} is yanked on ${registry}${which}${why}. Maintainers yank broken or unsafe releases, ` +
            'and uv still installs a yanked version from the lock without asking the index.',
          fix: `Move to a release that is not yanked: uv lock --upgrade-package ${shellWord(pkg.name)} (add a version, e.g. ${shellWord(`${pkg.name}==<version>`)}, to choose one).`,
          package: pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name },
          introduced: true,
          subject: `${pkg.name}@${pkg.version ?? ''}`,
        });
      }
    }
  },
});
