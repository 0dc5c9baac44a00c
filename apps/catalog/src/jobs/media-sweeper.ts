import type { Logger } from '@shop/kernel';
import { PeriodicTask } from '@shop/platform';
import type { CatalogMetrics } from '../domain/catalog-metrics';
import type { MediaSweepReport } from '@shop/contracts';
import type { MediaSweepService } from '../domain/media-sweep.service';

/**
 * Deletes the media objects of images no product has any more, on an interval. Runs never overlap within a process;
 * replicas sweeping at once meet on each image's lock, and the later one finds nothing left to do. A failed run is
 * logged and the next one tries again.
 */
export class MediaSweeper {
  private readonly loop: PeriodicTask<MediaSweepReport>;

  constructor(
    private readonly mediaSweep: MediaSweepService,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly metrics?: CatalogMetrics,
  ) {
    this.loop = new PeriodicTask({ name: 'media sweep', run: () => this.sweep(), intervalMs, logger });
  }

  /** Starts the interval (a first sweep at once); no-op when the interval is 0. */
  start(): void {
    if (this.intervalMs > 0) this.loop.start();
  }

  /** One sweep, or the one still running. */
  sweepOnce(): Promise<MediaSweepReport> {
    return this.loop.runOnce();
  }

  /** Stops the interval and waits for a running sweep. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async sweep(): Promise<MediaSweepReport> {
    const report = await this.mediaSweep.sweepUnreferencedMedia();
    this.metrics?.mediaSwept(report);
    if (report.objectsDeleted > 0 || report.orphansAdopted > 0) this.logger.info(report, 'swept unreferenced media');
    return report;
  }
}
