import type { IncomingMessage } from 'node:http';
import type { TokenCredential } from '@azure/identity';

/**
 * How the exporter proves who it is to Application Insights. The resource has local (instrumentation key)
 * authentication off, so in Azure it is always an Entra ID token:
 * - `managed-identity`: APPLICATIONINSIGHTS_AUTHENTICATION_STRING says `Authorization=AAD` (the Functions app's
 *   setting, the same string the Functions host reads), with the user-assigned identity's `ClientId` when given;
 * - `workload-identity`: a pod of AKS workload identity (the webhook injects AZURE_FEDERATED_TOKEN_FILE and
 *   AZURE_CLIENT_ID into every pod labelled azure.workload.identity/use, as the chart's are);
 * - `instrumentation-key`: neither, the connection string's key alone (a resource with local auth on, a test sink).
 */
export type TelemetryAuthentication = { kind: 'managed-identity'; clientId?: string } | { kind: 'workload-identity' } | { kind: 'instrumentation-key' };

/** What the preload reads: the service's environment. */
export type TelemetryEnvironment = Readonly<Record<string, string | undefined>>;

/** Requests the probes and the scraper make every few seconds: tracing them would drown the real traffic. */
const untracedPaths = new Set(['/healthz', '/readyz', '/metrics']);

// The distro types its instrumentation options as the base config only, but hands each to its instrumentation whole;
// these are options of @opentelemetry/instrumentation-http and of the pg and redis instrumentations.
const httpInstrumentation = { enabled: true, ignoreIncomingRequestHook: (request: IncomingMessage) => untracedPaths.has((request.url ?? '/').split('?')[0]) };
// Only statements and commands made for a traced request or delivery: the outbox relay's and the pollers' rounds every
// few hundred milliseconds would otherwise each be a trace of their own.
const onlyUnderATracedParent = { enabled: true, requireParentSpan: true };

/** Picks the exporter's authentication from the environment (see TelemetryAuthentication). */
export function telemetryAuthenticationOf(env: TelemetryEnvironment): TelemetryAuthentication {
  const authenticationString = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING?.trim();
  if (authenticationString) {
    const fields = new Map(
      authenticationString
        .split(';')
        .map((pair) => pair.split('=').map((part) => part.trim()))
        .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== '')
        .map(([key, value]) => [key.toLowerCase(), value] as const),
    );
    if (fields.get('authorization')?.toUpperCase() === 'AAD') {
      const clientId = fields.get('clientid');
      return clientId ? { kind: 'managed-identity', clientId } : { kind: 'managed-identity' };
    }
  }
  if (env.AZURE_FEDERATED_TOKEN_FILE && env.AZURE_CLIENT_ID) return { kind: 'workload-identity' };
  return { kind: 'instrumentation-key' };
}

/** What `startTelemetry` did, for the service to report once its logger exists. */
export interface TelemetryStatus {
  exporting: boolean;
  serviceName?: string;
  authentication?: TelemetryAuthentication['kind'];
}

// The OpenTelemetry SDK is process-global by design (one tracer provider, one set of patched modules), so what the
// preload started is remembered here, for the service's shutdown to flush it.
let started: { status: TelemetryStatus; shutdown: () => Promise<void> } | undefined;

/**
 * Starts OpenTelemetry with export to Azure Monitor (Application Insights) when APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set; otherwise loads nothing and does nothing. Runs from the preload (`node --require
 * @shop/platform/dist/telemetry-preload.js`), before the service's first `require`: the http, pg and redis
 * instrumentations patch those modules as they load, so starting later (in main) would leave Express and pg untraced.
 */
export function startTelemetry(env: TelemetryEnvironment): TelemetryStatus {
  if (started) return started.status;
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return { exporting: false };
  // Required here, not imported: the SDK is large and patches modules as it loads, which a run without a connection
  // string (npm start, tests) must not pay for.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, as said above
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  const authentication = telemetryAuthenticationOf(env);
  monitor.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, credential: credentialFor(authentication) },
    // The ratio sampler decides from the trace id, so every service keeps or drops the same traces and a kept trace
    // is whole; the distro's default (5 traces per second per process) decides per process and breaks traces apart.
    tracesPerSecond: 0,
    samplingRatio: 1,
    instrumentationOptions: {
      http: httpInstrumentation,
      postgreSql: onlyUnderATracedParent,
      // The distro builds one instrumentation for both redis client generations, from the `redis` options.
      redis: onlyUnderATracedParent,
      redis4: onlyUnderATracedParent,
      azureSdk: { enabled: true },
      // Drivers the platform does not use.
      mongoDb: { enabled: false },
      mySql: { enabled: false },
    },
  });
  const status: TelemetryStatus = { exporting: true, serviceName: env.OTEL_SERVICE_NAME, authentication: authentication.kind };
  started = { status, shutdown: () => monitor.shutdownAzureMonitor() };
  return status;
}

/** What the preload started, if anything (`exporting: false` when it did not run or had no connection string). */
export function telemetryStatus(): TelemetryStatus {
  return started?.status ?? { exporting: false };
}

/** Flushes and stops what `startTelemetry` started (spans still buffered are sent); a no-op when nothing was. */
export async function shutdownTelemetry(): Promise<void> {
  const running = started;
  started = undefined;
  await running?.shutdown();
}

function credentialFor(authentication: TelemetryAuthentication): TokenCredential | undefined {
  if (authentication.kind === 'instrumentation-key') return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when exporting with Entra ID
  const identity = require('@azure/identity') as typeof import('@azure/identity');
  if (authentication.kind === 'workload-identity') return new identity.WorkloadIdentityCredential();
  return authentication.clientId ? new identity.ManagedIdentityCredential({ clientId: authentication.clientId }) : new identity.ManagedIdentityCredential();
}
