/**
 * A rule's display name, as SARIF's `reportingDescriptor.name` (GitHub code scanning shows it next
 * to the id). SARIF1001 of the SARIF multitool wants the name to be a readable identifier that is
 * not the id: a PascalCase id is the same word for a one-word id (`cooldown`, `Cooldown`), so those
 * get a name that says what is wrong.
 */
const ONE_WORD_NAMES: Readonly<Record<string, string>> = {
  cooldown: 'ReleaseInsideCooldown',
  typosquat: 'TyposquatPackage',
  yanked: 'YankedVersion',
  downgrade: 'PackageDowngrade',
  artipacked: 'CheckoutPersistsCredentials',
};

/** `unpinned-uses` -> `UnpinnedUses`; a one-word id gets its own name (see above). */
export function ruleName(id: string): string {
  const named = Object.hasOwn(ONE_WORD_NAMES, id) ? ONE_WORD_NAMES[id] : undefined;
  if (named) return named;
  const pascal = id.replace(/(^|[-_.])([A-Za-z0-9])/g, (_match, _sep: string, c: string) => c.toUpperCase());
  // A new one-word rule without an entry above still gets a name distinct from its id.
  return pascal.toLowerCase() === id.toLowerCase() ? `${pascal}Rule` : pascal;
}
