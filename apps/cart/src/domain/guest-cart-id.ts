import { randomBytes } from 'node:crypto';

/** Random bytes in a guest cart id: 192 bits, far beyond guessing (the id is the only credential of a guest cart). */
const GUEST_CART_ID_BYTES = 24;

/** The shape of a guest cart id: base64url of 24 random bytes, no padding. */
export const guestCartIdPattern = /^[A-Za-z0-9_-]{32}$/;

/** A new unguessable guest cart id. */
export function newGuestCartId(): string {
  return randomBytes(GUEST_CART_ID_BYTES).toString('base64url');
}

/** True when `value` has the shape of an id this service hands out. */
export function isGuestCartId(value: string): boolean {
  return guestCartIdPattern.test(value);
}
