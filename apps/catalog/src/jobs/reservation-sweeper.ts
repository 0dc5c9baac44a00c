import type { Logger } from '@shop/kernel';
import { PeriodicTask } from '@shop/platform';
import type { ReservationService } from '../domain/reservation.service';

/**
 * Releases expired reservations on an interval, so a platform without the scheduled function (the embedded one)
 * frees abandoned stock by itself. Runs never overlap; a failed run is logged and the next one tries again.
 */
export class ReservationSweeper {
  private readonly loop: PeriodicTask<number>;

  constructor(
    private readonly reservations: ReservationService,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {
    this.loop = new PeriodicTask({ name: 'reservation sweep', run: () => this.sweep(), intervalMs, logger });
  }

  /** Starts the interval (a first sweep at once); no-op when the interval is 0. */
  start(): void {
    if (this.intervalMs > 0) this.loop.start();
  }

  /** One sweep, or the one still running; returns how many orders' reservations it released. */
  sweepOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  /** Stops the interval and waits for a running sweep. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async sweep(): Promise<number> {
    const { released } = await this.reservations.releaseExpiredReservations();
    if (released > 0) this.logger.info({ released }, 'released expired reservations');
    return released;
  }
}
