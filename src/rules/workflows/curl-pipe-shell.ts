/**
 * A download piped into a shell or interpreter (`curl … | sh`, `bash <(curl …)`, `eval "$(wget -O- …)"`):
 * whoever controls the URL, or its CDN, runs code in the job. A raw.githubusercontent.com URL at a
 * full commit SHA names immutable content and is not reported.
 */
import { commandText, runCommands, type RunCommand } from '../../workflows/run-steps.js';
import { effectiveCommand, parseShell, type SimpleCommand } from '../../workflows/shell.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'curl-pipe-shell',
    defaultSeverity: 'warning',
    summary: 'A workflow pipes a download into a shell or interpreter.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const flagged: { rc: RunCommand; text: string; urls: string[]; how: string }[] = [];
      const seen = new Set<SimpleCommand>();
      for (const rc of runCommands(wf)) {
        // 1. `curl … | sh`: a download stage followed by a stage that runs stdin.
        if (rc.stage === 0 && rc.pipeline.commands.length > 1) {
          const stages = rc.pipeline.commands;
          for (let d = 0; d < stages.length - 1; d++) {
            const download = downloads(stages[d]);
            if (!download || stages[d].redirectsOutput) continue;
            const runner = stages.slice(d + 1).find((stage) => executesStdin(stage));
            if (runner && !seen.has(stages[d])) {
              seen.add(stages[d]);
              flagged.push({ rc, text: pipelineText(stages), urls: download.urls, how: `piped into ${effectiveCommand(runner).name}` });
            }
          }
        }
        // 2. `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(wget -O- …)"`, `source <(curl …)`.
        if (isInterpreterOrEvaluator(rc.name) && !seen.has(rc.command)) {
          for (const substitution of rc.command.substitutions) {
            const download = substitutionDownloads(substitution);
            if (download) {
              seen.add(rc.command);
              flagged.push({ rc, text: commandText(rc), urls: download.urls, how: `run by ${rc.name}` });
              break;
            }
          }
        }
      }
      const kept = flagged.filter((f) => f.urls.length === 0 || !f.urls.every((url) => PINNED_URL.test(url)));
      const subjects = occurrenceSubjects(kept, (f) => `${f.rc.job}:${f.text}`);
      kept.forEach((f, i) => {
        const url = f.urls[0];
        const uvInstaller = f.urls.some((u) => /astral\.sh\/uv|github\.com\/astral-sh\/uv\/releases/i.test(u));
        const fix = uvInstaller
          ? 'uses: astral-sh/setup-uv@<sha> # <tag>   (installs uv with checksum verification), instead of the install script'
          : `curl -fsSLo install.sh ${url ?? '<url>'} && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`;
        report({
          file: wf.file,
          line: f.rc.line,
          message: `\`${f.text}\` downloads ${url ? url : 'a script'} and runs it (${f.how}) without checking what was downloaded: whoever controls that URL, or its CDN, runs code in this job.`,
          fix,
          subject: subjects[i],
        });
      });
    }
  },
});

const DOWNLOADERS = new Set(['curl', 'wget', 'irm', 'iwr', 'invoke-restmethod', 'invoke-webrequest']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'ash']);
const EVALUATORS = new Set(['eval', 'source', '.', 'iex', 'invoke-expression']);

/** A URL that names immutable content: raw.githubusercontent.com at a full commit SHA. */
const PINNED_URL = /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//i;

function downloads(command: SimpleCommand): { urls: string[] } | undefined {
  const effective = effectiveCommand(command);
  const name = effective.name.toLowerCase();
  if (!DOWNLOADERS.has(name)) return undefined;
  const values = effective.args.map((a) => a.value);
  if (name === 'wget') {
    // wget saves to a file unless told to write to stdout.
    const toStdout =
      values.some((v, i) => /^-[a-zA-Z]*O-?$/.test(v) && (v.endsWith('-') || values[i + 1] === '-' || values[i + 1] === '/dev/stdout')) ||
      values.some((v) => v === '--output-document=-' || v === '-O-' || v === '--output-document=/dev/stdout');
    if (!toStdout) return undefined;
  }
  if (name === 'curl') {
    // `-o file` / `-O` save to a file; only `-o -` writes to stdout.
    const toFile = values.some(
      (v, i) =>
        ((v === '-o' || v === '--output') && values[i + 1] !== '-') ||
        (/^-o./.test(v) && v !== '-o-') ||
        v === '-O' ||
        v === '--remote-name' ||
        v === '--remote-name-all' ||
        /^-[a-zA-Z]*O[a-zA-Z]*$/.test(v),
    );
    if (toFile) return undefined;
  }
  const urls = values.filter((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.startsWith('${{') || v.startsWith('$'));
  return { urls };
}

/** Whether a pipeline stage runs its standard input as code. */
function executesStdin(command: SimpleCommand): boolean {
  const { name: rawName, args } = effectiveCommand(command);
  const name = rawName.toLowerCase();
  const values = args.map((a) => a.value);
  const positional = values.find((v) => !v.startsWith('-'));
  if (EVALUATORS.has(name)) return name === 'iex' || name === 'invoke-expression';
  if (SHELLS.has(name)) {
    if (values.some((v) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(v) && !v.startsWith('--'))) return false;
    if (values.some((v) => /^-[a-zA-Z]*s[a-zA-Z]*$/.test(v))) return true;
    return positional === undefined || positional === '-' || positional === '/dev/stdin';
  }
  if (/^(python(\d+(\.\d+)?)?|py|pypy3?)$/.test(name)) {
    if (values.some((v) => v === '-c' || v === '-m')) return false;
    return positional === undefined || positional === '-';
  }
  if (name === 'perl' || name === 'ruby') {
    if (values.some((v) => /^-[a-zA-Z]*[eE]$/.test(v))) return false;
    return positional === undefined || positional === '-';
  }
  if (name === 'node' || name === 'deno' || name === 'bun') {
    if (values.some((v) => ['-e', '--eval', '-p', '--print'].includes(v))) return false;
    return positional === undefined || positional === '-';
  }
  if (name === 'php') return !values.includes('-r') && (positional === undefined || positional === '-');
  if (name === 'pwsh' || name === 'powershell') return values.some((v, i) => v === '-' || (/^-(c|command)$/i.test(v) && values[i + 1] === '-'));
  return false;
}

function isInterpreterOrEvaluator(name: string): boolean {
  const n = name.toLowerCase();
  return SHELLS.has(n) || EVALUATORS.has(n) || /^(python(\d+(\.\d+)?)?|py|pypy3?|perl|ruby|node|deno|bun|php|pwsh|powershell)$/.test(n);
}

/** The download commands of a substitution text, if it starts with one. */
function substitutionDownloads(text: string): { urls: string[] } | undefined {
  for (const pipeline of parseShell(text)) {
    const first = pipeline.commands[0];
    if (first) {
      const found = downloads(first);
      if (found) return found;
    }
  }
  return undefined;
}

function pipelineText(commands: SimpleCommand[]): string {
  const text = commands.map((c) => [...c.words.map((w) => (/\s/.test(w.value) ? JSON.stringify(w.value) : w.value))].join(' ')).join(' | ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
