import { useCallback, useEffect, useState } from 'react';
import { describeApiError } from '../api/api-error';
import type { SyncRunView } from '@shop/contracts';
import { useApp } from '../app/app-context';
import { Alert, PageHeading, Spinner } from '../ui/components';
import { formatUtcDateTime } from './utc-days';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/catalogues';
import './admin-messages';

const runStatusLabels: Record<SyncRunView['status'], MessageKey> = { running: 'admin.runRunning', succeeded: 'admin.runSucceeded', partial: 'admin.runPartial', failed: 'admin.runFailed' };
const countColumns = ['fetched', 'created', 'updated', 'unchanged', 'archived'] as const;
const countLabels: Record<(typeof countColumns)[number] | 'rejected', MessageKey> = {
  fetched: 'admin.countFetched',
  created: 'admin.countCreated',
  updated: 'admin.countUpdated',
  unchanged: 'admin.countUnchanged',
  archived: 'admin.countArchived',
  rejected: 'admin.countRejected',
};

/** The catalog sync's runs, newest first, with their counts and (folded away) rejected records and errors. */
export function SyncRunsPage() {
  const { admin } = useApp();
  const { t, locale, formatNumber } = useI18n();
  const [runs, setRuns] = useState<SyncRunView[]>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    setError(undefined);
    try {
      setRuns(await admin.syncRuns());
    } catch (caught) {
      setError(describeApiError(caught, t));
    } finally {
      setLoading(false);
    }
  }, [admin, t]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section>
      <div className="admin-heading">
        <PageHeading>{t('admin.syncRuns')}</PageHeading>
        <button type="button" className="button" onClick={() => void load()} disabled={loading}>
          {loading ? t('admin.refreshing') : t('admin.refresh')}
        </button>
      </div>
      {error && <Alert>{error}</Alert>}
      {!runs ? (
        !error && <Spinner label={t('admin.loadingSyncRuns')} />
      ) : runs.length === 0 ? (
        <p className="empty">{t('admin.noSyncRuns')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table admin-table">
            <caption className="visually-hidden">{t('admin.syncRunsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.source')}</th>
                <th scope="col">{t('admin.trigger')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.started')}</th>
                <th scope="col">{t('admin.finished')}</th>
                {[...countColumns, 'rejected' as const].map((column) => (
                  <th key={column} scope="col" className="number">
                    {t(countLabels[column])}
                  </th>
                ))}
                <th scope="col">{t('admin.runDetails')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.runId} data-testid="sync-run-row">
                  <td>{run.source}</td>
                  <td>{run.trigger}</td>
                  <td>
                    <span className={`admin-run-status admin-run-status-${run.status}`}>{run.status in runStatusLabels ? t(runStatusLabels[run.status]) : run.status}</span>
                    {run.status === 'running' && run.batchesExpected !== null && (
                      <span className="muted small">
                        {' '}
                        {t('admin.batchesProgress', { applied: run.batchesApplied, expected: run.batchesExpected })}
                      </span>
                    )}
                  </td>
                  <td>
                    <time dateTime={run.startedAt}>{formatUtcDateTime(run.startedAt, locale)}</time>
                  </td>
                  <td>{run.finishedAt ? <time dateTime={run.finishedAt}>{formatUtcDateTime(run.finishedAt, locale)}</time> : '–'}</td>
                  {countColumns.map((column) => (
                    <td key={column} className="number">
                      {formatNumber(run[column])}
                    </td>
                  ))}
                  <td className="number">{formatNumber(run.rejectedCount)}</td>
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
  const { t } = useI18n();
  if (run.rejected.length === 0 && run.errors.length === 0) return <span className="muted">–</span>;
  const summary = [
    run.rejectedCount > 0 ? t('admin.rejectedCount', { count: run.rejectedCount }) : '',
    run.errors.length > 0 ? t('admin.errorCount', { count: run.errors.length }) : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <details className="admin-details">
      <summary>{summary}</summary>
      {run.rejected.length > 0 && (
        <>
          <h3>{run.rejectedCount > run.rejected.length ? t('admin.rejectedRecordsFirst', { count: run.rejected.length }) : t('admin.rejectedRecords')}</h3>
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
          <h3>{t('admin.errorsHeading')}</h3>
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
