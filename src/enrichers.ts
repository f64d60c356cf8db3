/**
 * The network edge: the package index and GitHub clients, asked before the rules run so the rules
 * stay pure. Both never reject for network trouble; each unanswered question is an error entry.
 */
export { gatherGithubFacts } from './registry/github-refs.js';
export { gatherIndexFacts } from './registry/index-enrich.js';
