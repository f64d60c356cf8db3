/**
 * The ways a typosquat name is made from a popular one, and how to recognise a single-character edit.
 * Names here are PEP 503-normalized: lower case letters, digits and single `-`.
 */

export type Technique =
  | 'separator'
  | 'confusable'
  | 'swap'
  | 'doubled'
  | 'dropped'
  | 'keyboard-insert'
  | 'keyboard-substitute'
  | 'plural'
  | 'py-affix'
  | 'py-affix-dropped'
  | 'vowel'
  | 'word-order'
  | 'version'
  | 'insert'
  | 'substitute';

/**
 * Techniques that model a slip a person (or a model writing requirements) actually makes, or a
 * disguise squatters use on purpose. A name one of these away from a popular name is a warning;
 * any other single edit is only a notice, because many honest names are one arbitrary letter away
 * from a popular one.
 */
export const STRONG_TECHNIQUES: ReadonlySet<Technique> = new Set<Technique>([
  'separator',
  'confusable',
  'swap',
  'doubled',
  'dropped',
  'keyboard-insert',
  'keyboard-substitute',
  'plural',
  'vowel',
  'py-affix',
  'word-order',
  'version',
]);

/** How the message describes each technique: "<name> ... <description>". */
export const TECHNIQUE_DESCRIPTIONS: Readonly<Record<Technique, string>> = {
  separator: 'the same name with different separators',
  confusable: 'look-alike characters swapped in (l/i/1, o/0, rn/m, vv/w)',
  swap: 'two adjacent letters swapped',
  doubled: 'a letter doubled',
  dropped: 'a letter dropped',
  'keyboard-insert': 'an extra letter from a neighbouring key',
  'keyboard-substitute': 'a letter replaced by its keyboard neighbour',
  plural: 'a plural "s" added',
  'py-affix': 'a "py"/"python" prefix or suffix added or swapped',
  'py-affix-dropped': 'its "py"/"python" prefix or suffix dropped',
  vowel: 'one vowel for another, as a misheard or misspelled name',
  'word-order': 'the same words in another order',
  version: 'a trailing version number added or removed',
  insert: 'one letter inserted',
  substitute: 'one letter replaced',
};

const KEYBOARD_ROWS = ['1234567890-', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** QWERTY neighbours, including the digit row (an `8` typed for `i`), as a set of "ab" pairs. */
const KEYBOARD_NEIGHBOURS: ReadonlySet<string> = (() => {
  const pairs = new Set<string>();
  const add = (a: string | undefined, b: string | undefined) => {
    if (a && b) {
      pairs.add(a + b);
      pairs.add(b + a);
    }
  };
  KEYBOARD_ROWS.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      add(row[c], row[c + 1]);
      // Each row sits half a key right of the one above: key c touches c and c+1 above it.
      const above = KEYBOARD_ROWS[r - 1];
      if (above) {
        add(row[c], above[c]);
        add(row[c], above[c + 1]);
      }
    }
  });
  return pairs;
})();

export function areKeyboardNeighbours(a: string, b: string): boolean {
  return KEYBOARD_NEIGHBOURS.has(a + b);
}

/** Single characters that read alike in most fonts. */
const CONFUSABLE_PAIRS: ReadonlySet<string> = new Set(['li', 'il', 'l1', '1l', 'i1', '1i', 'o0', '0o']);

const VOWELS: ReadonlySet<string> = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/** Folds look-alike spellings into one: `rn`→`m`, `vv`→`w`, `1`/`i`→`l`, `0`→`o`. */
export function confusableSkeleton(name: string): string {
  return name.replace(CONFUSABLE_RE, (found) => CONFUSABLE_FOLD[found]!);
}

const CONFUSABLE_RE = /rn|vv|[1i0]/g;
const CONFUSABLE_FOLD: Readonly<Record<string, string>> = { rn: 'm', vv: 'w', '1': 'l', i: 'l', '0': 'o' };

/**
 * The technique that turns `target` into `candidate` with one character edit (insert, delete,
 * replace, or swap of adjacent characters), or null when they are not one such edit apart.
 */
export function classifySingleEdit(candidate: string, target: string): Technique | null {
  const c = candidate;
  const t = target;
  if (c === t) return null;
  let prefix = 0;
  const shorter = Math.min(c.length, t.length);
  while (prefix < shorter && c[prefix] === t[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && c[c.length - 1 - suffix] === t[t.length - 1 - suffix]) suffix++;

  if (c.length === t.length + 1) {
    if (prefix + suffix < t.length) return null;
    // Every position in [c.length - 1 - suffix, prefix] deletes to t; judge each, keep the strongest.
    let best: Technique = 'insert';
    for (let i = c.length - 1 - suffix; i <= prefix; i++) {
      const inserted = c[i]!;
      const before = c[i - 1];
      const after = c[i + 1];
      if (inserted === '-') return 'separator';
      if (inserted === before || inserted === after) return 'doubled';
      if (inserted === 's' && i === c.length - 1) best = 'plural';
      else if (best === 'insert' && ((before && areKeyboardNeighbours(inserted, before)) || (after && areKeyboardNeighbours(inserted, after))))
        best = 'keyboard-insert';
    }
    return best;
  }
  if (c.length + 1 === t.length) {
    if (prefix + suffix < c.length) return null;
    return t[prefix] === '-' || t[t.length - 1 - suffix] === '-' ? 'separator' : 'dropped';
  }
  if (c.length !== t.length) return null;
  const differing = c.length - prefix - suffix;
  if (differing === 1) {
    const a = c[prefix]!;
    const b = t[prefix]!;
    if (CONFUSABLE_PAIRS.has(a + b)) return 'confusable';
    if (areKeyboardNeighbours(a, b)) return 'keyboard-substitute';
    if (VOWELS.has(a) && VOWELS.has(b)) return 'vowel';
    return 'substitute';
  }
  if (differing === 2 && c[prefix] === t[prefix + 1] && c[prefix + 1] === t[prefix]) return 'swap';
  return null;
}

const PY_AFFIX_RE = /^(?:python[23]?|py[23]?)-?|-?(?:python[23]?|py[23]?)$/g;

/** Whether the name starts or ends with `py`/`python` (optionally with 2/3). */
export function hasPyAffix(name: string): boolean {
  return name.includes('py') && pyAffixCore(name) !== withoutSeparators(name);
}

/** The name without `py`/`python` (optionally with 2/3) at either end, and without separators. */
export function pyAffixCore(name: string): string {
  // Most names have no "py" at all: skip the regex for them.
  return withoutSeparators(name.includes('py') ? name.replace(PY_AFFIX_RE, '') : name);
}

export function withoutSeparators(name: string): string {
  return name.includes('-') ? name.replace(/-/g, '') : name;
}

/**
 * A trailing version number: one or two digits, maybe after `v` or a separator (`-3`, `2`, `v2`).
 * Longer digit runs are part of the name (`iso8601`, `rfc3986`, `base64`), not a version.
 */
const TRAILING_VERSION_RE = /(?<![0-9])-?v?[0-9]{1,2}$/;

/** The name without a trailing version number, without separators; null when it has none. */
export function versionStem(name: string): string | null {
  const last = name.charCodeAt(name.length - 1);
  if (!(last >= 48 && last <= 57)) return null; // no trailing digit: the common case, without the regex
  const stem = name.replace(TRAILING_VERSION_RE, '');
  return stem === name ? null : withoutSeparators(stem);
}

/** The words of a name in sorted order: the same key for every order of the same words. */
export function sortedWords(name: string): string {
  return name.split('-').sort().join('-');
}
