// Telemetry of the Functions app. OpenTelemetry itself is started by the platform's preload
// (languageWorkers__node__arguments in bicep/modules/functions.bicep), before the worker loads this app. What the
// preload cannot do is join the host's traces: the worker's hook API does not exist yet when it runs. This does it.
import { app } from '@azure/functions';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * Runs every invocation in the trace the Functions host started for it (its trigger's `traceparent`: the Service Bus
 * message's, the HTTP caller's), so the spans of what the function calls are children of the host's invocation.
 */
export function continueHostTraces(): void {
  app.hook.preInvocation((hookContext) => {
    const traceContext = hookContext.invocationContext.traceContext;
    if (!traceContext?.traceParent) return;
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: traceContext.traceParent, ...(traceContext.traceState ? { tracestate: traceContext.traceState } : {}) });
    hookContext.functionHandler = context.bind(parent, hookContext.functionHandler);
  });
}

// Like the function registrations: only inside the host (npm start and tests import the modules without it).
if (process.env.FUNCTIONS_WORKER_RUNTIME) continueHostTraces();
