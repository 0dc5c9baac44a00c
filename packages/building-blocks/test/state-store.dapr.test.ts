import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DaprSidecarStandIn } from '@shop/dapr-sidecar-stand-in';
import { AppError } from '@shop/kernel';
import { eventually } from '@shop/testing';
import { DaprSidecarError, DaprStateStore, EtagMismatchError } from '../src';
import { describeStateStoreContract } from './state-store.contract';

describeStateStoreContract('DaprStateStore (through the sidecar stand-in)', async () => {
  const sidecar = new DaprSidecarStandIn({ appId: 'cart', stateStores: ['shop-state'], apiToken: 'test-token' });
  await sidecar.start();
  // The stand-in shares this process's event loop with 50 parallel writers, each opening its own connection at
  // first: a real sidecar answers far sooner than that, so the default timeout (500 ms) is for production.
  const store = new DaprStateStore({ daprHttpPort: sidecar.port, storeName: 'shop-state', daprApiToken: 'test-token', requestTimeoutMs: 10_000 });
  return {
    store,
    async cleanup() {
      await store.close();
      await sidecar.stop();
    },
  };
});

/** How the front answers: passes calls on to the stand-in, answers 500 as a sidecar whose Redis is down, or never answers. */
type FrontMode = 'forward' | 'fail' | 'stall';

/** An HTTP server in front of the stand-in, standing for a sidecar that a test can break, and what reached it. */
interface SidecarFront {
  port: number;
  mode: FrontMode;
  /** Calls that reached the front (whatever its mode). */
  calls: number;
  /** Runs before a call is passed on, so a test can slip another writer in. */
  beforeForward?: (req: IncomingMessage) => Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function startSidecarFront(standInPort: number): Promise<SidecarFront> {
  const sockets = new Set<Socket>();
  const front: SidecarFront = {
    port: 0,
    mode: 'forward',
    calls: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    front.calls += 1;
    const body = await readBody(req);
    if (front.mode === 'stall') return; // the answer never comes; the socket is destroyed by close()
    if (front.mode === 'fail') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorCode: 'ERR_STATE_GET', message: 'fail to get key: dial tcp 10.0.0.4:6379: connect: connection refused' }));
      return;
    }
    await front.beforeForward?.(req);
    const upstream = httpRequest({ port: standInPort, host: '127.0.0.1', method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    });
    upstream.end(body);
  };
  const server: Server = createServer((req, res) => void forward(req, res));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  front.port = (server.address() as AddressInfo).port;
  return front;
}

/** Runs `call` and answers how long it took to settle and what it rejected with. */
async function timedFailure(call: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await call();
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
  throw new Error('the call succeeded');
}

describe('DaprStateStore specifics', () => {
  let sidecar: DaprSidecarStandIn;
  let front: SidecarFront | undefined;

  beforeEach(async () => {
    sidecar = new DaprSidecarStandIn({ appId: 'cart' });
    await sidecar.start();
  });

  afterEach(async () => {
    await front?.close();
    front = undefined;
    await sidecar.stop();
  });

  it('when another writer saves between our save and the ETag read-back, then our ETag matches nothing, so no write is lost', async () => {
    front = await startSidecarFront(sidecar.port);
    const store = new DaprStateStore({ daprHttpPort: front.port });
    const other = new DaprStateStore({ daprHttpPort: sidecar.port });
    await store.save('k', { n: 0 });
    // Dapr answers a save without its ETag, so the store reads it back; squeeze the other writer in before that read.
    let savedOurs = false;
    let raced = false;
    front.beforeForward = async (req) => {
      if (req.method === 'POST') savedOurs = true;
      else if (req.method === 'GET' && savedOurs && !raced) {
        raced = true;
        await other.save('k', { n: 'theirs' });
      }
    };
    const ours = await store.save('k', { n: 1 });
    expect(raced).toBe(true);
    await expect(store.save('k', { n: 2 }, { etag: ours })).rejects.toBeInstanceOf(EtagMismatchError);
    expect((await other.get('k'))?.value).toEqual({ n: 'theirs' });
  });

  it('when the store is not a component of the sidecar, then errors are DaprSidecarError, not ETag mismatches', async () => {
    const store = new DaprStateStore({ daprHttpPort: sidecar.port, storeName: 'no-such-store' });
    await expect(store.save('k', 1)).rejects.toBeInstanceOf(DaprSidecarError);
    await expect(store.get('k')).rejects.toBeInstanceOf(DaprSidecarError);
  });

  it('when the sidecar answers 5xx (its Redis is down), then calls fail at once as unavailable, the breaker stops calling it after 3, and calls succeed again once it recovers', async () => {
    front = await startSidecarFront(sidecar.port);
    const store = new DaprStateStore({ daprHttpPort: front.port, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 } });
    await store.save('k', { n: 1 });
    front.mode = 'fail';
    const callsBefore = front.calls;
    const failures = [];
    for (let call = 0; call < 6; call += 1) failures.push(await timedFailure(() => store.get('k')));
    for (const { error } of failures) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ type: 'unavailable', retryAfterSeconds: 1, detail: 'The state store is unavailable; try again shortly' });
    }
    // Three calls reached the failing sidecar; the other three were refused by the open breaker.
    expect(front.calls - callsBefore).toBe(3);
    expect(Math.max(...failures.map((failure) => failure.ms))).toBeLessThan(1000);

    front.mode = 'forward';
    const recovered = await eventually(async () => (await store.get<{ n: number }>('k').catch(() => undefined))?.value, 5000);
    expect(recovered).toEqual({ n: 1 });
  });

  it('when the sidecar does not answer, then a call fails as unavailable within its timeout', async () => {
    front = await startSidecarFront(sidecar.port);
    const store = new DaprStateStore({ daprHttpPort: front.port, requestTimeoutMs: 300 });
    front.mode = 'stall';
    const { ms, error } = await timedFailure(() => store.save('k', { n: 1 }));
    expect(error).toMatchObject({ type: 'unavailable', retryAfterSeconds: 1 });
    expect(ms).toBeLessThan(1000);
  });

  it('when nothing listens on the sidecar port, then a call fails as unavailable at once', async () => {
    front = await startSidecarFront(sidecar.port);
    const port = front.port;
    await front.close();
    front = undefined;
    const store = new DaprStateStore({ daprHttpPort: port });
    const { ms, error } = await timedFailure(() => store.delete('k'));
    expect(error).toMatchObject({ type: 'unavailable', retryAfterSeconds: 1 });
    expect(ms).toBeLessThan(1000);
  });
});
