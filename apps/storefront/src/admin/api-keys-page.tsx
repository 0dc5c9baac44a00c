import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiKeyScopes, DefaultTierLimitsPerMinute, apiKeyTiers, type ApiKeyScope, type ApiKeyTier, type ApiKeyView, type IssuedApiKey } from '@shop/contracts';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, Field, PageHeading, SelectField, Spinner } from '../ui/components';
import { formatUtcDateTime } from './utc-days';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/catalogues';
import { withElements } from '../i18n/message-elements';
import './admin-messages';

const scopeLabels: Record<ApiKeyScope, MessageKey> = {
  [ApiKeyScopes.catalogRead]: 'admin.scopeCatalogRead',
  [ApiKeyScopes.insightsRead]: 'admin.scopeInsightsRead',
};

/** Partner API keys: issue one (shown once), rotate it (the old one keeps a grace period), revoke it at once. */
export function ApiKeysPage() {
  const { admin } = useApp();
  const { t, locale } = useI18n();
  const [keys, setKeys] = useState<ApiKeyView[]>();
  const [error, setError] = useState<string>();
  const [issued, setIssued] = useState<{ key: IssuedApiKey; rotated: boolean }>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setKeys(await admin.apiKeys());
    } catch (caught) {
      setError(describeApiError(caught, t));
    }
  }, [admin, t]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one change, shows a new key when it made one, then reloads the list. */
  const change = async (work: () => Promise<{ key: IssuedApiKey; rotated: boolean } | undefined>) => {
    setBusy(true);
    setError(undefined);
    try {
      const made = await work();
      if (made) setIssued(made);
      await load();
    } catch (caught) {
      setError(describeApiError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  const rotate = (key: ApiKeyView) => {
    if (!window.confirm(t('admin.confirmRotate', { name: key.name }))) return;
    void change(async () => ({ key: await admin.rotateApiKey(key.id), rotated: true }));
  };
  const revoke = (key: ApiKeyView) => {
    if (!window.confirm(t('admin.confirmRevoke', { name: key.name }))) return;
    void change(async () => {
      await admin.revokeApiKey(key.id);
      return undefined;
    });
  };

  return (
    <section>
      <div className="admin-heading">
        <PageHeading>{t('admin.apiKeys')}</PageHeading>
      </div>
      <p className="muted">
        {withElements(t('admin.partnerIntro'), {
          path: <code>/api/partner/v1</code>,
          header: <code>X-API-Key</code>,
          bearer: <code>Authorization: Bearer</code>,
          docs: <a href="/api/partner/v1/docs">{t('admin.partnerDocs')}</a>,
        })}
      </p>
      {error && <Alert>{error}</Alert>}
      {issued && <IssuedKeyNotice issued={issued.key} rotated={issued.rotated} onDismiss={() => setIssued(undefined)} />}
      <IssueKeyForm busy={busy} onIssue={(body) => void change(async () => ({ key: await admin.issueApiKey(body), rotated: false }))} />
      {!keys ? (
        !error && <Spinner label={t('admin.loadingApiKeys')} />
      ) : keys.length === 0 ? (
        <p className="empty">{t('admin.noApiKeys')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table admin-table" data-testid="api-keys">
            <caption className="visually-hidden">{t('admin.apiKeysCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.key')}</th>
                <th scope="col">{t('admin.tier')}</th>
                <th scope="col">{t('admin.scopes')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.created')}</th>
                <th scope="col">{t('admin.lastUsed')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} data-testid="api-key-row">
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                    {key.previousKeyValidUntil && (
                      <div className="muted small">
                        {withElements(t('admin.previousKeyUntil'), {
                          date: <time dateTime={key.previousKeyValidUntil}>{formatUtcDateTime(key.previousKeyValidUntil, locale)}</time>,
                        })}
                      </div>
                    )}
                  </td>
                  <td>{key.tier}</td>
                  <td>{key.scopes.join(', ')}</td>
                  <td>{key.status === 'revoked' ? t('admin.keyRevoked') : t('admin.keyActive')}</td>
                  <td>
                    <time dateTime={key.createdAt}>{formatUtcDateTime(key.createdAt, locale)}</time>
                  </td>
                  <td>{key.lastUsedAt ? <time dateTime={key.lastUsedAt}>{formatUtcDateTime(key.lastUsedAt, locale)}</time> : t('admin.never')}</td>
                  <td>
                    {key.status === 'active' && (
                      <span className="admin-actions">
                        <button type="button" className="button" disabled={busy} onClick={() => rotate(key)}>
                          {t('admin.rotate')}
                        </button>{' '}
                        <button type="button" className="button" disabled={busy} onClick={() => revoke(key)}>
                          {t('admin.revoke')}
                        </button>
                      </span>
                    )}
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

function IssueKeyForm({ busy, onIssue }: { busy: boolean; onIssue: (body: { name: string; tier: ApiKeyTier; scopes: ApiKeyScope[] }) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [tier, setTier] = useState<ApiKeyTier>('standard');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([ApiKeyScopes.catalogRead]);
  const [problem, setProblem] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setProblem(t('admin.keyNameMissing'));
    if (scopes.length === 0) return setProblem(t('admin.scopeMissing'));
    setProblem(undefined);
    onIssue({ name: name.trim(), tier, scopes });
    setName('');
  };
  const toggle = (scope: ApiKeyScope) => setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));

  return (
    <form className="admin-form" aria-label={t('admin.issueKeyForm')} onSubmit={submit}>
      <Field label={t('admin.name')} value={name} maxLength={100} onChange={(event) => setName(event.target.value)} error={problem} />
      <SelectField label={t('admin.tier')} value={tier} onChange={(event) => setTier(event.target.value as ApiKeyTier)}>
        {apiKeyTiers.map((option) => (
          <option key={option} value={option}>
            {t('admin.tierOption', { tier: option, limit: DefaultTierLimitsPerMinute[option] })}
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend>{t('admin.scopes')}</legend>
        {(Object.keys(scopeLabels) as ApiKeyScope[]).map((scope) => (
          <label key={scope} className="field checkbox">
            <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {t(scopeLabels[scope])}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button primary" disabled={busy}>
        {t('admin.issueKey')}
      </button>
    </form>
  );
}

/** The one time a key is shown: copy it now, it cannot be shown again. */
function IssuedKeyNotice({ issued, rotated, onDismiss }: { issued: IssuedApiKey; rotated: boolean; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div className="admin-issued-key" role="status" data-testid="issued-key">
      <p>
        <strong>{rotated ? t('admin.newKeyFor', { name: issued.name }) : t('admin.keyIssued', { name: issued.name })}</strong> {t('admin.copyNow')}
      </p>
      <p>
        <code className="admin-key-value">{issued.key}</code>{' '}
        <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(issued.key)}>
          {t('admin.copy')}
        </button>{' '}
        <button type="button" className="button" onClick={onDismiss}>
          {t('admin.done')}
        </button>
      </p>
    </div>
  );
}
