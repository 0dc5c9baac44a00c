import type { Logger } from '@shop/platform';
import type { ReservationService } from '../domain/reservation.service';

/**
 * Releases expired reservations on an interval, so a platform without the scheduled function (the embedded one)
 * frees abandoned stock by itself. Runs never overlap; a failed run is logged and the next one tries again.
 */
export class ReservationSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly reservations: ReservationService,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  /** Starts the interval (no-op when the interval is 0 or it already runs). */
  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.sweepOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One sweep, unless one is still running. */
  async sweepOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        const { released } = await this.reservations.releaseExpiredReservations({});
        if (released > 0) this.logger.info({ released }, 'released expired reservations');
      } catch (error) {
        this.logger.error({ err: error }, 'releasing expired reservations failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Stops the interval and waits for a running sweep. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
