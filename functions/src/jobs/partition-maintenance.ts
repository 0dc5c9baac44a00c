import type { InvocationContext, Timer } from '@azure/functions';
import { partitionMaintenanceReportSchema, type PartitionMaintenanceReport } from '@shop/contracts';
import type { TimerHandler } from './job-handlers';
import type { ServiceClient } from './service-client';

/** One service whose monthly partitions the job keeps: its client and its internal maintain route. */
export interface PartitionMaintenanceTarget {
  service: string;
  client: Pick<ServiceClient, 'post'>;
  path: string;
}

/** What the job made of one service. */
export type PartitionMaintenanceOutcome =
  | { service: string; kind: 'maintained'; report: PartitionMaintenanceReport }
  | { service: string; kind: 'failed'; error: string };

/**
 * Asks every service to maintain its partitions, each whatever the others answer, and reports each outcome. The
 * routes are idempotent and serialise on a lock of their own, so a doubled or late run is harmless.
 */
export async function maintainPartitionsOf(targets: PartitionMaintenanceTarget[]): Promise<PartitionMaintenanceOutcome[]> {
  return Promise.all(
    targets.map(async ({ service, client, path }): Promise<PartitionMaintenanceOutcome> => {
      try {
        return { service, kind: 'maintained', report: await client.post(path, {}, partitionMaintenanceReportSchema) };
      } catch (error) {
        return { service, kind: 'failed', error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

/** One line per outcome, for the invocation log and the CLI. */
export function describeOutcome(outcome: PartitionMaintenanceOutcome): string {
  if (outcome.kind === 'failed') return `${outcome.service}: FAILED: ${outcome.error}`;
  const { table, created, dropped, movedFromDefault } = outcome.report;
  return `${outcome.service} ${table}: created [${created.join(', ')}], dropped [${dropped.join(', ')}], moved ${movedFromDefault} row(s) out of the default partition`;
}

/**
 * The daily `maintainPartitions` timer: every target is tried; a failure of any fails the invocation afterwards
 * (timers are not retried, the next day's run is the retry, and the partitions are made three months ahead).
 */
export function createPartitionMaintenanceHandler(targets: PartitionMaintenanceTarget[]): TimerHandler {
  return async (timer: Timer, context: InvocationContext) => {
    if (timer.isPastDue) context.warn(`${context.functionName} runs late (past due); running it now`);
    const outcomes = await maintainPartitionsOf(targets);
    for (const outcome of outcomes) {
      if (outcome.kind === 'failed') context.error(describeOutcome(outcome));
      else context.log(describeOutcome(outcome));
    }
    const failed = outcomes.filter((outcome) => outcome.kind === 'failed');
    if (failed.length > 0) throw new Error(`partition maintenance failed for ${failed.map((outcome) => outcome.service).join(', ')}`);
  };
}
