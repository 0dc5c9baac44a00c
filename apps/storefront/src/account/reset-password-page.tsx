import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import type { FieldErrors } from '../lib/validation';
import { Alert, Field, LiveRegion, PageHeading } from '../ui/components';
import { useLinkToken } from './link-token';
import { newPasswordErrors, newPasswordHint } from './password-rules';
import { useI18n } from '../i18n/i18n-context';
import './account-messages';

/** How the reset went: still to do, done, or refused because of the link. */
type ResetState = 'form' | 'changed' | 'invalid-link';

function RequestNewLink() {
  const { t } = useI18n();
  return (
    <p>
      <Link to="/account/forgot-password">{t('account.requestNewLink')}</Link>
    </p>
  );
}

/** The page a reset e-mail links to (`#token=…`): choose a new password, typed twice; every session ends. */
export function ResetPasswordPage() {
  const { account, client } = useApp();
  const { t } = useI18n();
  const token = useLinkToken();
  const [form, setForm] = useState({ password: '', confirmPassword: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string>();
  const [state, setState] = useState<ResetState>('form');
  const [busy, setBusy] = useState(false);
  const edit = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token) return;
    const found = newPasswordErrors({ ...form, email: client.user?.email }, t);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await account.resetPassword(token, form.password);
      // Auth ended every session of the account, this browser's too.
      client.endSessionLocally();
      setState('changed');
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 400 && caught.fieldMessage('token')) setState('invalid-link');
      else if (caught instanceof ApiError && caught.status === 400 && caught.fieldMessage('password')) setErrors({ password: caught.fieldMessage('password') ?? '' });
      else setFailure(describeApiError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <PageHeading>{t('account.chooseNewPassword')}</PageHeading>
      <LiveRegion tone="success">
        {state === 'changed' && (
          <>
            <p>{t('account.passwordChanged')}</p>
            <p>{t('account.signedOutForSafety')}</p>
          </>
        )}
      </LiveRegion>
      {state === 'changed' ? (
        <p>
          <Link to="/account/sign-in" className="button primary">
            {t('account.signIn')}
          </Link>
        </p>
      ) : !token ? (
        <>
          <Alert>{t('account.linkIncomplete')}</Alert>
          <RequestNewLink />
        </>
      ) : state === 'invalid-link' ? (
        <>
          <Alert>{t('account.resetLinkInvalid')}</Alert>
          <RequestNewLink />
        </>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Field
            label={t('account.newPassword')}
            type="password"
            name="password"
            autoComplete="new-password"
            hint={newPasswordHint(t)}
            value={form.password}
            error={errors.password}
            onChange={edit('password')}
            required
          />
          <Field
            label={t('account.repeatNewPassword')}
            type="password"
            name="confirmPassword"
            autoComplete="new-password"
            value={form.confirmPassword}
            error={errors.confirmPassword}
            onChange={edit('confirmPassword')}
            required
          />
          {failure && <Alert>{failure}</Alert>}
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('account.saving') : t('account.changePassword')}
          </button>
        </form>
      )}
    </section>
  );
}
