/**
 * The action bundle an end-to-end test runs: LOCKGATE_DIST when set, else dist/index.js when it is
 * newer than every source file, else a fresh build (scripts/build.mjs --out) in a temporary folder
 * (never a stale bundle).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The bundle's path, and the folder to remove afterwards when one was built. */
export function actionBundle(root: string): { path: string; built: string | null } {
  if (process.env.LOCKGATE_DIST) return { path: resolve(process.env.LOCKGATE_DIST), built: null };
  const committed = join(root, 'dist', 'index.js');
  const fresh = (file: string) => existsSync(file) && statSync(file).mtimeMs >= newestMtime(join(root, 'src'));
  if (fresh(committed) && fresh(join(root, 'dist', 'index-check.js'))) return { path: committed, built: null };
  const built = mkdtempSync(join(tmpdir(), 'lockgate-e2e-dist-'));
  // Built from a copy of src/ whose tsconfig leaves out the tests: ncc type-checks everything its
  // tsconfig includes, and a type error in some test file must not stop this suite (tsc reports it).
  const project = join(built, 'project');
  mkdirSync(project);
  cpSync(join(root, 'src'), join(project, 'src'), { recursive: true });
  cpSync(join(root, 'package.json'), join(project, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'));
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, types: ['node'] }, include: ['src/**/*.ts'] }),
  );
  // scripts/build.mjs, as `npm run build` runs it: the entry and the check it imports beside it.
  const out = join(built, 'out');
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--out', out, '--only', 'action'], { cwd: project, stdio: 'pipe' });
  } catch (error) {
    const detail =
      String((error as { stderr?: Buffer }).stderr ?? error)
        .split('\n')
        .find((line) => /ERROR|Error/.test(line)) ?? '';
    throw new Error(`building the action bundle failed (set LOCKGATE_DIST to test a built one): ${detail.trim()}`);
  }
  return { path: join(out, 'index.js'), built };
}
