/**
 * Text helpers every layer may use: no imports, no I/O.
 */

/** A URL without userinfo, for keys, logs and messages. Never throws; non-URLs come back unchanged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    // Not a URL; still hide anything that looks like `user:pass@` after a scheme.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
  }
}
