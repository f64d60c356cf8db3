import { normalizeName } from '../core/text.js';
import { HashIndex, deletionHashes, hashString } from './hash-index.js';
import { shippedRanking, type Ranking } from './ranking.js';
import { shippedSuccessors, type SuccessorMap } from './successors.js';
import {
  STRONG_TECHNIQUES,
  classifySingleEdit,
  confusableSkeleton,
  hasPyAffix,
  pyAffixCore,
  sortedWords,
  versionStem,
  withoutSeparators,
  type Technique,
} from './techniques.js';

export interface MatcherOptions {
  /** Compare against the names ranked 1..top. */
  top: number;
  /** Names never flagged (normalized here). */
  allow?: readonly string[];
  /** Reviewed successors and siblings: never an imitation of the names listed for them (default: data/typosquat-successors.tsv). */
  successors?: SuccessorMap;
  /** A name ranked this high or better is popular itself, never a typosquat (default POPULAR_RANK). */
  popularRank?: number;
}

/**
 * A name among this many of the most downloaded packages is not reported, whatever it resembles:
 * the whole shipped ranking (15,000). On the labeled set, none of the 201 malicious typosquats is
 * ranked at any depth (they are removed within days, long before a month of downloads could rank
 * them), while the 101 ranked legitimate look-alikes reach down to #14,310 (pypdf3): with the
 * exemption stopping at 5,000, 24 of them would be flagged (12 at warning or above: `grequests`,
 * `fastai`, `ipytest`…), at 10,000 still 7, for no recall gained. `npm run score:typosquat`
 * prints the trade by depth.
 */
export const POPULAR_RANK = 15000;

/** Names shorter than this only get the strong techniques: one arbitrary letter is too weak a signal. */
export const SHORT_NAME_LENGTH = 5;
/** A name that imitates one of these with a strong technique is a `high` confidence match (the rule: an error). */
export const ERROR_RANK = 1000;
/** Keys shorter than this collide with too many honest names to mean anything (`py-re` → `re`). */
const MIN_CORE_LENGTH = 3;
/** `web3` and `web` are one project; `av`, `qav`, `ase` and `as3` are not: short stems say nothing. */
const MIN_VERSION_STEM = 4;
/** One character edits between names this short (`fs`/`fz`, `pip`/`plip`) are mostly honest coincidences. */
export const MIN_EDIT_LENGTH = 4;

export interface TyposquatMatch {
  /** The candidate, normalized. */
  name: string;
  /** The popular name it imitates. */
  target: string;
  targetRank: number;
  technique: Technique;
  strong: boolean;
}

/**
 * Finds the popular name a package name imitates. The targets are indexed once so that a lookup
 * costs a few dozen hash probes, whatever the number of targets:
 * - exact keys under a normalization (separators stripped, look-alike characters folded, words
 *   sorted, py/python affixes stripped, trailing version stripped): equal keys, one technique;
 * - the deletion neighbourhood of every target (symmetric delete): two names one edit apart share
 *   a string made by deleting at most one character from each, so probing the candidate's own
 *   deletions finds every target one edit away; the pair is then classified exactly.
 * Both indexes hold hashes, not strings (see hash-index.ts); every hit is confirmed on the names.
 */
export class TyposquatMatcher {
  private readonly ranking: Ranking;
  private readonly allow: ReadonlySet<string>;
  private readonly successors: SuccessorMap;
  private readonly popularRank: number;
  private readonly targets: string[] = [];
  private readonly ranks: number[] = [];
  private readonly keyKinds: KeyKind[];
  /** hash(kind seed, key) → target ids. */
  private readonly keyIndex: HashIndex;
  /** hash(target) and hash(each one-character deletion of target) → target ids. */
  private readonly deletionIndex: HashIndex;
  /** Per target, the number of the last match() call that looked at it: dedupes without a Set a call. */
  private readonly visited: Int32Array;
  private generation = 0;

  constructor(ranking: Ranking, options: MatcherOptions) {
    this.ranking = ranking;
    this.allow = new Set((Array.isArray(options.allow) ? options.allow : []).filter((name) => typeof name === 'string').map(normalizeName));
    this.successors = options.successors ?? shippedSuccessors();
    this.popularRank = typeof options.popularRank === 'number' && Number.isFinite(options.popularRank) ? options.popularRank : POPULAR_RANK;
    const top = Number.isFinite(options.top) ? Math.max(0, Math.floor(options.top)) : 0;
    for (const [name, rank] of ranking.entries()) {
      if (rank > top) break;
      this.targets.push(name);
      this.ranks.push(rank);
    }
    this.keyKinds = keyKinds();
    this.keyIndex = new HashIndex(this.targets.length * 3);
    let letters = 0;
    let longest = 0;
    for (const name of this.targets) {
      letters += name.length + 1;
      longest = Math.max(longest, name.length);
    }
    this.deletionIndex = new HashIndex(letters);
    this.visited = new Int32Array(this.targets.length);
    const deletions = new Uint32Array(longest);
    for (let id = 0; id < this.targets.length; id++) {
      const name = this.targets[id]!;
      const flat = withoutSeparators(name);
      for (const kind of this.keyKinds) {
        const key = kind.keyOf(name);
        // Most names have no affix and no version: such a key is the separator key, which is indexed
        // already; lookups probe it there (see match), and the index stays a third of the size.
        if (key !== null && !(kind.sharesFlat && key === flat)) this.keyIndex.add(hashString(key, kind.seed), id);
      }
      if (name.length >= MIN_EDIT_LENGTH) {
        this.deletionIndex.add(hashString(name), id);
        const count = deletionHashes(name, deletions);
        for (let i = 0; i < count; i++) this.deletionIndex.add(deletions[i]!, id);
      }
    }
  }

  get targetCount(): number {
    return this.targets.length;
  }

  /** The rank of a name in the whole ranking, or undefined. */
  rankOf(rawName: string): number | undefined {
    return typeof rawName === 'string' ? this.ranking.rankOf(normalizeName(rawName)) : undefined;
  }

  /** Whether a name is popular itself: ranked within POPULAR_RANK (of the whole ranking, not only the targets). */
  isPopular(rawName: string): boolean {
    const rank = typeof rawName === 'string' ? this.ranking.rankOf(normalizeName(rawName)) : undefined;
    return rank !== undefined && rank <= this.popularRank;
  }

  /**
   * The best imitation `rawName` is of a target, or null: for a name that is popular itself (see
   * POPULAR_RANK), allowed, or imitates nothing but the names it is a listed successor of. Strong
   * techniques win over weak ones, then the better-ranked target.
   */
  match(rawName: string): TyposquatMatch | null {
    return this.matchName(rawName, true);
  }

  /** As match, without the popular-name exemption: what the exemption saves (for the score). */
  matchIgnoringPopularity(rawName: string): TyposquatMatch | null {
    return this.matchName(rawName, false);
  }

  private matchName(rawName: string, exemptPopular: boolean): TyposquatMatch | null {
    if (typeof rawName !== 'string') return null;
    const name = normalizeName(rawName);
    if (name === '' || (exemptPopular && this.isPopular(name)) || this.allow.has(name)) return null;
    const siblingOf = this.successors.get(name);
    let best: TyposquatMatch | null = null;
    const consider = (id: number, technique: Technique) => {
      // A name is not an imitation of itself (only reachable when the popularity exemption is off).
      if (this.targets[id] === name || siblingOf?.has(this.targets[id]!)) return;
      const strong = STRONG_TECHNIQUES.has(technique);
      if (!strong && name.length < SHORT_NAME_LENGTH) return;
      const rank = this.ranks[id]!;
      if (best && (Number(best.strong) > Number(strong) || (best.strong === strong && best.targetRank <= rank))) return;
      best = { name, target: this.targets[id]!, targetRank: rank, technique, strong };
    };

    for (const kind of this.keyKinds) {
      const key = kind.keyOf(name);
      if (key === null) continue;
      const visit = (id: number) => {
        const target = this.targets[id]!;
        // Keys are not stored (that doubled the build time in garbage collection): recompute on a
        // hit. This also drops hash collisions and, for a probe of the separator keys, targets whose
        // own key of this kind differs.
        if (kind.keyOf(target) !== key) return;
        const technique = kind.accept(name, target);
        if (technique) consider(id, technique);
      };
      this.keyIndex.forEach(hashString(key, kind.seed), visit);
      if (kind.sharesFlat) this.keyIndex.forEach(hashString(key, SEPARATOR_SEED), visit);
    }

    if (name.length >= MIN_EDIT_LENGTH) {
      const generation = ++this.generation;
      const visit = (id: number) => {
        if (this.visited[id] === generation) return;
        this.visited[id] = generation;
        const technique = classifySingleEdit(name, this.targets[id]!);
        if (technique) consider(id, technique);
      };
      this.deletionIndex.forEach(hashString(name), visit);
      const deletions = new Uint32Array(name.length);
      const count = deletionHashes(name, deletions);
      for (let i = 0; i < count; i++) this.deletionIndex.forEach(deletions[i]!, visit);
    }
    return best;
  }
}

const SEPARATOR_SEED = 1;

interface KeyKind {
  /** Tells the kinds apart in the shared hash index. */
  seed: number;
  /**
   * Whether a target's key of this kind, when equal to its separator key, is left to the separator
   * entries (true for the affix and version kinds: most names have neither).
   */
  sharesFlat?: boolean;
  /** The name under a normalization that erases one technique; null when the key would mean nothing. */
  keyOf: (name: string) => string | null;
  /** Given equal keys, the technique relating the two names, or null when the match means nothing. */
  accept: (candidate: string, target: string) => Technique | null;
}

function keyKinds(): KeyKind[] {
  const atLeast = (key: string, length: number) => (key.length >= length ? key : null);
  const unseparated = withoutSeparators;
  const versionKey = (name: string) => atLeast(versionStem(name) ?? unseparated(name), MIN_VERSION_STEM);
  // A version number changed (`pyqt5`/`pyqt6`, `-cu11`/`-cu12`) is how families are named; only an
  // added or removed one is the technique.
  const oneSideVersioned = (candidate: string, target: string) => (versionStem(candidate) === null) !== (versionStem(target) === null);
  return [
    { seed: SEPARATOR_SEED, keyOf: unseparated, accept: () => 'separator' },
    { seed: 2, keyOf: (name) => confusableSkeleton(unseparated(name)), accept: () => 'confusable' },
    { seed: 3, keyOf: (name) => (name.includes('-') ? sortedWords(name) : null), accept: () => 'word-order' },
    {
      seed: 4,
      sharesFlat: true,
      keyOf: (name) => atLeast(pyAffixCore(name), MIN_CORE_LENGTH),
      // Dropping the affix is how many honest projects are named (jwt/pyjwt, arrow/pyarrow, docker/docker-py):
      // it is only a notice. Adding or swapping one is the squatter's move (python-flask, pythonkafka).
      accept: (candidate) => (hasPyAffix(candidate) ? 'py-affix' : 'py-affix-dropped'),
    },
    { seed: 5, sharesFlat: true, keyOf: versionKey, accept: (c, t) => (oneSideVersioned(c, t) ? 'version' : null) },
    {
      // pyfoo for foo3, python-foo2 for foo: an affix and a version number at once.
      seed: 6,
      sharesFlat: true,
      keyOf: (name) => versionKey(pyAffixCore(name)),
      accept: (c, t) => (hasPyAffix(c) && oneSideVersioned(pyAffixCore(c), pyAffixCore(t)) ? 'py-affix' : null),
    },
  ];
}

/** How sure a match is, before the index has a say (the typosquat rule turns it into a level). */
export type MatchConfidence = 'high' | 'medium' | 'low';

/**
 * A strong match against a top-1,000 name is `high`, strong otherwise `medium`, weak `low`. A
 * version number added to a name stays `medium`: that is also how forks and successors name
 * themselves (`httpx2`, `pypdf2`, `elasticsearch8`), a deliberate choice rather than a slip.
 */
export function matchConfidence(match: TyposquatMatch): MatchConfidence {
  if (!match.strong) return 'low';
  if (match.technique === 'version' && versionStem(match.name) !== null) return 'medium';
  return match.targetRank <= ERROR_RANK ? 'high' : 'medium';
}

/** Compare against this many of the most downloaded names unless `typosquat.top` says otherwise. */
export const DEFAULT_TOP = 15000;

let cached: { key: string; matcher: TyposquatMatcher } | null = null;

/** The matcher over the shipped ranking for a config, built once a run (the index over the targets is the expensive part). */
export function typosquatMatcher(config: { top?: unknown; allow?: unknown } | undefined): TyposquatMatcher {
  const top = typeof config?.top === 'number' && Number.isFinite(config.top) && config.top >= 1 ? Math.floor(config.top) : DEFAULT_TOP;
  const allow = Array.isArray(config?.allow) ? config.allow.filter((name): name is string => typeof name === 'string') : [];
  const key = `${top}\n${allow.join('\n')}`;
  if (cached?.key !== key) cached = { key, matcher: new TyposquatMatcher(shippedRanking(), { top, allow }) };
  return cached.matcher;
}
