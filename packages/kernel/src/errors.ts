/** The closed list of error kinds a service may raise; the HTTP layer maps each to one status (platform's `problem.ts`). */
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
  | 'bad_gateway'
  | 'unavailable'
  | 'gateway_timeout';

/** One failing input field of an `invalid` error. */
export interface FieldError {
  /** Dotted path of the field, e.g. `price.amount` or `query.limit`. */
  field: string;
  message: string;
}

/** One failure a validator reports: where in the input, and what is wrong. */
export interface ValidationIssue {
  path: ReadonlyArray<PropertyKey>;
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

  /**
   * An `invalid` error listing each failing field of a validation (zod's issues have this shape), paths prefixed with
   * `where` (`body`, `query`...).
   */
  static fromIssues(issues: ReadonlyArray<ValidationIssue>, where?: string): AppError {
    const fields = issues.map((issue) => ({
      field: [where, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.') || (where ?? '(root)'),
      message: issue.message,
    }));
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError('invalid', `Invalid ${where ?? 'input'}: ${summary}`, { fields });
  }
}
