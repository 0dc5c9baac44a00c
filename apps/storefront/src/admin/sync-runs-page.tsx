import { useCallback, useEffect, useState } from 'react';
import { describeApiError } from '../api/api-error';
import type { SyncRunView } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { formatUtcDateTime } from './utc-days';

const runStatusLabels: Record<SyncRunView['status'], string> = { running: 'Running', succeeded: 'Succeeded', partial: 'Partial', failed: 'Failed' };
const countColumns = ['fetched', 'created', 'updated', 'unchanged', 'archived'] as const;

/** The catalog sync's runs, newest first, with their counts and (folded away) rejected records and errors. */
export function SyncRunsPage() {
  const { admin } = useApp();
  const [runs, setRuns] = useState<SyncRunView[]>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    setError(undefined);
    try {
      setRuns(await admin.syncRuns());
    } catch (caught) {
      setError(describeApiError(caught));
    } finally {
      setLoading(false);
    }
  }, [admin]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section>
      <div className="admin-heading">
        <PageHeading>Sync runs</PageHeading>
        <button type="button" className="button" onClick={() => void load()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {error && <Alert>{error}</Alert>}
      {!runs ? (
        !error && <Spinner label="Loading sync runs…" />
      ) : runs.length === 0 ? (
        <p className="empty">No sync runs yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table admin-table">
            <caption className="visually-hidden">Sync runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Trigger</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
                <th scope="col" className="number">
                  Fetched
                </th>
                <th scope="col" className="number">
                  Created
                </th>
                <th scope="col" className="number">
                  Updated
                </th>
                <th scope="col" className="number">
                  Unchanged
                </th>
                <th scope="col" className="number">
                  Archived
                </th>
                <th scope="col" className="number">
                  Rejected
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.runId} data-testid="sync-run-row">
                  <td>{run.source}</td>
                  <td>{run.trigger}</td>
                  <td>
                    <span className={`admin-run-status admin-run-status-${run.status}`}>{runStatusLabels[run.status] ?? run.status}</span>
                    {run.status === 'running' && run.batchesExpected !== null && (
                      <span className="muted small">
                        {' '}
                        ({run.batchesApplied} of {run.batchesExpected} batches)
                      </span>
                    )}
                  </td>
                  <td>
                    <time dateTime={run.startedAt}>{formatUtcDateTime(run.startedAt)}</time>
                  </td>
                  <td>{run.finishedAt ? <time dateTime={run.finishedAt}>{formatUtcDateTime(run.finishedAt)}</time> : '–'}</td>
                  {countColumns.map((column) => (
                    <td key={column} className="number">
                      {run[column]}
                    </td>
                  ))}
                  <td className="number">{run.rejectedCount}</td>
                  <td>
                    <RunProblems run={run} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RunProblems({ run }: { run: SyncRunView }) {
  if (run.rejected.length === 0 && run.errors.length === 0) return <span className="muted">–</span>;
  const summary = [
    run.rejectedCount > 0 ? `${run.rejectedCount} rejected` : '',
    run.errors.length > 0 ? `${run.errors.length} ${run.errors.length === 1 ? 'error' : 'errors'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <details className="admin-details">
      <summary>{summary}</summary>
      {run.rejected.length > 0 && (
        <>
          <h3>Rejected records{run.rejectedCount > run.rejected.length ? ` (first ${run.rejected.length})` : ''}</h3>
          <ul>
            {run.rejected.map((record, index) => (
              <li key={`${record.externalId}-${index}`}>
                <code>{record.externalId}</code>: {record.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {run.errors.length > 0 && (
        <>
          <h3>Errors</h3>
          <ul>
            {run.errors.map((message, index) => (
              <li key={index}>{message}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
