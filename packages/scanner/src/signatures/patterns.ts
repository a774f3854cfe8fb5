import { pathMatchesPattern } from '@veil/core';

const ANY_DEPTH = '/**/';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A cookie, storage key or database name against a pattern where `*` matches any text. */
export function nameMatches(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  return new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's').test(name);
}

/**
 * A URL path against a signature path: core's page patterns (`*` within one segment, `**` any
 * rest), and a leading `**` segment that lets the rest match at any depth (a self-hosted
 * tracker under a prefix: `/**` + `/matomo.js` matches `/matomo.js` and `/stats/matomo.js`).
 */
export function pathMatches(path: string, pattern: string): boolean {
  if (!pattern.startsWith(ANY_DEPTH)) return pathMatchesPattern(path, pattern);
  const rest = `/${pattern.slice(ANY_DEPTH.length)}`;
  const segments = path.replace(/^\/+/, '').split('/');
  for (let i = 0; i < segments.length; i++) {
    if (pathMatchesPattern(`/${segments.slice(i).join('/')}`, rest)) return true;
  }
  return false;
}

/** `host`, or `*.domain` (the domain itself and every subdomain). Case-insensitive. */
export function hostMatches(hostname: string, pattern: string): boolean {
  const host = hostname.toLowerCase();
  const p = pattern.toLowerCase();
  if (!p.startsWith('*.')) return host === p;
  const domain = p.slice(2);
  return host === domain || host.endsWith(`.${domain}`);
}

/** A URL against a signature host pattern: `host`, `*.domain`, either followed by `/path-glob`. */
export function urlMatchesHostPattern(url: URL, pattern: string): boolean {
  const slash = pattern.indexOf('/');
  if (slash === -1) return hostMatches(url.hostname, pattern);
  return (
    hostMatches(url.hostname, pattern.slice(0, slash)) && pathMatches(url.pathname, pattern.slice(slash))
  );
}
