/**
 * The one copy of each text helper (src/core/text.ts). The cases are the union of what the copies
 * they replace did: `redactUrl` (core: one URL, through the WHATWG parser), `redactCredentials`
 * (lock-diff rules: every `//userinfo@` in a text), `redactUrlCredentials` (markdown and action
 * logs: `***@` in its place), and the two `shellWord`s (cooldown texts: double quotes when safe; lock
 * diff texts: single quotes only).
 */
import { describe, expect, it } from '@jest/globals';
import { displayUrl, normalizeName, packageLabel, redactUrl, shellWord, tomlString } from '../src/core/text.js';

describe('redactUrl', () => {
  it('removes the userinfo of a URL, and leaves a URL without one as it is', () => {
    expect(redactUrl('https://user:s3cret@example.org/simple')).toBe('https://example.org/simple');
    expect(redactUrl('https://__token__@example.org/simple/')).toBe('https://example.org/simple/');
    expect(redactUrl('git+https://tok@github.com/a/b')).toBe('git+https://github.com/a/b');
    expect(redactUrl('https://pypi.org/simple')).toBe('https://pypi.org/simple');
    expect(redactUrl('https://Example.ORG:443/x')).toBe('https://Example.ORG:443/x');
    expect(redactUrl('')).toBe('');
  });

  it('reads one URL as WHATWG (and uv) does: the userinfo ends at the last @, in any form', () => {
    expect(redactUrl('https://user:p@ss@example.org/simple')).toBe('https://example.org/simple');
    expect(redactUrl('https://us er:pw@example.org/')).toBe('https://example.org/');
    expect(redactUrl('https://user:pw@Example.ORG:443/x')).toBe('https://example.org/x');
  });

  it('removes the userinfo of every URL in a text (messages, source descriptions, command lines)', () => {
    expect(redactUrl('registry https://user:pw@example.org/simple')).toBe('registry https://example.org/simple');
    expect(redactUrl('from https://a:b@one.example/x to git+ssh://git:tok@two.example/y')).toBe('from https://one.example/x to git+ssh://two.example/y');
    expect(redactUrl('url https://u:p@ss@host.example/f.whl')).toBe('url https://host.example/f.whl');
    // A text the parser reads as one URL (an opaque path) may still hold another.
    expect(redactUrl('see:https://u:p@host.example/x')).toBe('see:https://host.example/x');
    // Not a URL at all, but shaped like one (a scheme the parser rejects).
    expect(redactUrl('http://u:p@[bad/x')).toBe('http://[bad/x');
    expect(redactUrl('//u:p@host.example/x')).toBe('//host.example/x');
    expect(redactUrl('https://@host.example/x')).toBe('https://host.example/x');
  });

  it('never hides the host a URL goes to: the authority ends at / \\ ? # as WHATWG reads it', () => {
    expect(redactUrl('https://evil.example?@pypi.org/simple')).toBe('https://evil.example?@pypi.org/simple');
    expect(redactUrl('https://evil.example#@pypi.org/simple')).toBe('https://evil.example#@pypi.org/simple');
    expect(redactUrl('https://evil.example\\@pypi.org/simple')).toBe('https://evil.example\\@pypi.org/simple');
    expect(redactUrl('index https://evil.example?@pypi.org/simple')).toBe('index https://evil.example?@pypi.org/simple');
    expect(redactUrl('https://github.com/org/repo@v1.0')).toBe('https://github.com/org/repo@v1.0');
    expect(redactUrl('pkg @ git+https://github.com/org/repo@v1.0')).toBe('pkg @ git+https://github.com/org/repo@v1.0');
    expect(redactUrl('mail me at user@example.org')).toBe('mail me at user@example.org');
  });

  it('with a mask, says that credentials were there (logs, markdown), without parsing', () => {
    const mask = { mask: '***' };
    expect(redactUrl('see https://user:s3cret@host/simple and git+https://tok@github.com/a/b', mask)).toBe(
      'see https://***@host/simple and git+https://***@github.com/a/b',
    );
    expect(redactUrl("repository 'https://x-access-token:ghs_abc@github.com/octo/repo/' not found", mask)).toBe(
      "repository 'https://***@github.com/octo/repo/' not found",
    );
    expect(redactUrl('https://u:p@ss@host/x', mask)).toBe('https://***@host/x');
    expect(redactUrl('HTTPS://U:P@HOST/x', mask)).toBe('HTTPS://***@HOST/x');
    expect(redactUrl('https://@host/x', mask)).toBe('https://@host/x');
    expect(redactUrl('https://host/simple', mask)).toBe('https://host/simple');
  });
});

describe('displayUrl', () => {
  it('redacts, and shortens a long URL to 200 characters', () => {
    expect(displayUrl('https://u:p@example.org/simple')).toBe('https://example.org/simple');
    const long = `https://example.org/${'a'.repeat(300)}`;
    expect(displayUrl(long)).toHaveLength(200);
    expect(displayUrl(long).endsWith('...')).toBe(true);
  });
});

describe('shellWord', () => {
  it('leaves a plain word as it is', () => {
    for (const word of ['httpx', 'httpx==0.28.1', 'packages/app', 'a.b_c-d', 'name@1', 'x:y', 'a+b', 'uv.lock']) expect(shellWord(word)).toBe(word);
  });

  it('double-quotes a word in which nothing expands in double quotes', () => {
    expect(shellWord("httpx==0.28.1; python_version >= '3.12'")).toBe(`"httpx==0.28.1; python_version >= '3.12'"`);
    expect(shellWord('my app')).toBe('"my app"');
    expect(shellWord('')).toBe('""');
  });

  it('single-quotes a word with anything double quotes would expand or end on', () => {
    expect(shellWord('$(rm -rf ~)')).toBe(`'$(rm -rf ~)'`);
    expect(shellWord('`id`')).toBe("'`id`'");
    expect(shellWord('a\\b')).toBe(`'a\\b'`);
    expect(shellWord('say "hi"')).toBe(`'say "hi"'`);
    expect(shellWord('wow!')).toBe(`'wow!'`);
    expect(shellWord('two\nlines')).toBe(`'two\nlines'`);
    expect(shellWord("it's $HOME")).toBe(`'it'\\''s $HOME'`);
  });
});

describe('tomlString, packageLabel, normalizeName', () => {
  it('quotes TOML basic strings', () => {
    expect(tomlString('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
  });

  it('labels a package with its version when it has one', () => {
    expect(packageLabel({ name: 'httpx', version: '0.28.1' })).toBe('httpx 0.28.1');
    expect(packageLabel({ name: 'httpx', version: '' })).toBe('httpx');
    expect(packageLabel({ name: 'httpx' })).toBe('httpx');
  });

  it('normalizes names as PEP 503 does', () => {
    expect(normalizeName('Foo.Bar__baz--qux')).toBe('foo-bar-baz-qux');
    expect(normalizeName('already-normal')).toBe('already-normal');
    expect(normalizeName('a--b')).toBe('a-b');
    expect(normalizeName('A')).toBe('a');
  });
});
