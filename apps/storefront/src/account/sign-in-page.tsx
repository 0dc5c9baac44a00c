import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { validateSignIn, type FieldErrors } from '../lib/validation';
import { Alert, Field, PageHeading } from '../ui/components';
import { safeNextPath } from './safe-next';

export function SignInPage() {
  const { client, sessionEnd } = useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateSignIn({ email, password });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await client.signIn(email.trim(), password);
      void navigate(next, { replace: true });
    } catch (caught) {
      setFailure(caught instanceof ApiError && caught.status === 401 ? 'The email or password is not right.' : describeApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>Sign in</PageHeading>
      {sessionEnd === 'signed-out-everywhere' && <Alert tone="info">You are signed out on every device.</Alert>}
      {sessionEnd === 'expired' && <Alert tone="info">Your session has ended. Please sign in again.</Alert>}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label="Email" type="email" name="email" autoComplete="email" value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} required />
        <Field label="Password" type="password" name="password" autoComplete="current-password" value={password} error={errors.password} onChange={(e) => setPassword(e.target.value)} required />
        {failure && <Alert>{failure}</Alert>}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/account/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to={`/account/register?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </section>
  );
}
