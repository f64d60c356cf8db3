/**
 * Path globs of lockgate's own config (`exclude:`, `ignore[].path`), matched with picomatch, the
 * glob library of the Node ecosystem (micromatch, chokidar, jest, fast-glob use it), so the syntax is
 * the one users already know: `*` within a folder, `**` across folders, `?` one character, `[abc]`,
 * `{yml,yaml}`, `(a|b)`, and `\` to escape. Dotfiles match like any file (`.github/**` is a
 * folder name, not a hidden file to skip).
 *
 * uv's workspace `members` / `exclude` globs are not these: they follow uv's own glob crate
 * semantics and live with the uv model (src/uv/load.ts `workspaceGlob`).
 */
import picomatch from 'picomatch';

/**
 * A matcher for one config path glob. A leading `./` is dropped and a trailing `/` means everything
 * under that folder (`examples/` is `examples/**`), as users write them.
 */
export function configGlobMatcher(glob: string): (path: string) => boolean {
  const normalized = glob.replace(/^\.\//, '').replace(/\/$/, '/**');
  return picomatch(normalized, { dot: true });
}
