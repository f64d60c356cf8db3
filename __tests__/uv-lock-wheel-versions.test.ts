/**
 * readLock's wheel check (every wheel file name carries its entry's version, uv's InconsistentVersions)
 * reads the file name with indexOf instead of split: held here to the split-based reading it replaced,
 * on random file names, for acceptance and for the message.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readLock } from '../src/uv/lock.js';
import { versionsEqual } from '../src/uv/version.js';

const LIMITS = { maxPackagesPerLock: 100 };

/** The check as it was written first (split on `-`), for one wheel: the error message, or null. */
function reference(name: string, version: string, filename: string): string | null {
  if (!filename.endsWith('.whl')) return null;
  const parts = filename.slice(0, -4).split('-');
  if (parts.length < 5 || parts.length > 6) return `has package \`${name}\` with a wheel whose file name \`${filename}\` is not a wheel file name`;
  const wheelVersion = parts[1]!;
  if (wheelVersion === version || versionsEqual(wheelVersion, version)) return null;
  const plus = wheelVersion.indexOf('+');
  if (plus !== -1 && versionsEqual(wheelVersion.slice(0, plus), version)) return null;
  return `has package \`${name}\` ${version} with the wheel \`${filename}\` of version ${wheelVersion} (a tampered or hand-edited entry)`;
}

function lockWith(version: string, filename: string): string {
  return [
    'version = 1',
    'revision = 3',
    '',
    '[[package]]',
    'name = "demo"',
    `version = "${version}"`,
    'source = { registry = "https://pypi.org/simple" }',
    'wheels = [',
    `    { url = "https://files.example/${encodeURIComponent(filename)}", hash = "sha256:00" },`,
    ']',
    '',
  ].join('\n');
}

describe('the wheel version check', () => {
  it('accepts and refuses the file names the split-based check did, with its messages and the wheel’s line', () => {
    // Segments joined with `-` (three to seven of them), sometimes with a stray dash inside one.
    const segments = ['demo', '1.0', '1.0.0', '1.0.0+cpu', '1.0.1', '2', '1!1.0', '1.0.post1', 'v1', 'py3', 'none', 'any', '1', '', '+', 'a-b', '-'];
    let refused = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('1.0', '1.0.0', '1.0.0+cpu', '2'),
        fc.array(fc.constantFrom(...segments), { minLength: 3, maxLength: 7 }),
        (version, parts) => {
          const filename = `${parts.join('-')}.whl`;
          const expected = reference('demo', version, filename);
          const result = readLock('uv.lock', lockWith(version, filename), LIMITS);
          if (expected === null) {
            expect({ filename, result: 'error' in result ? result.error : 'ok' }).toEqual({ filename, result: 'ok' });
            accepted++;
          } else {
            expect({ filename, result }).toEqual({ filename, result: { error: { line: 9, message: expected } } });
            refused++;
          }
        },
      ),
      { seed: 1805, numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it.each([
    ['demo-1.0.0-py3-none-any.whl', '1.0.0', true],
    ['demo-1.0-py3-none-any.whl', '1.0.0', true], // the same version, spelled otherwise
    ['demo-1.0.0+cpu-py3-none-any.whl', '1.0.0', true], // a local part the entry drops
    ['demo-1.0.0-1-py3-none-any.whl', '1.0.0', true], // a build tag
    ['demo-1.0.1-py3-none-any.whl', '1.0.0', false],
    ['demo-1.0.0-py3-none.whl', '1.0.0', false], // three dashes
    ['demo-1.0.0-1-2-py3-none-any.whl', '1.0.0', false], // six
    ['-1.0.0-py3-none-any.whl', '1.0.0', true],
    ['.whl', '1.0.0', false],
  ])('%s for version %s: accepted %s', (filename, version, ok) => {
    const result = readLock('uv.lock', lockWith(version, filename), LIMITS);
    expect('lock' in result).toBe(ok);
    expect('error' in result ? result.error.message : null).toBe(reference('demo', version, filename));
  });
});
