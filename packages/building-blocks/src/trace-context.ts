import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';

// W3C trace context across the building blocks, through @opentelemetry/api only: without an SDK (npm start, tests)
// every call here is a no-op, and with the preload's SDK the same calls carry the trace from hop to hop.
const tracer = trace.getTracer('@shop/building-blocks');

/** Writes the active span's `traceparent`/`tracestate` into outgoing headers (fetch is not instrumented). */
export function injectTraceContext(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers);
}

/** The active span's `traceparent`, for an event published now and delivered later. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The trace an event belongs to: its `traceparent` if it has one (the outbox relay publishes outside any request). */
function contextOfEvent(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : context.active();
}

/** Runs a publish in the trace of the event's `traceparent`, so the broker call (and Dapr's span) continue it. */
export function publishInTraceOf<T>(traceparent: string | undefined, publish: () => Promise<T>): Promise<T> {
  return context.with(contextOfEvent(traceparent), publish);
}

/**
 * Runs the handling of a delivery in a consumer span whose parent is the event's `traceparent`: what the handler
 * does (SQL, calls) joins the trace of the request that produced the event. For deliveries that do not arrive over
 * HTTP (Redis Streams, in memory); a Dapr delivery is an HTTP request the http instrumentation already continues.
 */
export function deliverInTraceOf<T>(topic: string, event: { id: string; traceparent?: string }, handle: () => Promise<T>): Promise<T> {
  const parent = event.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent }) : ROOT_CONTEXT;
  return tracer.startActiveSpan(
    `${topic} process`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.operation.type': 'process', 'messaging.destination.name': topic, 'messaging.message.id': event.id } },
    parent,
    async (span) => {
      try {
        return await handle();
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Wraps one service invocation in a client span (the dependency Application Insights draws between two services)
 * and gives `send` the headers that carry it. The span ends when `send` settles; a status of 500 or more is an error.
 */
export function invokeInClientSpan<T extends { status: number }>(
  target: { appId: string; method: string; url: string },
  send: (traceHeaders: Record<string, string>) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    `${target.method} ${target.appId}`,
    { kind: SpanKind.CLIENT, attributes: { 'http.request.method': target.method, 'url.full': target.url, 'peer.service': target.appId } },
    async (span) => {
      const traceHeaders: Record<string, string> = {};
      injectTraceContext(traceHeaders);
      try {
        const response = await send(traceHeaders);
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
