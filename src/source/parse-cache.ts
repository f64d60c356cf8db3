/**
 * Parse results shared by the base and head loads of one run. A change touches a few files; every
 * other file has the same path and text at both revisions, and parsing it twice was a third of a
 * base..head check. Results are shared, not copied: parsers and rules never mutate them.
 */
export class ParseCache {
  private readonly entries = new Map<string, { text: string; value: unknown }>();

  /** The result of `parse` for this kind, path and text, computed once. */
  get<T>(kind: string, path: string, text: string, parse: () => T): T {
    const key = `${kind}\0${path}`;
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.text === text) return hit.value as T;
    const value = parse();
    this.entries.set(key, { text, value });
    return value;
  }
}
