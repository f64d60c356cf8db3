/**
 * What every rendered report must never contain, whatever the input: checks shared by the fuzz suite
 * (in-process) and the hostile suite (the built CLI). Each returns the list of problems found, so a
 * failure names the offending line instead of a bare `false`.
 *
 * Runner commands: the Actions runner scans every line a step prints. `TryParseV2` honours a line
 * that starts with `::` after leading whitespace is trimmed; when that fails, the legacy `TryParse`
 * honours `##[command]` ANYWHERE in the line (actions/runner ActionCommand.cs, ActionCommandManager
 * .TryProcessCommand). Registered commands include error, warning, notice, add-mask, set-output,
 * save-state and stop-commands, so a package name printed as `##[stop-commands]x` in any format that
 * reaches a log would switch off every later annotation.
 */
import type { Finding } from '../../src/findings.js';
import type { OutputFormat } from '../../src/settings/types.js';

/** One of our own annotation commands, as src/report/github.ts writes it. */
const OUR_COMMAND_RE =
  /^::(error|warning|notice) file=[^:,\r\n]*(,line=\d+)?(,endLine=\d+)?(,col=\d+)?,title=lockgate [a-z-]+( \((medium confidence|low confidence|pedantic|auditor)(%2C (pedantic|auditor))?\))?::[^\r\n]*$/;
const GITHUB_TOTAL_RE = /^lockgate: \d+ errors, \d+ warnings, \d+ notices$/;
/** The closing line of what the confidence and persona filters left out (src/report/qualifiers.ts). */
const GITHUB_FILTERED_RE = /^lockgate: \d+ findings? not shown \([a-z0-9 ,]+; not gating\): [a-z -]+ shows (it|them)\.$/;
/** The notice renderGithub adds when limits.max-rendered-findings leaves findings out. */
const OUR_LIMIT_NOTICE_RE = /^::notice title=lockgate limits::(\d+) more findings? (is|are) not annotated: limits\.max-rendered-findings is (\d+)\.[^\r\n]*$/;

/** Lines a runner would act on that lockgate did not write as commands (`ours` decides which are ours). */
export function runnerCommandProblems(output: string, ours: (line: string) => boolean = () => false): string[] {
  const problems: string[] = [];
  // The runner splits its output on \n, \r\n and lone \r.
  for (const line of output.split(/\r\n|\r|\n/)) {
    if (ours(line)) continue; // a well-formed v2 command is parsed as such; the legacy parser never sees it
    if (line.trimStart().startsWith('::')) problems.push(`a line starts a workflow command: ${JSON.stringify(line.slice(0, 200))}`);
    else if (line.includes('##[')) problems.push(`a legacy workflow command inside a line: ${JSON.stringify(line.slice(0, 200))}`);
  }
  return problems;
}

/** C0 controls except tab and newline, DEL, C1 controls: escape sequences, carriage returns, OSC links. */
const TERMINAL_CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const STACK_TRACE_RE = /^\s+at .+\(?.+:\d+:\d+\)?$|\b(TypeError|RangeError|ReferenceError|SyntaxError): /m;

/** HTML tags markdown.ts itself writes; anything else starting with `<` would be raw HTML from data. */
const OUR_TAGS = new Set(['code', '/code', 'pre', '/pre', 'details', '/details', 'summary', '/summary']);
/** An `@` where GitHub starts a mention (after a non-word character), followed by a handle. */
const MENTION_RE = /(?<![A-Za-z0-9_`])@[A-Za-z0-9]/;

export function markdownProblems(markdown: string): string[] {
  const problems: string[] = [];
  for (const match of markdown.matchAll(/<\/?([A-Za-z!?][^\s>/]*)/g)) {
    const tag = match[0].slice(1).toLowerCase();
    if (!OUR_TAGS.has(tag)) problems.push(`raw HTML: ${JSON.stringify(markdown.slice(match.index!, match.index! + 80))}`);
  }
  for (const match of markdown.matchAll(new RegExp(MENTION_RE, 'g'))) {
    problems.push(`a mention that pings: ${JSON.stringify(markdown.slice(Math.max(0, match.index! - 20), match.index! + 40))}`);
  }
  // The CLI renders without a repository, so there is no link of ours at all: any unescaped `[`
  // could open a link or an image (`![x](…)`). Inside <pre>…</pre> (an HTML block) GitHub parses no
  // Markdown, so brackets there are literal TOML table headers.
  const outsidePre = markdown.replace(/<pre>[\s\S]*?<\/pre>/g, '<pre></pre>');
  for (const match of outsidePre.matchAll(/(?<!\\)\[/g)) {
    problems.push(`an unescaped [ (link or image): ${JSON.stringify(outsidePre.slice(Math.max(0, match.index! - 20), match.index! + 60))}`);
  }
  return problems;
}

export function isOurGithubLine(line: string): boolean {
  return OUR_COMMAND_RE.test(line) || OUR_LIMIT_NOTICE_RE.test(line);
}

/** Problems of one rendered format against the findings it renders. */
export function outputProblems(format: OutputFormat, output: string, findings: readonly Finding[]): string[] {
  const problems: string[] = [];
  if (STACK_TRACE_RE.test(output)) problems.push('a stack trace or a JavaScript error name in the output');
  switch (format) {
    case 'github': {
      problems.push(...runnerCommandProblems(output, isOurGithubLine));
      const lines = output.split('\n');
      if (lines.pop() !== '') problems.push('github output does not end with a newline');
      const commands = lines.filter((line) => OUR_COMMAND_RE.test(line));
      const capped = lines.map((line) => OUR_LIMIT_NOTICE_RE.exec(line)).find(Boolean);
      const expected = capped ? Number(capped[3]) : findings.length;
      if (commands.length !== expected) problems.push(`github output has ${commands.length} commands for ${findings.length} findings`);
      if (capped && Number(capped[1]) + commands.length !== findings.length)
        problems.push(`github limit notice counts ${capped[1]} more, but ${findings.length - commands.length} are missing`);
      for (const line of lines)
        if (!isOurGithubLine(line) && !GITHUB_TOTAL_RE.test(line) && !GITHUB_FILTERED_RE.test(line))
          problems.push(`github output line that is neither a command nor the total: ${JSON.stringify(line.slice(0, 200))}`);
      break;
    }
    case 'text':
      problems.push(...runnerCommandProblems(output));
      if (TERMINAL_CONTROL_RE.test(output)) problems.push(`a terminal control character: ${JSON.stringify(output.match(TERMINAL_CONTROL_RE)![0])}`);
      break;
    case 'markdown':
      problems.push(...runnerCommandProblems(output), ...markdownProblems(output));
      break;
    case 'json': {
      problems.push(...runnerCommandProblems(output));
      const report = JSON.parse(output) as { findings: Finding[] };
      if (report.findings.length !== findings.length) problems.push(`json has ${report.findings.length} of ${findings.length} findings`);
      break;
    }
    case 'sarif': {
      problems.push(...runnerCommandProblems(output));
      const sarif = JSON.parse(output) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
      const results = sarif.runs[0]!.results;
      if (results.length !== findings.length) problems.push(`sarif has ${results.length} of ${findings.length} results`);
      for (const result of results) {
        const line = result.locations[0]?.physicalLocation.region.startLine;
        if (!Number.isInteger(line) || line! < 1) problems.push(`sarif result ${result.ruleId} without a valid startLine`);
      }
      break;
    }
  }
  return problems;
}
