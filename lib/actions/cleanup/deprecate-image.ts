/**
 * `deprecate-image`: image retention's gentler retirement (`imageRefresh.retire: deprecate`). The image
 * stays registered with its snapshots, and launchable by id, but drops out of listings and consoles, so
 * nobody picks it for something new. Nothing is deleted, so there is no mark to require: the checks are
 * the deregistration's own (still there, not protected, nothing launches from it), on fresh state.
 */
import { isProtected } from '../../model/tags';
import { defineAction, need, type Check } from '../action-module';
import { imagesNow } from './deregister-image';
import { fromDeleted, orphanBatch, orphanWords } from './orphan';

const MINUTE = 60_000;

/**
 * When to deprecate: AWS takes no time in the past and rounds seconds to the minute, so the first whole
 * minute at least a minute from now.
 */
export const deprecationTime = (now: Date): Date =>
  new Date(Math.ceil((now.getTime() + MINUTE) / MINUTE) * MINUTE);

export const deprecateImage = defineAction({
  type: 'deprecate-image',
  permissions: ['ec2:EnableImageDeprecation'],
  batchKey: orphanBatch,

  async verify(items, ports) {
    const now = await imagesNow(
      need(ports, 'cleanupReads', 'deprecate-image'),
      items.map((i) => i.action.resourceId),
    );
    return items.map(({ action: a }): Check => {
      const image = now.get(a.resourceId);
      if (!image) return { ok: false, detail: 'already gone' };
      if (isProtected(image.tags))
        return { ok: false, detail: 'it is protected now (autopilot:protect=true)' };
      if (image.user) return { ok: false, detail: `${image.user} uses it now; kept` };
      return { ok: true };
    });
  },

  apply: async ({ action: a }, ports, ctx) =>
    fromDeleted(
      await need(ports, 'cleanupWrites', a.type).deprecateImage(a.resourceId, deprecationTime(ctx.now())),
      a,
    ),

  line: orphanWords.line,
  headline: orphanWords.headline,
});
