import { DatabaseCredentialUnavailableError } from './connection-failures';

/** The scope of Microsoft Entra access tokens that Azure Database for PostgreSQL accepts as a password. */
export const postgresEntraTokenScope = 'https://ossrdbms-aad.database.windows.net/.default';

/** An Entra access token and when it stops being accepted (ms since the epoch), as `@azure/identity` returns it. */
export interface EntraAccessToken {
  token: string;
  expiresOnTimestamp: number;
}

/** Port: what issues Entra access tokens (any `TokenCredential` of `@azure/identity` fits). */
export interface AccessTokenCredential {
  getToken(scopes: string | string[]): Promise<EntraAccessToken | null>;
}

/** What gives a pool the password of each new connection; node-postgres calls it once per connection it opens. */
export type DatabasePasswordSource = () => Promise<string>;

/** How `cachedAccessToken` refreshes. */
export interface CachedAccessTokenOptions {
  /** A token is replaced when less than this remains of its life. Default 5 minutes (tokens live an hour or more). */
  refreshBeforeExpiryMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

/**
 * The password source of an Entra-authenticated pool: one token for every new connection until it comes within
 * `refreshBeforeExpiryMs` of its expiry, then a new one. Connections already open keep working past their token's
 * expiry (the server checks it at sign-in only), so only new connections need a fresh token. Concurrent connections
 * wait for the same request instead of each asking Entra ID.
 */
export function cachedAccessToken(credential: AccessTokenCredential, options: CachedAccessTokenOptions = {}): DatabasePasswordSource {
  const refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let current: EntraAccessToken | undefined;
  let pending: Promise<EntraAccessToken> | undefined;

  const request = async (): Promise<EntraAccessToken> => {
    let token: EntraAccessToken | null;
    try {
      token = await credential.getToken(postgresEntraTokenScope);
    } catch (error) {
      throw new DatabaseCredentialUnavailableError(`no Entra access token for PostgreSQL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (!token) throw new DatabaseCredentialUnavailableError('no Entra access token for PostgreSQL: the credential returned none');
    return token;
  };

  return async () => {
    if (current && now() < current.expiresOnTimestamp - refreshBeforeExpiryMs) return current.token;
    pending ??= request().finally(() => (pending = undefined));
    current = await pending;
    return current.token;
  };
}

/**
 * The password source of a service in Azure: Entra tokens of its identity (workload identity in AKS: the webhook
 * sets AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which DefaultAzureCredential reads).
 */
export function entraPasswordSource(options: CachedAccessTokenOptions & { credential?: AccessTokenCredential } = {}): DatabasePasswordSource {
  return cachedAccessToken(options.credential ?? workloadIdentityCredential(), options);
}

/** DefaultAzureCredential, loaded on the first token: a service that signs in with a password never loads the SDK. */
function workloadIdentityCredential(): AccessTokenCredential {
  let credential: Promise<AccessTokenCredential> | undefined;
  return {
    getToken: async (scopes) => {
      credential ??= import('@azure/identity').then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
      return (await credential).getToken(scopes);
    },
  };
}
