import { useEffect, useRef, useState } from 'react';
import { describeApiError } from '../api/api-error';
import { useI18n } from '../i18n/i18n-context';

/** One page of a keyset-paged list as the platform's APIs answer it (products, orders); null cursor on the last page. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorPages<T> {
  /** What is shown so far; undefined while the first page loads (or failed). */
  items: T[] | undefined;
  nextCursor: string | null;
  error: string | undefined;
  loadingMore: boolean;
  /** Appends the next page (the API's opaque keyset cursor). */
  loadMore: () => Promise<void>;
}

/**
 * A list read page by page from an API that answers `{ items, nextCursor }`. `queryKey` names the query: when it
 * changes the list starts over (answers for an older query are dropped); undefined means "do not load" (invalid
 * filters).
 */
export function useCursorPages<T>(fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<CursorPage<T>>, queryKey: string | undefined): CursorPages<T> {
  const { t } = useI18n();
  // The message is worded when the failure happens; a language switch afterwards does not refetch the list.
  const translate = useRef(t);
  translate.current = t;
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const [items, setItems] = useState<T[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);

  useEffect(() => {
    if (queryKey === undefined) return undefined;
    const abort = new AbortController();
    const mine = (generation.current += 1);
    setItems(undefined);
    setNextCursor(null);
    setError(undefined);
    fetchRef.current(undefined, abort.signal).then(
      (page) => {
        if (abort.signal.aborted) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
      },
      (caught: unknown) => {
        if (!abort.signal.aborted && generation.current === mine) setError(describeApiError(caught, translate.current));
      },
    );
    return () => abort.abort();
  }, [queryKey]);

  const loadMore = async () => {
    if (!nextCursor || loadingMore) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await fetchRef.current(nextCursor, new AbortController().signal);
      if (generation.current !== mine) return;
      setItems((shown) => [...(shown ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (caught) {
      if (generation.current === mine) setError(describeApiError(caught, translate.current));
    } finally {
      setLoadingMore(false);
    }
  };

  return { items, nextCursor, error, loadingMore, loadMore };
}
