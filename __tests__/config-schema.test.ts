/**
 * schema/lockgate.schema.json (issue 14 item 4) against the validator lockgate runs
 * (src/settings/config.ts), so the two cannot drift:
 * - the keys: every key the validator's source accepts is declared by the schema and the reverse,
 *   and the "expected …" lists of the validator's own errors name the schema's keys;
 * - the values: one config with every key the schema declares is accepted by both, and each
 *   mutation of it (an unknown key, a wrong value, a missing required key) is refused by both;
 * - the rule ids: the schema's list is the registry's;
 * - the docs: every config example in README.md and docs/ is valid for both.
 *
 * The schema is at least as strict as the validator: lockgate reads a quoted number ("7") or a
 * number where a name is asked as text, the schema asks for the plain type. Nothing the schema
 * accepts is refused by lockgate.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../src/settings/config.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown; properties?: Record<string, Schema>; items?: Schema; required?: string[]; type?: string | string[]; enum?: unknown[] };

const SCHEMA_FILE = 'schema/lockgate.schema.json';
const SCHEMA_URL = 'https://raw.githubusercontent.com/lockgate-dev/lockgate/v0/schema/lockgate.schema.json';
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Schema;
/** The rule ids: one page each in docs/rules/, which __tests__/registry.test.ts holds equal to the registry. */
const KNOWN = new Set(
  readdirSync('docs/rules')
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3)),
);

// ajv-formats is CommonJS: its default export arrives as the module object under ESM jest.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
// strictRequired is off for the if/then that asks internal-error ignores for an until (declared in the parent's properties).
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function bySchema(config: Json): boolean {
  return validate(config) === true;
}
function byLockgate(text: string): { ok: true } | { ok: false; message: string } {
  try {
    parseConfig('.github/lockgate.yml', text, KNOWN);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
/** Both verdicts on one config, given as data (written as YAML for the validator). */
function verdicts(config: Json): { schema: boolean; lockgate: boolean; message?: string } {
  const result = byLockgate(stringify(config));
  return { schema: bySchema(config), lockgate: result.ok, ...(result.ok ? {} : { message: result.message }) };
}

/** Every object key the schema declares, as dotted paths (`[]` for list items, `*` for rule ids). */
function schemaPaths(node: Schema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (prefix === 'rules') continue; // per-id entries (internal-error) are rule ids, not keys
    out.push(path);
    out.push(...schemaPaths(child, path));
    if (child.items) out.push(...schemaPaths(child.items, `${path}[]`));
  }
  return out;
}

/** The same paths of a config value. */
function valuePaths(value: Json, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuePaths(item, `${prefix}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return prefix === 'rules' ? [] : [path, ...valuePaths(child, path)];
  });
}

/** A config with every key the schema declares: both must accept it. */
const EVERY_KEY: { [key: string]: Json } = {
  cooldown: { days: 14, exempt: [{ package: 'certifi', until: '2027-01-31', reason: 'CA bundle refresh' }] },
  rules: { 'unpinned-requirement': 'warning', downgrade: 'off', 'internal-error': 'error' },
  ignore: [
    { rule: 'unpinned-uses', path: '.github/workflows/legacy.yml', until: '2027-01-01', reason: 'vendor action, pinned in Q1' },
    { rule: 'typosquat', package: 'reqeusts', reason: 'ours' },
  ],
  workflows: {
    'allow-ref-pin': ['actions/*'],
    'forbidden-uses': { allow: ['actions/*', 'pypa/gh-action-pypi-publish@release/v1'], deny: ['actions/create-release'] },
  },
  typosquat: { allow: ['reqeusts'], top: 5000 },
  requirements: { pin: 'all' },
  limits: { 'max-file-bytes': 1048576, 'max-packages-per-lock': 1000, 'max-yaml-aliases': 10, 'max-rendered-findings': 100 },
  exclude: ['fixtures/**', 'examples/'],
  advisories: {
    'min-severity': 'medium',
    url: 'https://osv.example/',
    ignore: [{ id: 'GHSA-xxxx-yyyy-zzzz', until: '2027-01-31', reason: 'not reachable from our code' }],
  },
  findings: { 'min-confidence': 'medium', persona: 'pedantic' },
};

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;
/** A copy of EVERY_KEY with the value at `path` (dotted, `[0]` for an index) replaced, or deleted with undefined. */
function withValue(path: string, value: Json | undefined): Json {
  const root = clone(EVERY_KEY) as Record<string, Json>;
  const keys = path.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter(Boolean));
  let node = root as Record<string, Json>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, Json>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

describe('the schema file', () => {
  it('is a draft-07 schema with the $id the README names', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(SCHEMA_URL);
    expect(readFileSync('README.md', 'utf8')).toContain(`# yaml-language-server: $schema=${SCHEMA_URL}`);
  });

  it("lists the registry's rule ids, for rules: and ignore[].rule", () => {
    expect(KNOWN.size).toBeGreaterThanOrEqual(33);
    const rules = schema.properties!.rules!;
    expect([...((rules.propertyNames as Schema).enum as string[])].sort()).toEqual([...KNOWN].sort());
    expect([...(schema.properties!.ignore!.items!.properties!.rule!.enum as string[])].sort()).toEqual([...KNOWN].sort());
  });
});

describe('the schema and the validator accept the same keys', () => {
  // The keys src/settings/config.ts compares against, read from its source: a key added there
  // (say advisories:) fails here until the schema declares it.
  const source = readFileSync('src/settings/config.ts', 'utf8');
  const sourceKeys = new Set<string>();
  for (const m of source.matchAll(/case '([a-z][a-z0-9-]*)':/g)) sourceKeys.add(m[1]!);
  for (const m of source.matchAll(/\b(?:key|name|section) [!=]== '([a-z][a-z0-9-]*)'/g)) sourceKeys.add(m[1]!);
  for (const m of source.matchAll(/\[((?:'[a-z][a-z0-9-]*',?\s*)+)\]\.includes\((?:name|key)\)/g))
    for (const k of m[1]!.matchAll(/'([^']+)'/g)) sourceKeys.add(k[1]!);
  for (const m of source.matchAll(/fields\.has\('([a-z][a-z0-9-]*)'\)/g)) sourceKeys.add(m[1]!);

  it('every key name in the validator is declared by the schema, and the reverse', () => {
    const schemaKeys = new Set(schemaPaths(schema).map((path) => path.split('.').pop()!.replace(/\[\]$/, '')));
    expect(sourceKeys.size).toBeGreaterThanOrEqual(20);
    expect([...sourceKeys].sort()).toEqual([...schemaKeys].sort());
  });

  it.each([
    ['', 'unknown section'],
    ['cooldown', 'unknown key cooldown.'],
    ['workflows', 'unknown key workflows.'],
    ['typosquat', 'unknown key typosquat.'],
    ['requirements', 'unknown key requirements.'],
    ['limits', 'unknown key limits.'],
    ['advisories', 'unknown key advisories.'],
  ])('the validator\'s "expected" list for "%s" is the schema\'s keys there', (section, start) => {
    const text = section ? `${section}:\n  zz-unknown: 1\n` : 'zz-unknown: 1\n';
    const result = byLockgate(text);
    if (result.ok) throw new Error(`the validator accepted ${text}`);
    expect(result.message).toContain(start);
    const expected = /\(expected ([^)]+)\)/.exec(result.message)?.[1]?.split(/, /) ?? [];
    const declared = Object.keys((section ? schema.properties![section]! : schema).properties ?? {});
    expect(expected.sort()).toEqual(declared.sort());
  });

  it('the every-key example covers every key path the schema declares', () => {
    expect([...new Set(valuePaths(EVERY_KEY))].sort()).toEqual([...new Set(schemaPaths(schema))].sort());
  });
});

describe('the schema and the validator agree on values', () => {
  it('both accept the every-key config, an empty file and empty lists', () => {
    expect(verdicts(EVERY_KEY)).toEqual({ schema: true, lockgate: true });
    expect(bySchema(null)).toBe(true);
    expect(byLockgate('')).toEqual({ ok: true });
    expect(verdicts({ ignore: [], exclude: [], cooldown: { exempt: [] }, typosquat: { allow: [] }, workflows: { 'allow-ref-pin': [] } })).toEqual({
      schema: true,
      lockgate: true,
    });
    // An empty value is YAML null, and lockgate asks for a list, as the schema does.
    expect(verdicts({ ignore: null })).toMatchObject({ schema: false, lockgate: false });
    expect(verdicts({ workflows: { 'allow-ref-pin': null } })).toMatchObject({ schema: false, lockgate: false });
    expect(verdicts({ cooldown: { days: 0 }, typosquat: { top: 15000 }, limits: { 'max-file-bytes': 1 << 30 } })).toEqual({ schema: true, lockgate: true });
  });

  // Every object the schema declares (but rules:, whose keys are rule ids): an unknown key in it is refused by both.
  const objects: [string, string[]][] = [['', []]];
  const collect = (node: Schema, path: string, keys: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (child.properties && key !== 'rules') objects.push([`${path}${key}`, [...keys, key]]);
      if (child.items?.properties) objects.push([`${path}${key}[0]`, [...keys, key, '0']]);
      collect(child, `${path}${key}.`, [...keys, key]);
      if (child.items) collect(child.items, `${path}${key}[0].`, [...keys, key, '0']);
    }
  };
  collect(schema, '', []);
  it('finds the objects to try', () => {
    expect(objects.map(([path]) => path)).toEqual([
      '',
      'cooldown',
      'cooldown.exempt[0]',
      'ignore[0]',
      'workflows',
      'workflows.forbidden-uses',
      'typosquat',
      'requirements',
      'limits',
      'advisories',
      'advisories.ignore[0]',
      'findings',
    ]);
  });
  it.each(objects)('an unknown key in "%s" is refused by both', (_path, keys) => {
    const config = clone(EVERY_KEY) as Record<string, Json>;
    const node = keys.reduce<Json>((n, key) => (n as Record<string, Json>)[key]!, config) as Record<string, Json>;
    node['zz-unknown'] = 'x';
    expect(verdicts(config)).toMatchObject({ schema: false, lockgate: false });
  });

  const WRONG: [string, Json | undefined][] = [
    ['cooldown.days', -1],
    ['cooldown.days', 3651],
    ['cooldown.days', 1.5],
    ['cooldown', null],
    ['cooldown.exempt', { package: 'certifi' }],
    ['cooldown.exempt[0].until', '2027-13-01'],
    ['cooldown.exempt[0].until', '31/01/2027'],
    ['cooldown.exempt[0].until', undefined],
    ['cooldown.exempt[0].reason', undefined],
    ['cooldown.exempt[0].package', undefined],
    ['cooldown.exempt[0].package', { name: 'certifi' }],
    ['rules', ['unpinned-uses']],
    ['rules', null],
    ['rules.unpinned-requirement', 'fatal'],
    ['rules.no-such-rule', 'warning'],
    ['rules.internal-error', 'warning'],
    ['rules.internal-error', 'off'],
    ['ignore', { rule: 'unpinned-uses' }],
    ['ignore[0].rule', 'no-such-rule'],
    ['ignore[0].rule', undefined],
    ['ignore[0].reason', undefined],
    ['ignore[0].until', '2027-02-32'],
    ['ignore[0].path', ['a', 'b']],
    ['ignore[1]', { rule: 'internal-error', reason: 'a rule crashes on our lock' }],
    ['workflows.allow-ref-pin', 'actions/*'],
    ['workflows.allow-ref-pin', [{ owner: 'actions' }]],
    ['workflows.forbidden-uses', {}],
    ['workflows.forbidden-uses', null],
    ['workflows.forbidden-uses.allow', []],
    ['workflows.forbidden-uses.allow', 'actions/*'],
    ['workflows.forbidden-uses.allow', ['*/*']],
    ['workflows.forbidden-uses.allow', ['actions/checkout/*@v4']],
    ['workflows.forbidden-uses.allow', ['actions/*/sub']],
    ['workflows.forbidden-uses.deny', ['owner/..']],
    ['workflows.forbidden-uses.deny', ['owner/repo@']],
    ['workflows.forbidden-uses.deny', ['act ions/checkout']],
    ['workflows.forbidden-uses.deny', ['actions']],
    ['workflows.forbidden-uses.deny', [`a/${'b'.repeat(600)}`]],
    ['typosquat.top', 15001],
    ['typosquat.allow', 'reqeusts'],
    ['requirements.pin', 'some'],
    ['limits.max-file-bytes', (1 << 30) + 1],
    ['limits.max-packages-per-lock', 10_000_001],
    ['limits.max-yaml-aliases', 1_000_001],
    ['limits.max-rendered-findings', -5],
    ['exclude', 'fixtures/**'],
    ['exclude', ['']],
    ['exclude', ['/abs']],
    ['exclude', ['fixtures/../src']],
    ['exclude', ['.github/workflows/ci.yml']],
    ['exclude', ['.github/lockgate.yml']],
    ['exclude', ['.github/dependabot.yaml']],
    ['exclude', ['**']],
    ['exclude', ['*']],
    ['exclude', ['**/*']],
    ['advisories.min-severity', 'severe'],
    ['advisories.url', 'ftp://osv.example'],
    ['advisories.url', 'https://user:token@osv.example'],
    ['advisories.ignore[0].until', undefined],
    ['advisories.ignore[0].id', undefined],
    ['advisories.ignore', { id: 'GHSA-xxxx-yyyy-zzzz' }],
  ];
  it.each(WRONG)('%s = %j is refused by both', (path, value) => {
    expect(verdicts(withValue(path, value))).toMatchObject({ schema: false, lockgate: false });
  });

  it('internal-error: error, and its ignores with an expiry, are accepted by both', () => {
    expect(verdicts(withValue('ignore[1]', { rule: 'internal-error', until: '2027-01-01', reason: 'a rule crashes on our lock' }))).toEqual({
      schema: true,
      lockgate: true,
    });
  });
});

/** ```yaml blocks of the docs that are lockgate configs: their sections are config sections, or the text just before names lockgate.yml. */
function configExamples(): { where: string; text: string }[] {
  const files = [
    'README.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md'))
      .map((f) => join('docs', f)),
    ...readdirSync('docs/rules').map((f) => join('docs/rules', f)),
  ];
  const sections = new Set(Object.keys(schema.properties ?? {}));
  const out: { where: string; text: string }[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*```ya?ml\s*$/.test(lines[i]!)) continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
      const indent = /^(\s*)/.exec(lines[i]!)![1]!.length;
      const text = lines
        .slice(start, end)
        .map((line) => line.slice(indent))
        .join('\n');
      const before = lines.slice(Math.max(0, i - 3), i).join('\n');
      i = end;
      let data: unknown;
      try {
        data = parse(text);
      } catch {
        data = undefined;
      }
      const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
      const looksLikeConfig = keys.length > 0 && keys.every((key) => sections.has(key));
      const namedConfig = /lockgate\.ya?ml/.test(before) && !/\b(on|jobs|steps|runs|updates):/.test(text);
      if (looksLikeConfig || namedConfig) out.push({ where: `${file}:${start}`, text });
    }
  }
  return out;
}

describe('every config example in README.md and docs/', () => {
  const examples = configExamples();
  it('finds the examples (the README config, the ignoring guide, the rule pages)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(15);
    expect(examples.some((e) => e.where.startsWith('README.md:'))).toBe(true);
  });

  it.each(examples.map((e) => [e.where, e.text] as const))('%s is valid for the schema and for lockgate', (where, text) => {
    const data = parse(text) as Json;
    const valid = bySchema(data);
    expect({ where, errors: valid ? [] : validate.errors }).toEqual({ where, errors: [] });
    expect({ where, ...byLockgate(text) }).toEqual({ where, ok: true });
  });
});
