import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, PageHeading } from '../ui/components';
import { useI18n } from '../i18n/i18n-context';
import { EmailVerificationNotice } from './email-verification-notice';
import './account-messages';

/** The signed-in shopper's account: details, the e-mail confirmation, and "Sign out everywhere". */
export function AccountPage() {
  const { user, client } = useApp();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!user) return null;

  const signOutEverywhere = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      await client.signOutEverywhere();
      // The sign-in page says why the session ended (this page's guard may have sent the tab there already).
      void navigate('/account/sign-in', { replace: true });
    } catch (caught) {
      setFailure(describeApiError(caught, t));
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>{t('account.yourAccount')}</PageHeading>
      <EmailVerificationNotice />
      <dl className="account-details">
        <dt>{t('account.name')}</dt>
        <dd>{user.name}</dd>
        <dt>{t('account.email')}</dt>
        <dd>
          {user.email} <span className="hint">{user.emailVerified ? t('account.confirmed') : t('account.notConfirmed')}</span>
        </dd>
      </dl>
      <p>
        <Link to="/account/orders">{t('account.yourOrders')}</Link>
      </p>
      <section aria-labelledby="sign-out-everywhere-heading">
        <h2 id="sign-out-everywhere-heading">{t('account.signedInElsewhere')}</h2>
        <p>{t('account.signOutEverywhereExplained')}</p>
        {failure && <Alert>{failure}</Alert>}
        <button type="button" className="button secondary" disabled={busy} onClick={() => void signOutEverywhere()}>
          {busy ? t('account.signingOut') : t('account.signOutEverywhere')}
        </button>
      </section>
    </section>
  );
}
