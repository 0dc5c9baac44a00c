import { syncRunViewSchema } from '@shop/contracts';
import { MAX_STORED_REJECTIONS, isReadyToSettle, newSyncRun, toSyncRunView, withBatchApplied, withFinishRecorded } from './sync-run';

const opened = () => newSyncRun('3f1d3c1e-8a4b-4c62-9d7e-2a5b6c7d8e9f', { source: 'erp', trigger: 'timer' }, new Date('2024-06-01T00:00:00Z'));
const rejection = (n: number) => ({ externalId: `x${n}`, reason: 'bad' });

describe('sync runs', () => {
  it('when batches and the finish are counted in, then the run is ready to settle only once every announced batch is applied', () => {
    let run = withBatchApplied(opened(), { created: 2, updated: 1, unchanged: 0, rejected: [rejection(1)] });
    expect(isReadyToSettle(run)).toBe(false);
    run = withFinishRecorded(run, { complete: true, batches: 2, fetched: 5, rejected: [rejection(2)], errors: ['page 3 slow'] });
    expect(isReadyToSettle(run)).toBe(false);
    run = withBatchApplied(run, { created: 0, updated: 0, unchanged: 1, rejected: [] });
    expect(isReadyToSettle(run)).toBe(true);
    expect(run).toMatchObject({ created: 2, updated: 1, unchanged: 1, fetched: 5, rejectedCount: 2, batchesApplied: 2, batchesExpected: 2, errors: ['page 3 slow'] });
    expect(isReadyToSettle({ ...run, status: 'succeeded' })).toBe(false);
  });

  it('when a feed rejects more records than are stored, then the count keeps counting and the list stops growing', () => {
    const many = Array.from({ length: MAX_STORED_REJECTIONS + 50 }, (_, n) => rejection(n));
    const run = withBatchApplied(opened(), { created: 0, updated: 0, unchanged: 0, rejected: many });
    expect(run.rejected).toHaveLength(MAX_STORED_REJECTIONS);
    expect(run.rejectedCount).toBe(MAX_STORED_REJECTIONS + 50);
  });

  it('when a run is shown, then its view is what the contract declares', () => {
    expect(syncRunViewSchema.parse(toSyncRunView(opened()))).toEqual(toSyncRunView(opened()));
  });
});
