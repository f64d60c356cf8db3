/**
 * The container image references of a file and what can be said of their pins, for the
 * unpinned-image rule (src/rules/workflows/unpinned-image.ts). Facts only: pure functions of the file.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { findExpressions, knownValues, parseExpression, truthy } from './expressions.js';
import type { Pos, WorkflowFile } from './model.js';
import { entries, get, items, jobsOf, posOf, stepsOf, str } from './walk.js';

/** A full 64-hex sha256 digest at the end of an image reference. */
const DIGEST_RE = /@sha256:[0-9a-fA-F]{64}$/;

export interface ImageSite {
  wf: WorkflowFile;
  image: string;
  pos: Pos;
  /** Where it was found, for the message. */
  where: string;
  /** For a matrix value: the `${{ matrix.X }}` image lines it feeds (where zizmor reports it). */
  via?: Pos[];
}

/**
 * Every container image reference of a file: job container, services (string and map forms, the
 * literal values of a matrix axis they expand), docker:// steps, Docker action image.
 */
export function imageSites(wf: WorkflowFile): ImageSite[] {
  const sites: ImageSite[] = [];
  let fromMatrix = false;
  const add = (node: Node | undefined, where: string, stripDockerScheme: boolean, via?: Pos): void => {
    if (!isScalar(node)) return;
    const value = str(node);
    if (value === undefined) return;
    let image = value.trim();
    const named = stripDockerScheme ? null : expressionImagesOf(image);
    for (const literal of named?.images ?? []) sites.push({ wf, image: literal, pos: posOf(wf, node), where: `${where}, one value of its expression` });
    if (named?.complete) return;
    if (stripDockerScheme) {
      if (!image.toLowerCase().startsWith('docker://')) return;
      image = image.slice('docker://'.length);
    }
    const site: ImageSite = { wf, image, pos: posOf(wf, node), where };
    if (via) site.via = [via];
    sites.push(site);
  };
  if (wf.kind === 'workflow') {
    for (const job of jobsOf(wf)) {
      // An image that is only `${{ matrix.X }}` is each literal value of X, reported where it is written.
      const addImage = (node: Node | undefined, where: string): void => {
        const axis = matrixAxisOf(node);
        if (axis === null) return add(node, where, false);
        fromMatrix = true;
        const via = node ? posOf(wf, node) : undefined;
        for (const value of matrixValues(get(get(job.node, 'strategy'), 'matrix'), axis)) add(value, `${where}, from matrix.${axis}`, false, via);
      };
      const container = get(job.node, 'container');
      if (isMap(container)) addImage(get(container, 'image'), `job ${job.id} container`);
      else addImage(container, `job ${job.id} container`);
      for (const [name, , service] of entries(get(job.node, 'services'))) {
        if (isMap(service)) addImage(get(service, 'image'), `service ${name} of job ${job.id}`);
        else addImage(service, `service ${name} of job ${job.id}`);
      }
    }
  }
  for (const step of stepsOf(wf)) add(get(step.node, 'uses'), step.job ? `a step of job ${step.job}` : 'a step', true);
  if (wf.kind === 'action') {
    const runs = get(wf.doc.contents, 'runs');
    const using = str(get(runs, 'using'))?.toLowerCase();
    const imageNode = get(runs, 'image');
    const image = str(imageNode)?.trim();
    // `image: Dockerfile` or a path builds from this repository; only `docker://` pulls a registry image.
    if (using === 'docker' && image !== undefined && image.toLowerCase().startsWith('docker://')) add(imageNode, 'the Docker action', true);
  }
  sites.sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
  if (!fromMatrix) return sites;
  // A matrix value that feeds two images is one thing to pin: one site.
  const seen = new Map<string, ImageSite>();
  return sites.filter((site) => {
    const key = `${site.pos.line}:${site.pos.column}`;
    const first = seen.get(key);
    if (first) {
      if (site.via) first.via = [...(first.via ?? []), ...site.via];
      return false;
    }
    seen.set(key, site);
    return true;
  });
}

/** `X` when an image value is exactly `${{ matrix.X }}` (X a plain name), else null. */
function matrixAxisOf(node: Node | undefined): string | null {
  if (!isScalar(node)) return null;
  const match = /^\s*\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}\s*$/.exec(str(node) ?? '');
  return match ? match[1] : null;
}

/**
 * The literal scalars a matrix axis takes: the items of its list and the values `include:` entries
 * give it. An axis or an `include:` written as an expression (`${{ fromJSON(…) }}`) gives nothing
 * here: its values are not in the file. Axis names are matched without case, as GitHub does.
 */
function matrixValues(matrix: Node | undefined, axis: string): Node[] {
  if (!isMap(matrix)) return [];
  const name = axis.toLowerCase();
  const values: Node[] = [];
  for (const [key, , value] of entries(matrix)) {
    const lower = key.toLowerCase();
    if (lower === name) for (const item of items(value)) if (isScalar(item)) values.push(item);
    if (lower === 'include') {
      for (const entry of items(value)) {
        for (const [entryKey, , entryValue] of entries(entry)) if (entryKey.toLowerCase() === name && isScalar(entryValue)) values.push(entryValue);
      }
    }
  }
  return values;
}

/**
 * Whether an image reference can be judged statically. Empty (a disabled container in a matrix) and
 * pure expressions are skipped; `name@${{ ... }}` may carry a digest. `python:${{ matrix.v }}` is
 * judged: whatever the expression gives, the reference has no digest.
 */
export function isJudgeableImage(image: string): boolean {
  if (image === '') return false;
  if (/^\$\{\{[^}]*\}\}$/.test(image)) return false;
  if (/@\s*\$\{\{/.test(image)) return false;
  return true;
}

/**
 * The images a value that is one whole expression can name, judged as if each were written there:
 * `${{ matrix.os == 'ubuntu-latest' && 'redis' || '' }}` names only `redis` (`''` is no image: the
 * service or container is off). `complete` is false when it may also give a value the file does not
 * hold (`inputs.image || 'redis:7'`: that rest is opaqueImageSites' warning), and when all it can
 * give is known but one value is no image name (`true`, `1`): then none of its literals is judged.
 * Null when it is not one expression.
 */
function expressionImagesOf(value: string): { images: string[]; complete: boolean } | null {
  const spans = findExpressions(value);
  if (spans.length !== 1 || spans[0]!.start !== 0 || spans[0]!.end !== value.length) return null;
  const expr = parseExpression(spans[0]!.body.trim());
  if (!expr) return null;
  const known = knownValues(expr);
  const images = new Set<string>();
  for (const candidate of known.values) {
    if (typeof candidate === 'string' && candidate.trim() !== '') images.add(candidate.trim());
    else if (typeof candidate !== 'string' && truthy(candidate) && !known.anyUnknown) return { images: [], complete: false };
  }
  return { images: [...images], complete: !known.anyUnknown };
}

/** Whether an image reference ends in a full `@sha256:<64 hex>` digest. */
export function hasFullDigest(image: string): boolean {
  return DIGEST_RE.test(image);
}

/** An image reference given only by an expression, whose value the file does not hold. */
export interface OpaqueImageSite {
  /** The expression as written (`${{ inputs.image }}`). */
  expression: string;
  pos: Pos;
  where: string;
}

/**
 * The job containers and services whose image is only an expression lockgate cannot expand: an
 * input, an output, a matrix axis without literal values (`fromJSON(…)`). zizmor reports these as
 * "may be unpinned" with low confidence; imageSites skips them (nothing to judge). A matrix axis
 * with literal values is expanded by imageSites instead, and `name@${{ … }}` may carry a digest.
 */
export function opaqueImageSites(wf: WorkflowFile): OpaqueImageSite[] {
  if (wf.kind !== 'workflow') return [];
  const sites: OpaqueImageSite[] = [];
  for (const job of jobsOf(wf)) {
    const check = (node: Node | undefined, where: string): void => {
      if (!isScalar(node)) return;
      const value = (str(node) ?? '').trim();
      if (!/^\$\{\{[^}]*\}\}$/.test(value)) return;
      if (expressionImagesOf(value)?.complete) return;
      const axis = matrixAxisOf(node);
      if (axis !== null && matrixValues(get(get(job.node, 'strategy'), 'matrix'), axis).length > 0) return;
      sites.push({ expression: value, pos: posOf(wf, node), where });
    };
    const container = get(job.node, 'container');
    check(isMap(container) ? get(container, 'image') : container, `job ${job.id} container`);
    for (const [name, , service] of entries(get(job.node, 'services'))) {
      check(isMap(service) ? get(service, 'image') : service, `service ${name} of job ${job.id}`);
    }
  }
  return sites;
}
