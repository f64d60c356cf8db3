/**
 * What the network told us, gathered before the rules run so that rules stay pure.
 * A missing entry means "not asked" (offline, or out of budget); an `error` entry means "asked, no answer".
 */

/** One file of a release as the index lists it (PEP 691 / PyPI JSON, reduced). */
export interface IndexFile {
  filename: string;
  url: string;
  sha256?: string;
  size?: number;
  uploadTime?: string;
  /** false, or the reason string ('' when yanked without a reason). */
  yanked: false | string;
}

export type IndexLookup =
  | {
      status: 'found';
      versions: string[];
      /**
       * Whether `versions` is the index's list (PEP 700 `versions`, or the JSON API's answer for the
       * versions asked). False for pages without it: then "not among the versions" cannot be said.
       * Absent means true.
       */
      versionsListed?: boolean;
      files: IndexFile[];
      projectStatus?: string;
      source: 'simple' | 'json';
    }
  /** The index has no such project (404): removed, or never existed. */
  | { status: 'missing-project' }
  | { status: 'error'; message: string };

export interface IndexFacts {
  projects: Map<string, IndexLookup>;
}

export type RefLookup =
  /** `sha` is the commit; `tagObject` is the annotated tag object's own SHA, when the tag is annotated. */
  { status: 'found'; sha: string; kind: 'tag' | 'branch' | 'commit'; tagObject?: string } | { status: 'missing' } | { status: 'error'; message: string };

export interface GithubFacts {
  /** key `owner/repo@ref` → what the ref points at. */
  refs: Map<string, RefLookup>;
  /** key `owner/repo@sha` → tags pointing at that commit (for `# vX` comments). */
  tagsAtCommit: Map<string, string[] | { error: string }>;
  /** key `owner/repo@sha` → whether the commit is reachable from the repo's branches or tags. */
  reachable: Map<string, boolean | { error: string }>;
  /**
   * key `owner/repo@ref` → whether the symbolic ref a `uses:` names exists both as a branch and as a
   * tag of the repository (ref-confusion). Only asked for refs that resolved as tags.
   */
  branchAndTag?: Map<string, boolean | { error: string }>;
  /** key `owner/repo` (lowercased) → whether the tag listing was complete (stale-action-ref needs "no tag" to be certain). */
  tagListComplete?: Map<string, boolean>;
  /**
   * key `owner/repo@version` (the version as actionVersion computes it) → the GitHub advisories
   * (ecosystem `actions`) that affect that version, or why they could not be asked.
   */
  actionAdvisories?: Map<string, ActionAdvisory[] | { error: string }>;
}

/** A GitHub security advisory about an action, reduced to what vulnerable-action reports. */
export interface ActionAdvisory {
  ghsaId: string;
  /** GitHub's severity: critical, high, medium, low or unknown. */
  severity: string;
  summary: string;
  url: string;
  /** first_patched_version of the entry for this action, when GitHub gives one. */
  firstPatched?: string;
}
