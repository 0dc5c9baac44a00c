import type { z } from 'zod';
import { AppError } from '@shop/kernel';

/**
 * Parses `value` with a zod schema, or throws an `invalid` AppError naming every failing field under `where`: the
 * part of the request (`body`, `query`, `params`, `headers`) or one field of it (`headers.idempotency-key`).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw AppError.fromIssues(result.error.issues, where);
  return result.data;
}
