import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/unpinned-git-source.js';
import { settingsFindings, summarize } from './cooldown-helpers.js';

type Row = ReturnType<typeof summarize>[number];
const row = (line: number, pkg: string, introduced = true): Row => ({
  rule: 'unpinned-git-source',
  file: 'pyproject.toml',
  line,
  severity: 'warning',
  package: pkg,
  introduced,
});

describe('unpinned-git-source', () => {
  const cases: [string, Row[]][] = [
    [
      'git-sources',
      [
        row(21, 'onbranch'), // branch = "main"
        row(22, 'nobranch', false), // the default branch, already so at base
        row(26, 'listed'), // the second entry of a source list
        row(10, 'direct'), // `direct @ git+https://…` without @ref
      ],
    ],
    // rev and tag pin; `tagged @ git+…@v1.0` names a ref.
    ['hardened', []],
    ['requirements', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(summarize(settingsFindings(rule, name))).toEqual(expected);
  });

  it('gives the TOML pinned to the locked commit, keeping the other keys', () => {
    const [onbranch, nobranch] = settingsFindings(rule, 'git-sources');
    expect(onbranch!.message).toBe(
      'The git source of onbranch (https://github.com/example/onbranch.git) follows the branch "main", so the next `uv lock --upgrade` takes whatever commit the branch points at then, unreviewed. Today only the lock pins it, to 89abcdef0123456789abcdef0123456789abcdef.',
    );
    expect(onbranch!.fix).toBe(
      'Pin it to a commit (or a tag) in pyproject.toml:\n[tool.uv.sources]\nonbranch = { git = "https://github.com/example/onbranch.git", rev = "89abcdef0123456789abcdef0123456789abcdef", subdirectory = "pkg" }',
    );
    expect(nobranch!.fix).toContain('nobranch = { git = "https://github.com/example/nobranch", rev = "<full commit SHA>" }');
  });
});
