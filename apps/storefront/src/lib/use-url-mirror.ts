import { useEffect, useState } from 'react';

/**
 * A control's value that lives in the URL, mirrored locally: the control shows the new value at once, while the
 * router applies the URL change (a transition that can take a render of the whole results grid); when the URL
 * changes on its own (back, forward, a link), the control follows it. Without it a controlled checkbox flips back
 * until the navigation commits.
 */
export function useUrlMirror<T>(urlValue: T): [T, (value: T) => void] {
  const [value, setValue] = useState(urlValue);
  useEffect(() => setValue(urlValue), [urlValue]);
  return [value, setValue];
}
