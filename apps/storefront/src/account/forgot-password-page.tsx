import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { OneTimeLinkLifetimes } from '@shop/contracts';
import { describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { useI18n } from '../i18n/i18n-context';
import { Alert, Field, LiveRegion, PageHeading } from '../ui/components';
import './account-messages';

/** Anything with one @ and no spaces: auth decides the rest and answers alike for every address. */
const looksLikeEmail = /^[^\s@]+@[^\s@]+$/;

/** "Forgot your password?": asks auth to e-mail a reset link, and says so without telling whether the address has an account. */
export function ForgotPasswordPage() {
  const { account } = useApp();
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [sentTo, setSentTo] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const address = email.trim();
    const found = !address ? t('errors.enterEmail') : looksLikeEmail.test(address) ? undefined : t('errors.emailFormat');
    setError(found);
    if (found) return;
    setBusy(true);
    setFailure(undefined);
    setSentTo(undefined);
    try {
      await account.requestPasswordReset(address);
      setSentTo(address);
    } catch (caught) {
      setFailure(describeApiError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>{t('account.resetHeading')}</PageHeading>
      <p>{t('account.resetIntro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label={t('account.email')} type="email" name="email" autoComplete="email" value={email} error={error} onChange={(e) => setEmail(e.target.value)} required />
        {failure && <Alert>{failure}</Alert>}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('account.sending') : t('account.sendLink')}
        </button>
      </form>
      <LiveRegion tone="success">
        {sentTo && t('account.resetLinkSent', { email: sentTo, count: OneTimeLinkLifetimes.passwordResetSeconds / 60 })}
      </LiveRegion>
      <p>
        {t('account.rememberedIt')} <Link to="/account/sign-in">{t('account.signIn')}</Link>
      </p>
    </section>
  );
}
