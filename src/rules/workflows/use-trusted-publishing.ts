/**
 * zizmor's use-trusted-publishing: a release is published with a long-lived token although the
 * registry accepts Trusted Publishing (an OIDC identity minted per run, nothing to steal): PyPI,
 * crates.io, npm, RubyGems and NuGet. Seen on the publishing actions (pypa/gh-action-pypi-publish
 * `password:`, katyo/publish-crates `registry-token:`, JS-DevTools/npm-publish `token:`) and on the
 * publishing commands of `run:` scripts given a token as an option or in their environment. A
 * publish to another registry (a private index, GitHub Packages) is not reported.
 */
import { isScalar, type Node } from 'yaml';
import { commandText, runCommands, uvInvocation, type RunCommand } from '../../workflows/run-steps.js';
import { envScopesOf, stepKey, stepsInContext, usesAction } from '../../workflows/steps.js';
import { occurrenceSubjects } from '../../findings.js';
import { entries, get, getPair, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

interface Publisher {
  registry: string;
  /** Options that pass the token or password on the command line. */
  tokenOptions: string[];
  /** Environment variables the tool reads a token or password from. */
  tokenEnv: string[];
  /** Options naming the registry; a value that is not the public registry means the publish goes elsewhere. */
  targetOptions: string[];
  /** Environment variables naming the registry, likewise. */
  targetEnv: string[];
  /** The public registry's hosts. */
  hosts: RegExp;
}

const PYPI_HOSTS = /^(?:https?:\/\/)?(?:upload\.|test\.)?pypi\.org(?:[/:]|$)|^(?:pypi|testpypi)$/i;

const PUBLISHERS: Readonly<Record<string, Publisher>> = {
  'uv publish': {
    registry: 'PyPI',
    tokenOptions: ['--token', '-t', '--password', '-p'],
    tokenEnv: ['UV_PUBLISH_TOKEN', 'UV_PUBLISH_PASSWORD'],
    targetOptions: ['--publish-url', '--index'],
    targetEnv: ['UV_PUBLISH_URL', 'UV_PUBLISH_INDEX'],
    hosts: PYPI_HOSTS,
  },
  'twine upload': {
    registry: 'PyPI',
    tokenOptions: ['--password', '-p'],
    tokenEnv: ['TWINE_PASSWORD'],
    targetOptions: ['--repository-url', '--repository', '-r'],
    targetEnv: ['TWINE_REPOSITORY_URL', 'TWINE_REPOSITORY'],
    hosts: PYPI_HOSTS,
  },
  'poetry publish': {
    registry: 'PyPI',
    tokenOptions: ['--password', '-p'],
    tokenEnv: ['POETRY_PYPI_TOKEN_PYPI', 'POETRY_HTTP_BASIC_PYPI_PASSWORD'],
    targetOptions: ['--repository', '-r'],
    targetEnv: [],
    hosts: PYPI_HOSTS,
  },
  'hatch publish': {
    registry: 'PyPI',
    tokenOptions: ['--auth', '-a'],
    tokenEnv: ['HATCH_INDEX_AUTH'],
    targetOptions: ['--repo', '-r'],
    targetEnv: ['HATCH_INDEX_REPO'],
    hosts: /^(?:main|test|(?:https?:\/\/)?(?:upload\.|test\.)?pypi\.org(?:[/:]|$))/i,
  },
  'pdm publish': {
    registry: 'PyPI',
    tokenOptions: ['--password', '-P'],
    tokenEnv: ['PDM_PUBLISH_PASSWORD'],
    targetOptions: ['--repository', '-r'],
    targetEnv: ['PDM_PUBLISH_REPO'],
    hosts: PYPI_HOSTS,
  },
  'cargo publish': {
    registry: 'crates.io',
    tokenOptions: ['--token'],
    tokenEnv: ['CARGO_REGISTRY_TOKEN'],
    targetOptions: ['--registry', '--index'],
    targetEnv: [],
    hosts: /^(?:crates-io|(?:https?:\/\/|sparse\+https:\/\/)?(?:index\.)?crates\.io(?:[/:]|$))/i,
  },
  'npm publish': {
    registry: 'npm',
    tokenOptions: [],
    tokenEnv: ['NODE_AUTH_TOKEN', 'NPM_TOKEN'],
    targetOptions: ['--registry'],
    targetEnv: ['NPM_CONFIG_REGISTRY'],
    hosts: /^(?:https?:\/\/)?registry\.npmjs\.org(?:[/:]|$)/i,
  },
  'gem push': {
    registry: 'RubyGems',
    tokenOptions: ['--key', '-k'],
    tokenEnv: ['GEM_HOST_API_KEY'],
    targetOptions: ['--host'],
    targetEnv: ['RUBYGEMS_HOST'],
    hosts: /^(?:https?:\/\/)?rubygems\.org(?:[/:]|$)/i,
  },
  'nuget push': {
    registry: 'NuGet',
    tokenOptions: ['--api-key', '-k', '-ApiKey'],
    tokenEnv: [],
    targetOptions: ['--source', '-s', '-Source'],
    targetEnv: [],
    hosts: /^(?:https?:\/\/)?(?:api\.|www\.)?nuget\.org(?:[/:]|$)|^nuget\.org$/i,
  },
};

/** The publishing subcommand a command runs, as a PUBLISHERS key. */
function publisherOf(rc: RunCommand): { key: string; args: string[] } | undefined {
  const words = rc.args.map((a) => a.value);
  const uv = uvInvocation(rc.name, rc.args);
  if (uv?.subcommand === 'publish') return { key: 'uv publish', args: uv.args.map((a) => a.value) };
  const name = rc.name.toLowerCase();
  if (/^python[\d.]*$/.test(name) && words[0] === '-m') return publisherOf({ ...rc, name: words[1] ?? '', args: rc.args.slice(2) });
  if (name === 'twine' && words[0] === 'upload') return { key: 'twine upload', args: words.slice(1) };
  if ((name === 'npm' || name === 'pnpm') && words[0] === 'publish') return { key: 'npm publish', args: words.slice(1) };
  if (name === 'yarn' && words[0] === 'npm' && words[1] === 'publish') return { key: 'npm publish', args: words.slice(2) };
  if (name === 'dotnet' && words[0] === 'nuget' && words[1] === 'push') return { key: 'nuget push', args: words.slice(2) };
  const key = `${name} ${words[0] ?? ''}`;
  return key in PUBLISHERS && key !== 'nuget push'
    ? { key, args: words.slice(1) }
    : name === 'nuget' && words[0] === 'push'
      ? { key: 'nuget push', args: words.slice(1) }
      : undefined;
}

/**
 * Jobs that store a PyPI token in poetry's config before publishing: `poetry config pypi-token.pypi
 * $TOKEN` (or `http-basic.pypi USER PASS`), the usual way to hand `poetry publish` its token without
 * an option or an env variable. A token minted in the job (a step output) is Trusted Publishing.
 */
function poetryTokenConfigured(commands: readonly RunCommand[]): Set<string> {
  const jobs = new Set<string>();
  for (const rc of commands) {
    if (rc.name.toLowerCase() !== 'poetry' || rc.args[0]?.value !== 'config') continue;
    const words = rc.args
      .slice(1)
      .map((a) => a.value)
      .filter((w) => !w.startsWith('-'));
    const key = words[0]?.toLowerCase();
    // The rest of the words: `${{ secrets.X }}` is written into the script as several words.
    const value = words.slice(key === 'http-basic.pypi' ? 2 : 1).join(' ');
    if ((key === 'pypi-token.pypi' || key === 'http-basic.pypi') && value.trim() !== '' && !/\bsteps\.[^.\s]+\.outputs\./.test(value)) jobs.add(rc.job);
  }
  return jobs;
}

/** The value of an option (`--token X` or `--token=X`). */
function optionValue(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const name of names) {
      if (args[i] === name) return args[i + 1] ?? '';
      if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    }
  }
  return undefined;
}

/** A variable as the command sees it: on the command, `export`ed, or in step, job or workflow `env:`. */
function envOf(rc: RunCommand, name: string): string | undefined {
  const direct = rc.env.get(name);
  if (direct !== undefined) return direct;
  for (const holder of envScopesOf(rc)) {
    for (const [key, , value] of entries(holder)) if (key === name) return isScalar(value) ? String(value.value ?? '') : '';
  }
  return undefined;
}

/** setup-node's `registry-url` in the command's job, if one is set (NODE_AUTH_TOKEN is written for it). */
function nodeRegistryOf(rc: RunCommand): string | undefined {
  for (const step of (get(rc.jobNode, 'steps') as { items?: Node[] } | undefined)?.items ?? []) {
    if (usesAction(str(get(step, 'uses')), 'actions/setup-node')) {
      const url = str(get(get(step, 'with'), 'registry-url'));
      if (url) return url;
    }
  }
  return undefined;
}

export const rule = defineRule({
  meta: {
    id: 'use-trusted-publishing',
    defaultSeverity: 'notice',
    summary: 'A release is published with a long-lived token where the registry offers Trusted Publishing.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const message = (how: string, registry: string): string =>
        `${how} publishes to ${registry} with a long-lived token; ${registry} accepts Trusted Publishing, where each run gets a short-lived identity ` +
        'from GitHub (OIDC) and there is no token to leak, rotate or steal from the secrets.';
      const fix = (registry: string, step: string): string =>
        `Register this workflow as a trusted publisher on ${registry}, give the job permissions: id-token: write, and ${step}.`;

      for (const s of stepsInContext(wf)) {
        const usesNode = get(s.step, 'uses');
        const uses = str(usesNode)?.trim() ?? '';
        const withNode = get(s.step, 'with');
        const key = `${s.jobId}:${stepKey(s)}`;
        const action = uses.slice(0, Math.max(0, uses.lastIndexOf('@'))).toLowerCase();
        const input = (name: string) => getPair(withNode, name);
        const filled = (name: string) => (str(input(name)?.value) ?? '').trim() !== '';
        let found: { pair: ReturnType<typeof input>; registry: string; step: string } | undefined;
        if (action === 'pypa/gh-action-pypi-publish' && filled('password')) {
          const url = str(input('repository-url')?.value) ?? str(input('repository_url')?.value);
          if (url === undefined || PYPI_HOSTS.test(url.trim())) found = { pair: input('password'), registry: 'PyPI', step: 'delete password:' };
        } else if (action === 'katyo/publish-crates' && filled('registry-token')) {
          found = { pair: input('registry-token'), registry: 'crates.io', step: 'get the token from rust-lang/crates-io-auth-action instead of a secret' };
        } else if (action === 'js-devtools/npm-publish' && filled('token')) {
          const registry = str(input('registry')?.value);
          if (registry === undefined || PUBLISHERS['npm publish'].hosts.test(registry.trim()))
            found = { pair: input('token'), registry: 'npm', step: 'publish with npm publish (npm 11.5 or later) without a token' };
        }
        if (!found?.pair) continue;
        const pos = posOf(wf, found.pair.key);
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message: message(action, found.registry),
          fix: fix(found.registry, found.step),
          subject: key,
        });
      }

      const flagged: { rc: RunCommand; registry: string; text: string }[] = [];
      const poetryTokenJobs = poetryTokenConfigured(runCommands(wf));
      for (const rc of runCommands(wf)) {
        const publisher = publisherOf(rc);
        if (!publisher) continue;
        const spec = PUBLISHERS[publisher.key];
        const target = optionValue(publisher.args, spec.targetOptions) ?? spec.targetEnv.map((name) => envOf(rc, name)).find((v) => v !== undefined);
        if (target !== undefined && !spec.hosts.test(target.trim())) continue;
        if (publisher.key === 'npm publish') {
          const registry = nodeRegistryOf(rc);
          if (registry !== undefined && !spec.hosts.test(registry.trim())) continue;
        }
        // A token minted in the job (`${{ steps.auth.outputs.token }}` from crates-io-auth-action or the like) is Trusted Publishing already.
        const manual = (value: string | undefined): boolean => (value ?? '').trim() !== '' && !/\bsteps\.[^.\s]+\.outputs\./.test(value ?? '');
        const token =
          manual(optionValue(publisher.args, spec.tokenOptions)) ||
          spec.tokenEnv.some((name) => manual(envOf(rc, name))) ||
          (publisher.key === 'poetry publish' && poetryTokenJobs.has(rc.job));
        if (!token) continue;
        flagged.push({ rc, registry: spec.registry, text: commandText(rc) });
      }
      const subjects = occurrenceSubjects(flagged, (f) => `${f.rc.job}:${f.text}`);
      flagged.forEach((f, i) => {
        report({
          file: wf.file,
          line: f.rc.line,
          message: message(`\`${f.text}\``, f.registry),
          fix: fix(f.registry, 'remove the token from the command and its env:'),
          subject: subjects[i],
        });
      });
    }
  },
});
