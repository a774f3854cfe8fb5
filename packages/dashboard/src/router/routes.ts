/** The dashboard's screens, matched from `location.pathname`. */
export type Route =
  | { name: 'sites' }
  | { name: 'sessions'; siteKey: string }
  | { name: 'heatmaps'; siteKey: string }
  | { name: 'funnels'; siteKey: string }
  | { name: 'overview'; siteKey: string }
  | { name: 'replay'; sessionId: string }
  | { name: 'consent'; siteKey: string }
  | { name: 'compliance'; siteKey: string }
  | { name: 'inventory'; siteKey: string }
  | { name: 'privacy'; siteKey: string }
  | { name: 'privacyPreview'; siteKey: string }
  | { name: 'privacyRequests' }
  | { name: 'incidents'; siteKey: string }
  | { name: 'alertSinks'; siteKey: string }
  | { name: 'alertInbox'; siteKey: string }
  | { name: 'audit' }
  | { name: 'accessReport' }
  | { name: 'users' }
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
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'heatmaps') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'heatmaps', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'funnels') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'funnels', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'overview') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'overview', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'consent') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'consent', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'compliance') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'compliance', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'inventory') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'inventory', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'privacy') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'privacy', siteKey };
  }
  if (parts.length === 4 && parts[0] === 'sites' && parts[2] === 'privacy' && parts[3] === 'preview') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'privacyPreview', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'incidents') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'incidents', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'alerts') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'alertSinks', siteKey };
  }
  if (parts.length === 3 && parts[0] === 'sites' && parts[2] === 'inbox') {
    const siteKey = segment(parts[1] ?? '');
    if (siteKey !== null) return { name: 'alertInbox', siteKey };
  }
  if (parts.length === 1 && parts[0] === 'privacy-requests') return { name: 'privacyRequests' };
  if (parts.length === 1 && parts[0] === 'audit') return { name: 'audit' };
  if (parts.length === 2 && parts[0] === 'audit' && parts[1] === 'access') return { name: 'accessReport' };
  if (parts.length === 1 && parts[0] === 'users') return { name: 'users' };
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
  heatmaps: (siteKey: string, search = ''): string =>
    `/sites/${encodeURIComponent(siteKey)}/heatmaps${search}`,
  funnels: (siteKey: string, search = ''): string => `/sites/${encodeURIComponent(siteKey)}/funnels${search}`,
  overview: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/overview`,
  consent: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/consent`,
  compliance: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/compliance`,
  privacy: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/privacy`,
  inventory: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/inventory`,
  privacyPreview: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/privacy/preview`,
  privacyRequests: (): string => '/privacy-requests',
  incidents: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/incidents`,
  alertSinks: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/alerts`,
  alertInbox: (siteKey: string): string => `/sites/${encodeURIComponent(siteKey)}/inbox`,
  audit: (): string => '/audit',
  accessReport: (): string => '/audit/access',
  users: (): string => '/users',
} as const;
