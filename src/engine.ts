/**
 * The pipeline: settings -> source -> parse -> model -> enrich -> rules -> policy -> report.
 * I/O happens here and in the enrichers only; everything the rules see is already in memory.
 */
import { compareFindings, type Finding, type WaivedFinding } from './findings.js';
import { baselineOf, markPreexisting } from './policy/baseline.js';
import { configGlobMatcher } from './core/glob.js';
import { speedupEnabled } from './core/speedups.js';
import { applyPolicy } from './policy/policy.js';
import { gatherAdvisoryFacts, gatherGithubFacts, gatherIndexFacts } from './enrichers.js';
import type { GithubFacts, IndexFacts } from './facts/types.js';
import { ruleName } from './report/rule-meta.js';
import type { ChangeRow, Report, ReportProject, RuleMeta } from './report/types.js';
import { RULE_DOCS } from './rules/docs.generated.js';
import { RULES } from './rules/index.js';
import type { AdvisoryFacts } from './facts/advisories.js';
import { runRules } from './rules/run.js';
import type { RuleContext, RuleMemo } from './rules/types.js';
import { parseConfig } from './settings/config.js';
import { isFileSizeLimitReason } from './settings/limits.js';
import { applyConfig, effectiveFilters } from './settings/resolve.js';
import { SettingsError, type Settings } from './settings/types.js';
import { loadRevisions, loadWorktree, openRepoWithRevisions, type BlobCache, type Repo } from './source/git.js';
import { ParseCache } from './source/parse-cache.js';
import type { SourceFiles } from './source/types.js';
import { pairProjects } from './uv/diff.js';
import { loadUvProjects } from './uv/load.js';
import type { LockPackage, ProjectPair } from './uv/model.js';
import { loadWorkflows } from './workflows/load.js';
import { DOCS_BASE_URL, TOOL_NAME, VERSION } from './version.js';

/** A run's result: the report plus what the run knows beyond it (not serialized). */
export interface RunResult {
  report: Report;
  /** The uv projects at base and head with their diff (for tests and tools; reporters read `report`). */
  pairs: ProjectPair[];
  /** Human-readable lines about how the run went (which source was used, network notes). */
  log: string[];
  /** The settings the run used, with the config file applied. */
  settings: Settings;
}

const KNOWN_RULES = new Set(RULES.map((rule) => rule.id));

/** The config comes from base when there is one: a pull request cannot loosen its own gate. */
function loadConfig(settings: Settings, head: SourceFiles, base: SourceFiles | null, log: string[]): Settings {
  const file = settings.configFile.replace(/^\.\//, '');
  const from = base && (base.texts.has(file) || base.unreadable.has(file)) ? base : head;
  const reason = from.unreadable.get(file);
  if (reason) throw new SettingsError(`${file}: cannot be read: ${reason}`);
  const text = from.texts.get(file);
  if (text === undefined) return settings;
  if (from === base && head.texts.get(file) !== text) log.push(`${file} changes in this change; the base version applies until it is merged.`);
  return applyConfig(settings, parseConfig(file, text, KNOWN_RULES));
}

/** The revision without the files the config excludes (fixtures, examples): they are not read at all. */
function withoutExcluded(files: SourceFiles, globs: string[]): SourceFiles {
  if (globs.length === 0) return files;
  const patterns = globs.map(configGlobMatcher);
  const kept = (path: string) => !patterns.some((matches) => matches(path));
  return {
    ...files,
    paths: files.paths.filter(kept),
    texts: new Map([...files.texts].filter(([path]) => kept(path))),
    unreadable: new Map([...files.unreadable].filter(([path]) => kept(path))),
  };
}

function inScope(path: string, scope: string): boolean {
  return scope === '' || path === scope || path.startsWith(`${scope}/`);
}

async function enrich(context: RuleContext, log: string[]): Promise<void> {
  const { settings } = context;
  if (settings.offline) {
    log.push('Offline: no network request was made; checks that need the index or GitHub are reported as unverified.');
    return;
  }
  const note = (line: string) => log.push(line);
  const [index, github, advisories] = await Promise.all([
    gatherIndexFacts(context.projects, settings, note).catch((error: unknown): IndexFacts => {
      log.push(`Package index look-ups failed: ${(error as Error).message}`);
      return { projects: new Map() };
    }),
    gatherGithubFacts(context.workflows, settings, note).catch((error: unknown): GithubFacts => {
      log.push(`GitHub look-ups failed: ${(error as Error).message}`);
      return { refs: new Map(), tagsAtCommit: new Map(), reachable: new Map(), branchAndTag: new Map(), tagListComplete: new Map() };
    }),
    // A failure leaves every version unasked: malicious-package then says so in one notice.
    gatherAdvisoryFacts(context.projects, settings, note).catch((error: unknown): AdvisoryFacts => {
      log.push(`Advisory look-ups failed: ${(error as Error).message}`);
      return { packages: new Map() };
    }),
  ]);
  context.index = index;
  context.github = github;
  context.advisories = advisories;
}

/**
 * The diff-aware gate (only-new with a base): base audited on its own, offline, with the same
 * rules and settings, marks the head findings that were already there (see policy/baseline.ts for
 * what "introduced" means). Without only-new or a base, the findings are returned as they are.
 */
export function withBaseline(
  settings: Settings,
  raw: (Finding | WaivedFinding)[],
  base: SourceFiles | null,
  run: (context: RuleContext) => (Finding | WaivedFinding)[] = runRules,
  shared: { cache?: ParseCache; ruleMemo?: RuleMemo } = {},
): (Finding | WaivedFinding)[] {
  if (!settings.onlyNew || base === null) return raw;
  // The main run parsed base already and ran the workflow checks on it: both are pure and shared,
  // so base is not parsed again, and a workflow check reads the same files with the same context
  // fields only once (see RuleMemo).
  const context = buildContext(settings, base, null, speedupEnabled('shared-parse') ? shared.cache : undefined);
  if (shared.ruleMemo) context.ruleMemo = shared.ruleMemo;
  return markPreexisting(raw, baselineOf(run(context)));
}

export interface Revisions {
  repo: Repo;
  head: SourceFiles;
  base: SourceFiles | null;
}

/** Opens the repository and reads base and head (git objects, or the working tree for head). */
export function readRevisions(settings: Settings): Revisions {
  const {
    repo,
    shas: [headSha = null, baseSha = null],
  } = openRepoWithRevisions(settings.dir, settings.base !== null || settings.head !== null, [settings.head, settings.base]);
  const maxBytes = settings.config.limits.maxFileBytes;
  const blobs: BlobCache = new Map();
  // One read for both commits: what they share is read out of git and decoded once.
  const shas = [headSha, baseSha].filter((sha): sha is string => sha !== null);
  const read = loadRevisions(repo, shas, maxBytes, blobs);
  const head = headSha === null ? loadWorktree(repo, maxBytes, settings.now) : read[0]!;
  const base = baseSha === null ? null : read[shas.length - 1]!;
  return { repo, head, base };
}

/** Parses base and head into the model the rules read (no network: `index` and `github` are null). */
export function buildContext(settings: Settings, head: SourceFiles, base: SourceFiles | null, cache: ParseCache = new ParseCache()): RuleContext {
  const limits = settings.config.limits;
  // Most files are the same at base and head: each distinct file is parsed once (`cache`).
  const baseUv = base ? loadUvProjects(base, limits, { cache }) : null;
  const lockedAtBase = new Set((baseUv?.projects ?? []).filter((p) => p.lockState !== 'missing').map((p) => p.root));
  const headUv = loadUvProjects(head, limits, { cache, lockedAtBase });
  const headWorkflows = loadWorkflows(head, limits, { cache });
  const baseWorkflows = base ? loadWorkflows(base, limits, { cache }) : null;
  const projects = pairProjects(baseUv?.projects ?? null, headUv.projects).filter((pair) => inScope(pair.path, settings.scope));
  const inScopeOrGithub = (problem: { file: string }) => inScope(problem.file, settings.scope) || problem.file.startsWith('.github/');
  return {
    settings,
    now: settings.now,
    headTime: head.time,
    projects,
    workflows: headWorkflows.workflows,
    baseWorkflows: baseWorkflows?.workflows ?? null,
    invalidFiles: [],
    uvLoadProblems: headUv.problems.filter(inScopeOrGithub),
    workflowProblems: headWorkflows.problems.filter(inScopeOrGithub),
    baseLoadProblems:
      baseUv && baseWorkflows ? { uv: baseUv.problems.filter(inScopeOrGithub), workflows: baseWorkflows.problems.filter(inScopeOrGithub) } : null,
    headFiles: head.paths,
    index: null,
    github: null,
  };
}

/** The rule metadata reporters show (SARIF's rule list), from the registry and the bundled docs. */
export function ruleMetas(): RuleMeta[] {
  return RULES.map((rule) => ({
    id: rule.id,
    name: ruleName(rule.id),
    summary: rule.summary,
    defaultSeverity: rule.defaultSeverity,
    defaultConfidence: rule.defaultConfidence ?? 'high',
    persona: rule.persona ?? 'regular',
    help: RULE_DOCS[rule.id] ?? rule.summary,
    helpUri: `${DOCS_BASE_URL}${rule.id}.md`,
  }));
}

/** The newest upload time of a locked entry's files (what a cooldown checks), or null. */
function newestUpload(pkg: LockPackage): number | null {
  let newest: number | null = null;
  for (const artifact of [...(pkg.sdist ? [pkg.sdist] : []), ...pkg.wheels]) {
    const time = artifact.uploadTime ? Date.parse(artifact.uploadTime) : Number.NaN;
    if (Number.isFinite(time) && (newest === null || time > newest)) newest = time;
  }
  return newest;
}

/** The lock diff of each project as plain rows, each with the upload time of the version it locks at head. */
export function reportProjects(pairs: readonly ProjectPair[]): ReportProject[] {
  return pairs.map((pair) => {
    // By name and version, first entry wins: a find per change was quadratic on a lock of thousands of changes.
    const headPackages = new Map<string, LockPackage>();
    for (const pkg of pair.head?.lock?.packages ?? []) {
      const key = `${pkg.name}\0${pkg.version ?? ''}`;
      if (!headPackages.has(key)) headPackages.set(key, pkg);
    }
    const changes = pair.changes.map((change): ChangeRow => {
      const row: ChangeRow = { ...change };
      const locked = change.kind !== 'removed' && change.to ? headPackages.get(`${change.name}\0${change.to}`) : undefined;
      const uploaded = locked ? newestUpload(locked) : null;
      if (uploaded !== null) row.uploadedAt = new Date(uploaded).toISOString();
      return row;
    });
    return { path: pair.path, lock: pair.lockFile, changes };
  });
}

/** Policy over the rules' findings, then the report every reporter renders from. */
export function buildReport(context: RuleContext, raw: (Finding | WaivedFinding)[], head: SourceFiles, base: SourceFiles | null): Report {
  const { settings } = context;
  const policy = applyPolicy({
    findings: raw,
    config: settings.config,
    configFile: settings.configFile,
    texts: head.texts,
    now: settings.now,
    onlyNew: settings.onlyNew,
    defaults: new Map(RULES.map((rule) => [rule.id, rule.defaultSeverity])),
    ...effectiveFilters(settings),
  });
  const findings = policy.findings.sort(compareFindings);
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return {
    tool: TOOL_NAME,
    version: VERSION,
    base: base?.label ?? null,
    head: head.label,
    now: settings.now.toISOString(),
    projects: reportProjects(context.projects),
    findings,
    waived: policy.waived,
    preexisting: policy.preexisting.sort(compareFindings),
    filtered: policy.filtered,
    counts,
    rules: ruleMetas(),
  };
}

export async function runLockgate(initial: Settings): Promise<RunResult> {
  const log: string[] = [];
  let { head, base } = readRevisions(initial);
  const settings = loadConfig(initial, head, base, log);
  const limits = settings.config.limits;
  // The files were read under the default size limit, before the config was known: a config that
  // raises limits.max-file-bytes needs the files that hit the default read again.
  if (
    limits.maxFileBytes > initial.config.limits.maxFileBytes &&
    [head, base].some((files) => files !== null && [...files.unreadable.values()].some(isFileSizeLimitReason))
  ) {
    ({ head, base } = readRevisions(settings));
  }
  head = withoutExcluded(head, settings.config.exclude);
  base = base && withoutExcluded(base, settings.config.exclude);

  const cache = new ParseCache();
  const ruleMemo: RuleMemo = new Map();
  const context = buildContext(settings, head, base, cache);
  context.ruleMemo = ruleMemo;
  await enrich(context, log);

  const raw = withBaseline(settings, runRules(context), base, runRules, { cache, ruleMemo });
  const report = buildReport(context, raw, head, base);
  return { report, pairs: context.projects, log, settings };
}
