import type { ProblemDocument } from '@shop/contracts';
import { createTranslator, type Translate } from '../i18n/translator';

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

/** What a shopper reads when a request failed for a reason no page explains better, in the active language (`t`). */
export function describeApiError(error: unknown, t: Translate = createTranslator('en')): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  if (error.isNetworkError) return t('errors.network');
  // The problem's `detail` is the service's own sentence: shown as sent, where it says more than the status does.
  const detail = error.problem.detail;
  switch (error.status) {
    case 400:
    case 422:
      return error.problem.errors?.length ? t('errors.correctFields') : (detail ?? t('errors.notAccepted'));
    case 401:
      return t('errors.signInAgain');
    case 403:
      return t('errors.forbidden');
    case 404:
      return t('errors.notFound');
    case 409:
      return detail ?? t('errors.conflict');
    case 429: {
      const wait = Number(error.problem.retryAfterSeconds);
      return Number.isFinite(wait) && wait > 0 ? t('errors.tooManyMinutes', { count: Math.ceil(wait / 60) }) : t('errors.tooManyMoment');
    }
    default:
      return error.status >= 500 ? t('errors.serverTrouble') : (detail ?? t('errors.requestFailed'));
  }
}
