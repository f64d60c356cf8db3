/** PEP 503 name normalization: lower case, every run of `-`, `_`, `.` becomes one `-`. uv keys packages, extras and groups this way. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** PEP 508 name shape (before normalization): letters/digits, with `-_.` inside. */
const VALID_NAME_RE = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;

export function isValidName(name: string): boolean {
  return VALID_NAME_RE.test(name);
}
