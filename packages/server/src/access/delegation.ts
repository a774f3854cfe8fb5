import { type Role, roleWithin } from '@veil/core';
import { z } from 'zod';
import { canSeeSite, type Principal } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import type { Store } from '../storage/Store.js';

/** `null` (or absent): every site; a list of site keys: only those. */
export const siteKeysSchema = z
  .array(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a site key'))
  .max(1000)
  .nullable()
  .describe('site keys this user or token is restricted to; null for every site');

/**
 * Nobody hands out more than they hold: a role whose permissions are all the granter's, and sites
 * the granter can see. (So an admin, who cannot watch raw replays, cannot create a replay viewer.)
 */
export function assertMayGrantRole(granter: Principal, role: Role): void {
  if (!roleWithin(role, granter.role)) {
    throw new VeilError(
      'forbidden',
      `a ${granter.role} cannot grant the ${role} role: it carries permissions you lack`,
    );
  }
}

/**
 * Resolves site keys to ids. A key of no site and a key of a site beyond the granter's answer the
 * same 404; "every site" (`null`) beyond the granter's is a 403 (it names no site).
 */
export async function resolveGrantedSites(
  store: Store,
  granter: Principal,
  siteKeys: readonly string[] | null,
): Promise<string[] | null> {
  if (siteKeys === null) {
    if (granter.sites !== 'all') throw new VeilError('forbidden', 'you can only grant the sites you have');
    return null;
  }
  const ids: string[] = [];
  for (const key of siteKeys) {
    const site = await store.sites.findByKey(key);
    // Another site's key answers exactly like a key no site has: a restricted granter must not
    // learn which other sites exist (404, as every route of a site the caller lacks).
    if (!site || !canSeeSite(granter, site.id))
      throw new VeilError('not_found', `sites: no site has the key ${key}`);
    ids.push(site.id);
  }
  return ids;
}

/** Site ids back to keys, for responses and audit details. */
export async function siteKeysOf(store: Store, siteIds: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const id of siteIds) {
    const site = await store.sites.findById(id);
    if (site) keys.push(site.siteKey);
  }
  return keys.sort();
}
