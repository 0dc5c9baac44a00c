import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { validateSignIn, type FieldErrors } from '../lib/validation';
import { Alert, Field, PageHeading } from '../ui/components';
import { safeNextPath } from './safe-next';
import { useI18n } from '../i18n/i18n-context';
import './account-messages';

export function SignInPage() {
  const { client, sessionEnd } = useApp();
  const { t } = useI18n();
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
    const found = validateSignIn({ email, password }, t);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await client.signIn(email.trim(), password);
      void navigate(next, { replace: true });
    } catch (caught) {
      setFailure(caught instanceof ApiError && caught.status === 401 ? t('account.wrongCredentials') : describeApiError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>{t('account.signIn')}</PageHeading>
      {sessionEnd === 'signed-out-everywhere' && <Alert tone="info">{t('account.signedOutEverywhere')}</Alert>}
      {sessionEnd === 'expired' && <Alert tone="info">{t('account.sessionEnded')}</Alert>}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label={t('account.email')} type="email" name="email" autoComplete="email" value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} required />
        <Field label={t('account.password')} type="password" name="password" autoComplete="current-password" value={password} error={errors.password} onChange={(e) => setPassword(e.target.value)} required />
        {failure && <Alert>{failure}</Alert>}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('account.signingIn') : t('account.signIn')}
        </button>
      </form>
      <p>
        <Link to="/account/forgot-password">{t('account.forgotPassword')}</Link>
      </p>
      <p>
        {t('account.newHere')} <Link to={`/account/register?next=${encodeURIComponent(next)}`}>{t('account.createAnAccount')}</Link>
      </p>
    </section>
  );
}
