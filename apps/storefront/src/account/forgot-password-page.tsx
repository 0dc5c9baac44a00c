import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { OneTimeLinkLifetimes } from '@shop/contracts';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, Field, LiveRegion, PageHeading } from '../ui/components';

/** Anything with one @ and no spaces: auth decides the rest and answers alike for every address. */
const looksLikeEmail = /^[^\s@]+@[^\s@]+$/;

/** "Forgot your password?": asks auth to e-mail a reset link, and says so without telling whether the address has an account. */
export function ForgotPasswordPage() {
  const { account } = useApp();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [sentTo, setSentTo] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    const found = !address ? 'Enter your email address.' : looksLikeEmail.test(address) ? undefined : 'Enter an email address like name@example.com.';
    setError(found);
    if (found) return;
    setBusy(true);
    setFailure(undefined);
    setSentTo(undefined);
    try {
      await account.requestPasswordReset(address);
      setSentTo(address);
    } catch (caught) {
      setFailure(describeApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>Reset your password</PageHeading>
      <p>Enter the email address of your account. We will send you a link to choose a new password.</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label="Email" type="email" name="email" autoComplete="email" value={email} error={error} onChange={(e) => setEmail(e.target.value)} required />
        {failure && <Alert>{failure}</Alert>}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send the link'}
        </button>
      </form>
      <LiveRegion tone="success">
        {sentTo && `If an account exists for ${sentTo}, we have sent a link to reset its password. The link is valid for ${OneTimeLinkLifetimes.passwordResetSeconds / 60} minutes.`}
      </LiveRegion>
      <p>
        Remembered it? <Link to="/account/sign-in">Sign in</Link>
      </p>
    </section>
  );
}
