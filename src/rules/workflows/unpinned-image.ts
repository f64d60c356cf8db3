import { hasFullDigest, imageSites, isJudgeableImage, opaqueImageSites } from '../../workflows/pinning.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'unpinned-image',
    defaultSeverity: 'error',
    summary: 'A container image is not pinned by digest.',
    on: 'workflows',
    scope: 'file',
    fixable: true,
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const flagged = imageSites(wf).filter((site) => isJudgeableImage(site.image) && !hasFullDigest(site.image));
      const subjects = occurrenceSubjects(flagged, (site) => site.image);
      flagged.forEach((site, i) => {
        const withoutTag = !/:[^/@]+$/.test(site.image.replace(/@.*$/, ''));
        const floating = withoutTag || /:latest$/i.test(site.image.replace(/@.*$/, ''));
        const tagWords = floating ? 'a floating tag (latest)' : 'a tag';
        const digestLike = site.image.includes('@');
        const message = digestLike
          ? `The image ${site.image} (${site.where}) has a digest that is not a full @sha256:<64 hex>, so it does not pin the content.`
          : `The image ${site.image} (${site.where}) is referenced by ${tagWords}, not by @sha256 digest: the registry can serve different content under the same name at any time.`;
        const base = site.image.replace(/@.*$/, '');
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message,
          fix: `${base}@sha256:<digest>, with the digest from: docker buildx imagetools inspect ${base}   (the "Digest:" line)`,
          subject: subjects[i],
          ...(site.via
            ? { related: site.via.map((pos) => ({ file: wf.file, line: pos.line, column: pos.column, message: 'the image that takes this matrix value' })) }
            : {}),
        });
      });
      // An image only an expression names (an input, a computed matrix): it may be unpinned, and
      // nothing in the file says; zizmor's low-confidence case, a warning here so it does not fail the gate alone.
      for (const site of opaqueImageSites(wf)) {
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message:
            `The image of ${site.where} is ${site.expression}, whose value this file does not show: unless whoever sets it passes a reference ` +
            'with an @sha256 digest, the registry can serve different content under the same name at any time.',
          fix: 'Make sure every value it takes is name@sha256:<digest> (for a reusable workflow input, in each caller), or write the pinned image here.',
          subject: `opaque:${site.where}:${site.expression}`,
          level: 'warning',
          confidence: 'low',
        });
      }
    }
  },
});
