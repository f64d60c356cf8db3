/** Makes untrusted text safe for a terminal: no escape sequences, no carriage returns. */
export function terminalSafe(value: string): string {
  // C0 controls except tab and newline, DEL, and C1 controls (which some terminals honour).
  return value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
