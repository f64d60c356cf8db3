/**
 * Secrets the action knows about (the token, credentials inside an index URL) and a scrubber that
 * every line of output, file and request body goes through. The runner masks registered secrets in
 * the log, but not in files (report JSON, SARIF) or API request bodies, and not a credential typed
 * into a workflow as plain text; `::add-mask::` would itself print the value to stdout.
 */
import { redactUrl } from '../core/text.js';

/** Shorter values would scrub ordinary words. */
const MIN_SECRET_LENGTH = 4;

export class Scrubber {
  private readonly secrets = new Set<string>();

  add(value: string | null | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    const forms = new Set([value]);
    try {
      forms.add(decodeURIComponent(value)); // URL.password is still percent-encoded
    } catch {
      // not percent-encoded
    }
    for (const form of forms) {
      // As it is, percent-encoded in a URL, and escaped inside JSON.
      for (const variant of [form, encodeURIComponent(form), JSON.stringify(form).slice(1, -1)]) {
        if (variant.length >= MIN_SECRET_LENGTH) this.secrets.add(variant);
      }
    }
  }

  /** The user and password of a URL (an index URL such as https://user:token@host/simple). */
  addUrlCredentials(url: string | null | undefined): void {
    if (!url) return;
    try {
      const parsed = new URL(url);
      // With a password, the user name is usually a plain name ("user", "__token__") that must not
      // be scrubbed from ordinary text; without one, the user name is the credential.
      if (parsed.password) this.add(parsed.password);
      else this.add(parsed.username);
    } catch {
      // not a URL: nothing to add
    }
  }

  scrub(text: string): string {
    let out = redactUrl(text, { mask: '***' });
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  }
}
