// Builds dist/index.js (the action) and dist/cli.js (the CLI) with @vercel/ncc as ESM bundles,
// with the licences of bundled packages in dist/licenses.txt. Deterministic: CI rebuilds and diffs.
// ncc type-checks what tsconfig.json includes: the sources only (tests use tsconfig.test.json).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDocsModule } from './gen-docs.mjs';

writeFileSync('src/rules/docs.generated.ts', generateDocsModule());

const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
const targets = [
  { entry: 'src/cli/main.ts', out: 'dist/cli.js', licenses: null },
  { entry: 'src/action/main.ts', out: 'dist/index.js', licenses: 'dist/licenses.txt' },
];
const work = mkdtempSync(join(tmpdir(), 'lockgate-build-'));
try {
  for (const [i, target] of targets.entries()) {
    const outDir = join(work, String(i));
    execFileSync(process.execPath, [ncc, 'build', target.entry, '-o', outDir, '--license', 'licenses.txt', '--quiet', '--target', 'es2022'], {
      stdio: 'inherit',
    });
    const built = ['index.js', 'index.mjs'].map((name) => join(outDir, name)).find(existsSync);
    if (!built) throw new Error(`ncc produced no bundle for ${target.entry}`);
    let code = readFileSync(built, 'utf8');
    if (target.entry.startsWith('src/cli/') && !code.startsWith('#!')) code = `#!/usr/bin/env node\n${code}`;
    writeFileSync(target.out, code, { mode: 0o755 });
    if (target.licenses) copyFileSync(join(outDir, 'licenses.txt'), target.licenses);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
