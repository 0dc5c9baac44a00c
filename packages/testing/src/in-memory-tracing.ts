import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** What a suite gets from {@link useInMemoryTracing}: the finished spans and a tracer to open its own. */
export interface InMemoryTracing {
  exporter: InMemorySpanExporter;
  tracer: Tracer;
}

/**
 * What the telemetry preload's SDK installs, in process, for one test file: a tracer provider whose spans land in
 * memory, the AsyncLocalStorage context manager and the W3C propagator, all registered before the file's tests and
 * removed after them; the finished spans are cleared before each test. Code under test talks to them only through
 * @opentelemetry/api, as in production.
 */
export function useInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    propagation.disable();
    await provider.shutdown();
  });
  beforeEach(() => exporter.reset());
  return { exporter, tracer: provider.getTracer('test') };
}
