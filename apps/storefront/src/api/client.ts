import { ApiError, apiErrorFromResponse } from './api-error';
import type { AuthUser, LoginBody, LogoutBody, RefreshBody, RegisterBody, TokenResponse } from '@shop/contracts';
import type { SessionStorage, SessionTokens } from './session';

/** How a request uses the session: `optional` sends the token when signed in, `required` refuses without one. */
export type AuthMode = 'none' | 'optional' | 'required';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  auth?: AuthMode;
  contentType?: string;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

export interface ApiClientOptions {
  storage: SessionStorage;
  /** Origin the API is served from; empty means this page's origin (the gateway serves both). */
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Runs `task` while holding the named lock across the browser's tabs (default: the Web Locks API where the browser
   * has it). Tabs share the stored refresh token; refreshing it in two tabs at once would present a used token, and
   * auth revokes the whole session on that.
   */
  withLock?: <T>(name: string, task: () => Promise<T>) => Promise<T>;
}

const refreshLockName = 'shop-session-refresh';

function browserLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  return locks ? (locks.request(name, task) as Promise<T>) : task();
}

/** Refresh this long before the access token expires, so a request never leaves with a token about to lapse. */
const refreshMarginMs = 30_000;

/**
 * The one way the app talks to the platform: JSON in and out, problem+json errors as `ApiError`, the bearer token
 * added and refreshed (one refresh at a time, since auth rotates refresh tokens and revokes a family on reuse), and a
 * session that survives reloads. Cookies (the guest cart id) travel because requests are same-origin.
 */
export class ApiClient {
  private session: SessionTokens | undefined;
  private refreshing: Promise<SessionTokens | undefined> | undefined;
  private readonly listeners = new Set<(user: AuthUser | undefined) => void>();
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: ApiClientOptions) {
    this.session = options.storage.read();
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
  }

  get user(): AuthUser | undefined {
    return this.session?.user;
  }

  get isAdmin(): boolean {
    return this.session?.user.roles.includes('admin') ?? false;
  }

  /** Calls `listener` whenever the user signs in or out (or the session is lost). */
  onUserChange(listener: (user: AuthUser | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const auth = options.auth ?? 'optional';
    let token = auth === 'none' ? undefined : await this.validAccessToken();
    if (auth === 'required' && !token) throw new ApiError(401, { status: 401, title: 'Unauthorized', detail: 'Please sign in.' });
    let response = await this.send(path, options, token);
    if (response.status === 401 && token) {
      // The token was refused (expired early, key rotated): refresh once and retry.
      token = (await this.refresh(token))?.accessToken;
      if (!token) throw new ApiError(401, { status: 401, title: 'Unauthorized', detail: 'Your session has ended. Please sign in again.' });
      response = await this.send(path, options, token);
    }
    if (!response.ok) throw await apiErrorFromResponse(response);
    const text = response.status === 204 ? '' : await response.text();
    return { status: response.status, headers: response.headers, data: (text ? JSON.parse(text) : undefined) as T };
  }

  async signIn(email: string, password: string): Promise<AuthUser> {
    const { data } = await this.request<TokenResponse>('/api/auth/login', { method: 'POST', body: { email, password } satisfies LoginBody, auth: 'none' });
    this.setSession(this.tokensFrom(data));
    return data.user;
  }

  async register(input: RegisterBody): Promise<AuthUser> {
    await this.request('/api/auth/register', { method: 'POST', body: input, auth: 'none' });
    return this.signIn(input.email, input.password);
  }

  async signOut(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    this.setSession(undefined);
    if (refreshToken) await this.request('/api/auth/logout', { method: 'POST', body: { refreshToken } satisfies LogoutBody, auth: 'none' }).catch(() => undefined);
  }

  private async send(path: string, options: RequestOptions, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    try {
      return await this.fetchImpl(`${this.options.baseUrl ?? ''}${path}`, {
        method: options.method ?? 'GET',
        headers,
        body,
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, { status: 0, title: 'Network error', detail: error instanceof Error ? error.message : String(error) });
    }
  }

  private async validAccessToken(): Promise<string | undefined> {
    const session = this.session;
    if (!session) return undefined;
    if (session.accessTokenExpiresAt - refreshMarginMs > this.now()) return session.accessToken;
    return (await this.refresh(session.accessToken))?.accessToken;
  }

  /** One refresh at a time; a caller whose token was already replaced gets the new session without refreshing again. */
  private refresh(staleAccessToken: string): Promise<SessionTokens | undefined> {
    if (this.session && this.session.accessToken !== staleAccessToken) return Promise.resolve(this.session);
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private refreshOnce(): Promise<SessionTokens | undefined> {
    return (this.options.withLock ?? browserLock)(refreshLockName, async () => {
      const refreshToken = this.session?.refreshToken;
      if (!refreshToken) return undefined;
      // Another tab may have refreshed (or signed out) while this one waited: its tokens are in the shared storage.
      const stored = this.options.storage.read();
      if (stored?.refreshToken !== refreshToken) {
        this.setSession(stored);
        return stored;
      }
      const response = await this.send('/api/auth/refresh', { method: 'POST', body: { refreshToken } satisfies RefreshBody }, undefined);
      if (response.status === 401 || response.status === 400) {
        this.setSession(undefined);
        return undefined;
      }
      if (!response.ok) throw await apiErrorFromResponse(response);
      const tokens = this.tokensFrom((await response.json()) as TokenResponse);
      this.setSession(tokens);
      return tokens;
    });
  }

  private tokensFrom(answer: TokenResponse): SessionTokens {
    return {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken,
      accessTokenExpiresAt: this.now() + answer.expiresIn * 1000,
      user: answer.user,
    };
  }

  private setSession(tokens: SessionTokens | undefined): void {
    const userChanged = this.session?.user.id !== tokens?.user.id;
    this.session = tokens;
    this.options.storage.write(tokens);
    if (userChanged) for (const listener of this.listeners) listener(tokens?.user);
  }
}
