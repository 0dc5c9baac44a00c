import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake service received. */
export interface RecordedCall {
  method: string;
  path: string;
  token: string | undefined;
  body: unknown;
}

/** A tiny HTTP stand-in of a platform service: answers from a route table and records every call. */
export interface FakeService {
  url: string;
  calls: RecordedCall[];
  /** Sets the answer of `METHOD path` (status 200 unless given). */
  answer(method: string, path: string, body: unknown, status?: number): void;
  close(): Promise<void>;
}

/** Starts a fake service on a free loopback port. Unknown routes answer 404. */
export async function startFakeService(): Promise<FakeService> {
  const routes = new Map<string, { status: number; body: unknown }>();
  const calls: RecordedCall[] = [];
  const answerRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    calls.push({ method: req.method!, path: req.url!, token: req.headers['dapr-api-token'] as string | undefined, body: text ? JSON.parse(text) : undefined });
    const route = routes.get(`${req.method} ${req.url}`);
    res.writeHead(route?.status ?? 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(route?.body ?? { title: 'Not Found' }));
  };
  // A request the fake cannot read (a body that is not JSON) answers 500, so the caller under test sees a failure.
  const server: Server = createServer((req, res) => {
    answerRequest(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    answer: (method, path, body, status = 200) => void routes.set(`${method} ${path}`, { status, body }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A timer input as the Functions host passes it. */
export function hostTimer(isPastDue = false) {
  return {
    isPastDue,
    schedule: { adjustForDST: false },
    scheduleStatus: { last: '2024-03-04T00:59:00.000Z', next: '2024-03-05T01:00:00.000Z', lastUpdated: '2024-03-04T01:00:00.000Z' },
  };
}
