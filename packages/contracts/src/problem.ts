import { z } from 'zod';

/** One failing input field of a 400: where (`body.price.amount`, `query.limit`, `headers.x-cart-id`) and why. */
export const fieldErrorSchema = z
  .object({
    field: z.string().meta({ description: 'Dotted path of the field, prefixed with where it was: body, query, params, headers or cookies' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError', description: 'One failing input field' });

/** One failing input field of a 400. */
export type FieldError = z.infer<typeof fieldErrorSchema>;

/**
 * The RFC 9457 problem document every service (and the gateway) answers an error with, as
 * `application/problem+json`. Extension members are allowed (the out-of-stock lines of a checkout, for example), so
 * a reader keeps the members it does not know.
 */
export const problemDocumentSchema = z
  .looseObject({
    type: z.string().meta({ description: 'URI of the error type: urn:shop:problem:<type>', example: 'urn:shop:problem:not_found' }),
    title: z.string().meta({ description: 'The same for every problem of this type' }),
    status: z.number().int().min(100).max(599).meta({ description: 'The HTTP status of the response' }),
    detail: z.string().meta({ description: 'What went wrong with this request, for a human' }),
    instance: z.string().optional().meta({ description: 'The request path' }),
    requestId: z.string().optional().meta({ description: 'The request id (also in the X-Request-Id response header), for the logs' }),
    errors: z.array(fieldErrorSchema).optional().meta({ description: 'The failing input fields of a 400' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document (application/problem+json); extension members allowed' });

/** An RFC 9457 problem document as the platform sends it. */
export type ProblemDocument = z.infer<typeof problemDocumentSchema>;
