import { z } from 'zod';
import {
  CatalogInternalPaths,
  bulkUpsertReplySchema,
  catalogBulkUpsertPath,
  finishSyncRunBodySchema,
  openSyncRunBodySchema,
  openedSyncRunSchema,
  syncBatchEventSchema,
  syncRunListQuerySchema,
  syncRunListSchema,
  syncRunViewSchema,
} from '@shop/contracts';
import { jsonRequestBody, type ApiOperation } from '../api-operation';
import { pathParameters, uuidParameter } from '../path-parameters';
import { jsonResponse } from '../responses';

const runId = pathParameters({ runId: uuidParameter('The sync run id') });

/** The external catalog sync: its runs (opened and finished by the sync, read by admins) and the bulk upsert. */
export const catalogSyncOperations: readonly ApiOperation[] = [
  {
    operationId: 'listSyncRuns',
    method: 'get',
    path: '/api/catalog/sync-runs',
    summary: 'The latest sync runs',
    access: 'admin',
    request: { query: syncRunListQuerySchema },
    responses: { 200: jsonResponse('Sync runs, newest first', syncRunListSchema) },
    problems: [400],
  },
  {
    operationId: 'getSyncRun',
    method: 'get',
    path: '/api/catalog/sync-runs/{runId}',
    summary: 'One sync run',
    access: 'admin',
    request: { params: runId },
    responses: { 200: jsonResponse('The run with its counts', syncRunViewSchema) },
    problems: [400, 404],
  },
  {
    operationId: 'openSyncRun',
    method: 'post',
    path: CatalogInternalPaths.syncRuns,
    summary: 'Open a sync run of a source (the sync, before its first batch)',
    access: 'service',
    request: { body: jsonRequestBody(openSyncRunBodySchema) },
    responses: { 201: jsonResponse('The run', openedSyncRunSchema, z.object({ Location: z.string().meta({ description: '/api/catalog/sync-runs/{runId}' }) })) },
    problems: [400],
  },
  {
    operationId: 'finishSyncRun',
    method: 'post',
    path: CatalogInternalPaths.finishSyncRun('{runId}').replace(encodeURIComponent('{runId}'), '{runId}'),
    summary: 'Record that the sync has sent all it will send',
    description: 'The run settles once the announced batches are applied; a complete run archives the source\'s products it did not see, a partial one archives nothing.',
    access: 'service',
    request: { params: runId, body: jsonRequestBody(finishSyncRunBodySchema) },
    responses: {
      200: jsonResponse('The settled run', syncRunViewSchema),
      202: jsonResponse('The finish is recorded; batches of the run are still on their way (status running)', syncRunViewSchema),
    },
    problems: [400, 404],
  },
  {
    operationId: 'bulkUpsertProducts',
    method: 'post',
    path: catalogBulkUpsertPath,
    summary: 'Apply a batch of sync records (operators and the `npm run sync` CLI)',
    description:
      'Not routed by the gateway; the sync itself sends its batches on the catalog-sync topic. Each record is validated on its own: refused ones are reported, the others applied. With an Idempotency-Key (the batch id) a retried batch is applied and counted once.',
    access: 'admin',
    request: {
      headers: z.object({ 'Idempotency-Key': z.string().regex(/^[A-Za-z0-9:_-]{8,200}$/).optional().meta({ description: 'The batch id: 8 to 200 letters, digits, ":", "_" or "-"' }) }),
      body: jsonRequestBody(syncBatchEventSchema),
    },
    responses: { 200: jsonResponse('What the batch changed, or duplicate: true when it was applied before', bulkUpsertReplySchema) },
    problems: [400, 404],
  },
];
