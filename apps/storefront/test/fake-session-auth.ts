import type { AuthUser } from '@shop/contracts';
import type { FakeAnswer, FakeBackend, RecordedRequest } from './fake-backend';

/** The account the fake auth signs in. */
export const sessionUser: AuthUser = { id: 'u1', email: 'a@example.com', name: 'A', roles: ['customer'], emailVerified: true, createdAt: '2030-01-01T00:00:00Z' };

const unauthorized: FakeAnswer = { status: 401, body: { status: 401, title: 'Unauthorized' } };

/**
 * Auth's session endpoints as one browser meets them: a single cookie jar shared by its tabs (`cookie`), refresh
 * tokens rotated at each refresh, a spent one presented again revoking its whole family, as auth does. The browser
 * attaches the cookie when a request leaves and stores the new one when the answer arrives, with `latencyMs` in
 * between: two refreshes in flight at once present the same cookie, which is the hazard the tabs' lock prevents.
 */
export class FakeSessionAuth {
  /** The browser's `shop_refresh` cookie (HttpOnly: only this fake reads it). */
  cookie: string | undefined;
  /** The cookies presented at `/session/refresh`, in order. */
  readonly presented: (string | undefined)[] = [];
  /** Families revoked because a spent token came back. */
  reuseDetected = 0;
  latencyMs = 5;
  expiresIn = 900;
  user: AuthUser = sessionUser;
  private issued = 0;
  /** Refresh token → its family; a family's `live` token is the only one that still works. */
  private readonly familyOf = new Map<string, { live: string; revoked: boolean }>();
  private readonly validAccessTokens = new Set<string>();

  /** Starts a session as a sign-in would, putting its cookie in the jar; returns the access token. */
  signIn(): string {
    const family = { live: '', revoked: false };
    this.cookie = this.rotate(family);
    return this.issueAccessToken();
  }

  /** Whether an access token would pass a service's check (auth's are JWTs: valid until they expire). */
  accepts(authorization: string | undefined): boolean {
    return !!authorization && this.validAccessTokens.has(authorization.replace(/^Bearer /, ''));
  }

  /** Refuses an access token from now on (its key was rotated, say). */
  refuseAccessToken(token: string): void {
    this.validAccessTokens.delete(token);
  }

  /** Revokes every family, as "sign out everywhere" or a password reset does on the server. */
  revokeAll(): void {
    for (const family of this.familyOf.values()) family.revoked = true;
  }

  /** Answers login, refresh, logout and revoke-all on `backend`. */
  install(backend: FakeBackend): this {
    backend.on('POST', '/api/auth/login', () => ({ status: 200, body: this.tokenBody(this.signIn()) }));
    backend.on('POST', '/api/auth/session/refresh', (request) => this.refresh(request));
    backend.on('POST', '/api/auth/session/logout', async () => {
      const presented = this.cookie;
      await this.wire();
      const family = presented ? this.familyOf.get(presented) : undefined;
      if (family) family.revoked = true;
      this.cookie = undefined;
      return { status: 204 };
    });
    backend.on('POST', '/api/auth/sessions/revoke-all', (request) => {
      if (!this.accepts(request.headers.authorization)) return unauthorized;
      this.revokeAll();
      this.cookie = undefined;
      return { status: 204 };
    });
    return this;
  }

  private async refresh(request: RecordedRequest): Promise<FakeAnswer> {
    const presented = request.credentials === 'omit' ? undefined : this.cookie;
    this.presented.push(presented);
    await this.wire();
    const family = presented ? this.familyOf.get(presented) : undefined;
    if (!presented || !family || family.revoked) {
      this.cookie = undefined;
      return unauthorized;
    }
    if (family.live !== presented) {
      this.reuseDetected += 1;
      family.revoked = true;
      this.cookie = undefined;
      return unauthorized;
    }
    this.cookie = this.rotate(family);
    return { status: 200, body: this.tokenBody(this.issueAccessToken()) };
  }

  private rotate(family: { live: string; revoked: boolean }): string {
    this.issued += 1;
    family.live = `refresh-${this.issued}`;
    this.familyOf.set(family.live, family);
    return family.live;
  }

  private issueAccessToken(): string {
    const token = `access-${this.validAccessTokens.size + 1}-${this.issued}`;
    this.validAccessTokens.add(token);
    return token;
  }

  private tokenBody(accessToken: string) {
    return { accessToken, tokenType: 'Bearer', expiresIn: this.expiresIn, user: this.user };
  }

  private wire(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }
}
