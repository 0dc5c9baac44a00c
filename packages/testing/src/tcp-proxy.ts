import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy in front of a real server that a fault test can stall, stop and release. */
export interface TcpProxy {
  /** The port the proxy listens on, on 127.0.0.1 (a free one). */
  readonly port: number;
  /** The target URL with its host and port replaced by the proxy's (e.g. `redis://127.0.0.1:<port>`). */
  urlFor(targetUrl: string): string;
  /**
   * Stops forwarding in both directions: bytes already sent and sent from now on are held, not dropped, and
   * connections stay open, so a client's commands hang as they would against a stalled server.
   */
  pause(): void;
  /**
   * Acts like a stopped server: every open connection is reset, and each new one is reset as soon as it is accepted,
   * so a client fails at once (ECONNRESET) instead of waiting. Bytes held by `pause` are dropped with their connections.
   */
  refuse(): void;
  /** Ends `pause` (forwards the held bytes, then forwards again) or `refuse` (accepts connections again). */
  resume(): void;
  /** How many connections the proxy has accepted so far (refused ones included). */
  readonly connectionsAccepted: number;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

/** One direction of a proxied connection: forwards chunks, or holds them while paused. */
class HeldPipe {
  private held: Buffer[] = [];

  constructor(
    from: Socket,
    private readonly to: Socket,
    private readonly isPaused: () => boolean,
  ) {
    from.on('data', (chunk: Buffer) => {
      if (this.isPaused()) this.held.push(chunk);
      else to.write(chunk);
    });
  }

  flush(): void {
    for (const chunk of this.held) this.to.write(chunk);
    this.held = [];
  }
}

/** Starts a proxy on 127.0.0.1 (a free port) that forwards every connection to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let paused = false;
  let refusing = false;
  let connectionsAccepted = 0;
  const sockets = new Set<Socket>();
  const pipes = new Set<HeldPipe>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset on one side is ended on the other by the close handlers; an unhandled 'error' would crash the test.
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    connectionsAccepted += 1;
    if (refusing) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(target);
    track(client);
    track(upstream);
    const pipesOfConnection = [new HeldPipe(client, upstream, () => paused), new HeldPipe(upstream, client, () => paused)];
    for (const pipe of pipesOfConnection) pipes.add(pipe);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      for (const pipe of pipesOfConnection) pipes.delete(pipe);
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  const port = address.port;
  return {
    port,
    urlFor: (targetUrl) => {
      const url = new URL(targetUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    get connectionsAccepted() {
      return connectionsAccepted;
    },
    pause: () => {
      paused = true;
    },
    refuse: () => {
      refusing = true;
      // A reset rather than a FIN: the client sees its connection fail, not a clean end it might wait on.
      for (const socket of sockets) socket.resetAndDestroy();
    },
    resume: () => {
      refusing = false;
      paused = false;
      for (const pipe of pipes) pipe.flush();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
