import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { AuthUser } from '@shop/contracts';
import { ApiError, describeApiError } from '../api/api-error';
import { useApp } from '../app/app-context';
import { Alert, LiveRegion, PageHeading, Spinner } from '../ui/components';
import { EmailVerificationNotice } from './email-verification-notice';
import { useLinkToken } from './link-token';

type Outcome = { kind: 'confirming' } | { kind: 'confirmed'; user: AuthUser } | { kind: 'invalid-link' } | { kind: 'failed'; message: string };

/** The page a verification e-mail links to (`#token=…`): confirms the address at once and says how it went. */
export function VerifyEmailPage() {
  const { account, client, user } = useApp();
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
        setOutcome(caught instanceof ApiError && caught.status === 400 ? { kind: 'invalid-link' } : { kind: 'failed', message: describeApiError(caught) });
      }
    },
    [account, client],
  );

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    void confirm(token);
  }, [token, confirm]);

  return (
    <section className="narrow">
      <PageHeading>Confirm your email address</PageHeading>
      {outcome.kind === 'confirming' && <Spinner label="Confirming your email address…" />}
      <LiveRegion tone="success">{outcome.kind === 'confirmed' && `Thank you: ${outcome.user.email} is confirmed.`}</LiveRegion>
      {outcome.kind === 'confirmed' && (
        <p>
          <Link to="/">Continue shopping</Link>
        </p>
      )}
      {outcome.kind === 'invalid-link' && (
        <>
          <Alert>The confirmation link is invalid or has expired.</Alert>
          {user?.emailVerified ? (
            <p>Your email address {user.email} is already confirmed.</p>
          ) : user ? (
            <EmailVerificationNotice />
          ) : (
            <p>
              <Link to="/account/sign-in?next=%2Faccount">Sign in</Link> to get a new link.
            </p>
          )}
        </>
      )}
      {outcome.kind === 'failed' && token && (
        <>
          <Alert>{outcome.message}</Alert>
          <button type="button" className="button secondary" onClick={() => void confirm(token)}>
            Try again
          </button>
        </>
      )}
    </section>
  );
}
