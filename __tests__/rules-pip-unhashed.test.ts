import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/pip-unhashed.js';
import { markerRows } from './support/workflows.js';
import { caseContext, ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/pip-unhashed';
const tester = ruleTester(rule);

tester.run({
  valid: [{ fixture: `${DIR}/clean` }],
  // Every marked line of the fixture, and no other.
  invalid: [{ fixture: `${DIR}/fires` }],
});

describe('pip-unhashed messages', () => {
  it('marks at least the 13 installs of the fires fixture', () => {
    expect(markerRows(caseContext({ fixture: `${DIR}/fires` }).head).length).toBeGreaterThanOrEqual(13);
  });

  it('says where a URL requirement comes from: git at a ref, git at a commit, a download', () => {
    const messages = tester.findings({ fixture: `${DIR}/fires` }).map((f) => f.message);
    expect(messages).toContain(
      'This pip install installs git+https://github.com/pydantic/pydantic.git from git at a branch or tag, which can move, with no hash to check, so a replaced or newly published file would be installed unnoticed.',
    );
    expect(
      messages.some((m) =>
        m.includes('@0123456789abcdef0123456789abcdef01234567 at a fixed commit, but resolves its dependencies from the index without hashes'),
      ),
    ).toBe(true);
    expect(messages.some((m) => m.includes('downloads https://example.com/pkg-1.0-py3-none-any.whl with no #sha256= hash to check'))).toBe(true);
    expect(messages.filter((m) => m.includes('git+') && m.includes('from the index with no hash'))).toEqual([]);
  });

  it('says why and how, per kind of install', () => {
    const findings = tester.findings({ fixture: `${DIR}/fires` });
    const byLine = new Map(findings.map((f) => [f.line, f]));
    expect(byLine.get(8)?.message).toContain('installs requests from the index with no hash to check');
    expect(byLine.get(8)?.fix).toBe(
      'uv export --format requirements-txt --locked -o requirements.txt   (writes hashes), then: pip install --require-hashes -r requirements.txt',
    );
    expect(byLine.get(10)?.message).toContain('reads requirements.txt, whose hashes lockgate cannot see');
    expect(byLine.get(13)?.message).toContain('installs .[dev] and resolves its dependencies from the index without hashes');
    expect(byLine.get(13)?.fix).toContain('uv sync --locked');
    expect(byLine.get(16)?.message).toContain('`uvx ruff` runs whatever version of ruff');
    expect(byLine.get(16)?.fix).toBe("uvx ruff@<version>   (or --from 'ruff==<version>')");
    expect(byLine.get(20)?.fix).toBe('pipx install poetry==<version>');
  });
});
