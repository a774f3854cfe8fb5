import type { ErrorReporter, Teardown } from './clock.js';

/**
 * Calls `onHide(true)` on `pagehide` (the page goes away) and `onHide(false)` when the tab is
 * hidden (it may never come back on mobile). Returns the teardown.
 */
export function listenPageLifecycle(onHide: (final: boolean) => void, onError: ErrorReporter): Teardown {
  const hide = (final: boolean) => {
    try {
      onHide(final);
    } catch (error) {
      onError(error, 'lifecycle');
    }
  };
  const onPageHide = () => hide(true);
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') hide(false);
  };
  window.addEventListener('pagehide', onPageHide);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('pagehide', onPageHide);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
