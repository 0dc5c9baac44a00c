import express from 'express';
import request from 'supertest';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { useInMemoryTracing } from '@shop/testing';
import {
  createHttpApp,
  createLogger,
  createServiceMetrics,
  currentTraceparent,
  propagationHeaders,
  runWithRequestContext,
  startTelemetry,
  telemetryAuthenticationOf,
  telemetryStatus,
} from '@shop/platform';

// What the preload's SDK provides, in process: a tracer provider, the AsyncLocalStorage context manager and the W3C
// propagator. Jest loads modules through its own registry, which the http instrumentation cannot patch; a wrapper
// below stands in for it (server span active and bound to the response, as the instrumentation does). The real
// instrumentation across processes is proven by test/e2e/tracing.test.ts.
const { exporter, tracer } = useInMemoryTracing();

describe('log correlation and trace propagation through @opentelemetry/api', () => {
  it('when a request is served in a server span, then its access log line carries the span\'s trace and span ids and the span is named by the route template', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ service: 'test', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const { app } = createHttpApp({
      service: 'test',
      logger,
      metrics: createServiceMetrics('test', { collectProcessMetrics: false }),
      mountRoutes: (routes) => routes.get('/widgets/:id', (_req, res) => void res.json({ ok: true })),
    });
    const instrumented = express();
    instrumented.use((req, res) => {
      tracer.startActiveSpan('GET', { kind: SpanKind.SERVER }, (span) => {
        context.bind(context.active(), res);
        res.on('close', () => span.end());
        app(req, res);
      });
    });

    const res = await request(instrumented).get('/widgets/42').set('x-request-id', 'req-trace-1');
    expect(res.status).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET /widgets/:id');
    expect(span.attributes['http.route']).toBe('/widgets/:id');
    const accessLine = lines.find((line) => line.msg === 'request' && line.requestId === 'req-trace-1');
    expect(accessLine).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId, trace_flags: '01' });
  });

  it('when a line is logged outside any span, then it has no trace fields', () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ service: 'test', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    logger.info({ n: 1 }, 'outside');
    logger.info({ n: 2 }, 'again');
    expect(lines.map((line) => [line.n, 'trace_id' in line])).toEqual([[1, false], [2, false]]);
  });

  it('when another service is called inside a span, then the headers carry its W3C traceparent and the request id', () => {
    const span = tracer.startSpan('caller');
    const headers = context.with(trace.setSpan(context.active(), span), () => runWithRequestContext({ requestId: 'req-9' }, () => propagationHeaders()));
    span.end();
    expect(headers).toEqual({ 'x-request-id': 'req-9', traceparent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01` });
    expect(context.with(trace.setSpan(context.active(), span), () => currentTraceparent())).toBe(headers.traceparent);
    expect(propagationHeaders()).toEqual({});
    expect(currentTraceparent()).toBeUndefined();
  });
});

describe('telemetry start (the preload)', () => {
  it('when no connection string is set, then nothing starts', () => {
    expect(startTelemetry({})).toEqual({ exporting: false });
    expect(startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: '  ' })).toEqual({ exporting: false });
    expect(telemetryStatus()).toEqual({ exporting: false });
  });

  it.each([
    ['the Functions app\'s authentication string with its identity', { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=1111-2222;Authorization=AAD' }, { kind: 'managed-identity', clientId: '1111-2222' }],
    ['an authentication string without a client id', { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD' }, { kind: 'managed-identity' }],
    ['a pod with workload identity', { AZURE_CLIENT_ID: 'abc', AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' }, { kind: 'workload-identity' }],
    ['neither', { AZURE_CLIENT_ID: 'abc' }, { kind: 'instrumentation-key' }],
  ])('when the environment has %s, then the exporter authenticates accordingly', (_what, env, expected) => {
    expect(telemetryAuthenticationOf(env)).toEqual(expected);
  });
});
