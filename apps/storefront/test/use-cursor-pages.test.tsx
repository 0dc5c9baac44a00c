/** @jest-environment jsdom */
import { act, renderHook, waitFor } from '@testing-library/react';
import { useCursorPages, type CursorPage } from '../src/lib/use-cursor-pages';

/** A fetch the hook made: what it asked for, the answer it waits on, and how the test releases that answer. */
interface PendingPage {
  query: string;
  cursor: string | undefined;
  answer: Promise<CursorPage<string>>;
  resolve: (page: CursorPage<string>) => void;
}

/** A page fetch whose answers the test releases by hand. */
function controllablePages() {
  const pending: PendingPage[] = [];
  const fetchPage = (query: string) => (cursor: string | undefined) => {
    let resolve!: (page: CursorPage<string>) => void;
    const answer = new Promise<CursorPage<string>>((settle) => (resolve = settle));
    pending.push({ query, cursor, answer, resolve });
    return answer;
  };
  return { pending, fetchPage };
}

describe('useCursorPages', () => {
  it('when "load more" follows the cursor, then the next page is appended and the cursor moves on', async () => {
    const { pending, fetchPage } = controllablePages();
    const { result } = renderHook(() => useCursorPages(fetchPage('lamp'), 'lamp'));
    expect(result.current.items).toBeUndefined();
    act(() => pending[0].resolve({ items: ['a', 'b'], nextCursor: 'c1' }));
    await waitFor(() => expect(result.current.items).toEqual(['a', 'b']));
    let more: Promise<void>;
    act(() => {
      more = result.current.loadMore();
    });
    expect(pending[1].cursor).toBe('c1');
    await act(async () => {
      pending[1].resolve({ items: ['c'], nextCursor: null });
      await more;
    });
    expect(result.current.items).toEqual(['a', 'b', 'c']);
    expect(result.current.nextCursor).toBeNull();
  });

  it('when the query changes before the old answer arrives, then the old answer is dropped', async () => {
    const { pending, fetchPage } = controllablePages();
    const { result, rerender } = renderHook(({ query }) => useCursorPages(fetchPage(query), query), { initialProps: { query: 'lamp' } });
    rerender({ query: 'tent' });
    act(() => pending[1].resolve({ items: ['tent 1'], nextCursor: null }));
    await waitFor(() => expect(result.current.items).toEqual(['tent 1']));
    await act(async () => {
      pending[0].resolve({ items: ['lamp 1'], nextCursor: 'x' });
      // The hook attached its handler to this answer when it fetched, before this await did: once the await resumes,
      // the hook has seen the stale answer, and act has rendered whatever it did with it.
      await pending[0].answer;
    });
    expect(result.current.items).toEqual(['tent 1']);
    expect(result.current.nextCursor).toBeNull();
  });

  it('when the query is invalid (no key), then nothing is fetched', () => {
    const { pending, fetchPage } = controllablePages();
    renderHook(() => useCursorPages(fetchPage('x'), undefined));
    expect(pending).toHaveLength(0);
  });
});
