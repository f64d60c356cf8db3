/** The expression model the expression rules read: structure, printing, constant reduction, computed indices, conditions and sites. */
import { describe, expect, it } from '@jest/globals';
import {
  computedIndices,
  conditionForm,
  constantReducibleParts,
  evaluateConstant,
  knownValues,
  exprText,
  isConstantReducible,
  jsonRoundTrips,
  parseExpression,
  type Expr,
} from '../src/workflows/expressions.js';
import { conditionSites, expressionSites, routeText } from '../src/workflows/expression-sites.js';
import { workflowsFromTexts } from './support/workflow-risks.js';

const parse = (body: string): Expr => {
  const parsed = parseExpression(body);
  if (!parsed) throw new Error(`does not parse: ${body}`);
  return parsed;
};

describe('context indices', () => {
  it('records how each segment was reached', () => {
    const expr = parse("secrets[format('T_{0}', matrix.env)].x['y'][0].*");
    expect(expr.kind).toBe('context');
    if (expr.kind !== 'context') return;
    expect(expr.path).toEqual(['secrets', '*', 'x', 'y', '*', '*']);
    expect(expr.indices.map((index) => (index === undefined ? 'dot' : index === null ? 'star' : index.kind))).toEqual([
      'dot',
      'call',
      'dot',
      'literal',
      'literal',
      'star',
    ]);
  });
});

describe('exprText', () => {
  it.each<[string, string]>([
    ["github.event['pull_request'].title", "github.event['pull_request'].title"],
    ['toJSON( secrets )', 'toJSON(secrets)'],
    ["a&&b||!c=='x'", "(a && b) || (!c == 'x')"],
    ['fromJSON(x)[matrix.k].name', 'fromJSON(x)[matrix.k].name'],
    ["'it''s'", "'it''s'"],
    ['github.event.commits.*.message', 'github.event.commits.*.message'],
  ])('%s prints as %s', (body, text) => {
    expect(exprText(parse(body))).toBe(text);
  });
});

describe('constant reduction (zizmor constant_reducible)', () => {
  it.each<[string, boolean]>([
    ["'foo'", true],
    ['1', true],
    ['true', true],
    ['null', true],
    ['!true', true],
    ['!null', true],
    ['true && false', true],
    ['null && !null && true', true],
    ["format('{0} {1}', 'foo', 'bar')", true],
    ["format('{0} {1}', 1, '2')", true],
    ["contains('foo', 'bar')", true],
    ["startsWith('foo', 'bar')", true],
    ["endsWith('foo', 'bar')", true],
    ["format('{0} {1}', '1', startsWith('foo', 'foo'))", true],
    ["startsWith(some.context, 'bar')", false],
    ["format('{0} {1}', '1', startsWith(foo.bar, 'foo'))", false],
    ["fromJSON('[1]')", false],
    ['foo', false],
    ['foo.bar[1]', false],
    ["foo.bar == 'bar'", false],
  ])('%s reducible: %s', (body, reducible) => {
    expect(isConstantReducible(parse(body))).toBe(reducible);
  });

  it.each<[string, string[]]>([
    ["'foo'", []],
    ["format('{0}, {1}', github.event.number, format('{0}', 'abc'))", ["format('{0}', 'abc')"]],
    ["foobar[format('{0}', 'event')]", ["format('{0}', 'event')"]],
    ["'a' == 'a' && github.sha", ["'a' == 'a'"]],
    ['github.sha', []],
  ])('fixed parts of %s', (body, parts) => {
    expect(constantReducibleParts(parse(body)).map(exprText)).toEqual(parts);
  });

  it.each<[string, string | number | boolean | null | undefined]>([
    ["format('{0} {1}', 'hello', 'world')", 'hello world'],
    ["format('{{{0}}}', 1)", '{1}'],
    ["format('{1}', 'x')", undefined],
    ["'A' == 'a'", true],
    ["1 == '1'", true],
    ["'abc' < 'ABD'", true],
    ['null == 0', true],
    ["'x' && ''", ''],
    ["'' || 'y'", 'y'],
    ['!0', true],
    ["contains('Hello', 'ELL')", true],
    ["startsWith('Hello', 'he')", true],
    ["endsWith('Hello', 'LO')", true],
    ["toJSON('x')", '"x"'],
    ["join('ab', ',')", 'ab'],
    ["'NaN' == 'NaN'", true],
    ['github.sha', undefined],
  ])('%s evaluates to %p', (body, value) => {
    expect(evaluateConstant(parse(body))).toBe(value);
  });
});

describe('knownValues', () => {
  it.each([
    ["'redis'", { values: ['redis'], anyFalsy: false, anyUnknown: false }],
    ["matrix.os == 'ubuntu-latest' && 'redis' || ''", { values: ['redis', ''], anyFalsy: false, anyUnknown: false }],
    ["vars.X && 'redis'", { values: ['redis'], anyFalsy: true, anyUnknown: false }],
    ["vars.X && 'a' || 'b'", { values: ['a', 'b'], anyFalsy: false, anyUnknown: false }],
    ["'a' || vars.X", { values: ['a'], anyFalsy: false, anyUnknown: false }],
    ["format('{0}', 'x')", { values: ['x'], anyFalsy: false, anyUnknown: false }],
    ["vars.X || 'b'", { values: ['b'], anyFalsy: false, anyUnknown: true }],
    ["matrix.os == 'x' && 'redis' || inputs.image", { values: ['redis'], anyFalsy: true, anyUnknown: true }],
    ['vars.X', { values: [], anyFalsy: true, anyUnknown: true }],
    ['vars.X && inputs.Y', { values: [], anyFalsy: true, anyUnknown: true }],
  ])('%s', (body, expected) => {
    expect(knownValues(parse(body))).toEqual(expected);
  });
});

describe('computed indices (zizmor computed_indices)', () => {
  it.each<[string, string[]]>([
    ['foo[a.b.c]', ['a.b.c']],
    ["foo['bar'][0].*", []],
    ["needs[matrix.job].outputs[format('{0}', inputs.k)]", ['matrix.job', "format('{0}', inputs.k)"]],
    ['fromJSON(x)[y]', ['y']],
    ['github.event.commits[*].message', []],
  ])('%s', (body, indices) => {
    expect(computedIndices(parse(body)).map((c) => exprText(c.index))).toEqual(indices);
  });
});

describe('jsonRoundTrips', () => {
  it.each<[string, string[]]>([
    ['fromJSON(toJSON(github.event))', ['fromJSON(toJSON(github.event))']],
    ["format('{0}', fromjson(TOJSON(x.y)).z)", ['fromjson(TOJSON(x.y))']],
    ['toJSON(fromJSON(x))', []],
    ['fromJSON(toJSON(a, b))', []],
  ])('%s', (body, trips) => {
    expect(jsonRoundTrips(parse(body)).map(exprText)).toEqual(trips);
  });
});

describe('conditionForm', () => {
  it.each<[string, string]>([
    ["github.ref == 'x'", 'bare'],
    ["${{ github.ref == 'x' }}", 'fenced'],
    ["${{ github.ref == 'x' }}\n", 'template'],
    ['${{ a }} && ${{ b }}', 'template'],
    [' ${{ a }}', 'template'],
    ["github.event.comment.body == '${{'", 'bare'],
    ["${{ '}}' == x }}", 'fenced'],
  ])('%p is %s', (value, form) => {
    expect(conditionForm(value).form).toBe(form);
  });
});

describe('expression sites', () => {
  const [wf] = workflowsFromTexts({
    '.github/workflows/ci.yml': [
      'on: push',
      '# ${{ toJSON(secrets) }} is a comment',
      'env:',
      "  A: ${{ format('{0}', 'x') }} and ${{ github.sha }}",
      '  "odd key": &anchor ${{ secrets.X }}',
      '  B: *anchor',
      'jobs:',
      '  build:',
      '    runs-on: x',
      "    if: github.ref == format('{0}', 'x')",
      '    steps:',
      '      - id: first',
      '        if: |',
      '          ${{ x }}',
      '        run: |',
      '          echo start',
      '          echo "${{ github.event.issue.title }}"',
      '',
    ].join('\n'),
  });

  it('finds each ${{ }} in values with its route and position, never in comments, once per aliased node', () => {
    const sites = expressionSites(wf).map((s) => `${routeText(s.route)} ${s.body} ${s.pos.line}:${s.pos.column} ${s.stableRoute}`);
    expect(sites).toEqual([
      "env.A format('{0}', 'x') 4:6 .env.A",
      'env.A github.sha 4:36 .env.A',
      'env["odd key"] secrets.X 5:22 .env.odd key',
      'jobs.build.steps[0].if x 14:11 .jobs.build.steps["first"].if',
      'jobs.build.steps[0].run github.event.issue.title 17:17 .jobs.build.steps["first"].run',
    ]);
  });

  it('lists job and step conditions with the form GitHub reads them in', () => {
    expect(conditionSites(wf).map((c) => `${c.holder} ${c.jobId} ${c.form.form} ${c.style} ${c.pos.line}`)).toEqual([
      'job build bare PLAIN 10',
      'step build template BLOCK_LITERAL 13',
    ]);
  });

  it('does not crash on hostile input: deep nesting, huge expressions, odd keys', () => {
    const deep = `on: push\nenv:\n  X: ${'['.repeat(150)}"\${{ toJSON(secrets) }}"${']'.repeat(150)}\n`;
    const huge = `on: push\nenv:\n  X: "\${{ ${'('.repeat(40_000)}x${')'.repeat(40_000)} }}"\n  "\\u0000::error::": \${{ a }}\n`;
    for (const text of [deep, huge]) {
      const [file] = workflowsFromTexts({ '.github/workflows/x.yml': text });
      expect(() => expressionSites(file)).not.toThrow();
    }
    const [odd] = workflowsFromTexts({ '.github/workflows/x.yml': huge });
    expect(expressionSites(odd).map((s) => routeText(s.route))).toEqual(['env.X', 'env["\\u0000::error::"]']);
    expect(expressionSites(odd)[0].parsed).toBeNull();
  });
});
