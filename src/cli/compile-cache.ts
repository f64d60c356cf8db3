/**
 * Node's module compile cache (`module.enableCompileCache()`, Node 22.1+; absent on Node 20, where
 * this does nothing) for the CLI's check, dist/cli-check.js: V8 keeps the compiled code of the
 * ~1.9 MB bundle on disk, so the next run (the pre-commit hook on every commit) skips compiling it.
 * Called before that file is imported: the cache covers modules loaded after it is enabled.
 *
 * Where: NODE_COMPILE_CACHE when set (node enabled it at start already), else a directory of the
 * user's own cache ($XDG_CACHE_HOME or ~/.cache, then lockgate/node-compile-cache): never in the
 * checked repository, and not the shared os.tmpdir() node would pick, where another local user could
 * plant compiled code. No home directory, or any failure: no cache, and the run goes on as before.
 *
 * The action does not call this: a hosted runner starts every job empty, so its one run per job
 * would only pay for writing the cache (docs/performance.md).
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as nodeModule from 'node:module';

type EnableCompileCache = (directory?: string) => unknown;

/**
 * The directory to pass, undefined for node's own choice (NODE_COMPILE_CACHE), or null for none.
 * NODE_DISABLE_COMPILE_CACHE=1 turns the cache off inside node itself.
 */
export function compileCacheDirectory(env: NodeJS.ProcessEnv, home: () => string): string | undefined | null {
  if (env.NODE_COMPILE_CACHE) return undefined;
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'lockgate', 'node-compile-cache');
  try {
    const dir = home();
    return dir && isAbsolute(dir) ? join(dir, '.cache', 'lockgate', 'node-compile-cache') : null;
  } catch {
    return null;
  }
}

export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function') return;
  try {
    const directory = compileCacheDirectory(env, homedir);
    if (directory !== null) enable(directory);
  } catch {
    // A cache is an optimisation: never a reason to fail a check.
  }
}
