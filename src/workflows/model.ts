/**
 * The typed model of GitHub workflow, action and dependabot files. The parser keeps positions so
 * that each finding points at the line and column of the key or value at fault.
 */
import type { Document } from 'yaml';

export interface Pos {
  line: number;
  column: number;
}

export type WorkflowFileKind = 'workflow' | 'action' | 'dependabot';

export interface WorkflowFile {
  file: string;
  kind: WorkflowFileKind;
  /** The raw text (for inline-ignore comments and line scans). */
  text: string;
  /**
   * The yaml Document with ranges; rules walk it through the helpers in this folder. Aliases are
   * already resolved in place by the parser (the aliased node is shared, so its range points at the
   * anchored text); walkers never meet an `Alias`, and the node graph has no cycles.
   */
  doc: Document.Parsed;
  /** Maps a byte offset in `text` to a 1-based line and column. */
  posAt(offset: number): Pos;
}
