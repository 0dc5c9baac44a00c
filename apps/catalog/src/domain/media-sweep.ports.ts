/**
 * Port: the part of the media store (`@shop/media-store`'s MediaStore) the sweep needs: what is stored, and removing
 * it.
 */
export interface SweptMediaObjects {
  /** Every object whose name starts with `prefix` (all without one), with when it was stored. */
  list(prefix?: string): AsyncIterable<{ name: string; lastModified: Date }>;
  /** Removes the object of that name; one that is not there is not an error. */
  delete(name: string): Promise<void>;
}

/** Port: the image rows and the orphan list, as the sweep reads and changes them. */
export interface MediaSweepRepository {
  /** Images that lost their last product before `cutoff`, oldest first, at most `limit`. */
  orphanedBefore(cutoff: Date, limit: number): Promise<string[]>;
  /** Of these image ids, those a product has or that wait in the orphan list (the listing pass leaves them be). */
  recordedImageIds(imageIds: readonly string[]): Promise<Set<string>>;
  /**
   * Runs `work` in one transaction holding the image's lock, which an attach of the image takes too before it checks
   * the objects and inserts its row: while `work` runs, no product can get the image.
   */
  withImageLock<T>(imageId: string, work: (tx: MediaSweepTransaction) => Promise<T>): Promise<T>;
}

/** Port: what the sweep asks and changes about one image while it holds the image's lock. */
export interface MediaSweepTransaction {
  /** True when some product has the image. */
  isReferenced(): Promise<boolean>;
  /** When the image lost its last product, or undefined when it is not in the orphan list. */
  orphanedAt(): Promise<Date | undefined>;
  /** Takes the image off the orphan list. */
  forgetOrphan(): Promise<void>;
}
