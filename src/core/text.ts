/**
 * Text helpers every layer may use: no imports, no I/O. Each exists once (issue 13): names, URLs
 * and paths come from hostile files, so how they are quoted and redacted is decided here only.
 */

/**
 * `user:password@` in a text: from `//` to the last `@` of the authority. The authority ends at the
 * first `/`, backslash, `?`, `#` or white space, as WHATWG (and so uv) reads a special URL; the userinfo
 * ends at its last `@` (a password may hold a raw `@`). Stopping at those characters matters as much
 * as matching: `https://evil.example?@pypi.org/simple` goes to evil.example, and removing
 * `evil.example?@` would show a reader pypi.org instead.
 */
const USERINFO = /\/\/[^\s/\\?#]*@/g;

/**
 * Text with the credentials of every URL in it removed: `https://user:token@host/simple` becomes
 * `https://host/simple` (or `https://***@host/simple` with `mask: '***'`, for logs that should say
 * that something was there). Never throws. A text that is one URL with credentials is rewritten by
 * the WHATWG parser (what uv uses), so the userinfo removed is exactly what uv would send; then, in
 * any text (a message, a command line, a URL the parser rejects), every `//userinfo@` goes.
 */
export function redactUrl(text: string, options: { mask?: string } = {}): string {
  const mask = options.mask ?? '';
  let out = text;
  if (mask === '') {
    try {
      const parsed = new URL(text);
      if (parsed.username !== '' || parsed.password !== '') {
        parsed.username = '';
        parsed.password = '';
        out = parsed.toString();
      }
    } catch {
      // Not one URL: a message, or a URL only a hand could write. The pattern below covers both.
    }
  }
  // Also after the parser: a text it reads as one URL may still hold another (`see:https://u:p@h`
  // parses, as an opaque path, with no credentials of its own).
  if (!out.includes('@')) return out;
  return out.replace(USERINFO, (found) => (found === '//@' ? (mask === '' ? '//' : found) : mask === '' ? '//' : `//${mask}@`));
}

/** A URL for a message: credentials removed, long ones shortened. */
export function displayUrl(url: string): string {
  const clean = redactUrl(url);
  return clean.length > 200 ? `${clean.slice(0, 197)}...` : clean;
}

/**
 * A word for a shell command line (a fix users copy): as is when plain, else quoted so that no
 * POSIX shell expands anything in it. Double quotes read better for requirements with markers
 * (`'3.12'` inside) and are used when nothing in the text expands or escapes in them (`$`, a
 * backtick, `\`, `"`, bash's history `!`, a line break); otherwise single quotes, where nothing
 * but `'` itself is special.
 */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9._=@:+/-]+$/.test(text)) return text;
  if (!/["$`\\!\n]/.test(text)) return `"${text}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A TOML basic string (JSON escapes are valid TOML escapes for these characters). */
export function tomlString(text: string): string {
  return JSON.stringify(text);
}

/** `httpx 0.28.1`, or just the name when the entry has no version. */
export function packageLabel(pkg: { name: string; version?: string | null }): string {
  return typeof pkg.version === 'string' && pkg.version !== '' ? `${pkg.name} ${pkg.version}` : pkg.name;
}

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
