// `npm run partitions` (node functions/dist/cli/maintain-partitions.js): the daily partition job once, from a shell.
// Service base URLs from CATALOG_INTERNAL_URL (default http://127.0.0.1:3002) and AUTH_INTERNAL_URL (default
// http://127.0.0.1:3001); APP_API_TOKEN is sent as dapr-api-token when set.
import { AppIds, AuthInternalPaths, CatalogInternalPaths } from '@shop/contracts';
import { describeOutcome, maintainPartitionsOf } from '../jobs/partition-maintenance';
import { ServiceClient } from '../jobs/service-client';

async function main(): Promise<void> {
  const env = process.env;
  const client = (baseUrl: string) => new ServiceClient({ baseUrl, ...(env.APP_API_TOKEN ? { appApiToken: env.APP_API_TOKEN } : {}) });
  const outcomes = await maintainPartitionsOf([
    { service: AppIds.catalog, client: client(env.CATALOG_INTERNAL_URL ?? 'http://127.0.0.1:3002'), path: CatalogInternalPaths.maintainPartitions },
    { service: AppIds.auth, client: client(env.AUTH_INTERNAL_URL ?? 'http://127.0.0.1:3001'), path: AuthInternalPaths.maintainPartitions },
  ]);
  for (const outcome of outcomes) console.log(describeOutcome(outcome));
  if (outcomes.some((outcome) => outcome.kind === 'failed')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
