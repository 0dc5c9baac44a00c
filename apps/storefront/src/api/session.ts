import type { AuthUser } from '@shop/contracts';

/** Tokens of a signed-in session. */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds after which the access token is refreshed before use. */
  accessTokenExpiresAt: number;
  /** The signed-in account as auth answered it at sign-in or the last refresh. */
  user: AuthUser;
}

/** Where the session survives a reload. */
export interface SessionStorage {
  read(): SessionTokens | undefined;
  write(tokens: SessionTokens | undefined): void;
}

const storageKey = 'shop.session.v1';

/**
 * The browser's localStorage. The refresh token is kept there so that a reload keeps the shopper signed in; the
 * gateway's Content-Security-Policy (scripts from this origin only) is what keeps other scripts from reading it.
 */
export function browserSessionStorage(storage: Storage | undefined = globalThis.localStorage): SessionStorage {
  return {
    read() {
      try {
        const raw = storage?.getItem(storageKey);
        if (!raw) return undefined;
        const parsed = JSON.parse(raw) as SessionTokens;
        return typeof parsed.refreshToken === 'string' && parsed.user ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    write(tokens) {
      if (!storage) return;
      if (tokens) storage.setItem(storageKey, JSON.stringify(tokens));
      else storage.removeItem(storageKey);
    },
  };
}

/** A session store that forgets on reload (tests). */
export function memorySessionStorage(initial?: SessionTokens): SessionStorage {
  let value = initial;
  return { read: () => value, write: (tokens) => void (value = tokens) };
}
