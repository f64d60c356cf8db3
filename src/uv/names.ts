/** PEP 503 name normalization: lower case, every run of `-`, `_`, `.` becomes one `-`. uv keys packages, extras and groups this way. */
export function normalizeName(name: string): string {
  // Most names (every name uv writes into a lock) are normalized already: check before rewriting.
  let previousDash = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 45) {
      if (previousDash) return name.toLowerCase().replace(/[-_.]+/g, '-');
      previousDash = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) previousDash = false;
    else return name.toLowerCase().replace(/[-_.]+/g, '-');
  }
  return name;
}

/** PEP 508 name shape (before normalization): letters/digits, with `-_.` inside. */
const VALID_NAME_RE = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/;

export function isValidName(name: string): boolean {
  return VALID_NAME_RE.test(name);
}
