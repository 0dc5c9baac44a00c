import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { useInMemoryTracing } from '@shop/testing';
import { HttpServiceInvoker, InMemoryEventBus, type CloudEvent } from '@shop/building-blocks';

// The preload's SDK in process (tracer provider, context manager, W3C propagator): what the adapters do with the
// trace context through @opentelemetry/api.
const { exporter, tracer } = useInMemoryTracing();

describe('trace context in the building blocks', () => {
  it('when a service is invoked inside a span, then the call is a client span of it and the callee receives that client span as traceparent', async () => {
    let received: IncomingHttpHeaders = {};
    const server = createServer((req, res) => {
      received = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const invoker = new HttpServiceInvoker({ services: { catalog: `http://127.0.0.1:${(server.address() as { port: number }).port}` } });
      const parent = tracer.startSpan('request', { kind: SpanKind.SERVER });
      // A stale traceparent passed by the caller loses to the client span's.
      await context.with(trace.setSpan(context.active(), parent), () => invoker.invoke('catalog', { method: 'GET', path: '/x', headers: { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' } }));
      parent.end();
      const client = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CLIENT)!;
      expect(client.name).toBe('GET catalog');
      expect(client.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(client.attributes['http.response.status_code']).toBe(200);
      expect(received.traceparent).toBe(`00-${parent.spanContext().traceId}-${client.spanContext().spanId}-01`);
    } finally {
      server.close();
    }
  });

  it('when an event is published inside a span, then it carries the trace and its handler runs in a consumer span of that trace', async () => {
    const bus = new InMemoryEventBus({ source: 'test' });
    let handledIn: string | undefined;
    let delivered: CloudEvent | undefined;
    bus.subscribe('things', async (event) => {
      delivered = event;
      handledIn = trace.getActiveSpan()?.spanContext().traceId;
      return 'SUCCESS';
    }, { group: 'g' });
    await bus.start();
    const parent = tracer.startSpan('request');
    await context.with(trace.setSpan(context.active(), parent), () => bus.publish('things', { type: 'thing.happened', data: {} }));
    parent.end();
    await bus.whenIdle();
    await bus.close();
    expect(delivered?.traceparent).toBe(`00-${parent.spanContext().traceId}-${parent.spanContext().spanId}-01`);
    expect(handledIn).toBe(parent.spanContext().traceId);
    const consumer = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CONSUMER)!;
    expect(consumer.name).toBe('things process');
    expect(consumer.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });
});
