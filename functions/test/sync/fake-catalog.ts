import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finishSyncRunBodySchema, openSyncRunBodySchema, type FinishSyncRunBody } from '@shop/contracts';

/** A recorded call to the fake catalog. */
export interface CatalogCall {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * A small HTTP stand-in of catalog's sync-run endpoints: records every call, hands out run ids, and answers finish
 * with the counts a test sets in `finishAnswer`. Like catalog, it refuses (400) bodies its contract schemas refuse.
 */
export class FakeCatalog {
  readonly calls: CatalogCall[] = [];
  finishAnswer: Record<string, unknown> = { created: 0, updated: 0, unchanged: 0, archived: 0 };
  /** Status of the next open-run answers (e.g. 503 to simulate catalog down). */
  openStatus = 201;
  private runs = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        const body: unknown = text ? JSON.parse(text) : undefined;
        this.calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        if (req.url === '/internal/catalog/sync-runs') {
          if (this.openStatus >= 400) {
            res.writeHead(this.openStatus).end(JSON.stringify({ title: 'down' }));
            return;
          }
          const open = openSyncRunBodySchema.safeParse(body);
          if (!open.success) {
            res.writeHead(400).end(JSON.stringify({ title: 'invalid', detail: open.error.message }));
            return;
          }
          this.runs += 1;
          res.writeHead(201).end(JSON.stringify({ runId: `run-${this.runs}`, source: open.data.source, startedAt: new Date().toISOString() }));
        } else if (/^\/internal\/catalog\/sync-runs\/[^/]+\/finish$/.test(req.url ?? '')) {
          const finish = finishSyncRunBodySchema.safeParse(body);
          if (!finish.success) {
            res.writeHead(400).end(JSON.stringify({ title: 'invalid', detail: finish.error.message }));
            return;
          }
          res.writeHead(200).end(JSON.stringify({ ...this.finishAnswer }));
        } else {
          res.writeHead(404).end('{}');
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The finish calls' bodies (each valid by catalog's contract, or it was answered 400). */
  finishes(): FinishSyncRunBody[] {
    return this.calls.filter((call) => call.path.endsWith('/finish')).map((call) => finishSyncRunBodySchema.parse(call.body));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
