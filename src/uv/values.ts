/**
 * Typed reads from parsed TOML. Every input is hostile: a key may hold any type, so each helper
 * says what it accepts and never throws. Tables from smol-toml have a null prototype and those of
 * the quick lock reader inherit nothing either (BARE_TABLE), but values may also come from tests or
 * other code, so lookups use own properties only.
 */

export type Table = Record<string, unknown>;

/**
 * The prototype of the tables lockgate's own TOML reader builds (src/uv/lock-toml.ts): an empty,
 * frozen object with a null prototype, so such a table inherits nothing (no `constructor`,
 * `toString` or `__proto__` accessor), exactly as smol-toml's null-prototype tables. It is not
 * `Object.create(null)` itself because V8 keeps those in dictionary mode: a table made from this
 * prototype keeps fast properties, and measured on the locks of the bench repository that is about
 * 3× faster to build and read and a quarter of the memory (docs/performance.md).
 */
export const BARE_TABLE: object = Object.freeze(Object.create(null) as object);

/** A new empty table that inherits nothing (see BARE_TABLE). */
export function newTable(): Table {
  return Object.create(BARE_TABLE) as Table;
}

/** Whether a table inherits nothing: a null prototype (smol-toml's) or BARE_TABLE (ours). */
export function inheritsNothing(table: object): boolean {
  const prototype = Object.getPrototypeOf(table) as unknown;
  return prototype === null || prototype === BARE_TABLE;
}

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** An own property, never one inherited from Object.prototype (`constructor`, `__proto__`). */
export function own(table: unknown, key: string): unknown {
  return isTable(table) && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A string, or an unquoted TOML date-time rendered as RFC 3339. */
export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Date) {
    // smol-toml's TomlDate.toISOString keeps the kind of the document's value (a local date stays a date).
    try {
      return value.toISOString();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** The strings of an array (other elements dropped); undefined when it is not an array. */
export function asStringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const element of value) if (typeof element === 'string') out.push(element);
  return out;
}

export function asTable(value: unknown): Table | undefined {
  return isTable(value) ? value : undefined;
}

/** Own entries of a table (empty for anything else). */
export function entriesOf(value: unknown): [string, unknown][] {
  return isTable(value) ? Object.entries(value) : [];
}
