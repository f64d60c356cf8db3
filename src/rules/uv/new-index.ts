import type { IndexConfig, ProjectPair, UvProject } from '../../uv/model.js';
import { redactUrl } from '../../core/text.js';
import { defineRule, type Report } from '../define.js';

export const rule = defineRule({
  meta: { id: 'new-index', defaultSeverity: 'warning', summary: 'A new package index appears in pyproject.toml or uv.lock.' },
  check: (ctx, report) => checkNewIndex(ctx.projects, report),
});

/** PyPI is where uv resolves without any index setting; it is never "new". */
const DEFAULT_INDEX_URLS = new Set(['https://pypi.org/simple', 'https://pypi.org/simple/']);

function indexKey(url: string): string {
  return redactUrl(url.trim()).replace(/\/+$/, '');
}

function lockRegistryLines(project: UvProject | null): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const pkg of project?.lock?.packages ?? []) {
    if (pkg.source.kind !== 'registry') continue;
    const key = indexKey(pkg.source.url);
    if (!out.has(key)) out.set(key, pkg.line);
  }
  return out;
}

function knownIndexes(project: UvProject | null): Set<string> {
  const out = new Set<string>();
  if (!project) return out;
  for (const index of project.indexes) out.add(indexKey(index.url));
  for (const key of lockRegistryLines(project).keys()) out.add(key);
  return out;
}

function declaration(index: IndexConfig): string {
  switch (index.declaredAs) {
    case 'index-url':
      return '`index-url`';
    case 'extra-index-url':
      return '`extra-index-url`';
    case 'find-links':
      return '`find-links`';
    default:
      return index.name ? `[[tool.uv.index]] "${index.name}"` : '[[tool.uv.index]]';
  }
}

function checkNewIndex(pairs: readonly ProjectPair[], report: Report): void {
  for (const pair of pairs) {
    const head = pair.head;
    if (!head) continue;
    const known = knownIndexes(pair.base);
    const reported = new Set<string>();
    for (const index of head.indexes) {
      const key = indexKey(index.url);
      if (DEFAULT_INDEX_URLS.has(key) || DEFAULT_INDEX_URLS.has(`${key}/`) || known.has(key) || reported.has(key)) continue;
      reported.add(key);
      const file = index.file ?? head.rootPyproject.file;
      const explicitNote = index.explicit
        ? 'It is `explicit`, so only packages pinned to it in [tool.uv.sources] use it.'
        : 'It is not `explicit`, so uv may take any package from it, including names that also exist on PyPI (dependency confusion).';
      report({
        file,
        line: index.line,
        message: `${key} is a new package index for this project (${declaration(index)}). ${explicitNote} Whoever runs an index decides what code it serves.`,
        fix: index.explicit
          ? 'Make sure you trust this index and that only the packages that need it are pinned to it in [tool.uv.sources].'
          : `If only some packages need it, declare it explicit and pin them:\n[[tool.uv.index]]\nname = "${index.name ?? 'private'}"\nurl = "${key}"\nexplicit = true\n\n[tool.uv.sources]\n<package> = { index = "${index.name ?? 'private'}" }\nthen run \`uv lock\`. If it is not needed, remove it and run \`uv lock\`.`,
        introduced: true,
        subject: `index:${key}`,
      });
    }
    for (const [key, line] of lockRegistryLines(head)) {
      if (DEFAULT_INDEX_URLS.has(key) || DEFAULT_INDEX_URLS.has(`${key}/`) || known.has(key) || reported.has(key)) continue;
      reported.add(key);
      report({
        file: pair.lockFile,
        line,
        message: `The lock takes packages from ${key}, a package index it did not use before and that the project settings do not declare. Whoever runs an index decides what code it serves.`,
        fix: 'Find out which setting or command added this index (an environment variable such as UV_INDEX_URL, or a user uv.toml); declare it in pyproject.toml if it is intended, otherwise run `uv lock` without it.',
        introduced: true,
        subject: `index:${key}`,
      });
    }
  }
}
