import type { RedisClientOptions } from 'redis';

/** node-redis's provider of credentials renewed on an open connection (its type is not exported by name). */
export type StreamingCredentialsProvider = Extract<NonNullable<RedisClientOptions['credentialsProvider']>, { type: 'streaming-credentials-provider' }>;

/** The scope of Microsoft Entra access tokens that Azure Cache for Redis accepts as a password. */
export const redisEntraTokenScope = 'https://redis.azure.com/.default';

/** An Entra access token and when it stops being accepted (ms since the epoch), as `@azure/identity` returns it. */
export interface RedisAccessToken {
  token: string;
  expiresOnTimestamp: number;
}

/** Port: what issues Entra access tokens (any `TokenCredential` of `@azure/identity` fits). */
export interface RedisTokenCredential {
  getToken(scopes: string | string[]): Promise<RedisAccessToken | null>;
}

/** How `entraRedisCredentials` renews. */
export interface EntraRedisCredentialsOptions {
  /** Default: DefaultAzureCredential (workload identity in AKS), loaded on first use. */
  credential?: RedisTokenCredential;
  /** A token is replaced when less than this remains of its life. Default 5 minutes (tokens live an hour or more). */
  refreshBeforeExpiryMs?: number;
  /** A failed renewal is tried again after this long. Default 10 s. */
  retryAfterMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** Told when a renewal fails or a re-authentication is refused (the connection keeps its current token meanwhile). */
  onError?: (error: Error) => void;
}

/**
 * Credentials of a direct Redis connection to Azure Cache for Redis with Microsoft Entra ID (access keys are off):
 * the user name is the identity's object id (the token's `oid` claim), the password the access token. Azure closes
 * a connection whose token expires unless it authenticates again, so this is node-redis's streaming provider: it
 * hands out a new token before the old one expires and the client sends AUTH on its open connection, without a
 * reconnect. A failed renewal is retried until it works; the current token stays in use meanwhile.
 */
export function entraRedisCredentials(options: EntraRedisCredentialsOptions = {}): StreamingCredentialsProvider {
  const credential = options.credential ?? workloadIdentityCredential();
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 5 * 60_000;
  const retryAfterMs = options.retryAfterMs ?? 10_000;
  const now = options.now ?? Date.now;

  const fetchCredentials = async () => {
    const token = await credential.getToken(redisEntraTokenScope);
    if (!token) throw new Error('no Entra access token for Redis: the credential returned none');
    return { auth: { username: objectIdOf(token.token), password: token.token }, expiresOnTimestamp: token.expiresOnTimestamp };
  };

  return {
    type: 'streaming-credentials-provider',
    subscribe: async (listener) => {
      let timer: NodeJS.Timeout | undefined;
      let disposed = false;
      const scheduleRenewal = (delayMs: number) => {
        if (disposed) return;
        timer = setTimeout(renew, Math.max(0, delayMs));
        // Renewal alone must not keep a process that is otherwise done alive.
        timer.unref();
      };
      const renew = () => {
        fetchCredentials().then(
          (next) => {
            if (disposed) return;
            listener.onNext(next.auth);
            scheduleRenewal(next.expiresOnTimestamp - refreshBeforeExpiryMs - now());
          },
          (error: unknown) => {
            options.onError?.(error instanceof Error ? error : new Error(String(error)));
            scheduleRenewal(retryAfterMs);
          },
        );
      };
      const first = await fetchCredentials();
      scheduleRenewal(first.expiresOnTimestamp - refreshBeforeExpiryMs - now());
      return [first.auth, { dispose: () => ((disposed = true), clearTimeout(timer)) }];
    },
    onReAuthenticationError: (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))),
  };
}

/** The `oid` claim of an Entra access token: the object id Azure Cache for Redis knows the identity by. */
export function objectIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1];
  if (!payload) throw new Error('the Entra access token is not a JWT');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown };
  if (typeof claims.oid !== 'string' || claims.oid === '') throw new Error('the Entra access token has no oid claim');
  return claims.oid;
}

/** DefaultAzureCredential, loaded on the first token: a process that never uses Entra never loads the SDK. */
function workloadIdentityCredential(): RedisTokenCredential {
  let credential: Promise<RedisTokenCredential> | undefined;
  return {
    getToken: async (scopes) => {
      credential ??= import('@azure/identity').then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
      return (await credential).getToken(scopes);
    },
  };
}
