import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { statusOfErrorType, toProblem } from './problem';
import { currentRequestContext } from '../request-context';
import { AppError, type Logger } from '@shop/kernel';

/** body-parser reports its failures with a `type`; these are the client's fault and map to 4xx. */
function fromBodyParserError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('invalid', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('payload_too_large', `The request body exceeds the limit of ${(error as { limit?: number }).limit ?? '?'} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'The request body encoding or charset is not supported');
    case 'request.aborted':
      return new AppError('invalid', 'The request was aborted by the client');
    default:
      return undefined;
  }
}

/** Converts anything thrown into an AppError; unknown errors become `internal` with a masked detail. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return AppError.fromIssues(error.issues);
  return fromBodyParserError(error) ?? new AppError('internal', 'An unexpected error occurred; it has been logged', { cause: error });
}

/** The one place where errors become RFC 9457 problem+json responses. */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = toAppError(error);
    const context = currentRequestContext();
    if (appError.type === 'internal') {
      logger.error({ err: error, requestId: context?.requestId, path: req.path }, 'unhandled error');
    }
    if (appError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.ceil(appError.retryAfterSeconds)));
    res
      .status(statusOfErrorType[appError.type])
      .type('application/problem+json')
      .send(JSON.stringify(toProblem(appError, req.originalUrl.split('?')[0], context?.requestId)));
  };
}

/** Answers 404 problem+json for any path no route matched. */
export const unknownRouteHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
};
