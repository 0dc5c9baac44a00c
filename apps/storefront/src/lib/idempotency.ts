/**
 * A new idempotency key for one checkout attempt: 128 random bits, base64url (the order API accepts 8–128 of
 * A-Za-z0-9_-). The checkout page keeps one key while an attempt can still be repeated (double click, retry after a
 * lost answer) and takes a new one only when the shopper changes what they order.
 */
export function newIdempotencyKey(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  const bytes = random(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
