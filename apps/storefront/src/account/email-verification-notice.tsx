import { useState } from 'react';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, LiveRegion } from '../ui/components';

/** For a signed-in account whose e-mail address is not confirmed yet: says so, and sends a new link on request. */
export function EmailVerificationNotice() {
  const { user, account, client } = useApp();
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
      else setFailure(describeApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="notice" aria-labelledby="email-verification-heading">
      <h2 id="email-verification-heading">Please confirm your email address</h2>
      <p>We sent a link to {user.email} when you signed up. Open it to confirm that the address is yours.</p>
      <button type="button" className="button secondary" disabled={busy} onClick={() => void resend()}>
        {busy ? 'Sending…' : 'Send the link again'}
      </button>
      <LiveRegion tone="success">{sent && `We have sent a new link to ${user.email}.`}</LiveRegion>
      {failure && <Alert>{failure}</Alert>}
    </section>
  );
}
