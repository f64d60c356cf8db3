/**
 * The network edge: the package index and GitHub clients, asked before the rules run so the rules
 * stay pure. Both never reject for network trouble; each unanswered question is an error entry.
 */
export { gatherGithubFacts } from './net/github-enrich.js';
export { gatherIndexFacts } from './net/index-enrich.js';
