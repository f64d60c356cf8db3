import type { Report } from './types.js';

/**
 * `##[` is the runner's legacy workflow command, honoured anywhere in a printed line; inside a JSON
 * string `[` may be written `\u005b`, which parses back to the same value and prints inertly.
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/##\[/g, '##\\u005b');
}

export function renderJson(report: Report): string {
  return `${inertJson(report)}\n`;
}
