import { InvocationContext } from '@azure/functions';
import { AuthInternalPaths, CatalogInternalPaths } from '@shop/contracts';
import { partitionTargetsFromSettings } from '../../src/jobs/functions';
import { createPartitionMaintenanceHandler } from '../../src/jobs/partition-maintenance';
import { hostTimer, startFakeService, type FakeService } from './fake-service';

const token = 'test-app-api-token';

/** A real invocation context whose log lines the test reads. */
function context(): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const ctx = new InvocationContext({ functionName: 'maintainPartitions', invocationId: 'test', logHandler: (level, ...args) => void lines.push(`${level}: ${args.join(' ')}`) });
  return { context: ctx, lines };
}

const report = (table: string) => ({ table, created: [`${table}_y2025m09`], dropped: [`${table}_y2024m04`], movedFromDefault: 0 });

describe('partition maintenance job', () => {
  let catalog: FakeService;
  let auth: FakeService;
  beforeEach(async () => {
    [catalog, auth] = await Promise.all([startFakeService(), startFakeService()]);
  });
  afterEach(() => Promise.all([catalog.close(), auth.close()]));

  const handler = () =>
    createPartitionMaintenanceHandler(
      partitionTargetsFromSettings({ CATALOG_INTERNAL_URL: catalog.url, AUTH_INTERNAL_URL: auth.url, APP_API_TOKEN: token, INTERNAL_CALL_TIMEOUT_MS: 2000, INTERNAL_CALL_MAX_RETRIES: 0 }),
    );

  it('when the timer fires, then it POSTs to catalog and auth with the app API token and logs each report', async () => {
    catalog.answer('POST', CatalogInternalPaths.maintainPartitions, report('product_snapshots'));
    auth.answer('POST', AuthInternalPaths.maintainPartitions, report('audit_log'));
    const { context: ctx, lines } = context();
    await handler()(hostTimer(), ctx);
    expect(catalog.calls).toEqual([{ method: 'POST', path: CatalogInternalPaths.maintainPartitions, token, body: {} }]);
    expect(auth.calls).toEqual([{ method: 'POST', path: AuthInternalPaths.maintainPartitions, token, body: {} }]);
    expect(lines.join('\n')).toContain('catalog product_snapshots: created [product_snapshots_y2025m09], dropped [product_snapshots_y2024m04]');
    expect(lines.join('\n')).toContain('auth audit_log: created [audit_log_y2025m09]');
  });

  it('when one service fails, then the other is still maintained and the run fails naming the one that failed', async () => {
    catalog.answer('POST', CatalogInternalPaths.maintainPartitions, report('product_snapshots'));
    // auth answers nothing on the route: a 404.
    const { context: ctx, lines } = context();
    await expect(handler()(hostTimer(true), ctx)).rejects.toThrow(/failed for auth$/);
    expect(catalog.calls).toHaveLength(1);
    expect(auth.calls).toHaveLength(1);
    expect(lines.some((line) => line.startsWith('error: auth: FAILED'))).toBe(true);
    expect(lines.some((line) => line.includes('past due'))).toBe(true);
  });

  it('when a service answers a body that is not a report, then the run fails', async () => {
    catalog.answer('POST', CatalogInternalPaths.maintainPartitions, { ok: true });
    auth.answer('POST', AuthInternalPaths.maintainPartitions, report('audit_log'));
    await expect(handler()(hostTimer(), context().context)).rejects.toThrow(/failed for catalog$/);
  });
});
