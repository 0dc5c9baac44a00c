import { ApiError, apiErrorFromResponse } from './api-error';
import type { AuthUser, LoginBody, RegisterBody, TokenResponse } from '@shop/contracts';
import { browserLock, browserSessionChannel, type LockRunner, type Session, type SessionChannel, type SessionEnd, type SessionMessage } from './session';

/** How a request uses the session: `optional` sends the token when signed in, `required` refuses without one. */
export type AuthMode = 'none' | 'optional' | 'required';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON, or as multipart/form-data when it is a FormData (an upload). */
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
  /** Origin the API is served from; empty means this page's origin (the gateway serves both). */
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Runs `task` while holding the named lock across the browser's tabs (default: the Web Locks API, or a lock of this
   * tab where the browser has none). The tabs share one refresh cookie; refreshing it in two tabs at once would
   * present a spent token, and auth revokes the whole session on that.
   */
  withLock?: LockRunner;
  /** How the tabs share a fresh session and a sign-out (default: a BroadcastChannel; `null`: this tab alone). */
  channel?: SessionChannel | null;
  /** A session already held (tests); otherwise the tab starts signed out until `restore()` reads the cookie. */
  initialSession?: Session;
}

/** The lock every request that presents or replaces the refresh cookie holds, in every tab of the shop. */
const sessionLockName = 'shop-session-refresh';

/** Refresh this long before the access token expires, so a request never leaves with a token about to lapse. */
const refreshMarginMs = 30_000;

/** What login and refresh answer that the tab keeps (the refresh token itself travels only as the HttpOnly cookie). */
type SessionAnswer = Pick<TokenResponse, 'accessToken' | 'expiresIn' | 'user'>;

/** Resolves after the tasks already queued (a message from another tab among them) have run. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const sessionEnded = () => new ApiError(401, { status: 401, title: 'Unauthorized', detail: 'Your session has ended. Please sign in again.' });

/**
 * The one way the app talks to the platform: JSON in and out, problem+json errors as `ApiError`, the bearer token
 * added and refreshed. The session lives in memory; the refresh token is auth's HttpOnly cookie, so a reload restores
 * the session with one refresh (`restore`). Every request that presents or replaces that cookie (refresh, sign-in,
 * sign-out) runs under one lock across the tabs, and a tab shares the session it obtained with the others, so two tabs
 * never present the same refresh token (auth would revoke the session). Cookies travel because requests are
 * same-origin.
 */
export class ApiClient {
  private session: Session | undefined;
  private ended: SessionEnd | undefined;
  private refreshing: Promise<Session | undefined> | undefined;
  private restoring: Promise<void> | undefined;
  private restored = false;
  private readonly listeners = new Set<(user: AuthUser | undefined) => void>();
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly withLock: LockRunner;
  private readonly channel: SessionChannel | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(private readonly options: ApiClientOptions = {}) {
    this.session = options.initialSession;
    this.restored = options.initialSession !== undefined;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
    this.withLock = options.withLock ?? browserLock();
    this.channel = options.channel === undefined ? browserSessionChannel() : (options.channel ?? undefined);
    this.unsubscribe = this.channel?.subscribe((message) => this.adoptFromOtherTab(message));
  }

  get user(): AuthUser | undefined {
    return this.session?.user;
  }

  get isAdmin(): boolean {
    return this.session?.user.roles.includes('admin') ?? false;
  }

  /** Why the last session of this tab ended; undefined while signed in or when there was none. */
  get sessionEnd(): SessionEnd | undefined {
    return this.ended;
  }

  /** True once the page-load restore has answered (signed in or not), or when the client started with a session. */
  get isRestored(): boolean {
    return this.restored;
  }

  /** Calls `listener` whenever the signed-in account changes: sign-in, sign-out, a lost session, or new details. */
  onUserChange(listener: (user: AuthUser | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Restores the session on page load from the refresh cookie (one refresh; none when another tab shared a fresh
   * session meanwhile). Never rejects: without a valid cookie the shopper is signed out. Requests that may use the
   * session wait for it.
   */
  restore(): Promise<void> {
    this.restoring ??= this.refresh(undefined).then(
      () => {
        this.restored = true;
      },
      () => {
        // Auth could not be reached: signed out for now; a later restore() tries again.
        this.restored = true;
        this.restoring = undefined;
      },
    );
    return this.restoring;
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const response = await this.authorizedSend(path, options, false);
    if (!response.ok) throw await apiErrorFromResponse(response);
    const text = response.status === 204 ? '' : await response.text();
    return { status: response.status, headers: response.headers, data: (text ? JSON.parse(text) : undefined) as T };
  }

  async signIn(email: string, password: string): Promise<AuthUser> {
    // Under the lock: the answer replaces the cookie, which a refresh running in another tab would overwrite.
    const response = await this.underSessionLock(() => this.send('/api/auth/login', { method: 'POST', body: { email, password } satisfies LoginBody }, undefined));
    if (!response.ok) throw await apiErrorFromResponse(response);
    const session = this.sessionFrom((await response.json()) as SessionAnswer);
    this.startSession(session, true);
    return session.user;
  }

  async register(input: RegisterBody): Promise<AuthUser> {
    await this.request('/api/auth/register', { method: 'POST', body: input, auth: 'none' });
    return this.signIn(input.email, input.password);
  }

  /** Signs out in every tab of this browser at once; the server-side logout is best effort, so this never rejects. */
  async signOut(): Promise<void> {
    this.endSession('signed-out', true);
    await this.underSessionLock(async () => {
      await this.send('/api/auth/session/logout', { method: 'POST' }, undefined).catch(() => undefined);
      // A refresh that held the lock before this logout may have shared its session meanwhile: end it too.
      this.endSession('signed-out', true);
    }).catch(() => undefined);
  }

  /**
   * "Sign out everywhere": auth revokes every session of the account (other browsers lose theirs at their next
   * refresh) and clears this browser's cookie; the tabs here sign out at once. Rejects, still signed in, when auth did
   * not confirm.
   */
  async signOutEverywhere(): Promise<void> {
    const response = await this.authorizedSend('/api/auth/sessions/revoke-all', { method: 'POST', auth: 'required' }, true);
    if (!response.ok) throw await apiErrorFromResponse(response);
    this.endSession('signed-out-everywhere', true);
  }

  /**
   * Ends the session in this browser's tabs without telling auth: it already ended them all and cleared the cookie (a
   * password reset), whichever account the tabs held.
   */
  endSessionLocally(): void {
    this.endSession('signed-out-everywhere', true);
  }

  /** Takes new details of the signed-in account (a confirmed e-mail address) and shares them with the other tabs. */
  updateUser(user: AuthUser): void {
    if (this.session && this.session.user.id === user.id) this.startSession({ ...this.session, user }, true);
  }

  /** Leaves the tab channel (tests; a page keeps its client for its lifetime). */
  close(): void {
    this.unsubscribe?.();
    this.channel?.close();
  }

  /** Sends with the bearer token the mode asks for; a refused token is refreshed once and the request retried. */
  private async authorizedSend(path: string, options: RequestOptions, holdSessionLock: boolean): Promise<Response> {
    const auth = options.auth ?? 'optional';
    const sendWith = (token: string | undefined) => (holdSessionLock ? this.underSessionLock(() => this.send(path, options, token)) : this.send(path, options, token));
    let token = auth === 'none' ? undefined : await this.validAccessToken();
    if (auth === 'required' && !token) throw new ApiError(401, { status: 401, title: 'Unauthorized', detail: 'Please sign in.' });
    let response = await sendWith(token);
    if (response.status === 401 && token) {
      // The token was refused (expired early, key rotated, the account changed): refresh once and retry.
      token = (await this.refresh(token))?.accessToken;
      if (!token) throw sessionEnded();
      response = await sendWith(token);
    }
    return response;
  }

  private underSessionLock<T>(task: () => Promise<T>): Promise<T> {
    return this.withLock(sessionLockName, task);
  }

  private async send(path: string, options: RequestOptions, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | FormData | undefined;
    if (options.body instanceof FormData) {
      // multipart/form-data: fetch writes the content type itself, with the boundary of the parts.
      body = options.body;
    } else if (options.body !== undefined) {
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

  private isFresh(session: Session): boolean {
    return session.accessTokenExpiresAt - refreshMarginMs > this.now();
  }

  private async validAccessToken(): Promise<string | undefined> {
    // On page load the session is still being read from the cookie: requests wait rather than leave as a guest's.
    if (!this.session && this.restoring) await this.restoring;
    const session = this.session;
    if (!session) return undefined;
    if (this.isFresh(session)) return session.accessToken;
    return (await this.refresh(session.accessToken))?.accessToken;
  }

  /**
   * One refresh at a time in this tab; `staleAccessToken` is the token the caller found wanting (undefined on page
   * load). A caller whose token was already replaced gets the new session without refreshing again.
   */
  private refresh(staleAccessToken: string | undefined): Promise<Session | undefined> {
    const current = this.session;
    if (current && current.accessToken !== staleAccessToken && this.isFresh(current)) return Promise.resolve(current);
    this.refreshing ??= this.refreshUnderLock(staleAccessToken).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private refreshUnderLock(staleAccessToken: string | undefined): Promise<Session | undefined> {
    return this.underSessionLock(async () => {
      // Another tab may have refreshed while this one waited for the lock, and shared its session: use that one
      // rather than rotate the cookie again. Its message and the lock travel apart, so the message gets one turn of
      // the event loop to arrive. Should it come later, this tab refreshes with the cookie that tab left, which is
      // the current one: one rotation more, never a reuse (the lock is what prevents that).
      await nextTask();
      const shared = this.session;
      if (shared && shared.accessToken !== staleAccessToken && this.isFresh(shared)) return shared;
      const response = await this.send('/api/auth/session/refresh', { method: 'POST' }, undefined);
      if (response.status === 401) {
        // The cookie is missing, expired or revoked (signed out everywhere, password reset): this browser is signed
        // out, in every tab.
        if (this.session) this.endSession('expired', true);
        return undefined;
      }
      if (!response.ok) throw await apiErrorFromResponse(response);
      const session = this.sessionFrom((await response.json()) as SessionAnswer);
      this.startSession(session, true);
      return session;
    });
  }

  /** A message of another tab: its newer session (or another account's), or its sign-out. */
  private adoptFromOtherTab(message: SessionMessage): void {
    if (message.kind === 'signed-out') {
      this.endSession(message.reason, false);
      return;
    }
    const current = this.session;
    const incoming = message.session;
    if (!current || current.user.id !== incoming.user.id || incoming.accessTokenExpiresAt >= current.accessTokenExpiresAt) this.startSession(incoming, false);
  }

  private sessionFrom(answer: SessionAnswer): Session {
    return { accessToken: answer.accessToken, accessTokenExpiresAt: this.now() + answer.expiresIn * 1000, user: answer.user };
  }

  private startSession(session: Session, shareWithOtherTabs: boolean): void {
    this.ended = undefined;
    this.setSession(session, shareWithOtherTabs ? { kind: 'session', session } : undefined);
  }

  /** Ends the session held (if any) for `reason`; shared, the other tabs end theirs too. */
  private endSession(reason: SessionEnd, shareWithOtherTabs: boolean): void {
    if (!this.session) {
      if (shareWithOtherTabs) this.channel?.post({ kind: 'signed-out', reason });
      return;
    }
    this.ended = reason;
    this.setSession(undefined, shareWithOtherTabs ? { kind: 'signed-out', reason } : undefined);
  }

  private setSession(session: Session | undefined, message: SessionMessage | undefined): void {
    const userChanged = JSON.stringify(this.session?.user) !== JSON.stringify(session?.user);
    this.session = session;
    if (message) this.channel?.post(message);
    if (userChanged) for (const listener of this.listeners) listener(session?.user);
  }
}
