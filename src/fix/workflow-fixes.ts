/**
 * The fixes of the workflow rules, each from a finding's position and the file text re-parsed with
 * the scan's own parser: the edits are exact ranges of the `yaml` nodes the rule looked at.
 */
import { isMap, isScalar, type Node, type Pair, type Scalar } from 'yaml';
import { DEPENDABOT_MAX_COOLDOWN_DAYS } from '../workflows/dependabot.js';
import type { WorkflowFile } from '../workflows/model.js';
import { imageSites } from '../workflows/pinning.js';
import { permissionsOf } from '../workflows/permissions.js';
import { isWorkflowCallOnly } from '../workflows/triggers.js';
import { UV_GLOBAL_WITH_VALUE } from '../workflows/run-steps.js';
import { FULL_SHA_RE, parseUses, usesSites, usesTarget, versionFromComment, type UsesSite } from '../workflows/uses.js';
import { get, getPair, items, jobsOf, posOf, stepsOf, str } from '../workflows/walk.js';
import { eolOf, lineEnd, lineStart, offsetOfLine } from './edits.js';
import type { FixResolver } from './resolver.js';
import { addAfterLine, addToMap, keyIndent, replaceScalar, type RangeEdit } from './yaml-edit.js';

/** Where a finding points. */
export interface At {
  line?: number;
  column?: number;
}

export type FixOutcome = { ok: true; edits: RangeEdit[]; note?: string } | { ok: false; reason: string };

const at = (wf: WorkflowFile, node: unknown, where: At): boolean => {
  const pos = posOf(wf, node);
  return pos.line === where.line && (where.column === undefined || pos.column === where.column);
};

// ------------------------------------------------------------------------ unpinned-uses

/** The `uses:` site a finding of unpinned-uses points at. */
export function usesSiteAt(wf: WorkflowFile, where: At): UsesSite | undefined {
  return usesSites(wf).find((site) => site.pos.line === where.line && (where.column === undefined || site.pos.column === where.column));
}

/**
 * `owner/repo@<sha>` written over the value and `# <tag>` as its comment: an existing version
 * comment is replaced, any other comment kept after it; inside a flow collection no comment is added.
 */
export function pinEdits(wf: WorkflowFile, site: UsesSite, sha: string, tag: string | null): RangeEdit[] | null {
  const uses = site.uses;
  if (uses.kind !== 'repository') return null;
  const replaced = replaceScalar(wf.text, site.node, `${usesTarget(uses)}@${sha}`);
  if (!replaced) return null;
  const edits: RangeEdit[] = [replaced];
  if (tag === null) return edits;
  const end = site.node.range![1];
  const eolAt = lineEnd(wf.text, end);
  const rest = wf.text.slice(end, eolAt);
  const comment = /^(\s+)(#.*)$/.exec(rest);
  if (/^\s*$/.test(rest)) edits.push({ start: eolAt - (rest.length - rest.trimEnd().length), end: eolAt, text: ` # ${tag}` });
  else if (comment) {
    const commentStart = end + comment[1].length;
    if (versionFromComment(comment[2]) !== undefined) edits.push({ start: commentStart, end: eolAt - (rest.length - rest.trimEnd().length), text: `# ${tag}` });
    else edits.push({ start: commentStart, end: commentStart, text: `# ${tag} ` });
  }
  return edits;
}

/** A tag-like ref worth writing as the comment: not a short SHA, which the pin replaces. */
function commentTagFor(ref: string): string | null {
  return /^[0-9a-fA-F]{7,39}$/.test(ref) ? null : ref;
}

export async function fixUnpinnedUses(wf: WorkflowFile, where: At, resolver: FixResolver): Promise<FixOutcome> {
  const site = usesSiteAt(wf, where);
  if (!site) return { ok: false, reason: 'no uses: at this position' };
  const uses = site.uses;
  if (uses.kind !== 'repository') return { ok: false, reason: 'the uses: value is not owner/repo@ref' };
  if (uses.pinned) return { ok: true, edits: [] };
  if (!uses.validName) return { ok: false, reason: `${uses.owner}/${uses.repo} is not a GitHub repository name` };
  const resolved = await resolver.resolveRef(uses.owner, uses.repo, uses.ref);
  if (!resolved) return { ok: false, reason: `GitHub has no ref ${uses.ref} in ${uses.owner}/${uses.repo}` };
  if (!FULL_SHA_RE.test(resolved.sha)) return { ok: false, reason: `GitHub answered ${JSON.stringify(resolved.sha.slice(0, 50))}, not a commit SHA` };
  const edits = pinEdits(wf, site, resolved.sha.toLowerCase(), commentTagFor(uses.ref));
  if (!edits) return { ok: false, reason: 'the uses: value is written in a form (escapes, block scalar) this fix does not rewrite' };
  return { ok: true, edits };
}

// ------------------------------------------------------------------------ --update

/** A version tag as numbers: `v4` → [4], `v4.2.2` → [4, 2, 2]; null for anything else. */
export function versionParts(tag: string): number[] | null {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(tag.trim());
  if (!match) return null;
  return match
    .slice(1)
    .filter((part) => part !== undefined)
    .map(Number);
}

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export interface UpdateOptions {
  now: Date;
  cooldownDays: number;
  /** Move to a newer major version too. */
  major: boolean;
}

/**
 * `--update`: a SHA pin with a version comment moves to the newest release published more than the
 * cooldown ago, within the same major version unless `major`; never backwards.
 */
export async function updatePin(
  wf: WorkflowFile,
  site: UsesSite,
  resolver: FixResolver,
  options: UpdateOptions,
): Promise<FixOutcome & { from?: string; to?: string }> {
  const uses = site.uses;
  if (uses.kind !== 'repository' || !uses.pinned || !uses.validName || !site.commentVersion) return { ok: true, edits: [] };
  const current = versionParts(site.commentVersion);
  if (!current) return { ok: true, edits: [] };
  const cutoff = options.now.getTime() - options.cooldownDays * 86_400_000;
  const candidates = (await resolver.releases(uses.owner, uses.repo))
    .filter((release) => !release.prerelease && release.publishedAt.getTime() <= cutoff)
    .map((release) => ({ release, parts: versionParts(release.tag) }))
    .filter((c): c is { release: (typeof c)['release']; parts: number[] } => c.parts !== null && c.parts.length === 3)
    .filter((c) => options.major || c.parts[0] === current[0])
    .filter((c) => compareParts(c.parts, current) > 0)
    .sort((a, b) => compareParts(b.parts, a.parts));
  const best = candidates[0];
  if (!best) return { ok: true, edits: [] };
  const resolved = await resolver.resolveRef(uses.owner, uses.repo, best.release.tag);
  if (!resolved || !FULL_SHA_RE.test(resolved.sha))
    return { ok: false, reason: `the tag ${best.release.tag} of ${uses.owner}/${uses.repo} could not be resolved` };
  if (resolved.sha.toLowerCase() === uses.ref.toLowerCase() && best.release.tag === site.commentVersion) return { ok: true, edits: [] };
  const edits = pinEdits(wf, site, resolved.sha.toLowerCase(), best.release.tag);
  if (!edits) return { ok: false, reason: 'the uses: value is written in a form this fix does not rewrite' };
  return { ok: true, edits, from: site.commentVersion, to: best.release.tag };
}

// ------------------------------------------------------------------------ unpinned-image

export async function fixUnpinnedImage(wf: WorkflowFile, where: At, resolver: FixResolver): Promise<FixOutcome> {
  const site = imageSites(wf).find((s) => s.pos.line === where.line && (where.column === undefined || s.pos.column === where.column));
  if (!site) return { ok: false, reason: 'no image at this position' };
  const node = findScalarAt(wf, site.pos);
  if (!node) return { ok: false, reason: 'no image at this position' };
  const base = site.image.replace(/@.*$/, '');
  if (base.includes('${{')) return { ok: false, reason: 'the image name is an expression' };
  const value = String(node.value);
  // `${{ cond && 'redis' || '' }}`: rewriting the scalar would drop the condition.
  if (value.includes('${{')) return { ok: false, reason: 'the image is chosen by an expression; pin each image in it by hand' };
  const digest = await resolver.imageDigest(base);
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) return { ok: false, reason: `no digest could be had for ${base}` };
  const prefix =
    value.slice(0, value.length - value.trimStart().length) +
    (value.trim().toLowerCase().startsWith('docker://') ? value.trim().slice(0, 'docker://'.length) : '');
  const edit = replaceScalar(wf.text, node, `${prefix}${base}@${digest}`);
  if (!edit) return { ok: false, reason: 'the image is written in a form this fix does not rewrite' };
  return { ok: true, edits: [edit] };
}

function findScalarAt(wf: WorkflowFile, pos: { line: number; column: number }): Scalar | undefined {
  let found: Scalar | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (found || depth > 60 || node === null || node === undefined) return;
    if (isScalar(node)) {
      const p = posOf(wf, node);
      if (p.line === pos.line && p.column === pos.column && typeof node.value === 'string') found = node;
      return;
    }
    for (const item of (node as { items?: unknown[] }).items ?? []) {
      if (item && typeof item === 'object' && 'key' in item && 'value' in item) visit((item as Pair).value, depth + 1);
      else visit(item, depth + 1);
    }
  };
  visit(wf.doc.contents, 0);
  return found;
}

// ------------------------------------------------------------------------ artipacked

function isCheckout(value: string | undefined): boolean {
  const uses = value === undefined ? undefined : parseUses(value);
  return uses?.kind === 'repository' && uses.path === '' && `${uses.owner}/${uses.repo}`.toLowerCase() === 'actions/checkout';
}

export function fixArtipacked(wf: WorkflowFile, where: At): FixOutcome {
  const step = stepsOf(wf)
    .map((s) => ({ step: s.node }))
    .find((s) => isCheckout(str(get(s.step, 'uses'))) && at(wf, get(s.step, 'uses') ?? s.step, where));
  if (!step || !isMap(step.step)) return { ok: false, reason: 'no actions/checkout step at this position' };
  const withPair = getPair(step.step, 'with');
  const usesPair = getPair(step.step, 'uses');
  if (!usesPair) return { ok: false, reason: 'the checkout step has no uses: key' };
  const indent = keyIndent(wf.text, usesPair.key);
  if (indent === null || step.step.flow) return { ok: false, reason: 'the step is written in a form this fix does not edit' };
  if (withPair) {
    if (get(withPair.value, 'persist-credentials') !== undefined) return { ok: true, edits: [] };
    const edit = addToMap(wf.text, withPair as Pair, ['persist-credentials: false'], `${indent}  `);
    return edit ? { ok: true, edits: [edit] } : { ok: false, reason: "the step's with: is written in a form this fix does not edit" };
  }
  const edit = addAfterLine(wf.text, usesPair.value as Node, indent, ['with:', '  persist-credentials: false']);
  return edit ? { ok: true, edits: [edit] } : { ok: false, reason: 'the uses: line is written in a form this fix does not edit' };
}

// ------------------------------------------------------------------------ excessive-permissions

/**
 * `permissions: contents: read` at the workflow level, put before `jobs:`, when the workflow sets
 * none: every job without its own block then gets a read-only token. Other findings of the rule
 * (write-all, write scopes) need a person to say what the jobs need.
 */
export function fixExcessivePermissions(wf: WorkflowFile, where: At): FixOutcome {
  if (wf.kind !== 'workflow') return { ok: false, reason: 'not a workflow' };
  const root = wf.doc.contents;
  if (!isMap(root) || root.flow) return { ok: false, reason: 'the workflow is not a block mapping' };
  // A job's own `permissions: write-all` / `read-all` outranks a workflow-level block: adding one
  // would leave the finding standing, so it is not counted as fixed.
  for (const job of jobsOf(wf)) {
    const own = getPair(job.node, 'permissions');
    if (own && [own.key, own.value].some((node) => node && posOf(wf, node).line === where.line)) {
      return { ok: false, reason: 'the job sets its own permissions: (only a person can say which scopes it needs)' };
    }
  }
  if (permissionsOf(root).kind !== 'absent') return { ok: false, reason: 'the workflow sets permissions: (only a person can say which scopes the jobs need)' };
  if (isWorkflowCallOnly(wf)) return { ok: true, edits: [] };
  const jobsPair = getPair(root, 'jobs');
  if (!jobsPair) return { ok: false, reason: 'the workflow has no jobs:' };
  const keyRange = jobsPair.key.range!;
  const start = lineStart(wf.text, keyRange[0]);
  if (wf.text.slice(start, keyRange[0]) !== '') return { ok: false, reason: 'jobs: is indented' };
  const firstJob = jobsOf(wf)[0];
  const childIndent = (firstJob && keyIndent(wf.text, firstJob.keyNode)) || '  ';
  const eol = eolOf(wf.text);
  // Keep the file's spacing: a blank line before jobs: gets one after the new block too.
  const previousLineStart = start >= 1 ? lineStart(wf.text, start - 1) : 0;
  const blankBefore = start > 0 && wf.text.slice(previousLineStart, start).trim() === '';
  const text = `permissions:${eol}${childIndent}contents: read${eol}${blankBefore ? eol : ''}`;
  return { ok: true, edits: [{ start, end: start, text }] };
}

// ------------------------------------------------------------------------ dependabot-cooldown

/** The `cooldown:` of the `updates:` entry a finding points at, set to at least the cooldown. */
export function fixDependabotCooldown(wf: WorkflowFile, where: At, cooldownDays: number): FixOutcome {
  const days = String(Math.min(Math.ceil(cooldownDays > 0 ? cooldownDays : 7), DEPENDABOT_MAX_COOLDOWN_DAYS));
  for (const entry of items(get(wf.doc.contents, 'updates'))) {
    if (!isMap(entry)) continue;
    const ecosystemPair = getPair(entry, 'package-ecosystem');
    const cooldownPair = getPair(entry, 'cooldown');
    const settingPairs = ['default-days', 'semver-major-days', 'semver-minor-days', 'semver-patch-days']
      .map((key) => getPair(cooldownPair?.value, key))
      .filter((pair): pair is Pair<Scalar, Node | null> => pair !== undefined);
    const setting = settingPairs.find((pair) => at(wf, pair.key, where));
    if (setting) {
      const value = setting.value;
      if (!isScalar(value) || !value.range) return { ok: false, reason: 'the setting has no value to replace' };
      return { ok: true, edits: [{ start: value.range[0], end: value.range[1], text: days }] };
    }
    if (!ecosystemPair || !at(wf, ecosystemPair.key, where)) continue;
    const indent = keyIndent(wf.text, ecosystemPair.key);
    if (indent === null || entry.flow) return { ok: false, reason: 'the entry is written in a form this fix does not edit' };
    if (cooldownPair) {
      if (get(cooldownPair.value, 'default-days') !== undefined) return { ok: true, edits: [] };
      const edit = addToMap(wf.text, cooldownPair as Pair, [`default-days: ${days}`], `${indent}  `);
      return edit ? { ok: true, edits: [edit] } : { ok: false, reason: 'cooldown: is written in a form this fix does not edit' };
    }
    const edit = addAfterLine(wf.text, ecosystemPair.value as Node, indent, ['cooldown:', `  default-days: ${days}`]);
    return edit ? { ok: true, edits: [edit] } : { ok: false, reason: 'the package-ecosystem line is written in a form this fix does not edit' };
  }
  return { ok: false, reason: 'no updates: entry at this position' };
}

// ------------------------------------------------------------------------ uv-unlocked

const NOT_A_PROJECT_RUN = new Set(['--script', '--no-project', '--no-sync', '--gui-script']);
const UPGRADE_RE = /^(--upgrade|-U|--upgrade-package|-P)(=|$)/;

/**
 * `--locked` after the subcommand of each `uv sync`, `uv run` and `uv export` on the finding's line
 * that has neither `--locked` nor `--frozen`. A command that upgrades is left to a person: `--locked`
 * would make it fail, and the upgrade belongs in a reviewed pull request.
 */
export function fixUvUnlocked(wf: WorkflowFile, where: At): FixOutcome {
  if (where.line === undefined) return { ok: false, reason: 'the finding has no line' };
  const start = offsetOfLine(wf.text, where.line);
  if (start < 0) return { ok: false, reason: 'the line is past the end of the file' };
  const line = wf.text.slice(start, lineEnd(wf.text, start));
  const edits: RangeEdit[] = [];
  let upgrade = false;
  // `uv` or a path to it (`./uv`), as the rule reads the command name.
  for (const match of line.matchAll(/(?<=^|[\s;&|(`'"/])uv(?=\s)/g)) {
    const words = [...line.slice(match.index + 2).matchAll(/[^\s;&|()`'"]+|[;&|()`]/g)];
    let i = 0;
    while (i < words.length && words[i][0].startsWith('-')) i += !words[i][0].includes('=') && UV_GLOBAL_WITH_VALUE.has(words[i][0]) ? 2 : 1;
    const sub = words[i];
    if (!sub || !['sync', 'run', 'export'].includes(sub[0])) continue;
    const options: string[] = [];
    for (let j = i + 1; j < words.length; j++) {
      const word = words[j][0];
      if (/^[;&|()`]$/.test(word)) break;
      if (sub[0] === 'run' && !word.startsWith('-')) break;
      options.push(word);
    }
    if (options.some((o) => o === '--locked' || o === '--frozen' || o.includes('${{') || NOT_A_PROJECT_RUN.has(o))) continue;
    if (options.some((o) => UPGRADE_RE.test(o))) {
      upgrade = true;
      continue;
    }
    const after = start + match.index + 2 + sub.index + sub[0].length;
    edits.push({ start: after, end: after, text: ' --locked' });
  }
  if (edits.length === 0 && upgrade)
    return { ok: false, reason: 'the command upgrades: do the upgrade in a reviewed pull request (uv lock --upgrade) and install with --locked' };
  if (edits.length === 0) return { ok: false, reason: 'no uv sync, run or export without --locked on this line' };
  return { ok: true, edits };
}
