import { createHash } from 'node:crypto';

/**
 * A product's entity tag: `"v<version>-<digest of the body>"`. The digest makes it change with anything in the
 * representation (availability included), so caches and `If-None-Match` stay correct; the version part is what
 * admin writes compare in `If-Match`, so a tag from the public or the admin view works the same for a write.
 */
export function productEntityTag(version: number, body: string): string {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  return `"v${version}-${digest}"`;
}

/** The product versions named by an `If-Match` header; `"*"` and foreign tags name none. */
export function versionsInIfMatch(header: string): number[] {
  const versions: number[] = [];
  for (const match of header.matchAll(/(?:W\/)?"v(\d{1,9})-[A-Za-z0-9_-]*"/g)) versions.push(Number(match[1]));
  return versions;
}

/**
 * True when an `If-None-Match` header matches `etag` (weak comparison, as RFC 9110 prescribes for it),
 * including `*`.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}
