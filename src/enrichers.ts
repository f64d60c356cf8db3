/**
 * The network edge: the package index, GitHub and OSV clients, asked before the rules run so the
 * rules stay pure. None rejects for network trouble; each unanswered question is an error entry.
 */
export { gatherGithubFacts } from './net/github-enrich.js';
export { gatherIndexFacts } from './net/index-enrich.js';
export { gatherAdvisoryFacts } from './net/osv.js';
