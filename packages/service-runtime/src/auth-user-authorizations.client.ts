import type { UserAuthorizations } from '@shop/auth-tokens';
import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import { AuthUserAuthorizationPaths, userAuthorizationSchema, type UserAuthorization } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { appApiTokenHeader, propagationHeaders } from '@shop/platform';

/** Options of the auth adapter. */
export interface AuthUserAuthorizationsOptions {
  invoker: ServiceInvoker;
  authAppId: string;
  /** Sent as `dapr-api-token` when set (auth's internal routes then require it). */
  appApiToken?: string;
  /** Default 2000 ms: an admin waits at most this long before a 503. */
  timeoutMs?: number;
}

/**
 * UserAuthorizations on auth's internal route, through service invocation. Fails closed: an auth that cannot be
 * reached, answers an error or breaks the contract is `unavailable` (503 with Retry-After), never a permission.
 */
export class AuthUserAuthorizations implements UserAuthorizations {
  constructor(private readonly options: AuthUserAuthorizationsOptions) {}

  async authorizationOf(userId: string): Promise<UserAuthorization | undefined> {
    let response;
    try {
      response = await this.options.invoker.invoke(this.options.authAppId, {
        method: 'GET',
        path: AuthUserAuthorizationPaths.user(userId),
        timeoutMs: this.options.timeoutMs ?? 2000,
        headers: { ...propagationHeaders(), ...(this.options.appApiToken ? { [appApiTokenHeader]: this.options.appApiToken } : {}) },
      });
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw unavailable(error);
      throw error;
    }
    if (response.status === 404) return undefined;
    const authorization = response.status === 200 ? userAuthorizationSchema.safeParse(response.body) : undefined;
    if (!authorization?.success) throw unavailable(new Error(`auth answered ${response.status} to the authorization of a user`));
    return authorization.data;
  }
}

function unavailable(cause: unknown): AppError {
  return new AppError('unavailable', 'Your admin role cannot be confirmed right now; try again', { retryAfterSeconds: 1, cause });
}
