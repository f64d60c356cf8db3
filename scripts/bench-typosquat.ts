/**
 * How long the typosquat rule takes on a lock that introduces 3,000 packages (the budget:
 * under 100 ms). `benchTyposquat()` is for `npm run bench`; run alone:
 *   tsc -p tsconfig.scripts.json && node lib/scripts/bench-typosquat.js [--top N]
 *
 * The worst case on purpose: none of the 3,000 names is in the ranking, so every one goes through
 * the matcher (a ranked name is answered by one hash look-up). One in ten is a typo of a popular
 * name, the rest are made-up names that resemble nothing.
 */
import { pathToFileURL } from 'node:url';
import { rule as typosquat } from '../src/rules/uv/typosquat.js';
import type { RuleContext } from '../src/rules/types.js';
import { defaultConfig } from '../src/settings/config.js';
import type { Settings } from '../src/settings/types.js';
import { DEFAULT_TOP } from '../src/typosquat/matcher.js';
import { shippedRanking } from '../src/typosquat/ranking.js';
import type { LockPackage, ProjectPair } from '../src/uv/model.js';

export interface TyposquatBench {
  packages: number;
  top: number;
  /** First check in the process: parses the shipped ranking and builds the index. */
  ms: number;
  /** CPU time of the process (all threads) during that first check: steadier than `ms` on a busy machine. */
  cpuMs: number;
  /** Later checks (the index is built once a run and reused): the median of five. */
  warmMs: number;
  findings: number;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'zen', 'tor', 'vex', 'qua', 'ri', 'sol', 'dun', 'fe', 'gri', 'hox', 'jul', 'wen', 'byr'];

/** 3,000 (or `count`) names not in the ranking: every tenth a one-letter typo of a top-1,000 name. */
export function benchNames(count = 3000): string[] {
  const ranking = shippedRanking();
  const popular = ranking
    .entries()
    .slice(0, 1000)
    .map(([name]) => name);
  const names = new Set<string>();
  let seed = 12345;
  // The high bits of a linear congruential generator: its low bits repeat with short periods.
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
  while (names.size < count) {
    let name: string;
    if (names.size % 10 === 0) {
      const target = popular[next() % popular.length]!;
      const at = 1 + (next() % (target.length - 1));
      name = target.slice(0, at) + target[at - 1] + target.slice(at); // a doubled letter
    } else {
      const parts = 2 + (next() % 3);
      name =
        Array.from({ length: parts }, () => SYLLABLES[next() % SYLLABLES.length]).join('') +
        (next() % 3 === 0 ? `-${SYLLABLES[next() % SYLLABLES.length]}kit` : '');
    }
    if (ranking.rankOf(name) === undefined) names.add(name);
  }
  return [...names];
}

function lockPackage(name: string, line: number): LockPackage {
  return {
    name,
    version: '1.0.0',
    source: { kind: 'registry', url: 'https://pypi.org/simple' },
    dependencies: [],
    optionalDependencies: {},
    devDependencies: {},
    resolutionMarkers: [],
    wheels: [{ kind: 'wheel', url: `https://files.example/${name}-1.0.0-py3-none-any.whl`, hash: `sha256:${'0'.repeat(64)}` }],
    line,
  };
}

export function benchContext(names: string[], top = DEFAULT_TOP): RuleContext {
  const packages = names.map((name, i) => lockPackage(name, 1 + i * 8));
  const lock = {
    file: 'uv.lock',
    version: 1,
    revision: 3,
    resolutionMarkers: [],
    supportedMarkers: [],
    requiredMarkers: [],
    conflicts: [],
    options: { excludeNewerPackage: {} },
    manifest: {
      members: [],
      requirements: [],
      constraints: [],
      overrides: [],
      excludes: [],
      buildConstraints: [],
      dependencyGroups: {},
      dependencyMetadata: [],
    },
    packages,
  };
  const head = {
    root: '',
    rootPyproject: { file: 'pyproject.toml', dir: '', raw: {}, dynamic: [], hasProjectTable: true, hasBuildSystem: false, hasToolUv: false, lines: new Map() },
    members: [],
    lock,
    lockFile: 'uv.lock',
    indexes: [],
  };
  const pair: ProjectPair = {
    path: '',
    lockFile: 'uv.lock',
    base: null,
    head,
    changes: [],
    introduced: packages.map((pkg) => ({ package: pkg, newArtifacts: pkg.wheels })),
  } as ProjectPair;
  const config = defaultConfig();
  const now = new Date('2026-11-20T12:00:00Z');
  const settings = { now, config: { ...config, typosquat: { ...config.typosquat, top } } } as unknown as Settings;
  return { settings, now, headTime: now, projects: [pair], workflows: [], baseWorkflows: null, invalidFiles: [], headFiles: [], index: null, github: null };
}

/** Times the typosquat rule on a lock introducing `count` packages (call it first in a process for the cold figure). */
export function benchTyposquat(options: { count?: number; top?: number } = {}): TyposquatBench {
  const names = benchNames(options.count ?? 3000);
  const top = options.top ?? DEFAULT_TOP;
  const context = benchContext(names, top);
  const cpu = process.cpuUsage();
  let started = performance.now();
  const findings = typosquat.check(context).length;
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    typosquat.check(context);
    warm.push(performance.now() - started);
  }
  warm.sort((a, b) => a - b);
  return { packages: names.length, top, ms, cpuMs, warmMs: warm[2]!, findings };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--top');
  const result = benchTyposquat(at > 0 ? { top: Number(process.argv[at + 1]) } : {});
  process.stdout.write(
    `typosquat: ${result.packages} introduced packages against the top ${result.top}: ` +
      `${result.ms.toFixed(1)} ms cold (ranking parse + index build + check; ${result.cpuMs.toFixed(1)} ms CPU), ` +
      `${result.warmMs.toFixed(1)} ms warm; ${result.findings} findings\n`,
  );
}
