import type { AuthUser } from '@shop/contracts';

/**
 * A signed-in session as one tab holds it: in memory only. The refresh token never reaches script: auth keeps it in
 * the HttpOnly `shop_refresh` cookie, which the browser sends to `/api/auth/session/*` alone.
 */
export interface Session {
  accessToken: string;
  /** Epoch milliseconds after which the access token is refreshed before use. */
  accessTokenExpiresAt: number;
  /** The signed-in account as auth answered it at sign-in or the last refresh. */
  user: AuthUser;
}

/**
 * Why a session ended: the shopper signed out (here or in another tab), signed out everywhere (here or on another
 * device, or reset the password), or auth no longer honoured it (expired, revoked): pages word it accordingly.
 */
export type SessionEnd = 'signed-out' | 'signed-out-everywhere' | 'expired';

const sessionEnds: readonly SessionEnd[] = ['signed-out', 'signed-out-everywhere', 'expired'];

/** What the tabs of one browser tell each other: a fresh session (sign-in, refresh, changed account) or its end. */
export type SessionMessage = { kind: 'session'; session: Session } | { kind: 'signed-out'; reason: SessionEnd };

/** The line between the tabs of this browser that show the shop (a BroadcastChannel in browsers). */
export interface SessionChannel {
  post(message: SessionMessage): void;
  /** Calls `listener` with the messages of the other tabs; returns the unsubscribe. */
  subscribe(listener: (message: SessionMessage) => void): () => void;
  close(): void;
}

/** Runs `task` while holding the lock `name`; tasks under one name run one at a time. */
export type LockRunner = <T>(name: string, task: () => Promise<T>) => Promise<T>;

/** The channel's name: every tab of the shop on this origin joins it. */
const sessionChannelName = 'shop-session';

/** Reads a message of another tab, refusing anything that is not one (another build's, or a script's). */
export function sessionMessageFrom(data: unknown): SessionMessage | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const message = data as Partial<{ kind: unknown; session: Partial<Session>; reason: unknown }>;
  if (message.kind === 'signed-out') return { kind: 'signed-out', reason: sessionEnds.find((reason) => reason === message.reason) ?? 'signed-out' };
  const session = message.session;
  if (message.kind !== 'session' || !session || typeof session !== 'object') return undefined;
  if (typeof session.accessToken !== 'string' || typeof session.accessTokenExpiresAt !== 'number') return undefined;
  const user = session.user as Partial<AuthUser> | undefined;
  if (!user || typeof user.id !== 'string' || !Array.isArray(user.roles)) return undefined;
  return { kind: 'session', session: { accessToken: session.accessToken, accessTokenExpiresAt: session.accessTokenExpiresAt, user: user as AuthUser } };
}

/** The browser's BroadcastChannel as the session channel; undefined where there is none (then each tab is on its own). */
export function browserSessionChannel(name = sessionChannelName): SessionChannel | undefined {
  if (typeof globalThis.BroadcastChannel !== 'function') return undefined;
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      const onMessage = (event: MessageEvent) => {
        const message = sessionMessageFrom(event.data);
        if (message) listener(message);
      };
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
    close: () => channel.close(),
  };
}

/**
 * A lock for the tasks of this tab alone: each waits for the one before it. What a browser without the Web Locks
 * API (or jsdom) gets: refreshes stay one at a time within the tab, and tabs are not coordinated.
 */
export function tabLocalLock(): LockRunner {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(name: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(name) ?? Promise.resolve()).then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(name, tail);
    void tail.then(() => {
      if (tails.get(name) === tail) tails.delete(name);
    });
    return run;
  };
}

/** The Web Locks API across this origin's tabs where the browser has it, else a lock of this tab. */
export function browserLock(): LockRunner {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  if (!locks || typeof locks.request !== 'function') return tabLocalLock();
  return <T>(name: string, task: () => Promise<T>) => locks.request(name, task) as Promise<T>;
}

/** Where earlier versions of the shop kept the session, refresh token included. */
const legacyStorageKeys = ['shop.session.v1'];

/**
 * Removes a session an earlier version of the shop stored in the browser (its refresh token sat in localStorage).
 * Such a token no longer works anywhere; it is removed so that nothing readable by script is left behind.
 */
export function forgetLegacyStoredSession(storages: (Storage | undefined)[] = browserStorages()): void {
  for (const storage of storages) {
    for (const key of legacyStorageKeys) {
      try {
        storage?.removeItem(key);
      } catch {
        // Storage can be switched off (privacy settings): then nothing was kept there either.
      }
    }
  }
}

function browserStorages(): (Storage | undefined)[] {
  const read = (name: 'localStorage' | 'sessionStorage') => {
    try {
      return globalThis[name];
    } catch {
      // Reading the property throws where the browser refuses storage for this site.
      return undefined;
    }
  };
  return [read('localStorage'), read('sessionStorage')];
}
