/**
 * What the fixes need from the network, as an interface: the planner is given one (the GitHub and
 * registry clients at the CLI edge, a fake in tests) or none (offline), and never does I/O itself.
 */

/** A git ref of an action's repository resolved to the commit it names (annotated tags peeled). */
export interface ResolvedRef {
  /** The full 40-hex commit SHA. */
  sha: string;
  kind: 'tag' | 'branch' | 'commit';
}

/** One published release of an action's repository. */
export interface Release {
  tag: string;
  /** When the release was published. */
  publishedAt: Date;
  prerelease: boolean;
}

export interface FixResolver {
  /** The commit a ref of owner/repo names, or null when the repository has no such ref. */
  resolveRef(owner: string, repo: string, ref: string): Promise<ResolvedRef | null>;
  /** The releases of owner/repo, any order (drafts left out). */
  releases(owner: string, repo: string): Promise<Release[]>;
  /** The `sha256:<64 hex>` digest an image reference names today, or null when it cannot be had. */
  imageDigest(image: string): Promise<string | null>;
}
