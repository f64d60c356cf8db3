/**
 * The container image references of a file and what can be said of their pins, for the
 * unpinned-image rule (src/rules/workflows/unpinned-image.ts). Facts only: pure functions of the file.
 */
import { isMap, isScalar, type Node } from 'yaml';
import type { Pos, WorkflowFile } from './model.js';
import { entries, get, jobsOf, posOf, stepsOf, str } from './walk.js';

/** A full 64-hex sha256 digest at the end of an image reference. */
const DIGEST_RE = /@sha256:[0-9a-fA-F]{64}$/;

export interface ImageSite {
  wf: WorkflowFile;
  image: string;
  pos: Pos;
  /** Where it was found, for the message. */
  where: string;
}

/** Every container image reference of a file: job container, services, docker:// steps, Docker action image. */
export function imageSites(wf: WorkflowFile): ImageSite[] {
  const sites: ImageSite[] = [];
  const add = (node: Node | undefined, where: string, stripDockerScheme: boolean): void => {
    if (!isScalar(node)) return;
    const value = str(node);
    if (value === undefined) return;
    let image = value.trim();
    if (stripDockerScheme) {
      if (!image.toLowerCase().startsWith('docker://')) return;
      image = image.slice('docker://'.length);
    }
    sites.push({ wf, image, pos: posOf(wf, node), where });
  };
  if (wf.kind === 'workflow') {
    for (const job of jobsOf(wf)) {
      const container = get(job.node, 'container');
      if (isMap(container)) add(get(container, 'image'), `job ${job.id} container`, false);
      else add(container, `job ${job.id} container`, false);
      for (const [name, , service] of entries(get(job.node, 'services'))) {
        if (isMap(service)) add(get(service, 'image'), `service ${name} of job ${job.id}`, false);
        else add(service, `service ${name} of job ${job.id}`, false);
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
  return sites.sort((a, b) => a.pos.line - b.pos.line || a.pos.column - b.pos.column);
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

/** Whether an image reference ends in a full `@sha256:<64 hex>` digest. */
export function hasFullDigest(image: string): boolean {
  return DIGEST_RE.test(image);
}
