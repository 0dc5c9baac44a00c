import { randomUUID } from 'node:crypto';
import type { CloudEvent, DeliveryOutcome, OutgoingEvent, SubscriptionOptions } from './event-bus';
import { activeTraceparent } from '../trace-context';

/** Defaults of `SubscriptionOptions` (documented on the port). */
export const DeliveryDefaults = {
  // 12 deliveries 200 ms apart doubling to the cap span about 4 minutes: a consumer whose database or store is down
  // for a restart or a failover waits it out instead of dead-lettering (Dapr's resiliency policy in AKS is similar).
  maxAttempts: 12,
  initialBackoffMs: 200,
  /** Retry delays double per attempt up to this cap, so a long outage does not push retries out for hours. */
  maxBackoffMs: 60_000,
} as const;

/** A subscription's delivery policy with defaults applied. */
export interface DeliveryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
}

/** Applies the port's defaults to subscription options and rejects nonsense early. */
export function deliveryPolicyOf(options: SubscriptionOptions): DeliveryPolicy {
  const maxAttempts = options.maxAttempts ?? DeliveryDefaults.maxAttempts;
  const initialBackoffMs = options.initialBackoffMs ?? DeliveryDefaults.initialBackoffMs;
  if (!options.group) throw new TypeError('SubscriptionOptions.group is required');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new TypeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  if (!(initialBackoffMs >= 0)) throw new TypeError(`initialBackoffMs must be >= 0, got ${initialBackoffMs}`);
  return { maxAttempts, initialBackoffMs };
}

/** Delay before the redelivery that follows delivery number `attempt` (1-based): initial, 2x, 4x ... capped. */
export function retryDelayMs(policy: DeliveryPolicy, attempt: number): number {
  return Math.min(policy.initialBackoffMs * 2 ** Math.max(0, attempt - 1), DeliveryDefaults.maxBackoffMs);
}

/** Wraps what a publisher supplies in a CloudEvents 1.0 envelope (id, source, time and trace context filled in). */
export function toCloudEvent<T>(source: string, event: OutgoingEvent<T>): CloudEvent<T> {
  if (!event.type) throw new TypeError('OutgoingEvent.type is required');
  const envelope: CloudEvent<T> = {
    specversion: '1.0',
    id: event.id ?? randomUUID(),
    source,
    type: event.type,
    time: event.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
  };
  if (event.subject !== undefined) envelope.subject = event.subject;
  // A publisher inside a traced request need not pass its trace: the active span's is taken.
  const traceparent = event.traceparent ?? activeTraceparent();
  if (traceparent !== undefined) envelope.traceparent = traceparent;
  return envelope;
}

/** A deep copy with JSON semantics: what a consumer on the other side of a broker would see. */
export function copyAsOnTheWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const outcomes: ReadonlySet<string> = new Set<DeliveryOutcome>(['SUCCESS', 'RETRY', 'DROP']);

/**
 * Runs a handler and turns whatever happens into an outcome. A throw, or a value that is not an outcome
 * (a handler that forgot to return one), counts as RETRY so an event is never silently acknowledged.
 */
export async function runHandler<T>(handler: (event: CloudEvent<T>) => Promise<DeliveryOutcome>, event: CloudEvent<T>): Promise<{ outcome: DeliveryOutcome; error?: unknown }> {
  try {
    const outcome: unknown = await handler(event);
    if (typeof outcome === 'string' && outcomes.has(outcome)) return { outcome: outcome as DeliveryOutcome };
    return { outcome: 'RETRY', error: new TypeError(`handler returned ${String(outcome)} instead of SUCCESS, RETRY or DROP`) };
  } catch (error) {
    return { outcome: 'RETRY', error };
  }
}

/** Type guard for a parsed JSON body that looks like a structured-mode CloudEvent. */
export function isCloudEvent(value: unknown): value is CloudEvent {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return candidate.specversion === '1.0' && typeof candidate.id === 'string' && typeof candidate.type === 'string' && typeof candidate.source === 'string';
}
