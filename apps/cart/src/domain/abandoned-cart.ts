import type { CartAbandonedData } from '@shop/contracts';
import type { StoredCart } from './cart';

const HOUR_MS = 3600_000;

/** The UTC hour of an instant as an activity bucket name, `YYYYMMDDHH`. */
export function activityHourOf(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 13).replace(/[-T]/g, '');
}

/**
 * The activity hours a reminder run walks, oldest first: every hour that ended at least `idleHours` ago (a cart
 * noted in it has been idle that long, unless it changed since and is noted in a later hour too), back to
 * `lookbackHours` before `now`. Empty when `idleHours` reaches past the look-back.
 */
export function activityHoursToScan(now: Date, idleHours: number, lookbackHours: number): string[] {
  const firstHour = Math.floor((now.getTime() - lookbackHours * HOUR_MS) / HOUR_MS) * HOUR_MS;
  // An hour qualifies when its end is not after the cutoff: it starts before the hour holding the cutoff.
  const endHour = Math.floor((now.getTime() - idleHours * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const hours: string[] = [];
  for (let hour = firstHour; hour < endHour; hour += HOUR_MS) hours.push(activityHourOf(new Date(hour)));
  return hours;
}

/**
 * The reminder a user's cart is due, or undefined: a cart is due when it has lines, was last changed at or before
 * `idleSince`, and no reminder was sent for that change yet.
 */
export function abandonedCartNoticeOf(userId: string, cart: StoredCart, idleSince: Date): CartAbandonedData | undefined {
  if (cart.lines.length === 0) return undefined;
  if (Date.parse(cart.updatedAt) > idleSince.getTime()) return undefined;
  if (cart.remindedForUpdatedAt === cart.updatedAt) return undefined;
  const itemCount = cart.lines.reduce((sum, line) => sum + line.quantity, 0);
  const amount = cart.lines.reduce((sum, line) => sum + line.quantity * line.priceAtAdd.amount, 0);
  return { userId, itemCount, subtotal: { amount, currency: cart.lines[0].priceAtAdd.currency }, lastUpdatedAt: cart.updatedAt };
}
