// `node scripts/screenshots.mjs`: the PR comment and the job summary of three pull requests, as
// GitHub shows them, in docs/screenshots/. Not run by the tests: it needs Chromium (Debian:
// `apt-get install chromium fonts-noto-color-emoji`; or set CHROMIUM=/path/to/chrome).
//
// The pull requests are __tests__/report-scenarios.ts (the real rules on examples/demo, offline,
// clock fixed): a typical one, a clean one, and one with 120 findings. Each is rendered exactly as
// the action does (the comment with its marker and runUrl, under the comment limit; the summary
// under 1 MiB), turned into HTML by marked (GFM, as GitHub) and styled with github-markdown-css in
// a column as wide as a PR comment, then photographed by headless Chromium at its full height.
// The Markdown and a table of sizes (characters, rendered height) are written next to the PNGs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const out = join(root, 'docs', 'screenshots');
const chromium = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
if (!chromium) {
  console.error('Chromium not found: apt-get install -y chromium fonts-noto-color-emoji, or set CHROMIUM');
  process.exit(2);
}

// Compile the scenarios (and, through their imports, src/) to plain ESM in a scratch folder.
const work = mkdtempSync(join(tmpdir(), 'lockgate-screenshots-'));
try {
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: {
        outDir: join(work, 'js'),
        rootDir: root,
        noEmit: false,
        sourceMap: false,
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      include: [],
      files: ['__tests__/report-scenarios.ts', 'src/action/comment.ts', 'src/action/summary.ts'].map((f) => join(root, f)),
    }),
  );
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(work, 'tsconfig.json')], { stdio: 'pipe' });
  } catch (error) {
    // tsc still writes the files; a type error elsewhere in a work in progress must not stop this.
    if (!existsSync(join(work, 'js', '__tests__', 'report-scenarios.js'))) throw error;
    console.warn(`tsc reported type errors (run npm run typecheck); rendering anyway:\n${String(error.stdout).split('\n').slice(0, 5).join('\n')}`);
  }
  writeFileSync(join(work, 'js', 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(root, 'node_modules'), join(work, 'js', 'node_modules'));
  const js = (path) => pathToFileURL(join(work, 'js', path)).href;
  process.env.LOCKGATE_ROOT = root;
  const { SCENARIOS, LINKS } = await import(js('__tests__/report-scenarios.js'));
  const { renderMarkdown } = await import(js('src/report/markdown.js'));
  const { COMMENT_MARKER, COMMENT_MAX_CHARS, commentBody } = await import(js('src/action/comment.js'));
  const { STEP_SUMMARY_MAX_BYTES } = await import(js('src/action/summary.js'));
  const { marked } = await import('marked');
  const css = readFileSync(join(root, 'node_modules', 'github-markdown-css', 'github-markdown-light.css'), 'utf8');

  /** A page like a PR comment (or the summary box of a run): a bordered column of GitHub's width. */
  const page = (title, html) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>
${css}
body { margin: 0; background: #fff; }
.box { width: 836px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.bar { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; font: 14px -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.markdown-body { padding: 16px; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
</style></head><body><div class="box"><div class="bar">${title}</div><div class="markdown-body" id="body">${html}</div></div>
<script>if (location.hash === '#open') for (const d of document.querySelectorAll('details')) d.open = true;
document.title = String(Math.ceil(document.querySelector('.box').getBoundingClientRect().bottom + 16));</script></body></html>`;

  const shoot = (name, title, markdown, open = false) => {
    const file = join(work, `${name}.html`);
    writeFileSync(file, page(title, marked.parse(markdown, { gfm: true, async: false })));
    const url = `${pathToFileURL(file).href}${open ? '#open' : ''}`;
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      '--force-device-scale-factor=1',
      '--run-all-compositor-stages-before-draw',
      '--virtual-time-budget=2000',
    ];
    const dom = execFileSync(chromium, [...flags, '--window-size=870,800', '--dump-dom', url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const height = Number(/<title>(\d+)<\/title>/.exec(dom)?.[1] ?? 800);
    execFileSync(chromium, [...flags, `--window-size=870,${height}`, `--screenshot=${join(out, `${name}.png`)}`, url], { stdio: 'ignore' });
    return height;
  };

  mkdirSync(out, { recursive: true });
  const rows = [];
  for (const [scenario, make] of Object.entries(SCENARIOS)) {
    const result = make();
    const comment = commentBody(
      renderMarkdown(result.report, { ...LINKS, maxBytes: COMMENT_MAX_CHARS - COMMENT_MARKER.length - 2, audience: 'comment', maxFindings: 1000 }),
    );
    const { runUrl: _run, ...summaryLinks } = LINKS;
    const summary = renderMarkdown(result.report, { ...summaryLinks, maxBytes: STEP_SUMMARY_MAX_BYTES - 1024, audience: 'summary', maxFindings: 1000 });
    writeFileSync(join(out, `${scenario}-comment.md`), comment);
    writeFileSync(join(out, `${scenario}-summary.md`), summary);
    const findings = result.report.findings.length;
    const commentHeight = shoot(`${scenario}-comment`, 'github-actions bot commented', comment);
    const openHeight =
      scenario === 'clean' ? null : shoot(`${scenario}-comment-open`, 'github-actions bot commented (every &lt;details&gt; opened)', comment, true);
    const summaryHeight = shoot(`${scenario}-summary`, 'lockgate summary', summary);
    rows.push(
      `| ${scenario} | ${findings} | ${comment.length.toLocaleString('en')} | ${commentHeight} px | ${openHeight === null ? '—' : `${openHeight} px`} | ${summary.length.toLocaleString('en')} | ${summaryHeight} px |`,
    );
    console.log(
      `${scenario}: ${findings} findings; comment ${comment.length} chars, ${commentHeight} px (${openHeight ?? '-'} px opened); summary ${summary.length} chars, ${summaryHeight} px`,
    );
  }
  writeFileSync(
    join(out, 'README.md'),
    `# What a reviewer sees\n\nMade by \`node scripts/screenshots.mjs\` (marked + github-markdown-css in headless Chromium, 836 px wide like a PR comment) from\n\`__tests__/report-scenarios.ts\`: a typical pull request (examples/demo), a clean one (with what the base already had as\npre-existing findings) and one with 120 findings. Heights include the comment frame.\n\n| pull request | findings | comment, characters | comment height | all details opened | job summary, characters | summary height |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n\n| | comment | comment, details opened | job summary |\n|---|---|---|---|\n${Object.keys(
      SCENARIOS,
    )
      .map((s) => `| ${s} | ![](${s}-comment.png) | ${s === 'clean' ? '' : `![](${s}-comment-open.png)`} | ![](${s}-summary.png) |`)
      .join('\n')}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
