import type { Rule } from './types.js';
import { rule as invalidFile } from './invalid-file.js';
import { rule as lockMissing } from './lock-missing.js';
import { rule as lockOutOfSync } from './lock-out-of-sync.js';
import { rule as cooldown } from './cooldown.js';
import { rule as cooldownUnverified } from './cooldown-unverified.js';
import { rule as excludeNewerMissing } from './exclude-newer-missing.js';
import { rule as addBoundsNotExact } from './add-bounds-not-exact.js';
import { rule as unpinnedRequirement } from './unpinned-requirement.js';
import { rule as sourceChanged } from './source-changed.js';
import { rule as hashChanged } from './hash-changed.js';
import { rule as newIndex } from './new-index.js';
import { rule as unsafeIndexStrategy } from './unsafe-index-strategy.js';
import { rule as unpinnedGitSource } from './unpinned-git-source.js';
import { rule as urlSourceUnhashed } from './url-source-unhashed.js';
import { rule as typosquat } from './typosquat.js';
import { rule as yanked } from './yanked.js';
import { rule as ghostFile } from './ghost-file.js';
import { rule as sdistOnly } from './sdist-only.js';
import { rule as downgrade } from './downgrade.js';
import { rule as unpinnedUses } from './unpinned-uses.js';
import { rule as unpinnedImage } from './unpinned-image.js';
import { rule as refVersionMismatch } from './ref-version-mismatch.js';
import { rule as impostorCommit } from './impostor-commit.js';
import { rule as uvUnlocked } from './uv-unlocked.js';
import { rule as pipUnhashed } from './pip-unhashed.js';
import { rule as curlPipeShell } from './curl-pipe-shell.js';
import { rule as templateInjection } from './template-injection.js';
import { rule as dangerousTrigger } from './dangerous-trigger.js';
import { rule as excessivePermissions } from './excessive-permissions.js';
import { rule as artipacked } from './artipacked.js';
import { rule as secretsInherit } from './secrets-inherit.js';
import { rule as dependabotCooldown } from './dependabot-cooldown.js';
import { rule as internalError } from './internal-error.js';

/** Every rule lockgate runs, in report order. Adding a rule: its module, one line here, its docs entry. */
export const RULES: readonly Rule[] = [
  invalidFile,
  lockMissing,
  lockOutOfSync,
  cooldown,
  cooldownUnverified,
  excludeNewerMissing,
  addBoundsNotExact,
  unpinnedRequirement,
  sourceChanged,
  hashChanged,
  newIndex,
  unsafeIndexStrategy,
  unpinnedGitSource,
  urlSourceUnhashed,
  typosquat,
  yanked,
  ghostFile,
  sdistOnly,
  downgrade,
  unpinnedUses,
  unpinnedImage,
  refVersionMismatch,
  impostorCommit,
  uvUnlocked,
  pipUnhashed,
  curlPipeShell,
  templateInjection,
  dangerousTrigger,
  excessivePermissions,
  artipacked,
  secretsInherit,
  dependabotCooldown,
  // Not a check: the framework's finding for a rule that threw (rules/run.ts).
  internalError,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));
