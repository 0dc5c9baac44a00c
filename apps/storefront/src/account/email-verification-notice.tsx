import { useState } from 'react';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { Alert, LiveRegion } from '../ui/components';
import './account-messages';

/** For a signed-in account whose e-mail address is not confirmed yet: says so, and sends a new link on request. */
export function EmailVerificationNotice() {
  const { user, account, client } = useApp();
  const { t } = useI18n();
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!user || user.emailVerified) return null;

  const resend = async () => {
    setBusy(true);
    setFailure(undefined);
    setSent(false);
    try {
      await account.resendEmailVerification();
      setSent(true);
    } catch (caught) {
      // Confirmed meanwhile (in another tab, or from the e-mail on a phone): show the account as it is now.
      if (caught instanceof ApiError && caught.status === 409) client.updateUser(await account.me().catch(() => ({ ...user, emailVerified: true })));
      else setFailure(describeApiError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="notice" aria-labelledby="email-verification-heading">
      <h2 id="email-verification-heading">{t('account.confirmEmailHeading')}</h2>
      <p>{t('account.confirmEmailText', { email: user.email })}</p>
      <button type="button" className="button secondary" disabled={busy} onClick={() => void resend()}>
        {busy ? t('account.sending') : t('account.sendLinkAgain')}
      </button>
      <LiveRegion tone="success">{sent && t('account.newLinkSent', { email: user.email })}</LiveRegion>
      {failure && <Alert>{failure}</Alert>}
    </section>
  );
}
