import type { Database, SqlExecutor } from '@shop/postgres';
import type { MediaSweepRepository, MediaSweepTransaction } from '../domain/media-sweep.ports';
import { lockMediaImage } from './media-image-lock';

/** The orphan list (media_orphans) and the image rows, in PostgreSQL (or PGlite). */
export class SqlMediaSweepRepository implements MediaSweepRepository {
  constructor(private readonly db: Database) {}

  async orphanedBefore(cutoff: Date, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ image_id: string }>('SELECT image_id FROM media_orphans WHERE orphaned_at < $1 ORDER BY orphaned_at, image_id LIMIT $2', [cutoff, limit]);
    return rows.map((row) => row.image_id);
  }

  async recordedImageIds(imageIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ image_id: string }>(
      `SELECT DISTINCT image_id FROM product_images WHERE image_id = ANY($1::text[])
       UNION SELECT image_id FROM media_orphans WHERE image_id = ANY($1::text[])`,
      [imageIds],
    );
    return new Set(rows.map((row) => row.image_id));
  }

  withImageLock<T>(imageId: string, work: (tx: MediaSweepTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (sql) => {
      await lockMediaImage(sql, imageId);
      return work(new SqlMediaSweepTransaction(sql, imageId));
    });
  }
}

/** The statements about one image under its lock (READ COMMITTED: each sees what committed before it ran). */
class SqlMediaSweepTransaction implements MediaSweepTransaction {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly imageId: string,
  ) {}

  async isReferenced(): Promise<boolean> {
    const { rows } = await this.sql.query('SELECT 1 FROM product_images WHERE image_id = $1 LIMIT 1', [this.imageId]);
    return rows.length > 0;
  }

  async orphanedAt(): Promise<Date | undefined> {
    const { rows } = await this.sql.query<{ orphaned_at: Date }>('SELECT orphaned_at FROM media_orphans WHERE image_id = $1', [this.imageId]);
    return rows[0]?.orphaned_at;
  }

  async forgetOrphan(): Promise<void> {
    await this.sql.query('DELETE FROM media_orphans WHERE image_id = $1', [this.imageId]);
  }
}
