/**
 * Typosquats of popular GitHub Actions, as zizmor's typosquat-uses finds them (its typomania checks,
 * offline): an `owner/repo` that is not itself popular, under another owner than the popular action
 * it resembles, and one of these edits away from it (names compared in lower case):
 * - `omitted`: a character left out (`action/checkout` for `actions/checkout`);
 * - `repeated`: a character doubled (`actiions/checkout`);
 * - `swapped`: two adjacent characters swapped (`cations/checkout`, `dokcer/login-action`);
 * - `typo`: a character replaced by a keyboard neighbour or a look-alike, or a stray `-`, `_`, `.`
 *   (`acti0ns/checkout`, `docker/…` as `dpcker/…`, `rn` for `m`, `vv` for `w`);
 * - `swapped-words`: the same words in another order (`checkout/actions`).
 * Because the owner must differ, the edit is always in the owner's name (or across the `/`): the same
 * owner's other repositories (`actions/setup-go` beside `actions/setup-node`) are never squats.
 * typomania's version check (a trailing number added) only ever edits the repository name, so it
 * cannot change the owner and never fires for actions; it is left out.
 *
 * The popular list is zizmor's data/popular-actions.txt (MIT) plus lockgate's additions
 * (data/popular-actions-extra.txt), baked in by scripts/update-action-lists.mjs.
 */
import { POPULAR_ACTIONS } from './popular-actions.generated.js';

export type ActionSquatTechnique = 'omitted' | 'repeated' | 'swapped' | 'typo' | 'swapped-words';

export interface ActionSquat {
  /** The popular action it resembles, as its owner spells it. */
  popular: string;
  technique: ActionSquatTechnique;
}

/** How a message says what the edit was: "<name> <description> <popular>". */
export const ACTION_SQUAT_DESCRIPTIONS: Readonly<Record<ActionSquatTechnique, string>> = {
  omitted: 'leaves out a character of',
  repeated: 'repeats a character of',
  swapped: 'swaps two adjacent characters of',
  typo: 'has a common typo (a neighbouring key or a look-alike character) of',
  'swapped-words': 'has the words, in another order, of',
};

/**
 * zizmor's typo table (keyboard neighbours plus a few look-alikes, from typomania's example, which
 * takes it from the crates.io typosquat checker): a character of the name as written, and what the
 * popular name may have in its place.
 */
const TYPOS: Readonly<Record<string, readonly string[]>> = {
  '1': ['2', 'q', 'i', 'l'],
  '2': ['1', 'q', 'w', '3'],
  '3': ['2', 'w', 'e', '4'],
  '4': ['3', 'e', 'r', '5'],
  '5': ['4', 'r', 't', '6', 's'],
  '6': ['5', 't', 'y', '7'],
  '7': ['6', 'y', 'u', '8'],
  '8': ['7', 'u', 'i', '9'],
  '9': ['8', 'i', 'o', '0'],
  '0': ['9', 'o', 'p', '-'],
  '-': ['_', '0', 'p', '.', ''],
  _: ['-', '0', 'p', '.', ''],
  q: ['1', '2', 'w', 'a'],
  w: ['2', '3', 'e', 's', 'a', 'q', 'vv'],
  e: ['3', '4', 'r', 'd', 's', 'w'],
  r: ['4', '5', 't', 'f', 'd', 'e'],
  t: ['5', '6', 'y', 'g', 'f', 'r'],
  y: ['6', '7', 'u', 'h', 't', 'i'],
  u: ['7', '8', 'i', 'j', 'y', 'v'],
  i: ['1', '8', '9', 'o', 'l', 'k', 'j', 'u', 'y'],
  o: ['9', '0', 'p', 'l', 'i'],
  p: ['0', '-', 'o'],
  a: ['q', 'w', 's', 'z'],
  s: ['w', 'd', 'x', 'z', 'a', '5'],
  d: ['e', 'r', 'f', 'c', 'x', 's'],
  f: ['r', 'g', 'v', 'c', 'd'],
  g: ['t', 'h', 'b', 'v', 'f'],
  h: ['y', 'j', 'n', 'b', 'g'],
  j: ['u', 'i', 'k', 'm', 'n', 'h'],
  k: ['i', 'o', 'l', 'm', 'j'],
  l: ['i', 'o', 'p', 'k', '1'],
  z: ['a', 's', 'x'],
  x: ['z', 's', 'd', 'c'],
  c: ['x', 'd', 'f', 'v'],
  v: ['c', 'f', 'g', 'b', 'u'],
  b: ['v', 'g', 'h', 'n'],
  n: ['b', 'h', 'j', 'm'],
  m: ['n', 'j', 'k', 'rn'],
  '.': ['-', '_', ''],
  '/': ['-', '_'],
};

/** Whether TYPOS lets the written text `from` (one character) stand for `to` in the popular name. */
function isTypo(from: string, to: string): boolean {
  return from.length === 1 && Object.hasOwn(TYPOS, from) && TYPOS[from]!.includes(to);
}

/** typomania's alphabet for the omitted check: what a left-out character can be. */
const OMITTABLE = /^[a-z0-9\-_./]$/;
/** Word delimiters of the swapped-words check; typomania permutes at most 5 words. */
const WORD_DELIMITERS = /[-_/]/;
const MAX_WORDS = 5;

interface Popular {
  name: string;
  lower: string;
  owner: string;
}

let byLength: ReadonlyMap<number, readonly Popular[]> | null = null;
let popularNames: ReadonlySet<string> | null = null;

function popularIndex(): { byLength: ReadonlyMap<number, readonly Popular[]>; names: ReadonlySet<string> } {
  if (byLength && popularNames) return { byLength, names: popularNames };
  const lengths = new Map<number, Popular[]>();
  const names = new Set<string>();
  for (const name of POPULAR_ACTIONS.split('\n')) {
    if (!name) continue;
    const lower = name.toLowerCase();
    names.add(lower);
    const entry = { name, lower, owner: lower.slice(0, lower.indexOf('/')) };
    const list = lengths.get(lower.length);
    if (list) list.push(entry);
    else lengths.set(lower.length, [entry]);
  }
  byLength = lengths;
  popularNames = names;
  return { byLength, names };
}

/** Whether `owner/repo` is on the popular list (case-insensitively). */
export function isPopularAction(owner: string, repo: string): boolean {
  return popularIndex().names.has(`${owner}/${repo}`.toLowerCase());
}

/**
 * The popular action `owner/repo` imitates, or null. Names GitHub could not have (checked by the
 * caller) should not be passed; a long name is cheap anyway: it is compared only with popular names
 * of its length, one shorter or one longer.
 */
export function actionTyposquat(owner: string, repo: string): ActionSquat | null {
  const candidate = `${owner}/${repo}`.toLowerCase();
  const { byLength: lengths, names } = popularIndex();
  if (names.has(candidate)) return null;
  const candidateOwner = candidate.slice(0, candidate.indexOf('/'));
  for (const delta of [0, -1, 1]) {
    for (const popular of lengths.get(candidate.length + delta) ?? []) {
      if (popular.owner === candidateOwner) continue; // an owner cannot squat its own actions
      const technique = editBetween(candidate, popular.lower);
      if (technique) return { popular: popular.name, technique };
    }
  }
  return null;
}

/** Which of zizmor's edits turns the popular name `p` into the written name `c` (both lower case), or null. */
export function editBetween(c: string, p: string): ActionSquatTechnique | null {
  if (c === p) return null;
  let prefix = 0;
  const shorter = Math.min(c.length, p.length);
  while (prefix < shorter && c[prefix] === p[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && c[c.length - 1 - suffix] === p[p.length - 1 - suffix]) suffix++;
  const cMiddle = c.slice(prefix, c.length - suffix);
  const pMiddle = p.slice(prefix, p.length - suffix);

  if (c.length === p.length + 1 && cMiddle.length === 1 && pMiddle === '') {
    // One extra character in c. Any position in the run of equal characters removes to p: a doubled
    // character (typomania's repeated check), or a stray separator (the typo table's '' entries).
    const extra = cMiddle;
    if (c[prefix - 1] === extra || c[prefix + 1] === extra) return 'repeated';
    if (isTypo(extra, '')) return 'typo';
    return null;
  }
  if (c.length + 1 === p.length) {
    if (cMiddle === '' && OMITTABLE.test(pMiddle)) return 'omitted';
    if (isTypo(cMiddle, pMiddle)) return 'typo'; // `m` for `rn`, `w` for `vv`
    return null;
  }
  if (c.length !== p.length) return null;
  if (cMiddle.length === 1 && isTypo(cMiddle, pMiddle)) return 'typo';
  if (cMiddle.length === 2 && cMiddle[0] !== cMiddle[1] && cMiddle[0] === pMiddle[1] && cMiddle[1] === pMiddle[0]) return 'swapped';
  return swappedWords(c, p) ? 'swapped-words' : null;
}

/** typomania's swapped-words check: c's words, reordered and joined by one delimiter, are p. */
function swappedWords(c: string, p: string): boolean {
  const words = c.split(WORD_DELIMITERS);
  if (words.length < 2 || words.length > MAX_WORDS) return false;
  const delimiter = /[-_/]/.exec(p)?.[0];
  if (!delimiter) return false;
  const popularWords = p.split(delimiter);
  // p must be the words joined by that one delimiter only.
  if (popularWords.length !== words.length || popularWords.some((word) => WORD_DELIMITERS.test(word))) return false;
  return [...words].sort().join('\n') === [...popularWords].sort().join('\n');
}
