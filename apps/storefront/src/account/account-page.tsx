import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, PageHeading } from '../ui/components';
import { EmailVerificationNotice } from './email-verification-notice';

/** The signed-in shopper's account: details, the e-mail confirmation, and "Sign out everywhere". */
export function AccountPage() {
  const { user, client } = useApp();
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
      setFailure(describeApiError(caught));
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>Your account</PageHeading>
      <EmailVerificationNotice />
      <dl className="account-details">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>
          {user.email} <span className="hint">{user.emailVerified ? '(confirmed)' : '(not confirmed yet)'}</span>
        </dd>
      </dl>
      <p>
        <Link to="/account/orders">Your orders</Link>
      </p>
      <section aria-labelledby="sign-out-everywhere-heading">
        <h2 id="sign-out-everywhere-heading">Signed in somewhere else?</h2>
        <p>Sign out in every browser and on every device where you are signed in, this one included, for example after using a shared computer.</p>
        {failure && <Alert>{failure}</Alert>}
        <button type="button" className="button secondary" disabled={busy} onClick={() => void signOutEverywhere()}>
          {busy ? 'Signing out…' : 'Sign out everywhere'}
        </button>
      </section>
    </section>
  );
}
