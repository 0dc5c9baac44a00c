import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { AppError } from '@shop/kernel';
import { cachedAccessToken, connectionSettingsOf, createThrowawayDatabase, openDatabase, postgresEntraTokenScope, type AccessTokenCredential, type Database, type EntraAccessToken, type ThrowawayDatabase } from '@shop/postgres';
import { describeWithBackend } from '@shop/testing';

/**
 * A front for a real PostgreSQL server that does what Azure's does at sign-in and the local server (trust
 * authentication) does not: it asks each new connection for a cleartext password, remembers it, and lets the
 * connection through to the server only when the password is one of the tokens it currently accepts (else 28P01).
 */
class PasswordCheckingFront {
  readonly presented: string[] = [];
  accepted = new Set<string>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<PasswordCheckingFront> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const front = new PasswordCheckingFront(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => front.admit(client, target));
    return front;
  }

  private admit(client: Socket, target: { host: string; port: number }): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let startup: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!startup) {
        // StartupMessage (or SSLRequest): Int32 length, then the body; no type byte.
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        const message = buffered.subarray(0, buffered.readInt32BE(0));
        buffered = buffered.subarray(message.length);
        if (message.length === 8 && message.readInt32BE(4) === 80877103) return void client.write('N');
        startup = Buffer.from(message);
        // AuthenticationCleartextPassword
        return void client.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
      }
      // PasswordMessage: 'p', Int32 length, the password, NUL.
      if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
      client.off('data', onData);
      const password = buffered.subarray(5, 1 + buffered.readInt32BE(1) - 1).toString('utf8');
      this.presented.push(password);
      if (!this.accepted.has(password)) return void client.end(errorResponse('28P01', 'password authentication failed'));
      const upstream = createConnection(target);
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      upstream.write(startup);
      upstream.pipe(client);
      client.pipe(upstream);
    };
    client.on('data', onData);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A FATAL ErrorResponse of the PostgreSQL protocol. */
function errorResponse(sqlState: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}

/** A credential that issues token-1, token-2... each valid for an hour of the test's clock, and counts its calls. */
function fakeEntraCredential(clock: { now: number }): AccessTokenCredential & { scopes: Array<string | string[]> } {
  const scopes: Array<string | string[]> = [];
  return {
    scopes,
    getToken: async (scope) => {
      scopes.push(scope);
      const token: EntraAccessToken = { token: `token-${scopes.length}`, expiresOnTimestamp: clock.now + 60 * 60_000 };
      return token;
    },
  };
}

/** Holds `count` connections of the pool open at once, so that the pool has to open that many. */
async function holdConnections(db: Database, count: number): Promise<void> {
  let arrived = 0;
  let releaseAll!: () => void;
  const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
  await Promise.all(
    Array.from({ length: count }, () =>
      db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        if (++arrived === count) releaseAll();
        await allArrived;
      }),
    ),
  );
}

describeWithBackend('postgres', 'PgDatabase signing in with Entra access tokens (DATABASE_AUTH=entra)', (serverUrl) => {
  let throwaway: ThrowawayDatabase;
  let front: PasswordCheckingFront;
  let entraUrl: string;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(serverUrl, 'pg_entra');
    const server = new URL(throwaway.url);
    front = await PasswordCheckingFront.start({ host: server.hostname, port: Number(server.port || 5432) });
    // What the DATABASE_URL secret holds in Azure: the identity's role, no password.
    entraUrl = `postgres://${server.username}@127.0.0.1:${front.port}${server.pathname}`;
  });

  afterAll(async () => {
    await front?.close();
    await throwaway?.drop();
  });

  beforeEach(() => {
    front.presented.length = 0;
    front.accepted = new Set(['token-1']);
  });

  it('when the pool opens new connections, then each signs in with the token of the credential, asked for once for the PostgreSQL scope, not the URL\'s empty password', async () => {
    const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
    const credential = fakeEntraCredential(clock);
    const db = await openDatabase({ url: entraUrl, auth: 'entra', entraPassword: cachedAccessToken(credential, { now: () => clock.now }) });
    try {
      await holdConnections(db, 3);
      await db.ping();
      expect(front.presented).toEqual(['token-1', 'token-1', 'token-1', 'token-1']);
      expect(credential.scopes).toEqual([postgresEntraTokenScope]);
    } finally {
      await db.close();
    }
  });

  it('when the token comes within five minutes of its expiry, then the next new connection signs in with a fresh one, and open connections keep working', async () => {
    const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
    const credential = fakeEntraCredential(clock);
    const db = await openDatabase({ url: entraUrl, auth: 'entra', entraPassword: cachedAccessToken(credential, { now: () => clock.now }), maxConnections: 2 });
    try {
      await holdConnections(db, 1);
      clock.now += 56 * 60_000;
      // The server no longer takes the old token: a connection opened with it would fail.
      front.accepted = new Set(['token-2']);
      await holdConnections(db, 2);
      expect(front.presented).toEqual(['token-1', 'token-2']);
      expect(credential.scopes).toHaveLength(2);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('when no token can be had, then the call fails as the database being unavailable (503), not as an unknown error', async () => {
    const failing: AccessTokenCredential = {
      getToken: async () => {
        throw new Error('the identity endpoint did not answer');
      },
    };
    const db = await openDatabase({ url: entraUrl, auth: 'entra', entraPassword: cachedAccessToken(failing) });
    try {
      const error = await db.query('SELECT 1').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ type: 'unavailable' });
      expect(front.presented).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('connectionSettingsOf', () => {
  it('when a URL names the identity\'s role and sslmode=verify-full, then host, port, user, database and a verifying TLS setting come out', () => {
    expect(connectionSettingsOf('postgres://id-shop-prod-auth@psql-shop.postgres.database.azure.com:5432/shop_auth?sslmode=verify-full')).toEqual({
      host: 'psql-shop.postgres.database.azure.com',
      port: 5432,
      user: 'id-shop-prod-auth',
      database: 'shop_auth',
      ssl: {},
    });
  });

  it('when a URL carries a password, names no user or has other parameters, then it is refused with the reason', () => {
    expect(() => connectionSettingsOf('postgres://auth_svc:secret@host/shop_auth')).toThrow(/must not carry one/);
    expect(() => connectionSettingsOf('postgres://host/shop_auth')).toThrow(/names its user/);
    expect(() => connectionSettingsOf('postgres://u@host/shop_auth?application_name=x')).toThrow(/application_name/);
  });
});
