import type { MediaSweepReport } from '@shop/contracts';
import { isImageId } from './product-image';
import type { MediaSweepRepository, MediaSweepTransaction, SweptMediaObjects } from './media-sweep.ports';

/** What the sweep of unreferenced media is built from. */
export interface MediaSweepServiceDeps {
  repository: MediaSweepRepository;
  media: SweptMediaObjects;
  /** How long an image's objects outlive its last product (MEDIA_ORPHAN_GRACE_SECONDS). */
  graceSeconds: number;
  /** Orphans taken per sweep at most; the next sweep goes on with the rest. Default 500. */
  orphansPerSweep?: number;
  clock?: () => Date;
}


/** Image ids asked about per query in the listing pass. */
const RECORDED_LOOKUP_BATCH = 500;

/**
 * Deletes the media objects of images no product has any more, never those of an image a row refers to.
 *
 * Safety does not rest on the orphan list or on timing: each image is deleted in a transaction that holds the
 * image's lock and first checks again that no product has it, and an attach takes the same lock, checks that every
 * variant object is there (rendering again when one is not) and inserts its row before letting go. So either the
 * attach's row is committed before the sweep looks (the sweep leaves the image), or the sweep's deletes are done
 * before the attach looks (the attach stores the objects again). The grace period only keeps URLs that pages and
 * caches still name alive for a while.
 *
 * Two passes: the orphan list (filled when an image loses its last product), and a listing of the store for objects
 * neither a row nor the list knows, which catches uploads that crashed between their objects and their row, a product
 * delete that raced a detach of the same image, and objects older than the orphan list itself. Those have no detach
 * time, so the grace counts from their newest object's.
 */
export class MediaSweepService {
  private readonly clock: () => Date;

  constructor(private readonly deps: MediaSweepServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** One sweep of both passes. A failing store call ends it (the entries stay for the next sweep). */
  async sweepUnreferencedMedia(): Promise<MediaSweepReport> {
    const cutoff = new Date(this.clock().getTime() - this.deps.graceSeconds * 1000);
    const report: MediaSweepReport = { orphansSwept: 0, orphansAdopted: 0, unrecordedSwept: 0, objectsDeleted: 0 };
    await this.sweepOrphans(cutoff, report);
    await this.sweepUnrecorded(cutoff, report);
    return report;
  }

  private async sweepOrphans(cutoff: Date, report: MediaSweepReport): Promise<void> {
    const orphans = await this.deps.repository.orphanedBefore(cutoff, this.deps.orphansPerSweep ?? 500);
    for (const imageId of orphans) {
      await this.deps.repository.withImageLock(imageId, async (tx) => {
        if (await tx.isReferenced()) {
          report.orphansAdopted += 1;
          await tx.forgetOrphan();
          return;
        }
        // Looked at again under the lock: since the list was read, the image may have been attached and detached
        // again (a fresh grace period), or swept by another replica (no entry any more).
        const orphanedAt = await tx.orphanedAt();
        if (!orphanedAt || orphanedAt >= cutoff) return;
        report.objectsDeleted += await this.deleteObjectsOf(imageId);
        report.orphansSwept += 1;
        await tx.forgetOrphan();
      });
    }
  }

  private async sweepUnrecorded(cutoff: Date, report: MediaSweepReport): Promise<void> {
    const newestObjectOf = new Map<string, Date>();
    for await (const object of this.deps.media.list()) {
      const imageId = imageIdOf(object.name);
      // Only objects named like an image's variants are the catalog's to judge; anything else is left alone.
      if (!imageId) continue;
      const newest = newestObjectOf.get(imageId);
      if (!newest || object.lastModified > newest) newestObjectOf.set(imageId, object.lastModified);
    }
    const candidates = [...newestObjectOf].filter(([, newest]) => newest < cutoff).map(([imageId]) => imageId);
    for (let start = 0; start < candidates.length; start += RECORDED_LOOKUP_BATCH) {
      const batch = candidates.slice(start, start + RECORDED_LOOKUP_BATCH);
      const recorded = await this.deps.repository.recordedImageIds(batch);
      for (const imageId of batch.filter((id) => !recorded.has(id))) {
        await this.deps.repository.withImageLock(imageId, async (tx) => {
          if (await this.isRecorded(tx)) return;
          const deleted = await this.deleteObjectsOf(imageId);
          report.objectsDeleted += deleted;
          if (deleted > 0) report.unrecordedSwept += 1;
        });
      }
    }
  }

  private async isRecorded(tx: MediaSweepTransaction): Promise<boolean> {
    return (await tx.isReferenced()) || (await tx.orphanedAt()) !== undefined;
  }

  /** Deletes every object of an image (whatever variants it was given); how many there were. */
  private async deleteObjectsOf(imageId: string): Promise<number> {
    const names: string[] = [];
    for await (const object of this.deps.media.list(`${imageId}/`)) names.push(object.name);
    for (const name of names) await this.deps.media.delete(name);
    return names.length;
  }
}

/** The image an object belongs to (`<imageId>/<variant>`), or undefined for a name of another shape. */
function imageIdOf(name: string): string | undefined {
  const [folder, ...rest] = name.split('/');
  return rest.length > 0 && isImageId(folder) ? folder : undefined;
}
