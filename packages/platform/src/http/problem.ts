import type { ProblemDocument } from '@shop/contracts';
import type { AppError, AppErrorType } from '@shop/kernel';

/** HTTP status of each error type: the only place where that mapping is written. */
export const statusOfErrorType: Record<AppErrorType, number> = {
  invalid: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  precondition_required: 428,
  too_many_requests: 429,
  internal: 500,
  bad_gateway: 502,
  unavailable: 503,
  gateway_timeout: 504,
};

/** Title of each error type's problem document. */
export const titleOfErrorType: Record<AppErrorType, string> = {
  invalid: 'The request is invalid',
  unauthorized: 'Authentication is required',
  payment_required: 'The payment was declined',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict with the current state',
  precondition_failed: 'The resource has changed',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported content type',
  unprocessable: 'The request cannot be processed',
  precondition_required: 'A precondition header is required',
  too_many_requests: 'Too many requests',
  internal: 'Internal error',
  // The gateway's answers when the service behind it is unreachable or too slow: to a client, all three are the same.
  bad_gateway: 'Temporarily unavailable',
  unavailable: 'Temporarily unavailable',
  gateway_timeout: 'Temporarily unavailable',
};

/** The problem `type` URI of an error type. */
export function problemTypeUri(type: AppErrorType): string {
  return `urn:shop:problem:${type}`;
}

/** Renders an AppError as a problem document. */
export function toProblem(error: AppError, instance?: string, requestId?: string): ProblemDocument {
  return {
    ...error.extensions,
    type: problemTypeUri(error.type),
    title: titleOfErrorType[error.type],
    status: statusOfErrorType[error.type],
    detail: error.detail,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.fields ? { errors: error.fields } : {}),
  };
}
