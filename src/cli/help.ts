/**
 * `lockgate -h` (a summary) and `lockgate --help` (the details too), laid out the way clap lays out
 * zizmor's help: about line, usage, commands, arguments, then the options in named groups, each
 * with `[default: …]` and `[possible values: …]`. Rendered from CLI_OPTIONS.
 */
import { CLI_COMMANDS, CLI_OPTIONS, type CliOption, type OptionGroup } from './options.js';

export const ABOUT = 'A supply-chain gate for Python projects managed by uv, and their GitHub workflows.';
const GROUPS: readonly OptionGroup[] = ['Input Options', 'Audit Options', 'Output Options', 'Network Options', 'Options'];

function flagsOf(option: CliOption): string {
  const short = option.short ? `-${option.short}, ` : '    ';
  return `${short}--${option.long}${option.value ? ` <${option.value}>` : ''}`;
}

function suffixOf(option: CliOption): string {
  const parts: string[] = [];
  if (option.default !== undefined) parts.push(`[default: ${option.default}]`);
  if (option.choices) parts.push(`[possible values: ${option.choices.join(', ')}]`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

function summaryOf(option: CliOption, long: boolean): string {
  if (!long || option.long !== 'help') return option.summary;
  return "Print help (see a summary with '-h')";
}

/** The help text; `long` for `--help`, the one-line-an-option summary for `-h`. */
export function renderHelp(long: boolean): string {
  const out: string[] = [
    ABOUT,
    '',
    'Usage: lockgate [DIR] [OPTIONS]',
    ...CLI_COMMANDS.map((command) => `       lockgate ${command.name} ${command.usage}`),
    '',
  ];
  const nameWidth = Math.max(...CLI_COMMANDS.map((command) => command.name.length));
  out.push('Commands:', ...CLI_COMMANDS.map((command) => `  ${command.name.padEnd(nameWidth)}  ${command.summary}`), '');
  out.push('Arguments:');
  if (long)
    out.push(
      '  [DIR]',
      `          The git repository to check (a directory named like a command is written ./${CLI_COMMANDS[0]!.name})`,
      '',
      '          [default: .]',
      '',
    );
  else out.push('  [DIR]  The git repository to check [default: .]', '');
  for (const group of GROUPS) {
    const options = CLI_OPTIONS.filter((option) => option.group === group);
    out.push(`${group}:`);
    if (long) {
      for (const option of options) {
        out.push(`  ${flagsOf(option)}`, `          ${summaryOf(option, true)}`);
        if (option.details) out.push('', ...option.details.map((line) => `          ${line}`));
        const suffix = suffixOf(option).trim();
        if (suffix) out.push('', `          ${suffix}`);
        out.push('');
      }
    } else {
      const width = Math.max(...options.map((option) => flagsOf(option).length));
      for (const option of options) out.push(`  ${flagsOf(option).padEnd(width)}  ${summaryOf(option, false)}${suffixOf(option)}`);
      out.push('');
    }
  }
  out.push('Exit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or internal error.');
  out.push('Environment: GITHUB_TOKEN (online workflow checks), GITHUB_API_URL, NO_COLOR.');
  if (long) {
    out.push('');
    out.push('Shell completions: lockgate completions bash > ~/.local/share/bash-completion/completions/lockgate');
    out.push('                   lockgate completions zsh > "${fpath[1]}/_lockgate"');
    out.push('                   lockgate completions fish > ~/.config/fish/completions/lockgate.fish');
    out.push('Documentation: https://github.com/lockgate-dev/lockgate#readme');
  }
  return `${out.join('\n')}\n`;
}
