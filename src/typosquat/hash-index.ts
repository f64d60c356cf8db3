/**
 * A multimap from 32-bit string hashes to small integer ids, in flat typed arrays: building it for
 * tens of thousands of strings allocates no per-entry objects, which a Map of string keys did
 * (and spent most of its time in the garbage collector). A hash names a bucket of candidates only;
 * callers confirm every hit on the real strings, so a collision costs a comparison, never a result.
 */

const MULTIPLIER = 0x01000193; // the 32-bit FNV prime: odd, well spread

/** Polynomial hash of a string, mod 2^32. */
export function hashString(text: string, seed = 0): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, MULTIPLIER) + text.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** Powers of the multiplier, grown on demand. */
const powers: number[] = [1];
function power(k: number): number {
  while (powers.length <= k) powers.push(Math.imul(powers[powers.length - 1]!, MULTIPLIER) | 0);
  return powers[k]!;
}

/**
 * Writes the hashes of every string made by deleting one character of `text` into `out` and returns
 * how many, in O(length) total; each equals `hashString` of that string. Deleting either character of
 * a run gives the same string: only the first of a run is written. `out` needs `text.length` slots.
 */
export function deletionHashes(text: string, out: Uint32Array): number {
  const n = text.length;
  if (prefixScratch.length < n + 1) prefixScratch = new Int32Array(2 * (n + 1));
  const prefix = prefixScratch;
  prefix[0] = 0;
  for (let i = 0; i < n; i++) prefix[i + 1] = (Math.imul(prefix[i]!, MULTIPLIER) + text.charCodeAt(i)) | 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && text.charCodeAt(i) === text.charCodeAt(i - 1)) continue;
    const scale = power(n - 1 - i);
    // hash(text without i) = hash(text[0, i)) * B^(n-1-i) + hash(text[i+1, n))
    const head = Math.imul(prefix[i]!, scale);
    const tail = (prefix[n]! - Math.imul(prefix[i + 1]!, scale)) | 0;
    out[count++] = (head + tail) >>> 0;
  }
  return count;
}

/** Prefix hashes of the string being split, reused across calls (the build makes tens of thousands). */
let prefixScratch = new Int32Array(64);

export class HashIndex {
  private mask: number;
  private slotHash: Uint32Array;
  /** Head of the slot's entry list, -1 when the slot is empty. */
  private slotHead: Int32Array;
  private slotsUsed = 0;
  private entryId: Int32Array;
  private entryNext: Int32Array;
  private entries = 0;

  /** `expected`: about how many (hash, id) pairs will be added; both tables grow past it. */
  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slotHash = new Uint32Array(capacity);
    this.slotHead = new Int32Array(capacity).fill(-1);
    this.entryId = new Int32Array(Math.max(16, expected));
    this.entryNext = new Int32Array(Math.max(16, expected));
  }

  /** The slot holding `hash`, or the empty slot where it belongs. */
  private slotOf(hash: number): number {
    // The low bits of a polynomial hash depend only on the low bits of the characters: mix them
    // (murmur3's finalizer) before taking them as the slot.
    let mixed = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    let slot = (mixed ^ (mixed >>> 16)) & this.mask;
    while (this.slotHead[slot] !== -1 && this.slotHash[slot] !== hash) slot = (slot + 1) & this.mask;
    return slot;
  }

  private growSlots(): void {
    const oldHash = this.slotHash;
    const oldHead = this.slotHead;
    this.mask = oldHash.length * 2 - 1;
    this.slotHash = new Uint32Array(oldHash.length * 2);
    this.slotHead = new Int32Array(oldHash.length * 2).fill(-1);
    for (let slot = 0; slot < oldHash.length; slot++) {
      if (oldHead[slot] === -1) continue;
      const moved = this.slotOf(oldHash[slot]!);
      this.slotHash[moved] = oldHash[slot]!;
      this.slotHead[moved] = oldHead[slot]!;
    }
  }

  add(rawHash: number, id: number): void {
    const hash = rawHash >>> 0;
    let slot = this.slotOf(hash);
    if (this.slotHead[slot] === -1) {
      // Keep the table at most half full so probe runs stay short.
      if ((this.slotsUsed + 1) * 2 > this.slotHash.length) {
        this.growSlots();
        slot = this.slotOf(hash);
      }
      this.slotHash[slot] = hash;
      this.slotsUsed++;
    }
    const head = this.slotHead[slot]!;
    if (head !== -1 && this.entryId[head] === id) return; // the same id twice in a row: once is enough
    if (this.entries === this.entryId.length) {
      const grow = (old: Int32Array) => {
        const next = new Int32Array(old.length * 2);
        next.set(old);
        return next;
      };
      this.entryId = grow(this.entryId);
      this.entryNext = grow(this.entryNext);
    }
    this.entryId[this.entries] = id;
    this.entryNext[this.entries] = head;
    this.slotHead[slot] = this.entries++;
  }

  /** Calls `visit` with every id added under `hash` (most recent first). */
  forEach(hash: number, visit: (id: number) => void): void {
    const slot = this.slotOf(hash >>> 0);
    for (let entry = this.slotHead[slot]!; entry !== -1; entry = this.entryNext[entry]!) visit(this.entryId[entry]!);
  }
}
