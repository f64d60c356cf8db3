import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule } from '../src/rules/workflows/unpinned-image.js';
import { FIXTURES, findingRows, ruleContext, workflowsFrom } from './support/workflows.js';

const DIR = join(FIXTURES, 'rules', 'unpinned-image');

describe('unpinned-image', () => {
  it.each(['fires', 'clean'])('%s fixture: reports exactly the marked lines', (name) => {
    const { rows, expected } = findingRows(rule, join(DIR, name));
    expect(rows).toEqual(expected);
    if (name === 'fires') expect(expected.length).toBeGreaterThanOrEqual(7);
    else expect(expected).toEqual([]);
  });

  it('names the image and gives the digest command', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const postgres = findings.find((f) => f.message.includes('postgres:16'));
    expect(postgres).toMatchObject({ line: 10, column: 16 });
    expect(postgres?.message).toContain('service db of job a');
    expect(postgres?.fix).toBe('postgres:16@sha256:<digest>, with the digest from: docker buildx imagetools inspect postgres:16   (the "Digest:" line)');
    expect(findings.find((f) => f.message.includes('alpine:latest'))?.message).toContain('floating tag');
    expect(findings.find((f) => f.message.includes('python@sha256:abc123'))?.message).toContain('not a full @sha256');
  });

  it('an image only an expression names is low confidence (zizmor "may be unpinned"); a written image is high', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const opaque = findings.filter((f) => f.confidence === 'low');
    expect(opaque.map((f) => [f.severity, f.message.slice(0, f.message.indexOf(' }}') + 3)])).toEqual([
      ['warning', 'The image of job computed-matrix container is ${{ matrix.image }}'],
      ['warning', 'The image of service cache of job computed-matrix is ${{ inputs.cache-image }}'],
      ['warning', "The image of service other of job pseudo-ternary is ${{ matrix.os == 'ubuntu-latest' && 'redis' || inputs.image }}"],
      ['warning', "The image of service fallback of job pseudo-ternary is ${{ inputs.db-image || 'postgres:16' }}"],
      [
        'warning',
        "The image of service pinned-fallback of job pseudo-ternary is ${{ inputs.db-image || 'postgres@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }}",
      ],
    ]);
    expect(findings.filter((f) => f.confidence !== 'low').every((f) => f.confidence === 'high' && f.persona === undefined)).toBe(true);
    // A matrix axis with literal values is expanded, a digest from an expression may pin: neither is opaque.
    const { findings: clean } = findingRows(rule, join(DIR, 'clean'));
    expect(clean).toEqual([]);
  });

  it('judges each image a pseudo-ternary can name as if it were written there', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const redis = findings.find((f) => f.message.startsWith('The image redis '));
    expect(redis).toMatchObject({ severity: 'error', confidence: 'high' });
    expect(redis?.message).toContain('(service redis of job pseudo-ternary, one value of its expression) is referenced by a floating tag');
  });

  it('judges the literals an expression can name even where it can also name an unknown image', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const high = (service: string) =>
      findings
        .filter((f) => f.confidence === 'high' && f.message.includes(`(service ${service} of job pseudo-ternary, one value of its expression)`))
        .map((f) => f.message.split(' ')[2]);
    expect(high('other')).toEqual(['redis']);
    expect(high('fallback')).toEqual(['postgres:16']);
    expect(high('pinned-fallback')).toEqual([]);
  });

  it('does not report the same image in base as introduced', () => {
    const text = 'on: push\njobs:\n  a:\n    runs-on: x\n    container: python:3.12\n    steps:\n      - run: "true"\n';
    const base = workflowsFrom({ '.github/workflows/ci.yml': text });
    const head = workflowsFrom({ '.github/workflows/ci.yml': text.replace('runs-on: x', 'runs-on: x\n    services:\n      db:\n        image: postgres') });
    expect(rule.check(ruleContext(head, { base })).map((f) => [f.line, f.introduced])).toEqual([
      [7, true],
      [8, false],
    ]);
  });

  it('survives odd values', () => {
    const workflows = workflowsFrom({
      '.github/workflows/odd.yml':
        'on: push\njobs:\n  a:\n    container: [1]\n    services: [x]\n  b:\n    services:\n      s: redis\n      t: {image: [1]}\n    container: {image: 3}\n',
    });
    expect(rule.check(ruleContext(workflows)).map((f) => [f.line, f.message.slice(10, 15)])).toEqual([
      [8, 'redis'],
      [10, '3 (jo'],
    ]);
  });
});
