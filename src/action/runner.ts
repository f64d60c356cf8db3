/**
 * The runner's side of the action protocol, the four parts of `@actions/core` lockgate used: inputs
 * (INPUT_<NAME>), outputs (the GITHUB_OUTPUT file), a failure (exit code 1 and an error annotation)
 * and lockgate's own annotations. Written out here, with the same bytes as @actions/core 3.0.1
 * (`__tests__/action-runner.test.ts` holds them to it), because loading @actions/core also loads
 * @actions/http-client and a bundled undici (for OIDC tokens lockgate never asks for): about a
 * megabyte of bundle and a fifth of the action's start-up.
 *
 * Every value goes through the runner's unescaping (escapeData / escapeProperty), so no message or
 * name can end a command early or start a second one.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';
import type { Severity } from '../findings.js';
import { escapeData, escapeProperty } from '../report/github.js';

/** An input as the runner passes it (INPUT_ + the name, spaces as `_`, upper case), trimmed; '' when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}

/**
 * A step output: appended to GITHUB_OUTPUT as `name<<delimiter`, the value, the delimiter (a fresh
 * random delimiter each time, refused if the name or value contains it), or, without that file, the
 * old `::set-output::` command.
 */
export function setOutput(name: string, value: string): void {
  const path = process.env.GITHUB_OUTPUT || '';
  if (path) {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    if (name.includes(delimiter)) throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    if (value.includes(delimiter)) throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
    appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
    return;
  }
  process.stdout.write(EOL);
  process.stdout.write(`::set-output name=${escapeProperty(name)}::${escapeData(value)}${EOL}`);
}

/** An annotation command (`::error title=…::message`); the title is left out when empty. */
export function annotation(severity: Severity, message: string, title = ''): void {
  const properties = title ? ` title=${escapeProperty(title)}` : '';
  process.stdout.write(`::${severity}${properties}::${escapeData(message)}${EOL}`);
}

/** Fails the step: exit code 1 once the process ends, and the message as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  annotation('error', message);
}
