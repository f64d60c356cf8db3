/**
 * The `permissions:` of a workflow or a job, read into one shape.
 */
import { isMap, isScalar, type Node, type Scalar } from 'yaml';
import { entries, getPair, str } from './walk.js';

export interface PermissionScope {
  /** Scope name as written, lower-cased (`contents`, `pull-requests`, `id-token` …). */
  name: string;
  /** `read`, `write`, `none`, or whatever odd value was written (lower-cased). */
  level: string;
  keyNode: Scalar;
}

export type Permissions =
  /** No `permissions:` key: the default token permissions apply (or the workflow's, for a job). */
  | { kind: 'absent' }
  | { kind: 'write-all' | 'read-all'; keyNode: Scalar }
  /** A map of scopes (`{}` is an empty list: no permissions at all). */
  | { kind: 'scopes'; keyNode: Scalar; scopes: PermissionScope[] }
  /** Anything else (an expression, a typo): lockgate does not guess. */
  | { kind: 'other'; keyNode: Scalar };

/** Reads the `permissions:` key of a workflow root or a job node. */
export function permissionsOf(owner: unknown): Permissions {
  const pair = getPair(owner, 'permissions');
  if (!pair) return { kind: 'absent' };
  const keyNode = pair.key;
  const value = pair.value as Node | null;
  if (value === null || (isScalar(value) && (value.value === null || value.value === undefined))) {
    // `permissions:` with nothing after it is null, which GitHub reads as no permissions.
    return { kind: 'scopes', keyNode, scopes: [] };
  }
  if (isScalar(value)) {
    const text = (str(value) ?? '').trim().toLowerCase();
    if (text === 'write-all' || text === 'read-all') return { kind: text, keyNode };
    return { kind: 'other', keyNode };
  }
  if (isMap(value)) {
    const scopes = entries(value).map(([name, scopeKey, level]) => ({
      name: name.toLowerCase(),
      level: (str(level) ?? '').trim().toLowerCase(),
      keyNode: scopeKey,
    }));
    return { kind: 'scopes', keyNode, scopes };
  }
  return { kind: 'other', keyNode };
}
