import { paths } from '../router/routes';

/** The session list URL (with its filters) last shown per site, so "back" from a replay keeps them. */
const lastListUrls = new Map<string, string>();

export function rememberSessionListUrl(siteKey: string, search: string): void {
  lastListUrls.set(siteKey, paths.sessions(siteKey, search));
}

export function sessionListUrl(siteKey: string): string {
  return lastListUrls.get(siteKey) ?? paths.sessions(siteKey);
}
