/**
 * Parses workflow, action and dependabot YAML into a `WorkflowFile`, hardened against hostile input:
 * syntax errors, several documents, alias bombs, self-referencing aliases, absurd nesting and sizes
 * all come back as a `ParseProblem` (a fact load.ts hands to the invalid-file rule), never a throw.
 *
 * Aliases: GitHub Actions accepts YAML anchors and aliases (not merge keys). Walkers must see an
 * aliased step exactly like a written one, or `- *unpinned_checkout` would slip past every rule. So,
 * once the expansion is known to be bounded and acyclic, each alias node is replaced in place by the
 * node it names (shared by reference, never copied). Walkers then never meet an `Alias`, and a
 * finding inside aliased content points at the anchored text, which is what a reviewer must edit.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, parseDocument, type Document, type Node } from 'yaml';
import { speedupEnabled } from '../core/speedups.js';
import { DEFAULT_LIMITS, type Limits } from '../settings/types.js';
import type { WorkflowFile, WorkflowFileKind, Pos } from './model.js';
import { readWorkflowYaml, WORKFLOW_YAML_OPTIONS } from '../core/yaml-fast.js';

/** Builds a function that maps an offset in `text` (UTF-16 code units, as yaml ranges are) to a 1-based line and column. */
export function positionIndex(text: string): (offset: number) => Pos {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    const at = Number.isFinite(offset) ? Math.max(0, Math.min(offset, text.length)) : 0;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo] + 1 };
  };
}

export function workflowKindOf(path: string): WorkflowFileKind | null {
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'workflow';
  if (/^\.github\/dependabot\.ya?ml$/.test(path)) return 'dependabot';
  if (/(^|\/)action\.ya?ml$/.test(path)) return 'action';
  return null;
}

/**
 * Workflow YAML larger than this is refused whatever `limits.maxFileBytes` says. The largest file of
 * the shared corpus (145 files of 10 busy repositories) is 56 KB; YAML parses at roughly 1-3 MB/s,
 * so tens of MB would take many seconds and hundreds of MB of memory for no legitimate purpose.
 */
export const MAX_WORKFLOW_BYTES = 1024 * 1024;

/** Collections nested deeper than this are refused (real workflows stay under 20 levels). */
export const MAX_YAML_DEPTH = 200;

/** Why a file could not be turned into a WorkflowFile, with where to look. */
export interface ParseProblem {
  /** Stable short kind, used as the finding subject: 'too-large' | 'syntax' | 'aliases' | 'depth' | 'not-a-mapping' | 'internal'. */
  kind: 'too-large' | 'syntax' | 'aliases' | 'depth' | 'not-a-mapping' | 'internal';
  message: string;
  line: number;
  column?: number;
  /** Set when a configurable limit refused the file: which one, and what this file would need. */
  limit?: { name: 'maxFileBytes' | 'maxYamlAliases'; needed: number };
}

export type ParseOutcome = { ok: true; workflow: WorkflowFile } | { ok: false; problem: ParseProblem };

/** The byte size cap that applies to workflow YAML under `limits`. */
export function workflowByteCap(limits: Limits): number {
  const configured = Number.isFinite(limits.maxFileBytes) && limits.maxFileBytes > 0 ? limits.maxFileBytes : DEFAULT_LIMITS.maxFileBytes;
  return Math.min(configured, MAX_WORKFLOW_BYTES);
}

/** Parses and checks one file. Never throws. */
export function parseWorkflow(file: string, kind: WorkflowFileKind, text: string, limits: Limits = DEFAULT_LIMITS): ParseOutcome {
  try {
    return parseUnsafe(file, kind, text, limits);
  } catch (error) {
    // The yaml library recursing too deep (RangeError) or any other surprise: a problem, not a crash.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: { kind: 'internal', message: `The YAML could not be parsed (${detail.slice(0, 200)}).`, line: 1 } };
  }
}

function parseUnsafe(file: string, kind: WorkflowFileKind, text: string, limits: Limits): ParseOutcome {
  const cap = workflowByteCap(limits);
  // Cheap upper bound first (a UTF-16 unit is at most 3 UTF-8 bytes), exact count only when close.
  if (text.length > cap || (text.length * 3 > cap && Buffer.byteLength(text, 'utf8') > cap)) {
    const size = Buffer.byteLength(text, 'utf8');
    // Only the configured part of the cap can be raised; MAX_WORKFLOW_BYTES is fixed.
    const limit = cap < MAX_WORKFLOW_BYTES ? { limit: { name: 'maxFileBytes' as const, needed: Math.min(size, MAX_WORKFLOW_BYTES) } } : {};
    return {
      ok: false,
      problem: {
        kind: 'too-large',
        message: `The file is ${size} bytes, over the ${cap}-byte limit for workflow YAML, so it was not parsed.`,
        line: 1,
        ...limit,
      },
    };
  }
  const posAt = positionIndex(text);
  // The common shapes in one quick pass (src/core/yaml-fast.ts, yaml's very document); anything else, and every error, is yaml's.
  const quick = speedupEnabled('yaml-reader') ? readWorkflowYaml(text) : null;
  const doc = quick ?? parseDocument(text, WORKFLOW_YAML_OPTIONS);
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    // An error at the very end (an unclosed quote or bracket) is reported on the last line with text.
    let offset = Array.isArray(error.pos) ? error.pos[0] : 0;
    const contentEnd = text.trimEnd().length;
    if (offset >= contentEnd) offset = Math.max(0, contentEnd - 1);
    const pos = posAt(offset);
    const firstLine = String(error.message).split('\n')[0].slice(0, 300);
    return { ok: false, problem: { kind: 'syntax', message: `The YAML does not parse: ${firstLine}`, line: pos.line, column: pos.column } };
  }
  // The quick reader takes no anchor, alias or tag and nests at most 64 collections deep
  // (__tests__/yaml-fast.test.ts), so its document has nothing for this walk to find or replace.
  const aliasProblem = quick ? null : resolveAliasesInPlace(doc, limits, posAt);
  if (aliasProblem) return { ok: false, problem: aliasProblem };
  if (!isMap(doc.contents)) {
    const what = doc.contents === null ? 'empty' : isScalar(doc.contents) ? 'a single value' : 'a list';
    return {
      ok: false,
      problem: { kind: 'not-a-mapping', message: `The file is ${what}, not a mapping of keys, so it is not a valid ${kind} file.`, line: 1 },
    };
  }
  return { ok: true, workflow: { file, kind, text, doc, posAt } };
}

/**
 * Parses one file without limits on the outcome: the hardened path when it succeeds, otherwise the
 * raw document as yaml read it (kept for callers that only want a model, such as tests).
 */
export function parseWorkflowFile(file: string, kind: WorkflowFileKind, text: string): WorkflowFile {
  const outcome = parseWorkflow(file, kind, text);
  if (outcome.ok) return outcome.workflow;
  const doc = parseDocument(text.length > MAX_WORKFLOW_BYTES ? '' : text, { keepSourceTokens: false, prettyErrors: false, uniqueKeys: false });
  return { file, kind, text, doc, posAt: positionIndex(text) };
}

type Collection = Node & { items: unknown[] };

/**
 * Checks that expanding every alias stays within `limits.maxYamlAliases` alias resolutions (counting
 * aliases inside aliased content once per expansion, which is what makes a "billion laughs" file
 * explode), that no alias names an enclosing node (a cycle), that nesting stays under
 * MAX_YAML_DEPTH; then replaces each alias by its target. Returns the problem, or null.
 */
function resolveAliasesInPlace(doc: Document.Parsed, limits: Limits, posAt: (offset: number) => Pos): ParseProblem | null {
  const maxAliases = Number.isFinite(limits.maxYamlAliases) && limits.maxYamlAliases >= 0 ? limits.maxYamlAliases : DEFAULT_LIMITS.maxYamlAliases;
  const root = doc.contents as Node | null;
  if (!root) return null;

  // Pass 1, document order: bind each alias to the latest anchor defined before it, detect cycles and depth.
  const anchors = new Map<string, Node>();
  const targetOf = new Map<Node, Node>();
  const onPath = new Set<Node>();
  let aliasCount = 0;
  let problem: ParseProblem | null = null;
  const at = (node: unknown): { line: number; column: number } => {
    // A Pair has no range of its own: its key (or value) says where it is.
    const ranged = isPair(node) ? (node.key ?? node.value) : node;
    const range = (ranged as { range?: [number, number, number] } | null)?.range;
    return posAt(range ? range[0] : 0);
  };

  const bind = (node: unknown, depth: number): void => {
    if (problem || node === null || node === undefined) return;
    if (depth > MAX_YAML_DEPTH) {
      problem = { kind: 'depth', message: `The YAML nests deeper than ${MAX_YAML_DEPTH} levels, which no workflow needs; it was not analysed.`, ...at(node) };
      return;
    }
    if (isPair(node)) {
      bind(node.key, depth + 1);
      bind(node.value, depth + 1);
      return;
    }
    if (isAlias(node)) {
      aliasCount++;
      const target = anchors.get(node.source);
      if (!target) {
        problem = { kind: 'aliases', message: `The alias *${node.source} names no anchor defined before it.`, ...at(node) };
        return;
      }
      if (onPath.has(target)) {
        problem = { kind: 'aliases', message: `The alias *${node.source} refers to a node that contains it, an endless structure.`, ...at(node) };
        return;
      }
      targetOf.set(node, target);
      return;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (typeof anchor === 'string' && anchor !== '') anchors.set(anchor, node as Node);
    if (isCollection(node)) {
      onPath.add(node);
      for (const item of (node as Collection).items) bind(item, depth + 1);
      onPath.delete(node);
    }
  };
  bind(root, 0);
  if (problem) return problem;
  if (aliasCount === 0) return null;
  if (aliasCount > maxAliases) {
    return {
      kind: 'aliases',
      message: `The file uses ${aliasCount} YAML aliases, over the limit of ${maxAliases}; it was not analysed.`,
      ...at(targetOf.keys().next().value),
      limit: { name: 'maxYamlAliases', needed: aliasCount },
    };
  }

  // Pass 2: total alias resolutions of a full expansion, memoized per node (targets are shared).
  const expansions = new Map<unknown, number>();
  const countWithin = (node: unknown): number => {
    if (node === null || node === undefined || isScalar(node)) return 0;
    const known = expansions.get(node);
    if (known !== undefined) return known;
    let total = 0;
    if (isPair(node)) total = countWithin(node.key) + countWithin(node.value);
    else if (isAlias(node)) total = 1 + countWithin(targetOf.get(node));
    else if (isCollection(node)) for (const item of (node as Collection).items) total += countWithin(item);
    const capped = Math.min(total, Number.MAX_SAFE_INTEGER);
    expansions.set(node, capped);
    return capped;
  };
  const total = countWithin(root);
  if (total > maxAliases) {
    const firstAlias = targetOf.keys().next().value;
    return {
      kind: 'aliases',
      message: `Expanding the YAML aliases takes ${total >= Number.MAX_SAFE_INTEGER ? 'an astronomical number of' : total} alias resolutions, over the limit of ${maxAliases} (an alias bomb or an unreasonable file); it was not analysed.`,
      ...at(firstAlias),
      limit: { name: 'maxYamlAliases', needed: total },
    };
  }

  // Pass 3: replace every alias by its target, so walkers see aliased content as written content.
  const seen = new Set<unknown>();
  const substitute = (node: unknown): unknown => (isAlias(node) ? (targetOf.get(node) ?? node) : node);
  const replace = (node: unknown): void => {
    if (node === null || node === undefined || seen.has(node)) return;
    seen.add(node);
    if (isPair(node)) {
      node.key = substitute(node.key);
      node.value = substitute(node.value);
      replace(node.key);
      replace(node.value);
    } else if (isCollection(node)) {
      const collection = node as Collection;
      for (let i = 0; i < collection.items.length; i++) {
        collection.items[i] = substitute(collection.items[i]);
        replace(collection.items[i]);
      }
    }
  };
  doc.contents = substitute(root) as typeof doc.contents;
  replace(doc.contents);
  return null;
}
