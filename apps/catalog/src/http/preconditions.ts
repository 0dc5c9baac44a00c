import type { Request } from 'express';
import { versionsInIfMatch } from '../domain/entity-tag';
import { AppError } from '@shop/kernel';

/**
 * The product versions an admin write may apply to, from `If-Match`. Missing header → 428 (writes without a
 * precondition would lose updates); a header naming no product version matches nothing, which the service
 * answers with 412.
 */
export function expectedVersionsOf(req: Request): number[] {
  const header = req.header('if-match');
  if (!header) throw new AppError('precondition_required', 'Send If-Match with the ETag of the product you read, so that concurrent changes are not overwritten');
  return versionsInIfMatch(header);
}
