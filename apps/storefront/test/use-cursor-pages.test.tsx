/** @jest-environment jsdom */
import { act, renderHook, waitFor } from '@testing-library/react';
import type { Page } from '../src/api/types';
import { useCursorPages } from '../src/lib/use-cursor-pages';

/** A page fetch whose answers the test releases by hand. */
function controllablePages() {
  const pending: { query: string; cursor: string | undefined; resolve(page: Page<string>): void }[] = [];
  const fetchPage = (query: string) => (cursor: string | undefined) => new Promise<Page<string>>((resolve) => pending.push({ query, cursor, resolve }));
  return { pending, fetchPage };
}

describe('useCursorPages', () => {
  it('when "load more" follows the cursor, then the next page is appended and the cursor moves on', async () => {
    const { pending, fetchPage } = controllablePages();
    const { result } = renderHook(() => useCursorPages(fetchPage('lamp'), 'lamp'));
    expect(result.current.items).toBeUndefined();
    act(() => pending[0]!.resolve({ items: ['a', 'b'], nextCursor: 'c1' }));
    await waitFor(() => expect(result.current.items).toEqual(['a', 'b']));
    let more: Promise<void>;
    act(() => {
      more = result.current.loadMore();
    });
    expect(pending[1]!.cursor).toBe('c1');
    await act(async () => {
      pending[1]!.resolve({ items: ['c'], nextCursor: null });
      await more;
    });
    expect(result.current.items).toEqual(['a', 'b', 'c']);
    expect(result.current.nextCursor).toBeNull();
  });

  it('when the query changes before the old answer arrives, then the old answer is dropped', async () => {
    const { pending, fetchPage } = controllablePages();
    const { result, rerender } = renderHook(({ query }) => useCursorPages(fetchPage(query), query), { initialProps: { query: 'lamp' } });
    rerender({ query: 'tent' });
    act(() => pending[1]!.resolve({ items: ['tent 1'], nextCursor: null }));
    await waitFor(() => expect(result.current.items).toEqual(['tent 1']));
    act(() => pending[0]!.resolve({ items: ['lamp 1'], nextCursor: 'x' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(result.current.items).toEqual(['tent 1']);
    expect(result.current.nextCursor).toBeNull();
  });

  it('when the query is invalid (no key), then nothing is fetched', () => {
    const { pending, fetchPage } = controllablePages();
    renderHook(() => useCursorPages(fetchPage('x'), undefined));
    expect(pending).toHaveLength(0);
  });
});
