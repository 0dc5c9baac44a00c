import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { eventually } from './backends';

/** A connection through the proxy that records what comes back and how it ended. */
function connectThrough(proxy: TcpProxy): { socket: Socket; received: () => string; ended: Promise<{ error?: NodeJS.ErrnoException }>; connected: Promise<void> } {
  const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
  let received = '';
  socket.on('data', (chunk: Buffer) => void (received += chunk.toString()));
  let failure: NodeJS.ErrnoException | undefined;
  socket.on('error', (error) => void (failure = error));
  const ended = new Promise<{ error?: NodeJS.ErrnoException }>((resolve) => socket.on('close', () => resolve({ error: failure })));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => received, ended, connected };
}

describe('startTcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;

  beforeAll(async () => {
    echo = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const address = echo.address();
    if (address === null || typeof address === 'string') throw new Error('no echo address');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: address.port });
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  afterEach(() => proxy.resume());

  it('when healthy, then bytes go both ways and urlFor points at the proxy', async () => {
    const connection = connectThrough(proxy);
    connection.socket.write('hello');
    await eventually(() => connection.received() === 'hello');
    expect(proxy.urlFor('postgres://user@db.example:5432/shop')).toBe(`postgres://user@127.0.0.1:${proxy.port}/shop`);
    connection.socket.destroy();
  });

  it('when paused, then bytes are held with the connection open, and resume delivers them', async () => {
    const connection = connectThrough(proxy);
    await connection.connected;
    proxy.pause();
    connection.socket.write('held');
    // The echo's answer would arrive within a few milliseconds: none in 200 ms means nothing got through.
    await expect(eventually(() => connection.received().length > 0, 200)).rejects.toThrow(/not met/);
    expect(connection.socket.destroyed).toBe(false);
    proxy.resume();
    await eventually(() => connection.received() === 'held');
    connection.socket.destroy();
  });

  it('when refusing, then open connections and new ones are reset at once, and resume accepts again', async () => {
    const open = connectThrough(proxy);
    await open.connected;
    proxy.refuse();
    expect((await open.ended).error?.code).toBe('ECONNRESET');
    const acceptedBefore = proxy.connectionsAccepted;
    const startedAt = Date.now();
    const refused = connectThrough(proxy);
    const outcome = await refused.ended;
    expect(outcome.error?.code).toBe('ECONNRESET');
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(proxy.connectionsAccepted).toBe(acceptedBefore + 1);

    proxy.resume();
    const again = connectThrough(proxy);
    again.socket.write('back');
    await eventually(() => again.received() === 'back');
    again.socket.destroy();
  });
});
