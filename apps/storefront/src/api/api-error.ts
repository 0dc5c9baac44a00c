import type { ProblemDocument } from '@shop/contracts';

/**
 * A failed answer as the client read it: the platform's problem document with whatever extension members the service
 * added, every member optional because the body may not be one (a proxy's HTML error page, a network failure with
 * status 0, the client's own "please sign in").
 */
export type Problem = Partial<ProblemDocument>;

/**
 * The one error the API client throws: an HTTP answer that was not 2xx (with its problem), or a network failure
 * (`status` 0). Pages turn it into words with `describeApiError`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `Request failed with status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }

  /** The validation message of one field, when the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.problem.errors?.find((error) => error.field === field || error.field.endsWith(`.${field}`))?.message;
  }
}

/** Reads a failed response into an ApiError, whatever its body is (problem+json, other JSON, HTML from a proxy). */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status, title: response.statusText };
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) problem = { status: response.status, ...(parsed as Problem) };
    } catch {
      // Not JSON (a proxy's error page): keep the status line.
    }
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  if (problem.retryAfterSeconds === undefined && Number.isFinite(retryAfter) && retryAfter > 0) problem.retryAfterSeconds = retryAfter;
  return new ApiError(response.status, problem);
}

/** What a shopper reads when a request failed for a reason no page explains better. */
export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.isNetworkError) return 'We could not reach the shop. Check your connection and try again.';
  switch (error.status) {
    case 400:
    case 422:
      return error.problem.errors?.length ? 'Please correct the highlighted fields.' : (error.problem.detail ?? 'The request was not accepted.');
    case 401:
      return 'Please sign in again.';
    case 403:
      return 'You do not have access to this page.';
    case 404:
      return 'We could not find what you were looking for.';
    case 409:
      return error.problem.detail ?? 'This changed in the meantime. Please reload and try again.';
    case 429: {
      const wait = Number(error.problem.retryAfterSeconds);
      return Number.isFinite(wait) && wait > 0 ? `Too many attempts. Please wait ${Math.ceil(wait / 60)} minute(s) and try again.` : 'Too many attempts. Please wait a moment and try again.';
    }
    default:
      return error.status >= 500 ? 'The shop is having trouble right now. Please try again in a moment.' : (error.problem.detail ?? 'The request failed.');
  }
}
