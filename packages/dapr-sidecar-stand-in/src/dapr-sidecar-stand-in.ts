import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Components } from '@shop/contracts';
import { StandInBroker, type AppVerdict, type PublishedEvent, type StandInCloudEvent, type StandInDeliveryPolicy, type StandInSubscription, type SubscriberReplica } from './stand-in-broker';
import { DaprApiError, StandInStateStore, type StateSaveItem } from './stand-in-state-store';

/** Options of one stand-in sidecar (one per app replica, like the real one). */
export interface DaprSidecarStandInOptions {
  /** The app id of the app this sidecar serves. */
  appId: string;
  /** Where the app listens (e.g. `http://127.0.0.1:4001`); needed to read its subscriptions and deliver events. */
  appUrl?: string;
  /** Port of the sidecar's HTTP API. Default 0: any free port (read `url` after `start()`). */
  port?: number;
  /** State store component names. Default: the platform's state store. */
  stateStores?: string[];
  /** Pub/sub component names. Default: the platform's pub/sub. */
  pubsubs?: string[];
  /** Where other apps listen, by app id, for service invocation. */
  apps?: Record<string, string>;
  /** Share one broker between the sidecars of several apps (and replicas) so they see each other's events. Default: a private one. */
  broker?: StandInBroker;
  /** Retry policy of a private broker (a shared broker has its own). */
  delivery?: Partial<StandInDeliveryPolicy>;
  /** When set, every API call must carry it in `dapr-api-token` (401 otherwise), like `APP_API_TOKEN`/`DAPR_API_TOKEN`. */
  apiToken?: string;
  /** How long a delivery to the app may take before it counts as failed. Default 30 000 ms. */
  appTimeoutMs?: number;
  /**
   * `on-start` (default): `start()` reads the app's subscriptions, for an app that is already listening.
   * `manual`: the test calls `loadSubscriptions()` once the app has registered them (the moment the real sidecar
   * would find the app ready).
   */
  subscriptionDiscovery?: 'on-start' | 'manual';
}

/** Connection-level headers that belong to one hop and are never forwarded. */
const hopByHopHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

/**
 * An in-process stand-in for the Dapr sidecar's HTTP API: state, publish, delivery to the app's programmatic
 * subscriptions, service invocation, metadata and health. It follows the documented API closely enough to test the
 * Dapr adapters; see the package README for what it cannot prove.
 */
export class DaprSidecarStandIn {
  /** The pub/sub component: inspect `broker.published`, `broker.deadLettered`, `broker.deliveries`. */
  readonly broker: StandInBroker;
  /** The subscriptions read from the app's `GET /dapr/subscribe`. */
  subscriptions: StandInSubscription[] = [];
  private readonly options: DaprSidecarStandInOptions;
  private readonly stores = new Map<string, StandInStateStore>();
  private readonly pubsubs: Set<string>;
  private readonly ownsBroker: boolean;
  private readonly replica: SubscriberReplica;
  private server?: Server;

  constructor(options: DaprSidecarStandInOptions) {
    this.options = options;
    for (const name of options.stateStores ?? [Components.stateStore]) this.stores.set(name, new StandInStateStore(name));
    this.pubsubs = new Set(options.pubsubs ?? [Components.pubsub]);
    this.ownsBroker = options.broker === undefined;
    this.broker = options.broker ?? new StandInBroker(options.delivery);
    this.replica = { appId: options.appId, deliver: (route, event) => this.deliverToApp(route, event) };
  }

  /** The sidecar's base URL, e.g. `http://127.0.0.1:35231`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The sidecar's HTTP port (what an app passes as DAPR_HTTP_PORT). */
  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('DaprSidecarStandIn is not started');
    return address.port;
  }

  /** Every event published on the broker this sidecar uses, in order. */
  get publishedEvents(): PublishedEvent[] {
    return this.broker.published;
  }

  /** Events that subscriptions to `topic` gave up on (DROP or retries exhausted), in order. */
  deadLetters(topic: string): StandInCloudEvent[] {
    return this.broker.deadLettered.filter((d) => d.topic === topic).map((d) => d.event);
  }

  /** Starts the HTTP API, then, if the app is known, reads its subscriptions (as the sidecar does once the app is up). */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.route(req, res));
    server.listen(this.options.port ?? 0, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    if (this.options.appUrl && this.options.subscriptionDiscovery !== 'manual') await this.loadSubscriptions();
  }

  /** Reads the app's programmatic subscriptions and joins their topics' consumer groups. */
  async loadSubscriptions(): Promise<StandInSubscription[]> {
    if (!this.options.appUrl) throw new Error('DaprSidecarStandIn: no appUrl to read subscriptions from');
    const response = await fetch(`${this.options.appUrl}/dapr/subscribe`, { signal: AbortSignal.timeout(5000) });
    // An app without the endpoint simply has no programmatic subscriptions.
    const declared: unknown = response.ok ? await response.json() : [];
    if (!Array.isArray(declared)) throw new Error('GET /dapr/subscribe did not answer an array');
    this.broker.unsubscribe(this.replica);
    this.subscriptions = [];
    for (const raw of declared as Array<Record<string, unknown>>) {
      const routes = raw.routes as { default?: string } | undefined;
      const subscription: StandInSubscription = {
        pubsubname: String(raw.pubsubname),
        topic: String(raw.topic),
        route: normalizeRoute(typeof raw.route === 'string' ? raw.route : (routes?.default ?? '')),
        deadLetterTopic: typeof raw.deadLetterTopic === 'string' && raw.deadLetterTopic !== '' ? raw.deadLetterTopic : undefined,
        metadata: raw.metadata as Record<string, string> | undefined,
      };
      // Dapr refuses subscriptions to unknown components; the stand-in skips them the same way.
      if (!this.pubsubs.has(subscription.pubsubname) || subscription.route === '/') continue;
      this.subscriptions.push(subscription);
      this.broker.subscribe(this.replica, subscription);
    }
    return this.subscriptions;
  }

  /** Resolves once the broker has no delivery running or waiting for a retry. */
  whenIdle(): Promise<void> {
    return this.broker.whenIdle();
  }

  /** Leaves the consumer groups, closes the API (dropping open connections) and, if private, the broker. */
  async stop(): Promise<void> {
    this.broker.unsubscribe(this.replica);
    if (this.ownsBroker) await this.broker.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /**
   * Delivers one event the way Dapr's HTTP subscriber does: `POST` with `application/cloudevents+json`; a 2xx answer
   * is read for `{"status"}` (missing or unreadable = SUCCESS, unknown = RETRY); 404 = DROP; anything else or no
   * answer = RETRY.
   */
  private async deliverToApp(route: string, event: StandInCloudEvent): Promise<AppVerdict> {
    try {
      const response = await fetch(this.options.appUrl + route, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', ...(typeof event.traceparent === 'string' ? { traceparent: event.traceparent } : {}) },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(this.options.appTimeoutMs ?? 30_000),
      });
      const text = await response.text();
      if (response.status === 404) return 'DROP';
      if (response.status < 200 || response.status > 299) return 'RETRY';
      let status: unknown;
      try {
        status = text === '' ? undefined : (JSON.parse(text) as { status?: unknown }).status;
      } catch {
        return 'SUCCESS';
      }
      if (status === undefined || status === '' || status === 'SUCCESS') return 'SUCCESS';
      if (status === 'DROP') return 'DROP';
      return 'RETRY';
    } catch {
      return 'RETRY';
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const segments = url.pathname.split('/').slice(1);
      if (this.options.apiToken && req.headers['dapr-api-token'] !== this.options.apiToken) {
        throw new DaprApiError(401, 'ERR_API_UNAUTHORIZED', 'authentication error: api token mismatch');
      }
      if (segments[0] !== 'v1.0' && typeof req.headers['dapr-app-id'] === 'string') {
        // Invocation by header: the path is the target app's own path.
        return this.invoke(req, res, req.headers['dapr-app-id'], url.pathname + url.search);
      }
      const [version, api, ...rest] = segments;
      if (version !== 'v1.0') throw new DaprApiError(404, 'ERR_NOT_FOUND', `no such API ${url.pathname}`);
      if (api === 'healthz' && req.method === 'GET') return sendEmpty(res, 204);
      if (api === 'metadata' && req.method === 'GET') return sendJson(res, 200, this.metadata());
      if (api === 'state') return await this.stateApi(req, res, rest.map(decodeURIComponent), url.searchParams);
      if (api === 'publish' && req.method === 'POST' && rest.length === 2) return await this.publishApi(req, res, decodeURIComponent(rest[0]), decodeURIComponent(rest[1]));
      if (api === 'invoke' && rest[1] === 'method') {
        return this.invoke(req, res, decodeURIComponent(rest[0]), `/${rest.slice(2).join('/')}${url.search}`);
      }
      throw new DaprApiError(404, 'ERR_NOT_FOUND', `no such API ${req.method} ${url.pathname}`);
    } catch (error) {
      if (error instanceof DaprApiError) return sendJson(res, error.status, { errorCode: error.errorCode, message: error.message });
      return sendJson(res, 500, { errorCode: 'ERR_INTERNAL', message: String(error) });
    }
  }

  private metadata(): object {
    return {
      id: this.options.appId,
      runtimeVersion: 'stand-in',
      enabledFeatures: [],
      components: [
        ...[...this.stores.keys()].map((name) => ({ name, type: 'state.in-memory', version: 'v1', capabilities: ['ETAG', 'TTL'] })),
        ...[...this.pubsubs].map((name) => ({ name, type: 'pubsub.in-memory', version: 'v1' })),
      ],
      subscriptions: this.subscriptions.map((s) => ({ pubsubname: s.pubsubname, topic: s.topic, deadLetterTopic: s.deadLetterTopic ?? '', rules: [{ path: s.route }] })),
      appConnectionProperties: { protocol: 'http', channelAddress: this.options.appUrl ?? '' },
    };
  }

  private async stateApi(req: IncomingMessage, res: ServerResponse, path: string[], query: URLSearchParams): Promise<void> {
    const [storeName, key, extra] = path;
    const store = this.stores.get(storeName);
    if (!store) throw new DaprApiError(400, 'ERR_STATE_STORE_NOT_FOUND', `state store ${storeName} is not found`);
    const requestMetadata = metadataFromQuery(query);
    if (key === undefined && req.method === 'POST') {
      const items = (await readJson(req)) as StateSaveItem[];
      if (!Array.isArray(items)) throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'state save body must be an array');
      for (const item of items) store.save(item, requestMetadata);
      return sendEmpty(res, 204);
    }
    if (key === 'bulk' && extra === undefined && (req.method === 'POST' || req.method === 'PUT')) {
      const { keys } = (await readJson(req)) as { keys?: string[] };
      if (!Array.isArray(keys)) throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'bulk get body needs "keys"');
      return sendJson(res, 200, keys.map((k) => {
        const found = store.get(k);
        return found ? { key: k, data: JSON.parse(found.json) as unknown, etag: found.etag } : { key: k };
      }));
    }
    if (key !== undefined && extra === undefined && req.method === 'GET') {
      const found = store.get(key);
      if (!found) return sendEmpty(res, 204);
      res.writeHead(200, { 'content-type': 'application/json', etag: found.etag });
      res.end(found.json);
      return;
    }
    if (key !== undefined && extra === undefined && req.method === 'DELETE') {
      const ifMatch = req.headers['if-match'];
      store.delete(key, typeof ifMatch === 'string' ? ifMatch : undefined);
      return sendEmpty(res, 204);
    }
    throw new DaprApiError(404, 'ERR_NOT_FOUND', `no such state API ${req.method} ${path.join('/')}`);
  }

  /**
   * `application/cloudevents+json` bodies are kept as the publisher built them (id, source, type...); anything else
   * is wrapped in a new CloudEvent whose data is the body, as Dapr does.
   */
  private async publishApi(req: IncomingMessage, res: ServerResponse, pubsubname: string, topic: string): Promise<void> {
    if (!this.pubsubs.has(pubsubname)) throw new DaprApiError(404, 'ERR_PUBSUB_NOT_FOUND', `pubsub ${pubsubname} is not found`);
    const contentType = (req.headers['content-type'] ?? 'text/plain').split(';')[0].trim().toLowerCase();
    const body = await readBody(req);
    let event: StandInCloudEvent;
    if (contentType === 'application/cloudevents+json') {
      const parsed = parseJson(body) as StandInCloudEvent;
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string') {
        throw new DaprApiError(400, 'ERR_PUBSUB_CLOUD_EVENTS_SER', 'body is not a CloudEvent');
      }
      event = { ...parsed };
    } else {
      const isJson = contentType === 'application/json' || contentType.endsWith('+json');
      event = {
        specversion: '1.0',
        id: randomUUID(),
        source: this.options.appId,
        type: 'com.dapr.event.sent',
        datacontenttype: contentType,
        time: new Date().toISOString(),
        data: isJson ? parseJson(body) : body.toString('utf8'),
      };
    }
    const traceparent = req.headers.traceparent;
    if (typeof traceparent === 'string' && event.traceparent === undefined) event.traceparent = traceparent;
    if (typeof event.traceparent === 'string') event.traceid = event.traceparent;
    this.broker.publish(pubsubname, topic, event);
    sendEmpty(res, 204);
  }

  /** Forwards a request to the target app as is, and its answer back as is (status, headers, body). */
  private invoke(req: IncomingMessage, res: ServerResponse, appId: string, path: string): void {
    const base = this.options.apps?.[appId];
    if (!base) {
      sendJson(res, 500, { errorCode: 'ERR_DIRECT_INVOKE', message: `failed to invoke, id: ${appId}, err: couldn't find service: ${appId}` });
      return;
    }
    const target = new URL(base.replace(/\/+$/, '') + path);
    const headers = forwardedHeaders(req.headers);
    headers['dapr-caller-app-id'] = this.options.appId;
    headers['dapr-callee-app-id'] = appId;
    delete headers['dapr-app-id'];
    delete headers['dapr-api-token'];
    const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardedHeaders(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (res.headersSent) return void res.destroy(error);
      sendJson(res, 500, { errorCode: 'ERR_DIRECT_INVOKE', message: `failed to invoke, id: ${appId}, err: ${error.message}` });
    });
    // A caller that gives up (timeout) cancels the call to the target too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }
}

function normalizeRoute(route: string): string {
  return route.startsWith('/') ? route : `/${route}`;
}

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !hopByHopHeaders.has(name)) result[name] = value;
  return result;
}

function metadataFromQuery(query: URLSearchParams): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of query) if (name.startsWith('metadata.')) metadata[name.slice('metadata.'.length)] = value;
  return metadata;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  return parseJson(await readBody(req));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'request body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
