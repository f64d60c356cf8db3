/**
 * Installs in `run:` scripts that take whatever the index serves: pip (or uv pip) installs without
 * --require-hashes, and tools run or installed without a pinned version (uvx, uv tool, pipx).
 */
import type { ShellWord } from '../../workflows/shell.js';
import { commandText, runCommands, UV_RUN_WITH_VALUE, uvInvocation, type RunCommand } from '../../workflows/run-steps.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'pip-unhashed',
    defaultSeverity: 'warning',
    summary: 'A workflow installs packages without hashes or pinned versions.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const flagged: { rc: RunCommand; text: string; message: string; fix: string }[] = [];
      for (const rc of runCommands(wf)) {
        const install = pipInstallOf(rc);
        if (install) {
          const problem = pipFinding(install);
          if (problem) flagged.push({ rc, text: commandText(rc), ...problem });
          continue;
        }
        const tool = toolInstallFinding(rc);
        if (tool) {
          const bare = tool.spec.replace(/[<>=!~@].*$/, '');
          flagged.push({
            rc,
            text: commandText(rc),
            message: `\`${tool.tool} ${tool.spec}\` runs whatever version of ${bare} the index serves at that moment: the tool is not pinned to a version.`,
            fix: tool.tool.startsWith('pipx') ? `${tool.tool} ${bare}==<version>` : `${tool.tool} ${bare}@<version>   (or --from '${bare}==<version>')`,
          });
        }
      }
      const subjects = occurrenceSubjects(flagged, (f) => `${f.rc.job}:${f.text}`);
      flagged.forEach((f, i) => report({ file: wf.file, line: f.rc.line, message: f.message, fix: f.fix, subject: subjects[i] }));
    }
  },
});

/** pip / uv pip install options that take a value. */
const PIP_WITH_VALUE = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '-p',
  '--python',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--src',
  '--upgrade-strategy',
  '--progress-bar',
  '--cache-dir',
  '--trusted-host',
  '--proxy',
  '--retries',
  '--timeout',
  '--log',
  '--global-option',
  '--install-option',
  '-C',
  '--config-settings',
  '--config-setting',
  '--only-binary',
  '--no-binary',
  '--exists-action',
  '--report',
  '--index-strategy',
  '--keyring-provider',
  '--resolution',
  '--prerelease',
  '--exclude-newer',
  '--extra',
  '--group',
  '--torch-backend',
  '--index',
  '--default-index',
  '--override',
  '--overrides',
  '-b',
  '--build-constraint',
  '--build-constraints',
  '--python-platform',
  '--link-mode',
  '--upgrade-package',
  '-P',
  '--reinstall-package',
  '--refresh-package',
  '--no-binary-package',
  '--no-build-package',
  '--config-file',
  '--directory',
  '--project',
  '--color',
  '--allow-insecure-host',
  '--uploaded-prior-to',
  '--dependency-groups',
  '--use-feature',
  '--format',
  '--output-file',
  '-o',
]);

/** The installer's own bootstrap: upgrading these alone is not reported (see the rule docs). */
const BOOTSTRAP = new Set(['pip', 'setuptools', 'wheel']);

interface PipInstall {
  /** How it was invoked, for the message. */
  tool: 'pip' | 'uv pip' | 'uv run pip';
  sync: boolean;
  requirementFiles: string[];
  editables: string[];
  packages: string[];
  flags: Set<string>;
}

function readPipArgs(args: ShellWord[], tool: PipInstall['tool'], sync: boolean): PipInstall {
  const install: PipInstall = { tool, sync, requirementFiles: [], editables: [], packages: [], flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    if (word.startsWith('-') && word !== '-') {
      const eq = word.indexOf('=');
      const name = eq > 0 ? word.slice(0, eq) : word;
      const attached = /^-[rec]./.test(word) && eq < 0 ? word.slice(2) : undefined;
      const short = attached !== undefined ? word.slice(0, 2) : name;
      install.flags.add(short);
      const value = eq > 0 ? word.slice(eq + 1) : attached !== undefined ? attached : PIP_WITH_VALUE.has(name) ? args[++i]?.value : undefined;
      if (value !== undefined && (short === '-r' || short === '--requirement')) install.requirementFiles.push(value);
      if (value !== undefined && (short === '-e' || short === '--editable')) install.editables.push(value);
      continue;
    }
    if (sync) install.requirementFiles.push(word);
    else install.packages.push(word);
  }
  return install;
}

/** `pip install …`, `python -m pip install …`, `uv pip install|sync …`. */
function pipInstallOf(rc: RunCommand): PipInstall | undefined {
  const name = rc.name.toLowerCase();
  if (/^pip(\d+(\.\d+)?)?$/.test(name)) {
    return rc.args[0]?.value === 'install' ? readPipArgs(rc.args.slice(1), 'pip', false) : undefined;
  }
  if (/^(python(\d+(\.\d+)?)?|py)$/.test(name)) {
    let i = 0;
    while (i < rc.args.length && rc.args[i].value.startsWith('-') && rc.args[i].value !== '-m') i++;
    if (rc.args[i]?.value === '-m' && rc.args[i + 1]?.value === 'pip' && rc.args[i + 2]?.value === 'install')
      return readPipArgs(rc.args.slice(i + 3), 'pip', false);
    return undefined;
  }
  const uv = uvInvocation(rc.name, rc.args);
  if (uv?.subcommand === 'pip install') return readPipArgs(uv.args, 'uv pip', false);
  if (uv?.subcommand === 'pip sync') return readPipArgs(uv.args, 'uv pip', true);
  return undefined;
}

const isGitUrl = (spec: string): boolean => /^git\+/i.test(spec);
const isUrl = (spec: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || isGitUrl(spec);
/** A path on disk: `.`, `./x`, `/x`, `~/x`, `C:\\x`, `${{ github.workspace }}/x`, or anything with a slash that is not a URL (names have none). */
const isLocalPath = (spec: string): boolean =>
  !isUrl(spec) && (spec === '.' || /^(\.{1,2}(\/|\\|$|\[)|\/|~|[A-Za-z]:\\|\$\{\{\s*github\.workspace)/.test(spec) || /[/\\]/.test(spec.replace(/\[.*$/, '')));
/** A built distribution on disk (often just built by this job): its content is what the job made. */
const isLocalWheel = (spec: string): boolean => isLocalPath(spec) && /\.(whl|tar\.gz|zip|tar\.bz2|tgz)$/i.test(spec);
/** A shell variable: its value is unknown here, so it is not judged. */
const isVariable = (spec: string): boolean => spec.startsWith('$') && !spec.startsWith('${{');
/** A git requirement pinned to a full commit: `git+https://…@<40 hex>` (before any `#egg=`). */
const isPinnedGitUrl = (spec: string): boolean => /^git\+[^#\s]+@[0-9a-f]{40}(#.*)?$/i.test(spec);
const isHashedUrl = (spec: string): boolean => /#sha256=[0-9a-f]{64}$/i.test(spec);
/** A pylock.toml (PEP 751) carries hashes by construction. */
const isPylock = (file: string): boolean => /(^|\/)pylock(\.[^/]+)?\.toml$/.test(file);

function pipFinding(install: PipInstall): { message: string; fix: string } | undefined {
  if (install.flags.has('--require-hashes')) return undefined;
  const noDeps = install.flags.has('--no-deps');
  // --no-index: nothing comes from an index (only --find-links directories or local files).
  if (install.flags.has('--no-index')) return undefined;
  const judged = install.packages.filter((p) => !isVariable(p) && !p.startsWith('${{'));
  const remotePackages = judged.filter((p) => !isLocalPath(p) && !isHashedUrl(p));
  const localProjects = [...judged.filter((p) => isLocalPath(p) && !isLocalWheel(p)), ...install.editables.filter((e) => !isVariable(e))];
  const files = install.requirementFiles.filter((f) => !isPylock(f));
  const onlyBootstrap = remotePackages.length > 0 && remotePackages.every((p) => BOOTSTRAP.has(p.replace(/[<>=!~;[].*$/, '').toLowerCase()));
  const reasons: string[] = [];
  if (remotePackages.length > 0 && !(onlyBootstrap && files.length === 0 && localProjects.length === 0)) {
    const shown = (list: string[]): string => list.slice(0, 3).join(', ') + (list.length > 3 ? ', …' : '');
    const fromIndex = remotePackages.filter((p) => !isUrl(p));
    const fromGit = remotePackages.filter(isGitUrl);
    const movingGit = fromGit.filter((p) => !isPinnedGitUrl(p));
    const pinnedGit = fromGit.filter(isPinnedGitUrl);
    const byUrl = remotePackages.filter((p) => isUrl(p) && !isGitUrl(p));
    if (fromIndex.length > 0) reasons.push(`installs ${shown(fromIndex)} from the index with no hash to check`);
    if (movingGit.length > 0) reasons.push(`installs ${shown(movingGit)} from git at a branch or tag, which can move, with no hash to check`);
    // A commit fixes the code; what it depends on still comes from the index.
    if (pinnedGit.length > 0 && !noDeps)
      reasons.push(`installs ${shown(pinnedGit)} at a fixed commit, but resolves its dependencies from the index without hashes`);
    if (byUrl.length > 0) reasons.push(`downloads ${shown(byUrl)} with no #sha256= hash to check`);
  }
  if (files.length > 0) {
    reasons.push(
      `reads ${files.join(', ')}, whose hashes lockgate cannot see from the workflow and which ${install.tool} only enforces for every package when --require-hashes is given`,
    );
  }
  if (localProjects.length > 0 && !noDeps)
    reasons.push(`installs ${localProjects.slice(0, 2).join(', ')} and resolves its dependencies from the index without hashes`);
  if (reasons.length === 0) return undefined;
  const message = `This ${install.tool} ${install.sync ? 'sync' : 'install'} ${reasons.join('; it also ')}, so a replaced or newly published file would be installed unnoticed.`;
  const fix =
    localProjects.length > 0 && files.length === 0 && remotePackages.length === 0
      ? 'uv sync --locked   (installs the project and its locked, hashed dependencies), or install hashed requirements first and add --no-deps'
      : `uv export --format requirements-txt --locked -o requirements.txt   (writes hashes), then: ${install.tool} install --require-hashes -r requirements.txt`;
  return { message, fix };
}

/**
 * Whether `pip install <args>` (run by `uv run`, which pip-unhashed leaves to pip-in-uv-run) takes
 * packages from the index without hashes: the same judgement as this rule's, for that rule's level.
 */
export function pipArgsUnhashed(args: ShellWord[]): boolean {
  return pipFinding(readPipArgs(args, 'uv run pip', false)) !== undefined;
}

/** `uvx pkg`, `uv tool run|install pkg`, `pipx install|run pkg`: the tool's version is pinned only by `==` or `@version`. */
function toolInstallFinding(rc: RunCommand): { spec: string; tool: string } | undefined {
  const name = rc.name.toLowerCase();
  const uv = uvInvocation(rc.name, rc.args);
  let args: ShellWord[] | undefined;
  let tool = '';
  let fromOption = '--from';
  if (uv && (uv.subcommand === 'tool run' || uv.subcommand === 'tool install')) {
    args = uv.args;
    tool = rc.name === 'uvx' ? 'uvx' : `uv ${uv.subcommand}`;
  } else if (name === 'pipx' && (rc.args[0]?.value === 'install' || rc.args[0]?.value === 'run')) {
    args = rc.args.slice(1);
    tool = `pipx ${rc.args[0].value}`;
    fromOption = '--spec';
  }
  if (!args) return undefined;
  const withValue = new Set([
    ...UV_RUN_WITH_VALUE,
    '--from',
    '--spec',
    '--with',
    '--python',
    '-p',
    '--pip-args',
    '--index-url',
    '--suffix',
    '--generate-shell-completion',
  ]);
  let spec: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    if (word === fromOption || word.startsWith(`${fromOption}=`)) {
      spec = word.includes('=') ? word.slice(word.indexOf('=') + 1) : args[i + 1]?.value;
      break;
    }
    if (word.startsWith('-')) {
      if (!word.includes('=') && withValue.has(word)) i++;
      continue;
    }
    spec = word;
    break;
  }
  if (spec === undefined || spec.startsWith('${{') || isVariable(spec) || isLocalPath(spec)) return undefined;
  const pinnedEq = /^[A-Za-z0-9._-]+(\[[^\]]*\])?\s*===?\s*[A-Za-z0-9.+!_-]+$/.test(spec) && !spec.includes('*');
  const pinnedAt = /^[A-Za-z0-9._-]+(\[[^\]]*\])?@(?!latest$)[0-9][A-Za-z0-9.+!_-]*$/.test(spec);
  if (pinnedEq || pinnedAt || isPinnedGitUrl(spec)) return undefined;
  return { spec, tool };
}
