/** The dashboard's screens, matched from `location.pathname`. */
export type Route =
  | { name: 'sites' }
  | { name: 'sessions'; siteKey: string }
  | { name: 'replay'; sessionId: string }
  | { name: 'notFound' };

function segment(value: string): string | null {
  try {
    const decoded = decodeURIComponent(value);
    return decoded === '' ? null : decoded;
  } catch {
    return null;
  }
}

export function matchRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts.length === 0) return { name: 'sites' };
  if (parts.length === 1 && parts[0] === 'sites') return { name: 'sites' };
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'sessions') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'sessions', siteKey };
  }
  if (parts.length === 2 && parts[0] === 'sessions') {
    const sessionId = segment(parts[1] ?? '');
    if (sessionId !== null) return { name: 'replay', sessionId };
  }
  return { name: 'notFound' };
}

/** Path builders: the one place that spells the dashboard's URLs. */
export const paths = {
  sites: (): string => '/',
  sessions: (siteKey: string, search = ''): string =>
    `/sites/${encodeURIComponent(siteKey)}/sessions${search}`,
  replay: (sessionId: string): string => `/sessions/${encodeURIComponent(sessionId)}`,
} as const;
