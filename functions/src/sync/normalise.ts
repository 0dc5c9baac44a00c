import { rejectionReasonOf, syncRecordSchema, type Money } from '@shop/contracts';
import type { z } from 'zod';
import { toMinorUnits } from './minor-units';
import type { NormalisedRecord } from './product-source';

/** The supplier's id of a raw record, for a rejection (before the record is known to be valid). */
export function externalIdOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw).id;
    if (typeof id === 'string' || typeof id === 'number') return String(id).slice(0, 200);
  }
  return '(no id)';
}

/**
 * Parses a raw record with the source's schema, converts its price to minor units, maps it to a sync record and
 * validates that with catalog's own schema (`syncRecordSchema` of @shop/contracts, the one catalog's bulk upsert
 * applies): a record the sync sends is one catalog accepts, and one it rejects carries catalog's reason. Every
 * failure becomes a rejection with a reason.
 */
export function normaliseWith<S extends z.ZodType>(
  sourceSchema: S,
  raw: unknown,
  currency: string,
  priceOf: (product: z.infer<S>) => unknown,
  map: (product: z.infer<S>, price: Money) => unknown,
): NormalisedRecord {
  const externalId = externalIdOf(raw);
  const product = sourceSchema.safeParse(raw);
  if (!product.success) return { ok: false, externalId, reason: rejectionReasonOf(product.error) };
  let amount: number;
  try {
    amount = toMinorUnits(priceOf(product.data), currency);
  } catch (error) {
    return { ok: false, externalId, reason: `price: ${(error as Error).message}` };
  }
  const record = syncRecordSchema.safeParse(map(product.data, { amount, currency }));
  if (!record.success) return { ok: false, externalId, reason: rejectionReasonOf(record.error) };
  return { ok: true, record: record.data };
}
