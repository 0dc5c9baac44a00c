import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import type { FieldErrors } from '../lib/validation';
import { validateRegistration } from './registration-form';
import { newPasswordHint } from './password-rules';
import { Alert, Field, PageHeading } from '../ui/components';
import { safeNextPath } from './safe-next';
import { useI18n } from '../i18n/i18n-context';
import './account-messages';

export function RegisterPage() {
  const { client } = useApp();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const [form, setForm] = useState({ name: '', email: '', password: '', confirmPassword: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const edit = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateRegistration(form, t);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await client.register({ name: form.name.trim(), email: form.email.trim(), password: form.password });
      void navigate(next, { replace: true });
    } catch (caught) {
      // Auth answers a sign-up for an address that has an account exactly like a new one (and e-mails its owner), so
      // the sign-in that follows is what fails: say what may have happened without claiming either way.
      if (caught instanceof ApiError && caught.status === 401) {
        setFailure(t('account.registerSignInFailed'));
      } else if (caught instanceof ApiError && caught.status === 400 && caught.problem.errors?.length) {
        setErrors(Object.fromEntries(caught.problem.errors.map((problem) => [problem.field.split('.').pop() ?? problem.field, problem.message])));
      } else setFailure(describeApiError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>{t('account.createAnAccount')}</PageHeading>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label={t('account.name')} name="name" autoComplete="name" value={form.name} error={errors.name} onChange={edit('name')} required />
        <Field label={t('account.email')} type="email" name="email" autoComplete="email" value={form.email} error={errors.email} onChange={edit('email')} required />
        <Field
          label={t('account.password')}
          type="password"
          name="password"
          autoComplete="new-password"
          hint={newPasswordHint(t)}
          value={form.password}
          error={errors.password}
          onChange={edit('password')}
          required
        />
        <Field label={t('account.repeatPassword')} type="password" name="confirmPassword" autoComplete="new-password" value={form.confirmPassword} error={errors.confirmPassword} onChange={edit('confirmPassword')} required />
        {failure && <Alert>{failure}</Alert>}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('account.creatingAccount') : t('account.createAccount')}
        </button>
      </form>
      <p>
        {t('account.haveAccount')} <Link to={`/account/sign-in?next=${encodeURIComponent(next)}`}>{t('account.signIn')}</Link>
      </p>
    </section>
  );
}
