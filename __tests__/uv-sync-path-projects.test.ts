/** In-repo path dependencies that are not workspace members: uv re-reads their pyproject.toml. */
import { describe, expect, it } from '@jest/globals';
import { checkLockSync } from '../src/uv/sync/index.js';
import { loadUvProjects } from '../src/uv/load.js';
import { LIMITS, sourceFromTexts } from './uv-helpers.js';

const root =
  '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["lib"]\n\n[tool.uv.sources]\nlib = { path = "libs/lib" }\n';
const lib = (dep: string) => `[project]\nname = "lib"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["${dep}"]\n`;
const lock = `version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "lib" }]

[package.metadata]
requires-dist = [{ name = "lib", directory = "libs/lib" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.pythonhosted.org/packages/76/c6/idna-3.10-py3-none-any.whl", hash = "sha256:${'b'.repeat(64)}" }]

[[package]]
name = "lib"
version = "0.1.0"
source = { directory = "libs/lib" }
dependencies = [{ name = "idna" }]

[package.metadata]
requires-dist = [{ name = "idna", specifier = ">=3" }]
`;

function issues(libDep: string) {
  const [project] = loadUvProjects(sourceFromTexts({ 'pyproject.toml': root, 'uv.lock': lock, 'libs/lib/pyproject.toml': lib(libDep) }), LIMITS).projects;
  return checkLockSync(project);
}

describe('path dependencies inside the repository', () => {
  it('are checked against their own pyproject.toml: in sync', () => {
    expect(issues('idna>=3').filter((i) => i.kind === 'mismatch')).toEqual([]);
    expect(issues('idna>=3').filter((i) => i.kind === 'undecidable')).toEqual([]);
  });
  it('are checked against their own pyproject.toml: drifted', () => {
    const found = issues('idna>=3.5');
    expect(found).toEqual([expect.objectContaining({ kind: 'mismatch', member: 'lib', file: 'libs/lib/pyproject.toml' })]);
  });
});
