/**
 * A base or head that cannot be made readable (not fetched, not in the API): the user's to fix, so
 * one line without a stack. Its own module so that the action's entry can recognise it without
 * loading ./fetch.ts (and node:child_process) on an early exit.
 */
export class RevisionError extends Error {}
