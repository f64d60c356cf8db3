/**
 * The index edge of the pipeline: asks the package index about the registry packages a change
 * introduces, before the rules run, so that the rules stay pure. Offline, nothing is sent at all.
 */
import type { Settings } from '../settings/types.js';
import type { LockPackage, ProjectPair } from '../uv/model.js';
import { normalizeName } from '../uv/names.js';
import { IndexClient, type IndexClientOptions } from './pypi-index.js';
import { redactUrl } from '../core/text.js';
import { canonicalIndexUrl, factsKeyOf, isRemoteIndex } from '../facts/index-facts.js';
import type { IndexFacts, IndexLookup } from '../facts/types.js';

export type GatherOptions = Omit<IndexClientOptions, 'budgetMs' | 'log'>;

const PYPI_SIMPLE = /^https:\/\/pypi\.org\/simple$/i;

/**
 * The URL to ask for a package locked from `lockUrl`. The configured index URL (input, flag or
 * config) replaces the lock's when it is the same index (it may add credentials the lock never
 * records) or when the lock names PyPI (the configured URL is then a mirror). A package from
 * another named index (a PyTorch wheel index, say) is asked where the lock says it came from.
 */
export function queryUrlFor(lockUrl: string, configured: string | null): string {
  if (!configured) return lockUrl;
  const lock = canonicalIndexUrl(lockUrl);
  if (canonicalIndexUrl(configured) === lock || PYPI_SIMPLE.test(lock)) return configured;
  return lockUrl;
}

interface Wanted {
  queryUrl: string;
  name: string;
  versions: Set<string>;
}

/**
 * The indexes a run may contact. A pull request controls the head's uv.lock, so a registry URL
 * that only head names could point the runner at any host (an internal one, on a self-hosted
 * runner). Only PyPI, the configured index and the indexes that base already used or declared are
 * asked; a new index is reported by `new-index`, and its packages as unverified. A full audit
 * (no base) reads merged code, and trusts what head names.
 */
export function trustedIndexes(pairs: readonly ProjectPair[], configured: string | null, fullAudit: boolean): Set<string> {
  const trusted = new Set<string>(['https://pypi.org/simple']);
  if (configured) trusted.add(canonicalIndexUrl(configured));
  for (const pair of pairs) {
    const side = fullAudit ? pair.head : pair.base;
    if (!side) continue;
    for (const index of side.indexes ?? []) if (typeof index?.url === 'string') trusted.add(canonicalIndexUrl(index.url));
    for (const pkg of side.lock?.packages ?? []) if (pkg.source.kind === 'registry') trusted.add(canonicalIndexUrl(pkg.source.url));
  }
  return trusted;
}

function wantedOf(pairs: readonly ProjectPair[], configured: string | null, trusted: Set<string>, untrusted: Map<string, string>): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>();
  for (const pair of pairs) {
    for (const entry of Array.isArray(pair.introduced) ? pair.introduced : []) {
      const pkg: LockPackage | undefined = entry?.package;
      if (!pkg || typeof pkg.name !== 'string') continue;
      const key = factsKeyOf(pkg);
      if (key === null || pkg.source.kind !== 'registry' || !isRemoteIndex(pkg.source.url)) continue;
      if (!trusted.has(canonicalIndexUrl(pkg.source.url)) && !trusted.has(canonicalIndexUrl(queryUrlFor(pkg.source.url, configured)))) {
        untrusted.set(key, pkg.source.url);
        continue;
      }
      let item = wanted.get(key);
      if (!item) {
        item = { queryUrl: queryUrlFor(pkg.source.url, configured), name: normalizeName(pkg.name), versions: new Set() };
        wanted.set(key, item);
      }
      if (typeof pkg.version === 'string' && pkg.version !== '') item.versions.add(pkg.version);
    }
  }
  return wanted;
}

/**
 * Index facts for every introduced registry package of `pairs`, keyed as `factsKeyOf` keys them.
 * Never rejects; an index that cannot be asked gives `error` entries. Offline: an empty map, and
 * no connection is attempted.
 */
export async function gatherIndexFacts(
  pairs: ProjectPair[],
  settings: Settings,
  log: (line: string) => void,
  options: GatherOptions = {},
): Promise<IndexFacts> {
  const facts: IndexFacts = { projects: new Map() };
  if (settings.offline) return facts;
  const untrusted = new Map<string, string>();
  const trusted = trustedIndexes(pairs, settings.indexUrl, settings.base === null);
  const wanted = wantedOf(pairs, settings.indexUrl, trusted, untrusted);
  for (const [key, url] of untrusted) {
    facts.projects.set(key, {
      status: 'error',
      message: `not asked: ${redactUrl(url)} is an index this change introduces, and lockgate does not contact an index that only the pull request names (set index-url to allow it)`,
    });
  }
  if (untrusted.size > 0)
    log(
      `Package index: ${untrusted.size} project${untrusted.size === 1 ? '' : 's'} not asked, from ${[...new Set([...untrusted.values()].map((url) => redactUrl(url)))].join(', ')}: an index only this change names.`,
    );
  if (wanted.size === 0) return facts;

  const started = Date.now();
  const client = new IndexClient({ ...options, budgetMs: settings.networkBudgetMs, log });
  await Promise.all(
    [...wanted].map(async ([key, item]) => {
      const lookup: IndexLookup = await client.lookup(item.queryUrl, item.name, [...item.versions]);
      facts.projects.set(key, lookup);
    }),
  );

  const counts = { found: 0, 'missing-project': 0, error: 0 };
  for (const lookup of facts.projects.values()) counts[lookup.status]++;
  const indexes = [...new Set([...wanted.values()].map((item) => redactUrl(item.queryUrl)))];
  log(
    `Package index: asked about ${wanted.size} project${wanted.size === 1 ? '' : 's'} on ${indexes.join(', ')} ` +
      `(${client.requests} request${client.requests === 1 ? '' : 's'}, ${((Date.now() - started) / 1000).toFixed(1)} s): ` +
      `${counts.found} found, ${counts['missing-project']} missing, ${counts.error} unanswered.`,
  );
  for (const [key, lookup] of facts.projects) {
    if (lookup.status === 'error') log(`Package index: ${key.split('\n')[1]}: ${lookup.message}`);
  }
  return facts;
}
