/**
 * Synthetic uv projects shaped like the real corpus locks (registry packages with an sdist, several
 * wheels with hashes, sizes and upload times, dependency edges), for `npm run bench` and for the
 * hostile-input tests that need sizes nobody commits (a 50 MB lock). Deterministic: the same
 * arguments always give the same text.
 */

export interface SyntheticLockOptions {
  /** Registry packages besides the project itself. */
  packages: number;
  /** Wheels per package (the corpus averages 3 to 12). */
  wheels?: number;
  /** Project name (the virtual root package). */
  project?: string;
  /** Prefix of package names, so several synthetic locks do not share names. */
  prefix?: string;
  /** Bumps the version of every n-th package (a "few percent changed" head); 0 for none. */
  bumpEvery?: number;
  /** RFC 3339 upload time of every file. */
  uploadTime?: string;
}

function hex(seed: number, length: number): string {
  let out = '';
  let x = (seed * 2654435761) >>> 0 || 1;
  while (out.length < length) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

const PLATFORMS = [
  'cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64',
  'cp312-cp312-macosx_11_0_arm64',
  'cp312-cp312-win_amd64',
  'cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64',
  'cp313-cp313-musllinux_1_2_x86_64',
  'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64',
  'py3-none-any',
];

export function syntheticPackageName(prefix: string, index: number): string {
  return `${prefix}pkg-${String(index).padStart(5, '0')}`;
}

/** pyproject.toml and uv.lock of one project depending on every synthetic package directly. */
export function syntheticProject(options: SyntheticLockOptions): { pyproject: string; lock: string } {
  const count = options.packages;
  const wheels = options.wheels ?? 4;
  const project = options.project ?? 'synthetic-app';
  const prefix = options.prefix ?? '';
  const uploaded = options.uploadTime ?? '2025-06-01T12:00:00.000Z';
  const bumpEvery = options.bumpEvery ?? 0;
  const names = Array.from({ length: count }, (_, i) => syntheticPackageName(prefix, i));
  const versionOf = (i: number) => (bumpEvery > 0 && i % bumpEvery === 0 ? `1.${i % 7}.1` : `1.${i % 7}.0`);

  const lines: string[] = ['version = 1', 'revision = 3', 'requires-python = ">=3.12"', '', '[options]', 'exclude-newer = "2026-01-01T00:00:00Z"', ''];
  lines.push('[[package]]', `name = "${project}"`, 'version = "0.1.0"', 'source = { virtual = "." }', 'dependencies = [');
  for (const name of names) lines.push(`    { name = "${name}" },`);
  lines.push(']', '', '[package.metadata]', 'requires-dist = [');
  for (const [i, name] of names.entries()) lines.push(`    { name = "${name}", specifier = "==${versionOf(i)}" },`);
  lines.push(']', '');
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    const version = versionOf(i);
    const file = name.replace(/-/g, '_');
    lines.push('[[package]]', `name = "${name}"`, `version = "${version}"`, 'source = { registry = "https://pypi.org/simple" }');
    // Each package depends on up to two earlier ones, as real graphs do.
    const deps = [i - 1, Math.floor(i / 2)].filter((d, k, all) => d >= 0 && d < i && all.indexOf(d) === k);
    if (deps.length > 0) {
      lines.push('dependencies = [');
      for (const d of deps) lines.push(`    { name = "${names[d]}" },`);
      lines.push(']');
    }
    const path = (n: number) => `${hex(i * 31 + n, 2)}/${hex(i * 37 + n, 2)}/${hex(i * 41 + n, 60)}`;
    lines.push(
      `sdist = { url = "https://files.pythonhosted.org/packages/${path(0)}/${file}-${version}.tar.gz", hash = "sha256:${hex(i * 7 + 1, 64)}", size = ${10_000 + i}, upload-time = "${uploaded}" }`,
    );
    lines.push('wheels = [');
    for (let w = 0; w < wheels; w++) {
      lines.push(
        `    { url = "https://files.pythonhosted.org/packages/${path(w + 1)}/${file}-${version}-${PLATFORMS[w % PLATFORMS.length]}.whl", hash = "sha256:${hex(i * 7 + w + 2, 64)}", size = ${20_000 + w}, upload-time = "${uploaded}" },`,
      );
    }
    lines.push(']', '');
  }
  const pyproject = [
    '[project]',
    `name = "${project}"`,
    'version = "0.1.0"',
    'requires-python = ">=3.12"',
    'dependencies = [',
    ...names.map((name, i) => `    "${name}==${versionOf(i)}",`),
    ']',
    '',
    '[tool.uv]',
    'exclude-newer = "2026-01-01T00:00:00Z"',
    '',
  ].join('\n');
  return { pyproject, lock: lines.join('\n') };
}

/** A synthetic project whose lock is at least `bytes` long (wheels per package as given). */
export function syntheticProjectOfSize(
  bytes: number,
  options: Omit<SyntheticLockOptions, 'packages'> = {},
): { pyproject: string; lock: string; packages: number } {
  const probe = syntheticProject({ ...options, packages: 200 });
  const perPackage = probe.lock.length / 200;
  // Longer indexes make later packages slightly larger than the probe's; grow until it is enough.
  let packages = Math.ceil(bytes / perPackage) + 1;
  for (;;) {
    const project = syntheticProject({ ...options, packages });
    if (project.lock.length >= bytes) return { ...project, packages };
    packages = Math.ceil(packages * (bytes / project.lock.length)) + 1;
  }
}
