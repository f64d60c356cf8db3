/** Where the CLI keeps node's compile cache: the user's own cache, never the repository or a shared temp dir. */
import { describe, expect, it } from '@jest/globals';
import { compileCacheDirectory, enableCompileCache } from '../src/cli/compile-cache.js';

describe('compileCacheDirectory', () => {
  const home = () => '/home/dev';
  it("is node's own NODE_COMPILE_CACHE when set", () => {
    expect(compileCacheDirectory({ NODE_COMPILE_CACHE: '/var/cache/node', XDG_CACHE_HOME: '/x' }, home)).toBeUndefined();
  });
  it('is under an absolute XDG_CACHE_HOME, else under ~/.cache', () => {
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/xdg' }, home)).toBe('/xdg/lockgate/node-compile-cache');
    expect(compileCacheDirectory({ XDG_CACHE_HOME: 'relative/to/the/repo' }, home)).toBe('/home/dev/.cache/lockgate/node-compile-cache');
    expect(compileCacheDirectory({}, home)).toBe('/home/dev/.cache/lockgate/node-compile-cache');
  });
  it('is none without an absolute home directory', () => {
    expect(compileCacheDirectory({}, () => '')).toBeNull();
    expect(compileCacheDirectory({}, () => 'relative')).toBeNull();
    expect(
      compileCacheDirectory({}, () => {
        throw new Error('no home');
      }),
    ).toBeNull();
  });
});

describe('enableCompileCache', () => {
  it('never throws, with or without module.enableCompileCache (absent on Node 20)', () => {
    expect(() => enableCompileCache({ NODE_DISABLE_COMPILE_CACHE: '1', XDG_CACHE_HOME: '/nonexistent-root-dir/cannot-create' })).not.toThrow();
  });
});
