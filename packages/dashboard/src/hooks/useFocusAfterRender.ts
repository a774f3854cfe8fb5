import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Moves the keyboard focus once React has rendered what the same update shows: `request(focus)`
 * runs `focus` in an effect after the next commit. A frame callback instead could run before
 * React rendered the element (on a busy machine it did), and the focus stayed where it was.
 */
export function useFocusAfterRender(): (focus: () => void) => void {
  const [request, setRequest] = useState(0);
  const pending = useRef<(() => void) | null>(null);
  useEffect(() => {
    const focus = pending.current;
    if (request === 0 || !focus) return;
    pending.current = null;
    focus();
  }, [request]);
  return useCallback((focus: () => void) => {
    pending.current = focus;
    setRequest((n) => n + 1);
  }, []);
}
