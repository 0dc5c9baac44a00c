import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PartnerProductPage } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { toProductView, type CatalogPresentation } from './product';
import type { PartnerFeedPosition, PartnerProductRepository } from './partner-catalog.ports';

/** A page request of the partner feed, as the route parsed it. */
export interface PartnerFeedRequest {
  limit: number;
  cursor?: string;
  category?: string;
  updatedSince?: string;
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  /** Fingerprint of the filters the cursor was issued for: a cursor only continues its own feed. */
  f: z.string().max(32),
  u: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  i: z.uuid(),
});

/**
 * The partner feed: every active product once, in the order of its last change, so that a partner can copy the
 * catalog (follow nextCursor to the end) and then keep the copy current (updatedSince: the last updatedAt it read).
 * Keyset pages on (updated_at, id): a product changed while a partner pages moves behind the cursor and shows up
 * again at the end, never twice within a page and never skipped.
 */
export class PartnerCatalogService {
  /** `presentation`: the catalog's base language (the feed shows the products' own texts) and media origin. */
  constructor(private readonly deps: { repository: PartnerProductRepository; presentation: CatalogPresentation }) {}

  /** One page of the feed. An unusable cursor is `invalid` (400). */
  async productPage(request: PartnerFeedRequest): Promise<PartnerProductPage> {
    const fingerprint = feedFingerprint(request);
    const after = request.cursor === undefined ? undefined : decodeFeedCursor(request.cursor, fingerprint);
    const found = await this.deps.repository.activeProductsByChange({ limit: request.limit, after, category: request.category, updatedSince: request.updatedSince });
    const items = found.slice(0, request.limit);
    const last = items.at(-1);
    return {
      items: items.map((item) => toProductView(item.product, this.deps.presentation)),
      nextCursor: found.length > request.limit && last ? encodeFeedCursor(last.position, fingerprint) : null,
    };
  }
}

/** A short digest of the feed's filters. */
function feedFingerprint(request: PartnerFeedRequest): string {
  const since = request.updatedSince === undefined ? '' : new Date(request.updatedSince).toISOString();
  return createHash('sha256').update(JSON.stringify([request.category ?? '', since])).digest('base64url').slice(0, 12);
}

/** The position after a page, as an opaque base64url cursor. */
export function encodeFeedCursor(position: PartnerFeedPosition, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, f: fingerprint, u: position.updatedAtMicros, i: position.id }), 'utf8').toString('base64url');
}

/** The position a cursor names, for the feed with `fingerprint`; `invalid` for anything else. */
export function decodeFeedCursor(cursor: string, fingerprint: string): PartnerFeedPosition {
  const invalid = (reason: string) => new AppError('invalid', `The cursor is not valid for this feed: ${reason}`, { fields: [{ field: 'query.cursor', message: reason }] });
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw invalid('not base64url');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor');
  }
  const parsed = cursorSchema.safeParse(payload);
  if (!parsed.success) throw invalid('not a cursor');
  if (parsed.data.f !== fingerprint) throw invalid('it belongs to a feed with other filters');
  return { updatedAtMicros: parsed.data.u, id: parsed.data.i };
}
