import type { Rule } from './types.js';
import { rule as invalidFile } from './uv/invalid-file.js';
import { rule as lockMissing } from './uv/lock-missing.js';
import { rule as lockOutOfSync } from './uv/lock-out-of-sync.js';
import { rule as cooldown } from './uv/cooldown.js';
import { rule as cooldownUnverified } from './uv/cooldown-unverified.js';
import { rule as excludeNewerMissing } from './uv/exclude-newer-missing.js';
import { rule as addBoundsNotExact } from './uv/add-bounds-not-exact.js';
import { rule as unpinnedRequirement } from './uv/unpinned-requirement.js';
import { rule as sourceChanged } from './uv/source-changed.js';
import { rule as hashChanged } from './uv/hash-changed.js';
import { rule as newIndex } from './uv/new-index.js';
import { rule as unsafeIndexStrategy } from './uv/unsafe-index-strategy.js';
import { rule as unpinnedGitSource } from './uv/unpinned-git-source.js';
import { rule as urlSourceUnhashed } from './uv/url-source-unhashed.js';
import { rule as typosquat } from './uv/typosquat.js';
import { rule as yanked } from './uv/yanked.js';
import { rule as ghostFile } from './uv/ghost-file.js';
import { rule as sdistOnly } from './uv/sdist-only.js';
import { rule as downgrade } from './uv/downgrade.js';
import { rule as maliciousPackage } from './uv/malicious-package.js';
import { rule as vulnerablePackage } from './uv/vulnerable-package.js';
import { rule as unpinnedUses } from './workflows/unpinned-uses.js';
import { rule as unpinnedImage } from './workflows/unpinned-image.js';
import { rule as refVersionMismatch } from './workflows/ref-version-mismatch.js';
import { rule as impostorCommit } from './workflows/impostor-commit.js';
import { rule as refConfusion } from './workflows/ref-confusion.js';
import { rule as staleActionRef } from './workflows/stale-action-ref.js';
import { rule as vulnerableAction } from './workflows/vulnerable-action.js';
import { rule as uvUnlocked } from './workflows/uv-unlocked.js';
import { rule as pipUnhashed } from './workflows/pip-unhashed.js';
import { rule as curlPipeShell } from './workflows/curl-pipe-shell.js';
import { rule as templateInjection } from './workflows/template-injection.js';
import { rule as dangerousTrigger } from './workflows/dangerous-trigger.js';
import { rule as excessivePermissions } from './workflows/excessive-permissions.js';
import { rule as artipacked } from './workflows/artipacked.js';
import { rule as secretsInherit } from './workflows/secrets-inherit.js';
import { rule as dependabotCooldown } from './workflows/dependabot-cooldown.js';
import { rule as botCondition } from './workflows/bot-condition.js';
import { rule as overprovisionedSecrets } from './workflows/overprovisioned-secrets.js';
import { rule as unredactedSecret } from './workflows/unredacted-secret.js';
import { rule as obfuscation } from './workflows/obfuscation.js';
import { rule as unsoundContains } from './workflows/unsound-contains.js';
import { rule as unsoundCondition } from './workflows/unsound-condition.js';
import { rule as insecureCommands } from './workflows/insecure-commands.js';
import { rule as workflowInvalid } from './workflows/workflow-invalid.js';
import { rule as archivedUses } from './workflows/archived-uses.js';
import { rule as forbiddenUses } from './workflows/forbidden-uses.js';
import { rule as typosquatUses } from './workflows/typosquat-uses.js';
import { rule as cachePoisoning } from './workflows/cache-poisoning.js';
import { rule as useTrustedPublishing } from './workflows/use-trusted-publishing.js';
import { rule as githubEnv } from './workflows/github-env.js';
import { rule as hardcodedContainerCredentials } from './workflows/hardcoded-container-credentials.js';
import { rule as dependabotExecution } from './workflows/dependabot-execution.js';
import { rule as misfeature } from './workflows/misfeature.js';
import { rule as githubApp } from './workflows/github-app.js';
import { rule as unpinnedTool } from './workflows/unpinned-tool.js';
import { rule as setupUvUnpinned } from './workflows/setup-uv-unpinned.js';
import { rule as uvCacheInPublish } from './workflows/uv-cache-in-publish.js';
import { rule as pipInUvRun } from './workflows/pip-in-uv-run.js';
import { rule as uvLockOverridden } from './workflows/uv-lock-overridden.js';
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
  maliciousPackage,
  vulnerablePackage,
  unpinnedUses,
  unpinnedImage,
  refVersionMismatch,
  impostorCommit,
  refConfusion,
  staleActionRef,
  vulnerableAction,
  uvUnlocked,
  pipUnhashed,
  curlPipeShell,
  templateInjection,
  dangerousTrigger,
  excessivePermissions,
  artipacked,
  secretsInherit,
  dependabotCooldown,
  botCondition,
  overprovisionedSecrets,
  unredactedSecret,
  obfuscation,
  unsoundContains,
  unsoundCondition,
  insecureCommands,
  workflowInvalid,
  archivedUses,
  forbiddenUses,
  typosquatUses,
  cachePoisoning,
  useTrustedPublishing,
  githubEnv,
  hardcodedContainerCredentials,
  dependabotExecution,
  misfeature,
  githubApp,
  unpinnedTool,
  setupUvUnpinned,
  uvCacheInPublish,
  pipInUvRun,
  uvLockOverridden,
  // Not a check: the framework's finding for a rule that threw (rules/run.ts).
  internalError,
];
