/**
 * `npm run score:typosquat [-- DIR] [--top N] [--names FILE]`
 *
 * Prints the matcher's recall on known malicious typosquats and its false flags on legitimate
 * look-alikes, by technique and by category. DIR holds malicious.tsv and legit.tsv (default:
 * fixtures/typosquat, a copy of the labeled training set). --names FILE also counts how many names
 * of a large list (one name a line, or a TSV whose first column is the name) would be flagged: the
 * rule's cost on packages nobody labeled.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOP } from '../src/typosquat/matcher.js';
import { typosquatLevel } from '../src/rules/uv/typosquat.js';
import { TyposquatMatcher } from '../src/typosquat/matcher.js';
import { shippedRanking } from '../src/typosquat/ranking.js';
import { formatScore, parseLegit, parseMalicious, scoreTyposquat } from '../src/typosquat/score.js';

function main(argv: string[]): void {
  let dir = 'fixtures/typosquat';
  let top = DEFAULT_TOP;
  let namesFile: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--top') top = Number(argv[++i]);
    else if (arg === '--names') namesFile = argv[++i] ?? null;
    else dir = arg;
  }
  if (!Number.isInteger(top) || top < 1) throw new Error('--top needs a positive whole number');
  const ranking = shippedRanking();
  const matcher = new TyposquatMatcher(ranking, { top });
  const malicious = parseMalicious(readFileSync(join(dir, 'malicious.tsv'), 'utf8'));
  const legit = parseLegit(readFileSync(join(dir, 'legit.tsv'), 'utf8'));
  const score = scoreTyposquat(matcher, malicious, legit, typosquatLevel);
  process.stdout.write(formatScore(score, `Typosquat score: ${dir}, targets = top ${top} of the ranking of ${ranking.month}`));

  // How the choice of typosquat.top trades recall for flags on little-used legitimate names.
  process.stdout.write(
    '\nBy typosquat.top (recall at warning or above; ranked / unranked legitimate names flagged at any severity, unranked at warning or above):\n',
  );
  for (const n of [1000, 2500, 5000, 10000, 15000]) {
    const s = n === top ? score : scoreTyposquat(new TyposquatMatcher(ranking, { top: n }), malicious, legit, typosquatLevel);
    const unrankedWarned = s.legit.unrankedFlagged.filter((f) => f.severity !== 'notice').length;
    process.stdout.write(
      `  top ${String(n).padStart(5)}${n === DEFAULT_TOP ? ' (default)' : '          '}  recall ${((100 * s.malicious.recall).toFixed(1) + '%').padStart(6)}` +
        `   ranked flagged ${s.legit.rankedFlagged.length}   unranked flagged ${s.legit.unrankedFlagged.length}/${s.legit.unrankedTotal} (${unrankedWarned} at warning or above)\n`,
    );
  }

  if (namesFile) {
    const counts = { error: 0, warning: 0, notice: 0 };
    let total = 0;
    const started = performance.now();
    for (const line of readFileSync(namesFile, 'utf8').split('\n')) {
      const name = line.split('\t')[0]!.trim();
      if (name === '' || name === 'name') continue;
      total++;
      const match = matcher.match(name);
      if (match) counts[typosquatLevel(match)]++;
    }
    const ms = performance.now() - started;
    process.stdout.write(
      `\nNames in ${namesFile}: ${total}; flagged: error ${counts.error}, warning ${counts.warning}, notice ${counts.notice} ` +
        `(${(((counts.error + counts.warning) / Math.max(1, total)) * 100).toFixed(2)}% at warning or above; ${ms.toFixed(0)} ms)\n`,
    );
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`score-typosquat: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
