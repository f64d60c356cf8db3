/**
 * Makes untrusted text safe for a terminal and for a GitHub Actions log (the CLI often runs in a
 * workflow step, whose output the runner scans for commands): no escape sequences, no carriage
 * returns, and no workflow command.
 */
export function terminalSafe(value: string): string {
  // C0 controls except tab and newline, DEL, and C1 controls (which some terminals honour).
  return runnerSafe(value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/**
 * Neutralises what the Actions runner would execute in a line of log output. The runner's
 * `TryParseV2` acts on a line that starts with `::` once leading whitespace is trimmed; when that
 * fails, the legacy `TryParse` acts on `##[command]` ANYWHERE in the line (stop-commands, add-mask,
 * set-output, error…). A backslash breaks both and stays visible, so a reader sees the value was
 * tampered with. Newlines are kept: callers indent continuation lines, which the runner trims.
 */
export function runnerSafe(value: string): string {
  return value.replace(/##\[/g, '##\\[').replace(/(^|\n)([^\S\n]*)::/g, '$1$2:\\:');
}
