/**
 * `.github/lockgate.yml`: parsed and validated once. Every bad value is a SettingsError that names
 * the file, the line and the key, so a typo never silently disables a check.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { CONFIDENCES, PERSONAS, type Confidence, type Persona } from '../findings.js';
import {
  SettingsError,
  type AdvisoryIgnore,
  type AdvisorySeverityLevel,
  type CooldownExemption,
  type IgnoreEntry,
  type LockgateConfig,
  type RuleLevel,
} from './types.js';
import { DEFAULT_OSV_URL, defaultConfig } from './defaults.js';
import { parseUsesPattern, type UsesPattern } from './uses-patterns.js';

export { DEFAULT_OSV_URL, defaultConfig } from './defaults.js';

const ADVISORY_SEVERITY_LEVELS = ['low', 'medium', 'high', 'critical'];
const LEVELS = new Set(['off', 'notice', 'warning', 'error']);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses the config text. `knownRules` guards against typos in rule ids. */
export function parseConfig(file: string, text: string, knownRules: ReadonlySet<string>): LockgateConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const fail = (node: unknown, message: string): never => {
    throw new SettingsError(`${file}:${lineOf(node)}: ${message}`);
  };
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    throw new SettingsError(`${file}:${lineCounter.linePos(error.pos[0]).line}: not valid YAML: ${error.message.split('\n')[0]}`);
  }
  const config = defaultConfig();
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return config;
  if (!isMap(root))
    fail(root, 'the config must be a mapping of sections (cooldown, rules, ignore, workflows, typosquat, requirements, limits, exclude, advisories, findings)');

  const mapEntries = (node: unknown, where: string): [string, Node, Node | null][] => {
    if (!isMap(node)) fail(node, `${where} must be a mapping`);
    return (node as { items: { key: unknown; value: unknown }[] }).items.map((pair) => {
      if (!isScalar(pair.key)) fail(pair.key, `${where} has a key that is not a plain name`);
      return [String((pair.key as { value: unknown }).value), pair.key as Node, (pair.value ?? null) as Node | null];
    });
  };
  const scalarString = (node: Node | null, where: string): string => {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') fail(node, `${where} must be a string`);
    return String((node as { value: unknown }).value);
  };
  const date = (node: Node | null, where: string): string => {
    const value = isScalar(node) && node.value instanceof Date ? node.value.toISOString().slice(0, 10) : scalarString(node, where);
    // Date.parse rolls 2027-02-30 over to March 2: a date is valid only if it reads back unchanged.
    const parsed = Date.parse(`${value}T00:00:00Z`);
    if (!DATE_RE.test(value) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== value) {
      fail(node, `${where} must be a date YYYY-MM-DD, not "${value}"`);
    }
    return value;
  };
  // A whole number written as one: an empty value (YAML null) or `true` must not become 0 or 1
  // through Number(), which would silently turn a protection off (typosquat.top: 1, cooldown.days: 0).
  const wholeNumber = (node: Node | null, where: string, min: number, max: number): number => {
    const raw = isScalar(node) ? node.value : undefined;
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      const shown = raw === null || raw === undefined || raw === '' ? 'an empty value' : `"${String(raw)}"`;
      fail(node, `${where} must be a whole number from ${min} to ${max}, not ${shown}`);
    }
    return value;
  };
  const positiveInt = (node: Node | null, where: string, max: number): number => wholeNumber(node, where, 0, max);
  const stringList = (node: Node | null, where: string): string[] => {
    if (node === null) return [];
    if (!isSeq(node)) fail(node, `${where} must be a list`);
    return (node as { items: Node[] }).items.map((item, i) => scalarString(item, `${where}[${i}]`));
  };
  const ruleId = (node: Node | null, where: string): string => {
    const id = scalarString(node, where);
    if (!knownRules.has(id)) fail(node, `${where}: unknown rule id "${id}"`);
    return id;
  };

  for (const [section, keyNode, value] of mapEntries(root, 'the config')) {
    switch (section) {
      case 'cooldown':
        for (const [key, k, v] of mapEntries(value, 'cooldown')) {
          if (key === 'days') config.cooldown.days = positiveInt(v, 'cooldown.days', 3650);
          else if (key === 'exempt') {
            if (v === null) continue;
            if (!isSeq(v)) fail(v, 'cooldown.exempt must be a list');
            config.cooldown.exempt = (v as unknown as { items: Node[] }).items.map((item, i): CooldownExemption => {
              const where = `cooldown.exempt[${i}]`;
              const fields = new Map(mapEntries(item, where).map(([name, , val]) => [name, val] as const));
              for (const name of fields.keys()) if (!['package', 'until', 'reason'].includes(name)) fail(item, `${where}: unknown key "${name}"`);
              if (!fields.has('package') || !fields.has('until') || !fields.has('reason'))
                fail(item, `${where} needs package, until and reason: an exemption without an expiry or a reason stays forever`);
              return {
                package: scalarString(fields.get('package') ?? null, `${where}.package`),
                until: date(fields.get('until') ?? null, `${where}.until`),
                reason: scalarString(fields.get('reason') ?? null, `${where}.reason`),
              };
            });
          } else fail(k, `unknown key cooldown.${key} (expected days, exempt)`);
        }
        break;
      case 'rules':
        for (const [id, k, v] of mapEntries(value, 'rules')) {
          if (!knownRules.has(id)) fail(k, `rules: unknown rule id "${id}"`);
          const level = scalarString(v, `rules.${id}`);
          if (!LEVELS.has(level)) fail(v, `rules.${id} must be one of off, notice, warning, error, not "${level}"`);
          // A check that could not complete fails closed: its result is unknown, not clean.
          if (id === 'internal-error' && level !== 'error')
            fail(
              v,
              `rules.internal-error cannot be ${level}: a check that could not complete fails the gate (report the bug, or turn off the rule that fails)`,
            );
          config.rules[id] = level as RuleLevel;
        }
        break;
      case 'ignore':
        if (value === null) break;
        if (!isSeq(value)) fail(value, 'ignore must be a list');
        config.ignore = (value as unknown as { items: Node[] }).items.map((item, i): IgnoreEntry => {
          const where = `ignore[${i}]`;
          const fields = new Map(mapEntries(item, where).map(([name, , val]) => [name, val] as const));
          for (const name of fields.keys()) if (!['rule', 'path', 'package', 'until', 'reason'].includes(name)) fail(item, `${where}: unknown key "${name}"`);
          if (!fields.has('rule') || !fields.has('reason')) fail(item, `${where} needs rule and reason`);
          const entry: IgnoreEntry = {
            rule: ruleId(fields.get('rule') ?? null, `${where}.rule`),
            reason: scalarString(fields.get('reason') ?? null, `${where}.reason`),
          };
          // A waiver of a check that could not run must not outlive the fix: it needs an expiry.
          if (entry.rule === 'internal-error' && !fields.has('until'))
            fail(
              item,
              `${where}: an ignore of internal-error needs an until date (a check that could not complete fails the gate; waive it only until the bug is fixed)`,
            );
          if (fields.has('path')) entry.path = scalarString(fields.get('path') ?? null, `${where}.path`);
          if (fields.has('package')) entry.package = scalarString(fields.get('package') ?? null, `${where}.package`);
          if (fields.has('until')) entry.until = date(fields.get('until') ?? null, `${where}.until`);
          return entry;
        });
        break;
      case 'workflows':
        for (const [key, k, v] of mapEntries(value, 'workflows')) {
          if (key === 'allow-ref-pin') config.workflows.allowRefPin = stringList(v, 'workflows.allow-ref-pin');
          else if (key === 'forbidden-uses') {
            const forbidden: { allow?: UsesPattern[]; deny?: UsesPattern[] } = {};
            for (const [name, nameNode, list] of mapEntries(v, 'workflows.forbidden-uses')) {
              if (name !== 'allow' && name !== 'deny') fail(nameNode, `unknown key workflows.forbidden-uses.${name} (expected allow, deny)`);
              const where = `workflows.forbidden-uses.${name}`;
              if (!isSeq(list)) fail(list ?? nameNode, `${where} must be a list of uses: patterns (owner/repo, owner/*, owner/repo@ref, *)`);
              const items = (list as unknown as { items: Node[] }).items;
              // An empty allow list forbids every action: almost certainly an unfinished edit, not a policy.
              if (name === 'allow' && items.length === 0) fail(list, `${where} is empty, which would forbid every action; to forbid all, write deny: ['*']`);
              forbidden[name as 'allow' | 'deny'] = items.map((item, i) => {
                const parsed = parseUsesPattern(scalarString(item, `${where}[${i}]`));
                if ('error' in parsed) fail(item, `${where}[${i}] is not a uses: pattern: ${parsed.error}`);
                return parsed as UsesPattern;
              });
            }
            if (!forbidden.allow && !forbidden.deny) fail(v ?? k, 'workflows.forbidden-uses needs allow or deny (or both), each a list of uses: patterns');
            config.workflows.forbiddenUses = forbidden;
          } else fail(k, `unknown key workflows.${key} (expected allow-ref-pin, forbidden-uses)`);
        }
        break;
      case 'typosquat':
        for (const [key, k, v] of mapEntries(value, 'typosquat')) {
          if (key === 'allow') config.typosquat.allow = stringList(v, 'typosquat.allow');
          else if (key === 'top') config.typosquat.top = wholeNumber(v, 'typosquat.top', 1, 15000);
          else fail(k, `unknown key typosquat.${key} (expected allow, top)`);
        }
        break;
      case 'requirements':
        for (const [key, k, v] of mapEntries(value, 'requirements')) {
          if (key !== 'pin') fail(k, `unknown key requirements.${key} (expected pin)`);
          const pin = scalarString(v, 'requirements.pin');
          if (pin !== 'none' && pin !== 'direct' && pin !== 'all') fail(v, `requirements.pin must be none, direct or all, not "${pin}"`);
          config.requirements.pin = pin as 'none' | 'direct' | 'all';
        }
        break;
      case 'limits':
        for (const [key, k, v] of mapEntries(value, 'limits')) {
          if (key === 'max-file-bytes') config.limits.maxFileBytes = positiveInt(v, 'limits.max-file-bytes', 1 << 30);
          else if (key === 'max-packages-per-lock') config.limits.maxPackagesPerLock = positiveInt(v, 'limits.max-packages-per-lock', 10_000_000);
          else if (key === 'max-yaml-aliases') config.limits.maxYamlAliases = positiveInt(v, 'limits.max-yaml-aliases', 1_000_000);
          else if (key === 'max-rendered-findings') config.limits.maxRenderedFindings = positiveInt(v, 'limits.max-rendered-findings', 1_000_000);
          else fail(k, `unknown key limits.${key} (expected max-file-bytes, max-packages-per-lock, max-yaml-aliases, max-rendered-findings)`);
        }
        break;
      case 'exclude':
        config.exclude = stringList(value, 'exclude');
        for (const glob of config.exclude) {
          if (glob === '' || glob.startsWith('/') || glob.split('/').includes('..')) fail(value, `exclude: "${glob}" must be a repo-relative path or glob`);
          if (/^\.github\/(workflows\/|dependabot\.ya?ml$|lockgate\.ya?ml$)/.test(glob) || glob === '**' || glob === '*' || glob === '**/*') {
            fail(value, `exclude: "${glob}" would hide the repository's own workflows or config; exclude test fixtures and examples only`);
          }
        }
        break;
      case 'advisories': {
        const advisories = config.advisories ?? { ignore: [], minSeverity: 'low', url: DEFAULT_OSV_URL };
        config.advisories = advisories;
        for (const [key, k, v] of mapEntries(value, 'advisories')) {
          if (key === 'min-severity') {
            const level = scalarString(v, 'advisories.min-severity');
            if (!ADVISORY_SEVERITY_LEVELS.includes(level)) fail(v, `advisories.min-severity must be one of low, medium, high, critical, not "${level}"`);
            advisories.minSeverity = level as AdvisorySeverityLevel;
          } else if (key === 'url') {
            const url = scalarString(v, 'advisories.url');
            if (!/^https?:\/\/[^\s/@]+(\/\S*)?$/i.test(url)) fail(v, `advisories.url must be an http(s) URL without credentials`);
            advisories.url = url.replace(/\/+$/, '');
          } else if (key === 'ignore') {
            if (v === null) continue;
            if (!isSeq(v)) fail(v, 'advisories.ignore must be a list');
            advisories.ignore = (v as unknown as { items: Node[] }).items.map((item, i): AdvisoryIgnore => {
              const where = `advisories.ignore[${i}]`;
              const fields = new Map(mapEntries(item, where).map(([name, , val]) => [name, val] as const));
              for (const name of fields.keys()) if (!['id', 'until', 'reason'].includes(name)) fail(item, `${where}: unknown key "${name}"`);
              // Like a cooldown exemption: a known vulnerability waived forever is a vulnerability forgotten.
              if (!fields.has('id') || !fields.has('until') || !fields.has('reason'))
                fail(item, `${where} needs id, until and reason: an ignore without an expiry or a reason stays forever`);
              return {
                id: scalarString(fields.get('id') ?? null, `${where}.id`),
                until: date(fields.get('until') ?? null, `${where}.until`),
                reason: scalarString(fields.get('reason') ?? null, `${where}.reason`),
              };
            });
          } else fail(k, `unknown key advisories.${key} (expected ignore, min-severity, url)`);
        }
        break;
      }
      case 'findings': {
        // Which findings are shown (docs/confidence.md); an explicit flag or action input wins over these.
        const findings: { minConfidence?: Confidence; persona?: Persona } = {};
        config.findings = findings;
        for (const [key, k, v] of mapEntries(value, 'findings')) {
          if (key === 'min-confidence') {
            const level = scalarString(v, 'findings.min-confidence');
            if (!(CONFIDENCES as readonly string[]).includes(level))
              fail(v, `findings.min-confidence must be one of ${CONFIDENCES.join(', ')}, not "${level}"`);
            findings.minConfidence = level as Confidence;
          } else if (key === 'persona') {
            const persona = scalarString(v, 'findings.persona');
            if (!(PERSONAS as readonly string[]).includes(persona)) fail(v, `findings.persona must be one of ${PERSONAS.join(', ')}, not "${persona}"`);
            findings.persona = persona as Persona;
          } else fail(k, `unknown key findings.${key} (expected min-confidence, persona)`);
        }
        break;
      }
      default:
        fail(
          keyNode,
          `unknown section "${section}" (expected cooldown, rules, ignore, workflows, typosquat, requirements, limits, exclude, advisories, findings)`,
        );
    }
  }
  return config;
}
