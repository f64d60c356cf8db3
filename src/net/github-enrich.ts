/**
 * GitHub facts about the actions a workflow uses, gathered before the rules run: what each tag or
 * branch points at (for the pinned fix line), the tags at pinned commits (for `# vX` comments), and
 * whether a pinned commit is reachable from the repository's own branches or tags (impostor commits).
 * Asked through the one GitHub client (./github.ts), whose fact reads are cached per run and
 * never throw: every request ends in a fact or an error entry that says why.
 */
import type { ActionAdvisory, GithubFacts, RefLookup } from '../facts/types.js';
import { actionVersion } from '../facts/github-checks.js';
import type { Settings } from '../settings/types.js';
import type { WorkflowFile } from '../workflows/model.js';
import { usesSites } from '../workflows/uses.js';
import { githubFactKey, githubRepoKey } from '../facts/keys.js';
import { GithubClient, type GithubClientOptions } from './github.js';

/* ------------------------------------------------------------------ what to ask */

const REF_RE = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*@\{)[A-Za-z0-9._\/+-]{1,250}$/;
const SHA_RE = /^[0-9a-f]{40}$/;

interface RepoNeeds {
  owner: string;
  repo: string;
  /** Refs to resolve: unpinned refs and the tags named by `# vX` comments. */
  refs: Set<string>;
  /** Pinned commit SHAs (lowercase). */
  shas: Set<string>;
  /** The symbolic refs `uses:` values name (not the comment versions): ref-confusion asks about these. */
  usesRefs: Set<string>;
}

/** What to look up, per repository (owner/repo lowercased), from every `uses:` of the files. */
export function githubNeeds(workflows: readonly WorkflowFile[]): Map<string, RepoNeeds> {
  const needs = new Map<string, RepoNeeds>();
  for (const wf of workflows) {
    let sites: ReturnType<typeof usesSites>;
    try {
      sites = usesSites(wf);
    } catch {
      // Swallowed on purpose: the rules read the same sites, so they fail on this file too and the
      // rule runner reports it as an internal-error naming it; the other files' look-ups go ahead.
      continue;
    }
    for (const site of sites) {
      const uses = site.uses;
      if (uses.kind !== 'repository' || !uses.validName) continue;
      const key = `${uses.owner}/${uses.repo}`.toLowerCase();
      let entry = needs.get(key);
      if (!entry) {
        entry = { owner: uses.owner, repo: uses.repo, refs: new Set(), shas: new Set(), usesRefs: new Set() };
        needs.set(key, entry);
      }
      if (uses.pinned) {
        entry.shas.add(uses.ref.toLowerCase());
        if (site.commentVersion) entry.refs.add(site.commentVersion);
      } else {
        entry.refs.add(uses.ref);
        entry.usesRefs.add(uses.ref);
      }
    }
  }
  return needs;
}

/* ------------------------------------------------------------------ the gathering */

/** Tags listed per repository: 3 pages of 100 (the newest first, as GitHub sorts them). */
const TAG_PAGES = 3;
const BRANCH_PAGES = 3;
/** Ancestry comparisons per pinned SHA beyond the default branch. */
const MAX_COMPARES = 20;

interface RepoInfo {
  defaultBranch: string | null;
  missing: boolean;
  error?: string;
}

interface Listing {
  items: { name: string; sha: string }[];
  complete: boolean;
  error?: string;
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

function refPath(ref: string): string {
  return ref.split('/').map(seg).join('/');
}

class Gatherer {
  readonly facts: Required<GithubFacts> = {
    refs: new Map(),
    tagsAtCommit: new Map(),
    reachable: new Map(),
    branchAndTag: new Map(),
    tagListComplete: new Map(),
    actionAdvisories: new Map(),
  };
  readonly problems: string[] = [];
  constructor(private readonly client: GithubClient) {}

  private repoPath(owner: string, repo: string): string {
    return `/repos/${seg(owner)}/${seg(repo)}`;
  }

  private note(owner: string, repo: string, what: string, message: string): void {
    this.problems.push(`${owner}/${repo}: ${what}: ${message}`);
  }

  async repoInfo(owner: string, repo: string): Promise<RepoInfo> {
    const result = await this.client.get<{ default_branch?: unknown }>(this.repoPath(owner, repo));
    if (result.ok) {
      const branch = result.body && typeof result.body.default_branch === 'string' ? result.body.default_branch : null;
      return { defaultBranch: branch, missing: false };
    }
    if (result.failure === 'not-found') return { defaultBranch: null, missing: true };
    return { defaultBranch: null, missing: false, error: result.message };
  }

  async listing(owner: string, repo: string, kind: 'tags' | 'branches'): Promise<Listing> {
    const items: { name: string; sha: string }[] = [];
    const pages = kind === 'tags' ? TAG_PAGES : BRANCH_PAGES;
    for (let page = 1; page <= pages; page++) {
      const result = await this.client.get<unknown>(`${this.repoPath(owner, repo)}/${kind}?per_page=100&page=${page}`);
      if (!result.ok) return { items, complete: false, error: result.message };
      if (!Array.isArray(result.body)) return { items, complete: false, error: 'the listing was not a list' };
      for (const entry of result.body as { name?: unknown; commit?: { sha?: unknown } }[]) {
        if (entry && typeof entry.name === 'string' && typeof entry.commit?.sha === 'string')
          items.push({ name: entry.name, sha: entry.commit.sha.toLowerCase() });
      }
      if (result.body.length < 100) return { items, complete: true };
    }
    return { items, complete: false };
  }

  /** A tag or branch → its commit, peeling annotated tags; a short SHA → its commit through /commits. */
  async resolveRef(owner: string, repo: string, ref: string): Promise<RefLookup> {
    if (!REF_RE.test(ref)) return { status: 'missing' };
    const base = this.repoPath(owner, repo);
    const tag = await this.client.get<{ object?: { type?: unknown; sha?: unknown } }>(`${base}/git/ref/tags/${refPath(ref)}`);
    if (tag.ok) {
      const object = tag.body?.object;
      const peeled = await this.peel(owner, repo, object);
      if (!peeled.sha) return { status: 'error', message: peeled.error ?? 'the tag could not be read' };
      const tagObject = object?.type === 'tag' && typeof object.sha === 'string' ? object.sha.toLowerCase() : undefined;
      return tagObject ? { status: 'found', sha: peeled.sha, kind: 'tag', tagObject } : { status: 'found', sha: peeled.sha, kind: 'tag' };
    }
    if (tag.failure !== 'not-found') return { status: 'error', message: tag.message };
    const branch = await this.client.get<{ object?: { sha?: unknown } }>(`${base}/git/ref/heads/${refPath(ref)}`);
    if (branch.ok) {
      const sha = branch.body?.object?.sha;
      return typeof sha === 'string' && SHA_RE.test(sha.toLowerCase())
        ? { status: 'found', sha: sha.toLowerCase(), kind: 'branch' }
        : { status: 'error', message: 'the branch answer had no SHA' };
    }
    if (branch.failure !== 'not-found') return { status: 'error', message: branch.message };
    const commit = await this.client.get<{ sha?: unknown }>(`${base}/commits/${seg(ref)}`);
    if (commit.ok) {
      const sha = commit.body?.sha;
      return typeof sha === 'string' && SHA_RE.test(sha.toLowerCase())
        ? { status: 'found', sha: sha.toLowerCase(), kind: 'commit' }
        : { status: 'error', message: 'the commit answer had no SHA' };
    }
    if (commit.failure === 'not-found' || commit.failure === 'unprocessable') return { status: 'missing' };
    return { status: 'error', message: commit.message };
  }

  /** Follows annotated tag objects (a tag of a tag, at most 5 deep) down to the commit. */
  private async peel(owner: string, repo: string, object: { type?: unknown; sha?: unknown } | undefined): Promise<{ sha?: string; error?: string }> {
    let current = object;
    for (let depth = 0; depth < 5; depth++) {
      if (!current || typeof current.sha !== 'string' || !SHA_RE.test(current.sha.toLowerCase())) return { error: 'the tag answer had no SHA' };
      if (current.type === 'commit') return { sha: current.sha.toLowerCase() };
      if (current.type !== 'tag') return { error: `the tag points at a ${String(current.type)}, not a commit` };
      const next = await this.client.get<{ object?: { type?: unknown; sha?: unknown } }>(
        `${this.repoPath(owner, repo)}/git/tags/${seg(current.sha.toLowerCase())}`,
      );
      if (!next.ok) return { error: next.message };
      current = next.body?.object;
    }
    return { error: 'the tag chain is too deep' };
  }

  /** Whether `head` is in the history of `base` (compare base...head is "behind" or "identical"). */
  async contains(owner: string, repo: string, base: string, head: string): Promise<boolean | { error: string; unknownCommit?: boolean }> {
    const result = await this.client.get<{ status?: unknown }>(`${this.repoPath(owner, repo)}/compare/${refPath(base)}...${seg(head)}`);
    if (result.ok) return result.body?.status === 'behind' || result.body?.status === 'identical';
    // 404: no common history, or the commit is unknown; 422: the commit is unknown.
    if (result.failure === 'not-found' || result.failure === 'unprocessable') return { error: result.message, unknownCommit: true };
    return { error: result.message };
  }

  async gatherRepo(needs: RepoNeeds): Promise<void> {
    const { owner, repo } = needs;
    const key = (refOrSha: string): string => githubFactKey(owner, repo, refOrSha);
    const info = await this.repoInfo(owner, repo);
    if (info.missing) {
      for (const ref of needs.refs) this.facts.refs.set(key(ref), { status: 'missing' });
      for (const sha of needs.shas) this.facts.reachable.set(key(sha), { error: `${owner}/${repo} does not exist or is private` });
      this.note(owner, repo, 'repository', 'not found (missing, renamed away, or private to this token)');
      return;
    }
    if (info.error) {
      for (const ref of needs.refs) this.facts.refs.set(key(ref), { status: 'error', message: info.error });
      for (const sha of needs.shas) this.facts.reachable.set(key(sha), { error: info.error });
      this.note(owner, repo, 'repository', info.error);
      return;
    }

    const [resolved, tags] = await Promise.all([
      Promise.all([...needs.refs].map(async (ref) => [ref, await this.resolveRef(owner, repo, ref)] as const)),
      this.listing(owner, repo, 'tags'),
    ]);
    for (const [ref, lookup] of resolved) {
      this.facts.refs.set(key(ref), lookup);
      if (lookup.status === 'error') this.note(owner, repo, ref, lookup.message);
    }
    if (tags.error) this.note(owner, repo, 'tags', tags.error);
    this.facts.tagListComplete.set(githubRepoKey(owner, repo), tags.complete);

    // ref-confusion: a `uses:` ref that resolved as a tag may also be a branch (GitHub's git/ref is an exact match).
    // One request per such ref; a ref that resolved as a branch has no tag of that name (tags are asked first).
    await Promise.all(
      resolved.map(async ([ref, lookup]) => {
        if (!needs.usesRefs.has(ref) || lookup.status !== 'found') return;
        if (lookup.kind !== 'tag') {
          this.facts.branchAndTag.set(key(ref), false);
          return;
        }
        const branch = await this.client.get<unknown>(`${this.repoPath(owner, repo)}/git/ref/heads/${refPath(ref)}`);
        if (branch.ok) this.facts.branchAndTag.set(key(ref), true);
        else if (branch.failure === 'not-found') this.facts.branchAndTag.set(key(ref), false);
        else {
          this.facts.branchAndTag.set(key(ref), { error: branch.message });
          this.note(owner, repo, `${ref} (branch)`, branch.message);
        }
      }),
    );

    const tagsBySha = new Map<string, string[]>();
    for (const tag of tags.items) tagsBySha.set(tag.sha, [...(tagsBySha.get(tag.sha) ?? []), tag.name]);
    const shasOfInterest = new Set([...needs.shas, ...resolved.flatMap(([, l]) => (l.status === 'found' ? [l.sha] : []))]);
    for (const sha of shasOfInterest) {
      const listed = [...(tagsBySha.get(sha) ?? [])];
      // A tag resolved directly is at its commit even when the listing was cut short.
      for (const [ref, lookup] of resolved)
        if (lookup.status === 'found' && lookup.kind === 'tag' && lookup.sha === sha && !listed.includes(ref)) listed.push(ref);
      if (listed.length > 0 || tags.complete) this.facts.tagsAtCommit.set(key(sha), listed);
      else if (tags.error) this.facts.tagsAtCommit.set(key(sha), { error: tags.error });
      else this.facts.tagsAtCommit.set(key(sha), listed);
    }

    // A pin may name an annotated tag's object instead of its commit: that is a tag tip too.
    const knownTips = new Set([
      ...tags.items.map((t) => t.sha),
      ...resolved.flatMap(([, l]) => (l.status === 'found' && l.kind !== 'commit' ? [l.sha, ...(l.tagObject ? [l.tagObject] : [])] : [])),
    ]);
    await Promise.all(
      [...needs.shas].map(async (sha) => this.facts.reachable.set(key(sha), await this.reachability(owner, repo, sha, info.defaultBranch, knownTips, tags))),
    );
  }

  /** zizmor's order: tag and branch tips, then ancestry of the default branch, then of the other branches and tags. */
  private async reachability(
    owner: string,
    repo: string,
    sha: string,
    defaultBranch: string | null,
    knownTips: Set<string>,
    tags: Listing,
  ): Promise<boolean | { error: string }> {
    if (knownTips.has(sha)) return true;
    let compares = 0;
    let inconclusive: string | undefined;
    if (defaultBranch) {
      const onDefault = await this.contains(owner, repo, defaultBranch, sha);
      compares++;
      if (onDefault === true) return true;
      if (typeof onDefault === 'object') {
        if (!onDefault.unknownCommit) return { error: onDefault.error };
        // Unknown to compare: is it a commit of this repository's network at all?
        const commit = await this.client.get<{ sha?: unknown }>(`/repos/${seg(owner)}/${seg(repo)}/commits/${seg(sha)}`);
        if (!commit.ok)
          return {
            error:
              commit.failure === 'not-found' || commit.failure === 'unprocessable'
                ? `commit ${sha.slice(0, 12)} does not exist in ${owner}/${repo}`
                : commit.message,
          };
      }
    } else {
      inconclusive = 'the default branch is unknown';
    }
    const branches = await this.listing(owner, repo, 'branches');
    if (branches.items.some((b) => b.sha === sha)) return true;
    const candidates = [
      ...branches.items.filter((b) => b.name !== defaultBranch).map((b) => `refs/heads/${b.name}`),
      ...tags.items.map((t) => `refs/tags/${t.name}`),
    ];
    for (const ref of candidates) {
      if (compares >= MAX_COMPARES + 1) {
        inconclusive = `compared with ${compares} branches and tags of ${candidates.length + 1} without finding it`;
        break;
      }
      const contained = await this.contains(owner, repo, ref, sha);
      compares++;
      if (contained === true) return true;
      if (typeof contained === 'object' && !contained.unknownCommit) return { error: contained.error };
    }
    if (inconclusive) return { error: inconclusive };
    if (!branches.complete || !tags.complete) return { error: branches.error ?? tags.error ?? 'the branch or tag listing was cut short' };
    return false;
  }
}

/* ------------------------------------------------------------------ advisories (vulnerable-action) */

/** Repositories per first-stage advisory request (GitHub takes up to 1000 in `affects`; the URL stays short). */
const ADVISORY_REPOS_PER_REQUEST = 50;
const ADVISORY_PAGE = 100;

function advisoriesPath(affects: string[]): string {
  return `/advisories?ecosystem=actions&per_page=${ADVISORY_PAGE}&affects=${affects.map(encodeURIComponent).join(',')}`;
}

/** The advisories of an answer, withdrawn ones left out; null when the answer is not GitHub's list. */
function advisoriesOf(body: unknown): { advisory: ActionAdvisory; packages: string[] }[] | null {
  if (!Array.isArray(body)) return null;
  const out: { advisory: ActionAdvisory; packages: string[] }[] = [];
  for (const raw of body as Record<string, unknown>[]) {
    if (!raw || typeof raw.ghsa_id !== 'string' || raw.withdrawn_at) continue;
    const vulns = Array.isArray(raw.vulnerabilities) ? (raw.vulnerabilities as Record<string, unknown>[]) : [];
    const packages: string[] = [];
    let firstPatched: string | undefined;
    for (const v of vulns) {
      const pkg = v?.package as { ecosystem?: unknown; name?: unknown } | undefined;
      if (typeof pkg?.name !== 'string' || String(pkg.ecosystem).toLowerCase() !== 'actions') continue;
      packages.push(pkg.name.toLowerCase());
      if (firstPatched === undefined && typeof v.first_patched_version === 'string') firstPatched = v.first_patched_version;
    }
    const advisory: ActionAdvisory = {
      ghsaId: raw.ghsa_id,
      severity: typeof raw.severity === 'string' ? raw.severity.toLowerCase() : 'unknown',
      summary: typeof raw.summary === 'string' ? raw.summary.replace(/\s+/g, ' ').slice(0, 300) : '',
      url: `https://github.com/advisories/${encodeURIComponent(raw.ghsa_id)}`,
    };
    if (firstPatched !== undefined) advisory.firstPatched = firstPatched;
    out.push({ advisory, packages });
  }
  return out;
}

/**
 * Two stages, so a typical repository costs one request: which of the used actions have any
 * advisory at all (`affects=a/b,c/d,…`, 50 per request), then, for those only, which advisories
 * affect each version used (`affects=a/b@v1.2.3`; GitHub evaluates the ranges).
 */
async function gatherAdvisories(client: GithubClient, workflows: readonly WorkflowFile[], facts: Required<GithubFacts>, problems: string[]): Promise<void> {
  const versions = new Map<string, { name: string; versions: Set<string> }>();
  for (const wf of workflows) {
    let sites: ReturnType<typeof usesSites>;
    try {
      sites = usesSites(wf);
    } catch {
      continue; // reported by the rules (see githubNeeds)
    }
    for (const site of sites) {
      if (site.uses.kind !== 'repository' || !site.uses.validName) continue;
      const version = actionVersion(facts, site);
      if (version === undefined) continue;
      const name = `${site.uses.owner}/${site.uses.repo}`;
      const entry = versions.get(name.toLowerCase()) ?? { name, versions: new Set<string>() };
      entry.versions.add(version);
      versions.set(name.toLowerCase(), entry);
    }
  }
  if (versions.size === 0) return;
  const names = [...versions.keys()];
  const withAdvisories = new Set<string>();
  const failed = new Map<string, string>();
  for (let i = 0; i < names.length; i += ADVISORY_REPOS_PER_REQUEST) {
    const chunk = names.slice(i, i + ADVISORY_REPOS_PER_REQUEST);
    const result = await client.get<unknown>(advisoriesPath(chunk.map((n) => versions.get(n)!.name)));
    const list = result.ok ? advisoriesOf(result.body) : null;
    if (!result.ok || list === null) {
      const message = result.ok ? 'the advisory answer was not a list' : result.message;
      for (const n of chunk) failed.set(n, message);
      continue;
    }
    // A full page may have more behind it: then every repository of the chunk is asked by version.
    if ((result.body as unknown[]).length >= ADVISORY_PAGE) for (const n of chunk) withAdvisories.add(n);
    for (const { packages } of list) for (const p of packages) if (chunk.includes(p)) withAdvisories.add(p);
  }
  await Promise.all(
    names.flatMap((n) => {
      const { name, versions: used } = versions.get(n)!;
      return [...used].map(async (version) => {
        const key = githubFactKey(name.split('/')[0]!, name.split('/')[1]!, version);
        const failure = failed.get(n);
        if (failure) {
          facts.actionAdvisories.set(key, { error: failure });
          return;
        }
        if (!withAdvisories.has(n)) {
          facts.actionAdvisories.set(key, []);
          return;
        }
        const result = await client.get<unknown>(advisoriesPath([`${name}@${version}`]));
        const list = result.ok ? advisoriesOf(result.body) : null;
        if (!result.ok || list === null) {
          const message = result.ok ? 'the advisory answer was not a list' : result.message;
          facts.actionAdvisories.set(key, { error: message });
          problems.push(`${name}@${version}: advisories: ${message}`);
          return;
        }
        facts.actionAdvisories.set(
          key,
          list.filter((a) => a.packages.includes(n)).map((a) => a.advisory),
        );
      });
    }),
  );
  const reasons = [...new Set(failed.values())];
  for (const reason of reasons) problems.push(`advisories: ${reason}`);
}

/**
 * Resolves the GitHub facts the workflow rules need. Never throws for network trouble: each fact
 * that could not be learned is absent or an error entry, and one log line per problem says why.
 */
export async function gatherGithubFacts(
  workflows: WorkflowFile[],
  settings: Settings,
  log: (line: string) => void,
  clientOptions: Partial<GithubClientOptions> = {},
): Promise<GithubFacts> {
  const empty: GithubFacts = {
    refs: new Map(),
    tagsAtCommit: new Map(),
    reachable: new Map(),
    branchAndTag: new Map(),
    tagListComplete: new Map(),
    actionAdvisories: new Map(),
  };
  if (settings.offline) return empty;
  const needs = githubNeeds(workflows);
  if (needs.size === 0) return empty;
  const client = new GithubClient({
    apiUrl: settings.githubApiUrl || 'https://api.github.com',
    token: settings.githubToken,
    budgetMs: settings.networkBudgetMs,
    // Facts are worth less than a prompt run: one retry, a shorter timeout.
    timeoutMs: 10_000,
    retries: 1,
    backoffMs: 1000,
    ...clientOptions,
  });
  const gatherer = new Gatherer(client);
  await Promise.all([...needs.values()].map((repoNeeds) => gatherer.gatherRepo(repoNeeds)));
  // Versions come from the tags just learned, so the advisories are asked after the refs.
  await gatherAdvisories(client, workflows, gatherer.facts, gatherer.problems);
  const refCount = [...needs.values()].reduce((n, r) => n + r.refs.size, 0);
  const shaCount = [...needs.values()].reduce((n, r) => n + r.shas.size, 0);
  log(
    `GitHub: looked up ${refCount} refs and ${shaCount} pinned commits in ${needs.size} repositories (${client.requests} requests, ${client.cacheHits} answered from cache)` +
      (gatherer.problems.length > 0 ? `; ${gatherer.problems.length} could not be checked` : '') +
      '.',
  );
  const shown = [...new Set(gatherer.problems)];
  for (const problem of shown.slice(0, 10)) log(`GitHub: ${problem}`);
  if (shown.length > 10) log(`GitHub: … and ${shown.length - 10} more.`);
  return gatherer.facts;
}
