import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { problemDocumentSchema } from '@shop/contracts';

/** The media type of every error answer (RFC 9457). */
export const problemMediaType = 'application/problem+json';

/** What each error status means on this platform, as the description of its problem response. */
export const problemStatusMeanings: Readonly<Record<number, string>> = {
  400: 'The request is invalid: `errors` names the failing fields',
  401: 'Authentication is required, or the credentials are not valid',
  402: 'The payment was declined',
  403: 'The caller is authenticated but not allowed (a role is missing)',
  404: 'Not found',
  409: 'Conflict with the current state',
  412: 'The resource has changed since it was read: If-Match names an older version',
  413: 'The request body is larger than the service accepts',
  415: 'The body is not JSON (Content-Type: application/json)',
  422: 'The request is well-formed but cannot be carried out',
  428: 'A precondition header is required',
  429: 'Too many requests: wait for Retry-After seconds',
  503: 'Temporarily unavailable: retry after Retry-After seconds',
};

/** The problem response of one status. */
export function problemResponse(status: number, description = problemStatusMeanings[status]): ResponseConfig {
  if (!description) throw new Error(`No description of the problem status ${status}: add it to problemStatusMeanings`);
  return { description, content: { [problemMediaType]: { schema: problemDocumentSchema } } };
}

/** The `default` response of every operation: the errors any route can answer. */
export const defaultProblemResponse: ResponseConfig = problemResponse(
  0,
  'Any other problem: 500 (an unexpected error, the cause is logged under the requestId), or from the gateway 502 (the service is not reachable) and 504 (it did not answer in time)',
);

/** A JSON response of `schema`, with the response headers it sets. */
export function jsonResponse(description: string, schema: z.ZodType, headers?: z.ZodObject): ResponseConfig {
  return { description, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) };
}

/** A response without a body (204, 304). */
export function emptyResponse(description: string, headers?: z.ZodObject): ResponseConfig {
  return { description, ...(headers ? { headers } : {}) };
}
