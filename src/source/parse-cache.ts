/**
 * Parse results shared by the loads of one run (base, head, and the only-new baseline that audits
 * base alone). A change touches a few files; every other file has the same path and text at both
 * revisions, and parsing it twice was a third of a base..head check. A changed file has two texts,
 * base's and head's: both are kept, so no load parses either again. Results are shared, not
 * copied: parsers and rules never mutate them.
 */
export class ParseCache {
  private readonly entries = new Map<string, { text: string; value: unknown }[]>();

  /** The result of `parse` for this kind, path and text, computed once. */
  get<T>(kind: string, path: string, text: string, parse: () => T): T {
    const key = `${kind}\0${path}`;
    const held = this.entries.get(key);
    const hit = held?.find((entry) => entry.text === text);
    if (hit !== undefined) return hit.value as T;
    const value = parse();
    // Two texts a path (base and head); a third evicts the oldest.
    if (held === undefined) this.entries.set(key, [{ text, value }]);
    else {
      if (held.length >= 2) held.shift();
      held.push({ text, value });
    }
    return value;
  }
}
