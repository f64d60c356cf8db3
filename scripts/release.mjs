#!/usr/bin/env node
// The part of a release that runs without GitHub, so a test and a maintainer can run it locally
// (.github/workflows/release.yml runs the same commands; docs/releasing.md says when).
//
//   node scripts/release.mjs check <tag>      the tag is vX.Y.Z, package.json and src/version.ts say X.Y.Z,
//                                             CHANGELOG.md has a dated, non-empty [X.Y.Z] section and its link,
//                                             and an existing tag points at HEAD
//   node scripts/release.mjs notes <tag>      prints the CHANGELOG.md section of X.Y.Z (the release notes)
//   node scripts/release.mjs major <tag>      prints the major tag (v1 for v1.4.2); with --if-latest, prints
//                                             nothing when a higher vX.*.* tag exists (a patch to an older line)
//   node scripts/release.mjs dry-run <tag>    check, then what the workflow would do, changing nothing
//
// It reads the current directory (the repository root). Exit 0 on success, 1 when a check fails,
// 2 on a usage error; messages are one line each on stderr.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TAG_RE = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
/** The files the release attaches and attests: the two bundles and the licences of what they bundle. */
export const RELEASE_ASSETS = ['dist/index.js', 'dist/index-check.js', 'dist/cli.js', 'dist/cli-check.js', 'dist/licenses.txt'];

export class ReleaseError extends Error {}

/** [major, minor, patch] of a vX.Y.Z tag, or a ReleaseError. */
export function parseTag(tag) {
  const m = TAG_RE.exec(tag ?? '');
  // JSON quoting: a hostile name cannot start a line of its own (a workflow command) in the log.
  if (!m) throw new ReleaseError(`the tag must be vMAJOR.MINOR.PATCH (such as v1.2.3), not ${JSON.stringify(String(tag).slice(0, 80))}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function majorTag(tag) {
  return `v${parseTag(tag)[0]}`;
}

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The lines of CHANGELOG.md's `## [X.Y.Z] - YYYY-MM-DD` section: its heading, date and body. */
export function changelogSection(changelog, version) {
  const lines = changelog.split(/\r?\n/);
  const heading = new RegExp(`^## \\[${escapeRe(version)}\\](.*)$`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start === -1) return null;
  let end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  if (end === -1) end = lines.length;
  const body = lines.slice(start + 1, end);
  // Link reference definitions (`[1.2.3]: https://…`) after the last section are the file's, not the notes'.
  while (body.length > 0 && (body[body.length - 1].trim() === '' || /^\[[^\]]+\]: \S+$/.test(body[body.length - 1]))) body.pop();
  while (body.length > 0 && body[0].trim() === '') body.shift();
  const rest = heading.exec(lines[start])[1];
  const date = /^ - (\d{4}-\d{2}-\d{2})\s*$/.exec(rest)?.[1] ?? null;
  return { heading: lines[start], date, rest, body };
}

/** The release notes of a tag: the section's body, as Markdown. */
export function releaseNotes(changelog, tag) {
  parseTag(tag);
  const section = changelogSection(changelog, tag.slice(1));
  if (!section) throw new ReleaseError(`CHANGELOG.md has no "## [${tag.slice(1)}] - YYYY-MM-DD" section`);
  if (section.body.join('').trim() === '') throw new ReleaseError(`CHANGELOG.md's [${tag.slice(1)}] section is empty`);
  return `${section.body.join('\n')}\n`;
}

function git(dir, ...args) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
function tryGit(dir, ...args) {
  try {
    return git(dir, ...args);
  } catch {
    return null;
  }
}

/** Every problem that stops a release of `tag` from `dir`, as sentences (empty: good to go). */
export function releaseProblems(dir, tag) {
  const problems = [];
  try {
    parseTag(tag);
  } catch (error) {
    return [error.message];
  }
  const version = tag.slice(1);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.version !== version) problems.push(`package.json says version ${pkg.version}, the tag ${tag}: set "version": "${version}"`);
  const versionTs = join(dir, 'src/version.ts');
  if (existsSync(versionTs)) {
    const declared = /export const VERSION = '([^']*)'/.exec(readFileSync(versionTs, 'utf8'))?.[1];
    if (declared !== version) problems.push(`src/version.ts says VERSION = '${declared}', the tag ${tag}: set it to '${version}'`);
  }
  const changelogFile = join(dir, 'CHANGELOG.md');
  const changelog = existsSync(changelogFile) ? readFileSync(changelogFile, 'utf8') : '';
  const section = changelogSection(changelog, version);
  if (!section) problems.push(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section: move the [Unreleased] entries under it`);
  else {
    if (!section.date || Number.isNaN(Date.parse(`${section.date}T00:00:00Z`)))
      problems.push(`CHANGELOG.md's heading "${section.heading}" needs the release date: "## [${version}] - YYYY-MM-DD"`);
    if (section.body.join('').trim() === '') problems.push(`CHANGELOG.md's [${version}] section is empty`);
    if (!new RegExp(`^\\[${escapeRe(version)}\\]: https://\\S+$`, 'm').test(changelog))
      problems.push(`CHANGELOG.md has no link for [${version}] (add "[${version}]: https://github.com/<owner>/<repo>/releases/tag/${tag}" at the end)`);
  }
  if (!/^## \[Unreleased\]/m.test(changelog)) problems.push('CHANGELOG.md has no "## [Unreleased]" section to collect the next changes');
  // Once the tag exists it must name the commit being released (in the workflow, HEAD is the tag's commit).
  const tagged = tryGit(dir, 'rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`);
  const head = tryGit(dir, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}');
  if (tagged && head && tagged !== head) problems.push(`the tag ${tag} points at ${tagged.slice(0, 12)}, not at HEAD (${head.slice(0, 12)})`);
  return problems;
}

/** The major tag to move, or null when a higher tag of the same major exists (a patch release to an older line). */
export function majorToMove(dir, tag) {
  const [major, minor, patch] = parseTag(tag);
  const tags = (tryGit(dir, 'tag', '--list', `v${major}.*`) ?? '').split('\n').filter((t) => TAG_RE.test(t));
  const newer = tags.find((t) => {
    const [, m, p] = parseTag(t);
    return m > minor || (m === minor && p > patch);
  });
  return newer ? null : `v${major}`;
}

function main(argv) {
  const [command, tag, ...rest] = argv;
  const dir = process.cwd();
  const usage = 'usage: node scripts/release.mjs check|notes|major|dry-run <vX.Y.Z> (major takes --if-latest)';
  if (
    !command ||
    !tag ||
    !['check', 'notes', 'major', 'dry-run'].includes(command) ||
    (rest.length > 0 && !(command === 'major' && rest.length === 1 && rest[0] === '--if-latest'))
  ) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  try {
    switch (command) {
      case 'check': {
        const problems = releaseProblems(dir, tag);
        for (const problem of problems) process.stderr.write(`release: ${problem}\n`);
        if (problems.length === 0) process.stdout.write(`${tag}: package.json, src/version.ts and CHANGELOG.md agree\n`);
        return problems.length === 0 ? 0 : 1;
      }
      case 'notes':
        process.stdout.write(releaseNotes(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'), tag));
        return 0;
      case 'major': {
        const major = rest.length > 0 ? majorToMove(dir, tag) : majorTag(tag);
        if (major) process.stdout.write(`${major}\n`);
        else process.stderr.write(`release: a newer v${parseTag(tag)[0]}.x.y tag exists, so v${parseTag(tag)[0]} stays where it is\n`);
        return 0;
      }
      case 'dry-run': {
        const problems = releaseProblems(dir, tag);
        for (const problem of problems) process.stderr.write(`release: ${problem}\n`);
        if (problems.length > 0) return 1;
        const notes = releaseNotes(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'), tag);
        const missing = RELEASE_ASSETS.filter((file) => !existsSync(join(dir, file)));
        if (missing.length > 0) {
          process.stderr.write(`release: ${missing.join(', ')} missing: run npm run build and commit dist/\n`);
          return 1;
        }
        const commit =
          tryGit(dir, 'rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`) ??
          tryGit(dir, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}') ??
          '(no commit)';
        const major = majorToMove(dir, tag);
        const lines = [
          `dry run of ${tag} at ${commit} (nothing is changed):`,
          `- attest build provenance for ${RELEASE_ASSETS.join(', ')}`,
          `- create the GitHub release ${tag} with ${RELEASE_ASSETS.join(', ')} and these notes (${notes.trimEnd().split('\n').length} lines):`,
          ...notes
            .trimEnd()
            .split('\n')
            .map((line) => `    ${line}`),
          major ? `- move the tag ${major} to ${commit}` : `- leave v${parseTag(tag)[0]} alone: a newer v${parseTag(tag)[0]}.x.y tag exists`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }
    }
  } catch (error) {
    process.stderr.write(`release: ${error instanceof ReleaseError ? error.message : String(error?.message ?? error).split('\n')[0]}\n`);
    return 1;
  }
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
