/**
 * The cooldown rules' computation (cooldown, cooldown-unverified), pure: which introduced lock entries are younger than the cooldown,
 * which cannot be dated, and which artifacts break the lock's own `exclude-newer`.
 *
 * The cooldown of a package is the larger of lockgate's setting (input / flag / config) and the
 * project's own relative `exclude-newer` span (its `exclude-newer-package` span when it has one; an
 * absolute per-package timestamp means the project chose a date, not a span, for that package).
 * Age is measured on the youngest NEW artifact of an entry: an artifact base already locked was
 * already accepted. Upload times come from the lock (uv >= 0.6.15) or, when it has none, from the
 * index facts gathered before the rules ran. A new artifact that neither dates is not dated by its
 * siblings: files can be added to a release long after it was published, so such an entry is
 * `dated` by the others but carries `undated` (cooldown-unverified reports it unless the dated files
 * already make it young).
 */
import type { WaivedFinding } from '../../findings.js';
import { artifactFilename, artifactsOf, lookupOf, matchArtifact } from '../../facts/index-facts.js';
import type { IndexFacts } from '../../facts/types.js';
import type { CooldownExemption, Settings } from '../../settings/types.js';
import { excludeNewerPackageEntry, lockCutoffFor, MS_PER_DAY, parseExcludeNewer, parseSpan, parseTimestamp, type LockCutoff } from '../../uv/exclude-newer.js';
import type { IntroducedPackage, Lock, LockArtifact, LockPackage, ProjectPair, UvProject } from '../../uv/model.js';
import { lockByName } from '../../uv/lock.js';
import { normalizeName } from '../../core/text.js';
import { uvSettingsOf } from '../../uv/uv-config.js';
import { entriesOf, own } from '../../uv/values.js';

export interface CooldownInputs {
  /** `base` null (or absent) is a full audit: the head's own exclude-newer-package entries are the reviewed state. */
  settings: Pick<Settings, 'cooldownDays' | 'config'> & Partial<Pick<Settings, 'base'>>;
  now: Date;
  /** Committer time of the head commit: relative spans in the lock count back from it. */
  headTime: Date;
  index: IndexFacts | null;
}

export interface CooldownPolicy {
  ms: number;
  /** Where the length comes from: lockgate's setting, or the project's own exclude-newer. */
  source: 'settings' | 'exclude-newer' | 'exclude-newer-package';
  /** The project's value as written, when it decided. */
  text?: string;
}

export type Waiver = WaivedFinding['waiver'];

export interface WaiverDecision {
  waiver?: Waiver;
  /** A config exemption for the package that has expired: it does not waive, and the finding says so. */
  expired?: CooldownExemption;
  /**
   * The head's exclude-newer-package would waive the finding, but the base does not: the change
   * grants itself the opt-out, which is not honoured (the finding says so, quoting the entry).
   */
  selfGranted?: string;
}

export type EntryAge =
  | {
      kind: 'dated';
      /** Upload time of the youngest new artifact, epoch ms. */
      uploadMs: number;
      /** Where the time came from. */
      from: 'lock' | 'index';
      filename?: string;
      /** New artifacts without any upload time (neither the lock nor the index dates them). */
      undatedArtifacts: number;
      /**
       * When some new artifacts have no upload time: their filenames (or URLs) and what the index said
       * about them. Their age is unknown; the dated files say nothing about them.
       */
      undated?: { files: string[]; index: IndexVerdict };
      /** The lock records an older upload time than the index for this file: the lock was edited. */
      disagreement?: { filename: string; lockMs: number; indexMs: number };
    }
  | { kind: 'undated'; why: UndatedReason };

export type UndatedReason =
  | { kind: 'url'; url: string }
  | { kind: 'git'; url: string; commit: string | null }
  /** A registry entry whose lock has no upload times; `index` says what the index said. */
  | { kind: 'registry'; registry: string; index: IndexVerdict };

export type IndexVerdict =
  | { kind: 'offline' }
  /** Online, but the index was not asked (a local registry path, or the network budget ran out). */
  | { kind: 'not-asked' }
  | { kind: 'error'; message: string }
  | { kind: 'missing-project' }
  /** The index lists none of the locked files. */
  | { kind: 'not-listed' }
  /** The index lists the files without PEP 700 upload times. */
  | { kind: 'no-times' };

export interface CooldownCheck {
  entry: IntroducedPackage;
  /** Local sources (path, directory, editable, virtual) are the repository's own code: no check. */
  age: EntryAge | { kind: 'local' };
  cooldown: CooldownPolicy;
  /** When the version becomes eligible (dated entries only). */
  eligibleMs?: number;
  /** Dated and younger than the cooldown at `now`. */
  young: boolean;
  waiver: WaiverDecision;
}

// ---------------------------------------------------------------------------------------------
// The cooldown length

/** What a project's exclude-newer value sets: a relative span, an absolute cutoff, or nothing usable. */
type ProjectValue = { kind: 'span'; ms: number; text: string } | { kind: 'absolute'; ms: number; text: string } | null;

/** A pyproject value (a string, `false`) or a lock value (`{ span }`, `{ timestamp }`), read once. */
function projectValueOf(value: unknown): ProjectValue {
  if (value === undefined || value === null || value === false) return null;
  if (typeof value === 'string') {
    const parsed = parseExcludeNewer(value);
    if (!parsed.ok) return null;
    if (parsed.value.kind === 'span') return { kind: 'span', ms: parsed.value.span.ms, text: value };
    if (parsed.value.kind === 'timestamp' || parsed.value.kind === 'date') return { kind: 'absolute', ms: parsed.value.ms, text: value };
    return null;
  }
  if (typeof value === 'object') {
    const span = own(value, 'span');
    if (typeof span === 'string') {
      const parsed = parseSpan(span);
      return parsed.ok ? { kind: 'span', ms: parsed.value.ms, text: span } : null;
    }
    const timestamp = own(value, 'timestamp');
    const cutoff = typeof timestamp === 'string' ? projectValueOf(timestamp) : null;
    return cutoff?.kind === 'absolute' ? cutoff : null;
  }
  return null;
}

/** The project's exclude-newer-package value for a name, from the lock and from its settings. */
function packageValues(project: UvProject | null, name: string): unknown[] {
  if (!project) return [];
  const values: unknown[] = [];
  const table = own(uvSettingsOf(project).table, 'exclude-newer-package');
  for (const [key, value] of entriesOf(table)) if (normalizeName(key) === name) values.push(value);
  const fromLock = excludeNewerPackageEntry(project.lock?.options?.excludeNewerPackage, name);
  if (fromLock !== undefined) values.push(fromLock);
  return values;
}

function globalSpanValues(project: UvProject | null): unknown[] {
  if (!project) return [];
  // The setting as written first, so messages quote the user's spelling ("2 weeks", not "P2W").
  const values: unknown[] = [own(uvSettingsOf(project).table, 'exclude-newer')];
  const span = project.lock?.options?.excludeNewerSpan;
  if (typeof span === 'string') values.push({ span });
  return values;
}

/**
 * The cooldown for one package: max(lockgate's days, the project's relative span). A package with
 * its own exclude-newer-package span uses that span instead of the global one, as uv does; one with
 * an absolute per-package date has no project span (only lockgate's days apply).
 */
export function cooldownFor(project: UvProject | null, packageName: string, settingsDays: number): CooldownPolicy {
  const days = Number.isFinite(settingsDays) && settingsDays > 0 ? settingsDays : 0;
  const policy: CooldownPolicy = { ms: Math.round(days * MS_PER_DAY), source: 'settings' };
  const name = normalizeName(packageName);
  const perPackage = packageValues(project, name);
  let source: CooldownPolicy['source'] = 'exclude-newer';
  let candidates = globalSpanValues(project);
  if (perPackage.length > 0) {
    source = 'exclude-newer-package';
    candidates = perPackage;
  }
  for (const candidate of candidates) {
    const span = projectValueOf(candidate);
    if (span?.kind === 'span' && span.ms > policy.ms) {
      policy.ms = span.ms;
      policy.source = source;
      policy.text = span.text;
    }
  }
  return policy;
}

// ---------------------------------------------------------------------------------------------
// Waivers

/** The end of a YYYY-MM-DD day in UTC (an exemption holds through its `until` day), or null. */
export function endOfDayMs(date: string): number | null {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const start = parseTimestamp(`${date}T00:00:00Z`);
  return start === null ? null : start + MS_PER_DAY;
}

/**
 * Whether a package's cooldown findings are waived: by a config exemption that has not expired, or
 * by the project's own `exclude-newer-package` for it (in the lock or its settings): `false`, or an
 * absolute timestamp later than the entry's youngest new file (`uploadMs`). A per-package date is
 * how a project admits one reviewed release past its global cooldown (uv then resolves that
 * package up to the date), so it is honoured as `false` is, for the files it admits; a file at or
 * after it is one uv would not have picked (see lockCutoffBreaches).
 *
 * `reviewed` is the project whose entries count as decided: the base for a change, the head itself
 * for a full audit. An opt-out the head has and the base lacks is one the pull request grants
 * itself, as a config exemption would be if the config were read from the head (it is read from
 * the base for that reason): it does not waive, and `selfGranted` says which entry tried.
 */
export function cooldownWaiver(
  project: UvProject | null,
  packageName: string,
  exemptions: readonly CooldownExemption[] | undefined,
  now: Date,
  uploadMs?: number,
  reviewed: UvProject | null = project,
): WaiverDecision {
  const name = normalizeName(packageName);
  const decision: WaiverDecision = {};
  for (const exemption of Array.isArray(exemptions) ? exemptions : []) {
    if (!exemption || typeof exemption.package !== 'string' || normalizeName(exemption.package) !== name) continue;
    const end = endOfDayMs(exemption.until);
    if (end !== null && now.getTime() < end) {
      return { waiver: { by: 'exemption', reason: exemption.reason, until: exemption.until } };
    }
    decision.expired = exemption;
  }
  const granted = projectWaiver(project, name, uploadMs);
  if (!granted) return decision;
  const { entry, ...waiver } = granted;
  if (reviewed === project || projectWaiver(reviewed, name, uploadMs)) decision.waiver = waiver;
  else decision.selfGranted = entry;
  return decision;
}

/** The waiver a project's own exclude-newer-package entries give a package's files, with the entry as written. */
function projectWaiver(project: UvProject | null, name: string, uploadMs: number | undefined): (Waiver & { entry: string }) | null {
  if (!project) return null;
  const values = packageValues(project, name);
  const file = uvSettingsOf(project).file;
  if (values.some((value) => value === false)) {
    return {
      by: 'exclude-newer-package',
      reason: `exclude-newer-package sets ${name} = false (the project opted this package out of its cooldown; see ${file} or the lock's [options.exclude-newer-package])`,
      entry: `${name} = false`,
    };
  }
  if (typeof uploadMs === 'number' && Number.isFinite(uploadMs)) {
    // The settings' value first (the user's spelling), then the lock's.
    const admitting = values.map(projectValueOf).find((cutoff) => cutoff?.kind === 'absolute' && uploadMs < cutoff.ms);
    if (admitting) {
      return {
        by: 'exclude-newer-package',
        reason: `exclude-newer-package sets ${name} = "${admitting.text}" (the project admitted the releases of this package uploaded before then; see ${file} or the lock's [options.exclude-newer-package])`,
        entry: `${name} = "${admitting.text}"`,
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Ages

function uploadMsOf(text: unknown): number | null {
  return typeof text === 'string' ? parseTimestamp(text) : null;
}

/** The age of an introduced entry: the youngest new artifact's upload time, from the lock or the index. */
export function ageOf(entry: IntroducedPackage, index: IndexFacts | null): EntryAge | { kind: 'local' } {
  const pkg = entry.package;
  const source = pkg.source;
  if (source.kind === 'url') return { kind: 'undated', why: { kind: 'url', url: source.url } };
  if (source.kind === 'git') return { kind: 'undated', why: { kind: 'git', url: source.url, commit: source.commit } };
  if (source.kind !== 'registry') return { kind: 'local' };

  const artifacts = Array.isArray(entry.newArtifacts) && entry.newArtifacts.length > 0 ? entry.newArtifacts : artifactsOf(pkg);
  const lookup = lookupOf(index, pkg);
  const indexFiles = lookup?.status === 'found' ? lookup.files : [];
  let youngest: { uploadMs: number; from: 'lock' | 'index'; filename?: string } | null = null;
  let disagreement: { filename: string; lockMs: number; indexMs: number } | undefined;
  let undatedArtifacts = 0;
  let listedWithoutTime = 0;
  const undatedFiles: string[] = [];
  for (const artifact of artifacts) {
    const lockMs = uploadMsOf(artifact.uploadTime);
    let indexMs: number | null = null;
    if (indexFiles.length > 0) {
      const match = matchArtifact(artifact, indexFiles);
      if (match.kind === 'listed') {
        indexMs = uploadMsOf(match.file.uploadTime);
        if (indexMs === null && lockMs === null) listedWithoutTime++;
      }
    }
    // The index is the authority when it answers: a lock is text anyone in the change can edit.
    // uv truncates to milliseconds, so only a difference beyond a second counts as disagreement.
    let uploadMs: number | null = lockMs;
    let from: 'lock' | 'index' = 'lock';
    if (indexMs !== null && (lockMs === null || indexMs > lockMs)) {
      if (lockMs !== null && indexMs - lockMs > 1000 && (!disagreement || indexMs > disagreement.indexMs)) {
        disagreement = { filename: artifactFilename(artifact) ?? '', lockMs, indexMs };
      }
      uploadMs = indexMs;
      from = lockMs !== null && indexMs - lockMs <= 1000 ? 'lock' : 'index';
    }
    if (uploadMs === null) {
      undatedArtifacts++;
      undatedFiles.push(artifactFilename(artifact) ?? artifact.url ?? artifact.path ?? `an ${artifact.kind}`);
      continue;
    }
    if (!youngest || uploadMs > youngest.uploadMs) {
      youngest = { uploadMs, from };
      const filename = artifactFilename(artifact);
      if (filename) youngest.filename = filename;
    }
  }
  let verdict: IndexVerdict;
  if (index === null) verdict = { kind: 'offline' };
  else if (!lookup) verdict = { kind: 'not-asked' };
  else if (lookup.status === 'error') verdict = { kind: 'error', message: lookup.message };
  else if (lookup.status === 'missing-project') verdict = { kind: 'missing-project' };
  else if (listedWithoutTime > 0) verdict = { kind: 'no-times' };
  else verdict = { kind: 'not-listed' };

  if (youngest) {
    const dated: Extract<EntryAge, { kind: 'dated' }> = { kind: 'dated', ...youngest, undatedArtifacts };
    if (disagreement) dated.disagreement = disagreement;
    if (undatedFiles.length > 0) dated.undated = { files: undatedFiles, index: verdict };
    return dated;
  }
  return { kind: 'undated', why: { kind: 'registry', registry: source.url, index: verdict } };
}

/** Assess every introduced entry of a project pair. */
export function checkCooldown(pair: ProjectPair, inputs: CooldownInputs): CooldownCheck[] {
  const checks: CooldownCheck[] = [];
  const project = pair.head;
  // A change's own exclude-newer-package entries are not yet reviewed; a full audit's are (see
  // cooldownWaiver). A project the change adds has no reviewed entries at all.
  const reviewed = pair.base ?? (inputs.settings.base == null ? project : null);
  const introduced = Array.isArray(pair.introduced) ? pair.introduced : [];
  for (const entry of introduced) {
    if (!entry?.package || typeof entry.package.name !== 'string') continue;
    const name = entry.package.name;
    const cooldown = cooldownFor(project, name, inputs.settings.cooldownDays);
    const age = ageOf(entry, inputs.index);
    const check: CooldownCheck = {
      entry,
      age,
      cooldown,
      young: false,
      waiver: cooldownWaiver(project, name, inputs.settings.config?.cooldown?.exempt, inputs.now, age.kind === 'dated' ? age.uploadMs : undefined, reviewed),
    };
    if (age.kind === 'dated') {
      check.eligibleMs = age.uploadMs + cooldown.ms;
      check.young = inputs.now.getTime() < check.eligibleMs;
    }
    checks.push(check);
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// The lock against its own cutoff

export interface CutoffBreach {
  pkg: LockPackage;
  cutoff: Extract<LockCutoff, { kind: 'cutoff' }>;
  /** The youngest artifact past the cutoff. */
  artifact: LockArtifact;
  uploadMs: number;
  /** How many artifacts of the package are past the cutoff. */
  count: number;
  /** False when base locked the same file and it broke base's cutoff too. */
  introduced: boolean;
}

/**
 * The files of an entry uv would not have written under the cutoff. uv excludes a file uploaded at
 * or after the cutoff (uv-resolver `version_map.rs`, `upload_time >= cutoff`), and writes a
 * version's files from the distribution it chose (uv-distribution-types
 * `prioritized_distribution.rs`): through a wheel (`built_dist`), the wheels that were not
 * excluded plus the sdist whatever its time; through the sdist (`source_dist`, when every wheel was
 * excluded), the sdist, which must have passed, plus every wheel whatever its time. So an sdist
 * newer than the cutoff beside an admitted wheel, or wheels newer than the cutoff beside an
 * admitted sdist, are uv's own doing, not a breach. Files without an upload time are left out
 * either way (uv excludes them under a cutoff, but a lock omits times that the index had).
 */
function breachingArtifacts(pkg: LockPackage, cutoffMs: number): { artifact: LockArtifact; uploadMs: number }[] {
  const past: { artifact: LockArtifact; uploadMs: number }[] = [];
  let admittedWheel = false;
  let admittedSdist = false;
  for (const artifact of artifactsOf(pkg)) {
    const uploadMs = uploadMsOf(artifact.uploadTime);
    if (uploadMs !== null && uploadMs >= cutoffMs) past.push({ artifact, uploadMs });
    else if (uploadMs !== null) {
      if (artifact.kind === 'wheel') admittedWheel = true;
      else if (artifact.kind === 'sdist') admittedSdist = true;
    }
  }
  // With both a wheel and the sdist admitted, either path may have been taken (the sdist one when
  // the admitted wheels do not fit the environments), so neither kind of late file is a breach.
  return past.filter(({ artifact }) => (artifact.kind === 'sdist' ? !admittedWheel : !admittedSdist));
}

/**
 * Registry artifacts uploaded after the cutoff the lock itself records (uv applies exclude-newer to
 * registry packages only). Every head package is checked, because a change that adds or tightens
 * exclude-newer without re-resolving leaves old entries past the new cutoff; `introduced` says
 * whether base already had the same breach.
 */
export function lockCutoffBreaches(pair: ProjectPair, headTime: Date): CutoffBreach[] {
  const lock = pair.head?.lock;
  if (!lock || !Array.isArray(lock.packages)) return [];
  const baseLock = pair.base?.lock ?? null;
  const breaches: CutoffBreach[] = [];
  for (const pkg of lock.packages) {
    if (!pkg || pkg.source?.kind !== 'registry' || typeof pkg.name !== 'string') continue;
    const cutoff = lockCutoffFor(lock.options, pkg.name, headTime);
    if (cutoff.kind !== 'cutoff') continue;
    const past = breachingArtifacts(pkg, cutoff.ms);
    if (past.length === 0) continue;
    past.sort((a, b) => b.uploadMs - a.uploadMs);
    const youngest = past[0]!;
    breaches.push({
      pkg,
      cutoff,
      artifact: youngest.artifact,
      uploadMs: youngest.uploadMs,
      count: past.length,
      introduced: baseLock === null || !breachedAtBase(baseLock, pkg, youngest.artifact, headTime),
    });
  }
  return breaches;
}

function breachedAtBase(baseLock: Lock, pkg: LockPackage, artifact: LockArtifact, headTime: Date): boolean {
  if (!Array.isArray(baseLock.packages)) return false;
  const name = normalizeName(pkg.name);
  const filename = artifactFilename(artifact);
  const cutoff = lockCutoffFor(baseLock.options, pkg.name, headTime);
  if (cutoff.kind !== 'cutoff') return false;
  for (const basePkg of lockByName(baseLock).get(name) ?? []) {
    if (basePkg.version !== pkg.version) continue;
    for (const { artifact: baseArtifact } of breachingArtifacts(basePkg, cutoff.ms)) {
      if (artifactFilename(baseArtifact) === filename) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Text helpers for messages

/** `2026-08-19 10:00 UTC` (minutes; seconds rounded up so "eligible at" is never early). */
export function formatUtcMinute(ms: number, roundUp = false): string {
  const minute = 60_000;
  const rounded = roundUp ? Math.ceil(ms / minute) * minute : Math.floor(ms / minute) * minute;
  const iso = new Date(rounded).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
