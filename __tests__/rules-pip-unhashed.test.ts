import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule } from '../src/rules/pip-unhashed.js';
import { FIXTURES, findingRows } from './workflows-helpers.js';

const DIR = join(FIXTURES, 'rules', 'pip-unhashed');

describe('pip-unhashed', () => {
  it.each(['fires', 'clean'])('%s fixture: reports exactly the marked lines', (name) => {
    const { rows, expected } = findingRows(rule, join(DIR, name));
    expect(rows).toEqual(expected);
    if (name === 'fires') expect(expected.length).toBeGreaterThanOrEqual(13);
    else expect(expected).toEqual([]);
  });

  it('says why and how, per kind of install', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const byLine = new Map(findings.map((f) => [f.line, f]));
    expect(byLine.get(8)?.message).toContain('installs requests from the index with no hash to check');
    expect(byLine.get(8)?.fix).toBe('uv export --format requirements-txt --locked -o requirements.txt   (writes hashes), then: pip install --require-hashes -r requirements.txt');
    expect(byLine.get(10)?.message).toContain('reads requirements.txt, whose hashes lockgate cannot see');
    expect(byLine.get(13)?.message).toContain('installs .[dev] and resolves its dependencies from the index without hashes');
    expect(byLine.get(13)?.fix).toContain('uv sync --locked');
    expect(byLine.get(16)?.message).toContain('`uvx ruff` runs whatever version of ruff');
    expect(byLine.get(16)?.fix).toBe("uvx ruff@<version>   (or --from 'ruff==<version>')");
    expect(byLine.get(20)?.fix).toBe('pipx install poetry==<version>');
  });
});
