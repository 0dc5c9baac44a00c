import { useEffect, useState } from 'react';
import { useDebouncedValue } from './use-debounced-value';

/**
 * A search box bound to a value kept in the URL: the box follows every key press, the URL (and so the request) only
 * once typing pauses; when the URL changes on its own (back, forward, a link), the box follows it.
 */
export function useSearchText(committed: string, commit: (text: string) => void, delayMs = 300): [string, (text: string) => void] {
  const [text, setText] = useState(committed);
  const settled = useDebouncedValue(text, delayMs);
  useEffect(() => {
    if (settled.trim() !== committed) commit(settled.trim());
    // Only a settled change of the typed text commits (so `committed` and `commit` are left out of the dependencies on
    // purpose); the URL changing is handled below.
  }, [settled]);
  useEffect(() => setText((current) => (current.trim() === committed ? current : committed)), [committed]);
  return [text, setText];
}
