import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';

/** The `token` of a link's fragment (`#token=…`), as auth's e-mails carry it; undefined when absent or empty. */
export function tokenFromFragment(hash: string): string | undefined {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim();
  return token ? token : undefined;
}

/**
 * The token of the e-mailed link that opened this page. It is read once and then removed from the address bar (a
 * history entry replaced, not added), so that it does not stay in the history, a bookmark or a shared screenshot; the
 * fragment never reached a server log or a Referer to begin with.
 */
export function useLinkToken(): string | undefined {
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => tokenFromFragment(location.hash));
  const hasFragment = location.hash !== '';
  useEffect(() => {
    if (hasFragment) void navigate({ pathname: location.pathname, search: location.search, hash: '' }, { replace: true });
  }, [hasFragment, location.pathname, location.search, navigate]);
  return token;
}
