import { type Logger } from '@shop/kernel';

/** What a periodic task runs, and how often. */
export interface PeriodicTaskOptions<T> {
  /** Named in the log line of a failed round. */
  name: string;
  /** One round. Rounds never overlap. */
  run: () => Promise<T>;
  /** Pause between rounds. */
  intervalMs: number;
  logger: Pick<Logger, 'error'>;
  /** After a successful round: true to run the next one at once (a full batch means more work is waiting). */
  runAgainAtOnce?: (result: T) => boolean;
}

/**
 * A background loop for the services' housekeeping (outbox relay, checkout recovery, reservation sweep): rounds
 * never overlap, a failed round is logged and the next one is the retry, `nudge()` asks for a round soon, and
 * `stop()` waits for the round in progress. Its timers never keep the process alive.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;
  private nudgedWhileRunning = false;
  private stopped = true;

  constructor(private readonly options: PeriodicTaskOptions<T>) {}

  /** Runs a round now, then one every interval. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a round soon; during a round, another follows it at once. No-op while stopped. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.nudgedWhileRunning = true;
    else this.schedule(0);
  }

  /** One round now, or the one in progress. */
  runOnce(): Promise<T> {
    this.running ??= this.options.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the loop and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let again = false;
    try {
      const result = await this.runOnce();
      again = this.options.runAgainAtOnce?.(result) ?? false;
    } catch (error) {
      this.options.logger.error({ err: error, task: this.options.name }, `${this.options.name} round failed`);
    }
    if (this.stopped) return;
    again ||= this.nudgedWhileRunning;
    this.nudgedWhileRunning = false;
    this.schedule(again ? 0 : this.options.intervalMs);
  }
}
