import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiKeyScopes, DefaultTierLimitsPerMinute, apiKeyTiers, type ApiKeyScope, type ApiKeyTier, type ApiKeyView, type IssuedApiKey } from '@shop/contracts';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, Field, PageHeading, SelectField, Spinner } from '../ui/components';
import { formatUtcDateTime } from './utc-days';

const scopeLabels: Record<ApiKeyScope, string> = {
  [ApiKeyScopes.catalogRead]: 'catalog:read (products, prices, availability)',
  [ApiKeyScopes.insightsRead]: 'insights:read (price and stock history)',
};

/** Partner API keys: issue one (shown once), rotate it (the old one keeps a grace period), revoke it at once. */
export function ApiKeysPage() {
  const { admin } = useApp();
  const [keys, setKeys] = useState<ApiKeyView[]>();
  const [error, setError] = useState<string>();
  const [issued, setIssued] = useState<{ key: IssuedApiKey; rotated: boolean }>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      setKeys(await admin.apiKeys());
    } catch (caught) {
      setError(describeApiError(caught));
    }
  }, [admin]);

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
      setError(describeApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  const rotate = (key: ApiKeyView) => {
    if (!window.confirm(`Rotate “${key.name}”? The current key keeps working for the grace period, then stops.`)) return;
    void change(async () => ({ key: await admin.rotateApiKey(key.id), rotated: true }));
  };
  const revoke = (key: ApiKeyView) => {
    if (!window.confirm(`Revoke “${key.name}” now? Every request with it is refused from the next one on.`)) return;
    void change(async () => {
      await admin.revokeApiKey(key.id);
      return undefined;
    });
  };

  return (
    <section>
      <div className="admin-heading">
        <PageHeading>API keys</PageHeading>
      </div>
      <p className="muted">
        Partners read the catalog at <code>/api/partner/v1</code> with a key (<code>X-API-Key</code> or <code>Authorization: Bearer</code>); see{' '}
        <a href="/api/partner/v1/docs">the partner API</a>.
      </p>
      {error && <Alert>{error}</Alert>}
      {issued && <IssuedKeyNotice issued={issued.key} rotated={issued.rotated} onDismiss={() => setIssued(undefined)} />}
      <IssueKeyForm busy={busy} onIssue={(body) => void change(async () => ({ key: await admin.issueApiKey(body), rotated: false }))} />
      {!keys ? (
        !error && <Spinner label="Loading API keys…" />
      ) : keys.length === 0 ? (
        <p className="empty">No API keys yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table admin-table" data-testid="api-keys">
            <caption className="visually-hidden">Partner API keys, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Tier</th>
                <th scope="col">Scopes</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
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
                        previous key works until <time dateTime={key.previousKeyValidUntil}>{formatUtcDateTime(key.previousKeyValidUntil)}</time>
                      </div>
                    )}
                  </td>
                  <td>{key.tier}</td>
                  <td>{key.scopes.join(', ')}</td>
                  <td>{key.status === 'revoked' ? 'Revoked' : 'Active'}</td>
                  <td>
                    <time dateTime={key.createdAt}>{formatUtcDateTime(key.createdAt)}</time>
                  </td>
                  <td>{key.lastUsedAt ? <time dateTime={key.lastUsedAt}>{formatUtcDateTime(key.lastUsedAt)}</time> : 'never'}</td>
                  <td>
                    {key.status === 'active' && (
                      <span className="admin-actions">
                        <button type="button" className="button" disabled={busy} onClick={() => rotate(key)}>
                          Rotate
                        </button>{' '}
                        <button type="button" className="button" disabled={busy} onClick={() => revoke(key)}>
                          Revoke
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
  const [name, setName] = useState('');
  const [tier, setTier] = useState<ApiKeyTier>('standard');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([ApiKeyScopes.catalogRead]);
  const [problem, setProblem] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setProblem('Give the key a name you will recognise it by');
    if (scopes.length === 0) return setProblem('Choose at least one scope');
    setProblem(undefined);
    onIssue({ name: name.trim(), tier, scopes });
    setName('');
  };
  const toggle = (scope: ApiKeyScope) => setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));

  return (
    <form className="admin-form" aria-label="Issue an API key" onSubmit={submit}>
      <Field label="Name" value={name} maxLength={100} onChange={(event) => setName(event.target.value)} error={problem} />
      <SelectField label="Tier" value={tier} onChange={(event) => setTier(event.target.value as ApiKeyTier)}>
        {apiKeyTiers.map((option) => (
          <option key={option} value={option}>
            {option} ({DefaultTierLimitsPerMinute[option]} requests/minute by default)
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend>Scopes</legend>
        {(Object.keys(scopeLabels) as ApiKeyScope[]).map((scope) => (
          <label key={scope} className="field checkbox">
            <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {scopeLabels[scope]}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button primary" disabled={busy}>
        Issue key
      </button>
    </form>
  );
}

/** The one time a key is shown: copy it now, it cannot be shown again. */
function IssuedKeyNotice({ issued, rotated, onDismiss }: { issued: IssuedApiKey; rotated: boolean; onDismiss: () => void }) {
  return (
    <div className="admin-issued-key" role="status" data-testid="issued-key">
      <p>
        <strong>{rotated ? `New key for “${issued.name}”` : `Key “${issued.name}” issued`}.</strong> Copy it now: it is shown only this once.
      </p>
      <p>
        <code className="admin-key-value">{issued.key}</code>{' '}
        <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(issued.key)}>
          Copy
        </button>{' '}
        <button type="button" className="button" onClick={onDismiss}>
          Done
        </button>
      </p>
    </div>
  );
}
