import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { AuthUser } from '@shop/contracts';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, LiveRegion, PageHeading, Spinner } from '../ui/components';
import { EmailVerificationNotice } from './email-verification-notice';
import { useLinkToken } from './link-token';
import { useI18n } from '../i18n/i18n-context';
import { withElements } from '../i18n/message-elements';
import './account-messages';

type Outcome = { kind: 'confirming' } | { kind: 'confirmed'; user: AuthUser } | { kind: 'invalid-link' } | { kind: 'failed'; message: string };

/** The page a verification e-mail links to (`#token=…`): confirms the address at once and says how it went. */
export function VerifyEmailPage() {
  const { account, client, user } = useApp();
  const { t } = useI18n();
  const token = useLinkToken();
  const [outcome, setOutcome] = useState<Outcome>(token ? { kind: 'confirming' } : { kind: 'invalid-link' });
  // The token works once: a second request (React's double effect in development, a re-render) would be refused.
  const sent = useRef(false);

  const confirm = useCallback(
    async (linkToken: string) => {
      setOutcome({ kind: 'confirming' });
      try {
        const confirmed = await account.confirmEmailAddress(linkToken);
        // A session restored on load may have read the account before the confirmation: give it the new state.
        await client.restore();
        client.updateUser(confirmed);
        setOutcome({ kind: 'confirmed', user: confirmed });
      } catch (caught) {
        setOutcome(caught instanceof ApiError && caught.status === 400 ? { kind: 'invalid-link' } : { kind: 'failed', message: describeApiError(caught, t) });
      }
    },
    [account, client, t],
  );

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    void confirm(token);
  }, [token, confirm]);

  return (
    <section className="narrow">
      <PageHeading>{t('account.confirmEmailPageHeading')}</PageHeading>
      {outcome.kind === 'confirming' && <Spinner label={t('account.confirmingEmail')} />}
      <LiveRegion tone="success">{outcome.kind === 'confirmed' && t('account.emailConfirmed', { email: outcome.user.email })}</LiveRegion>
      {outcome.kind === 'confirmed' && (
        <p>
          <Link to="/">{t('account.continueShopping')}</Link>
        </p>
      )}
      {outcome.kind === 'invalid-link' && (
        <>
          <Alert>{t('account.confirmationLinkInvalid')}</Alert>
          {user?.emailVerified ? (
            <p>{t('account.alreadyConfirmed', { email: user.email })}</p>
          ) : user ? (
            <EmailVerificationNotice />
          ) : (
            <p>
              {withElements(t('account.signInForNewLink'), { link: <Link to="/account/sign-in?next=%2Faccount">{t('account.signIn')}</Link> })}
            </p>
          )}
        </>
      )}
      {outcome.kind === 'failed' && token && (
        <>
          <Alert>{outcome.message}</Alert>
          <button type="button" className="button secondary" onClick={() => void confirm(token)}>
            {t('account.tryAgain')}
          </button>
        </>
      )}
    </section>
  );
}
