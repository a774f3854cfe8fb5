import { type AnchorHTMLAttributes, type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';

/** A tiny router on the history API: one store, one hook, one link. */
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener('popstate', notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

function snapshot(): string {
  return `${window.location.pathname}${window.location.search}`;
}

export interface NavigateOptions {
  /** Replace the current entry (filter edits) instead of adding one (screens). */
  replace?: boolean;
}

export function navigate(to: string, options: NavigateOptions = {}): void {
  if (to === snapshot()) return;
  if (options.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
  if (options.replace !== true) window.scrollTo(0, 0);
}

export interface Location {
  pathname: string;
  search: string;
}

/** The current location; re-renders on navigation and back/forward. */
export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot);
  const q = current.indexOf('?');
  return q === -1
    ? { pathname: current, search: '' }
    : { pathname: current.slice(0, q), search: current.slice(q) };
}

function isPlainLeftClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
  children: ReactNode;
}

/** A real `<a href>` (middle-click, copy link and screen readers work) that navigates in-app. */
export function Link({ to, onClick, target, children, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={to}
      target={target}
      onClick={(event) => {
        onClick?.(event);
        if (
          event.defaultPrevented ||
          !isPlainLeftClick(event) ||
          (target !== undefined && target !== '_self')
        )
          return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
