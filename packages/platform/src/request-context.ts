import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';

/**
 * What is known about the request being served, available anywhere below its handler. The trace context is not
 * here: it is OpenTelemetry's (the active span), which the http instrumentation extracts from `traceparent`.
 */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being served, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `context` as the current request context. */
export function runWithRequestContext<T>(requestContext: RequestContext, fn: () => T): T {
  return storage.run(requestContext, fn);
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the context of an incoming request: keeps a well-formed `x-request-id`, else makes a new one. */
export function requestContextFromHeaders(requestIdHeader: string | undefined): RequestContext {
  return { requestId: requestIdHeader && requestIdPattern.test(requestIdHeader) ? requestIdHeader : randomUUID() };
}

/**
 * Headers that carry the current request to another service: its `x-request-id`, and the W3C trace context of the
 * active span (`traceparent`, `tracestate`) written by OpenTelemetry's propagator. Without telemetry no propagator
 * is registered and only the request id goes.
 */
export function propagationHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const requestContext = currentRequestContext();
  if (requestContext) headers['x-request-id'] = requestContext.requestId;
  propagation.inject(context.active(), headers);
  return headers;
}

/** The `traceparent` of the active span (to store with an event sent later), if there is one. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The fields a log line gets from the active span: OpenTelemetry's names, which Application Insights correlates on. */
export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * Trace and span id of the active span, or no fields outside a span. A new object each time: pino merges the logged
 * object into what this returns.
 */
export function activeTraceLogFields(): TraceLogFields {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId, trace_flags: `0${spanContext.traceFlags.toString(16)}`.slice(-2) };
}
