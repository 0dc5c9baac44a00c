import { ZodError } from 'zod';

/** The closed list of error kinds a service may raise; each maps to one HTTP status in `statusOfErrorType`. */
export type AppErrorType =
  | 'invalid'
  | 'unauthorized'
  | 'payment_required'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'precondition_required'
  | 'too_many_requests'
  | 'internal'
  | 'unavailable';

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
  unavailable: 503,
};

const titleOfErrorType: Record<AppErrorType, string> = {
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
  unavailable: 'Temporarily unavailable',
};

/** One failing input field of an `invalid` error. */
export interface FieldError {
  /** Dotted path of the field, e.g. `price.amount` or `query.limit`. */
  field: string;
  message: string;
}

/** Extra details an AppError can carry into its problem document. */
export interface AppErrorOptions {
  fields?: FieldError[];
  /** Sent as `Retry-After` (seconds) with 429 and 503. */
  retryAfterSeconds?: number;
  /** Extra members of the problem document (RFC 9457 extensions), e.g. the out-of-stock lines. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error type of the platform: a closed `type`, a human `detail`, and optional fields/extensions. */
export class AppError extends Error {
  readonly fields?: FieldError[];
  readonly retryAfterSeconds?: number;
  readonly extensions?: Record<string, unknown>;

  constructor(
    public readonly type: AppErrorType,
    public readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'AppError';
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extensions = options.extensions;
  }

  get status(): number {
    return statusOfErrorType[this.type];
  }

  get title(): string {
    return titleOfErrorType[this.type];
  }

  /** An `invalid` error listing each failing field of a zod validation, paths prefixed with `where` (`body`, `query`...). */
  static fromZod(error: ZodError, where?: string): AppError {
    const fields = error.issues.map((issue) => ({
      field: [where, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.') || (where ?? '(root)'),
      message: issue.message,
    }));
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError('invalid', `Invalid ${where ?? 'input'}: ${summary}`, { fields });
  }
}

/** RFC 9457 problem document as the platform sends it. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The problem `type` URI of an error type. */
export function problemTypeUri(type: AppErrorType): string {
  return `urn:shop:problem:${type}`;
}

/** Renders an AppError as a problem document. */
export function toProblem(error: AppError, instance?: string, requestId?: string): ProblemDocument {
  return {
    ...error.extensions,
    type: problemTypeUri(error.type),
    title: error.title,
    status: error.status,
    detail: error.detail,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.fields ? { errors: error.fields } : {}),
  };
}
