import { abandonedCartNoticeOf, activityHoursToScan } from './abandoned-cart';
import { StaleCartError, type AbandonedCartNotices, type ActivityBucket, type CartActivityIndex, type CartRepository, type KeyedCartOwner } from './ports';
import { AppError, type Logger } from '@shop/kernel';

/** How far back a run looks for activity buckets (they expire a day later, see the index). */
export const ACTIVITY_LOOKBACK_HOURS = 7 * 24;

/** Carts of one bucket checked at once. */
const CARTS_IN_PARALLEL = 8;

/** What the reminder job is built from. */
export interface AbandonedCartRemindersDeps {
  repository: CartRepository;
  activity: CartActivityIndex;
  notices: AbandonedCartNotices;
  logger: Logger;
  now?: () => Date;
}

/**
 * The abandoned-cart job: finds signed-in carts idle for a while through the activity index (no scan) and publishes
 * `cart.abandoned` once per cart change. Each reminder is claimed on the cart with an ETag-guarded save before it is
 * published, so concurrent runs send it once; delivery is at most once (a crash between claim and publish loses it).
 */
export class AbandonedCartReminders {
  private readonly now: () => Date;

  constructor(private readonly deps: AbandonedCartRemindersDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Reminds every user cart idle for `idleHours` that was not reminded for its current contents, and forgets the
   * activity buckets it walked through. Answers how many reminders were published. When some carts failed (state
   * store or broker trouble), the others are still done, their buckets kept for the next run, and the run ends
   * with an `unavailable` error.
   */
  async remindAbandonedCarts(input: { idleHours: number }): Promise<{ reminded: number }> {
    const now = this.now();
    const idleSince = new Date(now.getTime() - input.idleHours * 3600_000);
    let reminded = 0;
    let failed = 0;
    for (const hour of activityHoursToScan(now, input.idleHours, ACTIVITY_LOOKBACK_HOURS)) {
      const buckets = await this.deps.activity.readBuckets(hour);
      await Promise.all(
        buckets.map(async (bucket) => {
          const outcome = await this.remindBucket(bucket, idleSince);
          reminded += outcome.reminded;
          failed += outcome.failed;
        }),
      );
    }
    this.deps.logger.info({ idleHours: input.idleHours, reminded, failed }, 'abandoned-cart reminders run');
    if (failed > 0) {
      throw new AppError('unavailable', `${failed} abandoned cart(s) could not be reminded (${reminded} were); the next run retries them`, {
        extensions: { reminded, failed },
      });
    }
    return { reminded };
  }

  /** Every user of the bucket; the bucket goes once all of them were handled. */
  private async remindBucket(bucket: ActivityBucket, idleSince: Date): Promise<{ reminded: number; failed: number }> {
    let reminded = 0;
    let failed = 0;
    for (let start = 0; start < bucket.userIds.length; start += CARTS_IN_PARALLEL) {
      const outcomes = await Promise.allSettled(bucket.userIds.slice(start, start + CARTS_IN_PARALLEL).map((userId) => this.remindIfAbandoned(userId, idleSince)));
      for (const [index, outcome] of outcomes.entries()) {
        if (outcome.status === 'fulfilled') {
          if (outcome.value) reminded += 1;
        } else {
          failed += 1;
          const reason: unknown = outcome.reason;
          this.deps.logger.warn({ err: reason, userId: bucket.userIds[start + index], hour: bucket.hour }, 'could not remind an abandoned cart; the next run retries');
        }
      }
    }
    if (failed === 0) await this.deps.activity.removeBucket(bucket);
    return { reminded, failed };
  }

  /** Claims, then publishes, the reminder of one user's cart if it is due; false when it is not (or another run claimed it). */
  private async remindIfAbandoned(userId: string, idleSince: Date): Promise<boolean> {
    const owner: KeyedCartOwner = { kind: 'user', userId };
    const stored = await this.deps.repository.load(owner);
    if (!stored) return false;
    const notice = abandonedCartNoticeOf(userId, stored.cart, idleSince);
    if (!notice) return false;
    let claimedVersion: string;
    try {
      // updatedAt stays: claiming is not shopper activity.
      claimedVersion = await this.deps.repository.save(owner, { ...stored.cart, remindedForUpdatedAt: stored.cart.updatedAt }, { version: stored.version });
    } catch (error) {
      // Another run claimed it, or the shopper changed the cart (which makes it active again).
      if (error instanceof StaleCartError) return false;
      throw error;
    }
    try {
      await this.deps.notices.publish(notice);
    } catch (error) {
      // The broker said no: give the claim back so the next run retries. Should the event have landed after all, its
      // id (derived from the cart version) lets consumers drop the second copy.
      await this.deps.repository.save(owner, stored.cart, { version: claimedVersion }).catch((releaseError: unknown) => {
        this.deps.logger.error({ err: releaseError, userId }, 'could not release a reminder claim after a failed publish; this reminder is lost');
      });
      throw error;
    }
    return true;
  }
}
